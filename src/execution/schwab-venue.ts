// The Schwab Advisor Trading API ("AS Trading API" 1.0.2; custodian-formats.md §2c, §8): POST
// {base}/orders places an order and answers synchronously with Schwab's order number, POST
// {base}/orders/status reports its state. Headers per the spec: bearer token,
// Schwab-Client-CorrelId (a GUID per call), Schwab-Resource-Version 1.
//
// Retries never duplicate: every attempt sends the same clientOrderIdentifier (schwab-order.ts), and
// Schwab refuses one it has seen. When a retry is refused, the first attempt may have been placed
// with its answer lost (a timeout, a 5xx), so the order is looked up by account, symbol, side and
// quantity; found, it is that order.
import { randomUUID } from "node:crypto";
import { Decimal } from "../domain/decimal.ts";
import { parseIsoDate } from "../domain/iso-date.ts";
import { marketDate } from "../domain/market-date.ts";
import type { TradingVenue, VenueContext, VenueOrder, VenueOutcome } from "../ports/trading-venue.ts";
import { fillTransactions } from "./apply-fill.ts";
import {
  clientOrderIdentifierOf,
  type SchwabAccountRef,
  schwabAccountRefOf,
  submitOrderRequest,
  toJsonWithDecimals,
} from "./schwab-order.ts";

export interface SchwabVenueOptions {
  /** The Trading API base, e.g. https://api.schwabapi.com/as-integration/trading/v1 (config.schwab.traderApiUrl). */
  baseUrl: string;
  accessToken: string;
  /** The advisor's master account, for accounts whose custodianRef holds only the account number. */
  masterAccount?: string | null;
  /** Per call; a call that takes longer counts as unanswered (retried with the same identifier). */
  timeoutMs?: number;
  /** How an account maps to Schwab's numbers; null refuses the order. Default: schwabAccountRefOf. */
  accountRef?: (order: VenueOrder) => SchwabAccountRef | null;
}

/** 4xx answers that say nothing about the order itself: try again later rather than refuse it. */
const RETRYABLE_STATUSES = new Set([401, 403, 408, 425, 429]);
const LOOKUP_MARGIN_MS = 24 * 60 * 60 * 1000;

type Answer = { status: number; body: unknown };

export function createSchwabVenue(options: SchwabVenueOptions): TradingVenue {
  const base = options.baseUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 30_000;
  const accountRef =
    options.accountRef ??
    ((order: VenueOrder) => schwabAccountRefOf(order.account, options.masterAccount ?? null));

  const post = async (path: string, body: unknown): Promise<Answer> => {
    const response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${options.accessToken}`,
        "Schwab-Client-CorrelId": randomUUID(),
        "Schwab-Resource-Version": "1",
        "Content-Type": "application/json",
        Accept: "application/vnd.api+json, application/json",
      },
      body: toJsonWithDecimals(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, body: parseJson(text) };
  };

  const orderStatuses = async (
    ref: SchwabAccountRef,
    filter: { orderNumbers?: string[]; symbol?: string },
    order: VenueOrder,
    context: VenueContext,
  ): Promise<{ ok: true; details: StatusDetail[] } | { ok: false; error: string }> => {
    let answer: Answer;
    try {
      answer = await post("/orders/status", {
        masterAccount: new Decimal(ref.masterAccount),
        account: new Decimal(ref.account),
        ...(filter.orderNumbers ? { orderNumbers: filter.orderNumbers.map((n) => new Decimal(n)) } : {}),
        ...(filter.symbol ? { symbol: [filter.symbol] } : {}),
        fromDate: new Date(order.createdAt.getTime() - LOOKUP_MARGIN_MS).toISOString(),
        toDate: new Date(context.now.getTime() + LOOKUP_MARGIN_MS).toISOString(),
      });
    } catch (error) {
      return { ok: false, error: `Schwab order status unreachable: ${describe(error)}` };
    }
    if (answer.status !== 200) {
      return {
        ok: false,
        error: `Schwab order status answered ${answer.status}: ${errorDetail(answer.body)}`,
      };
    }
    const attributes = field(field(answer.body, "data"), "attributes");
    const details = field(attributes, "equityOrderStatusDetails");
    return { ok: true, details: Array.isArray(details) ? details.map(toStatusDetail) : [] };
  };

  return {
    name: "schwab",

    async submit(order, context) {
      const ref = accountRef(order);
      if (!ref) {
        return {
          kind: "rejected",
          reason: `account ${order.account.id} has no Schwab account number on file`,
        };
      }
      const request = submitOrderRequest(order, ref);
      if (!request.ok) return { kind: "rejected", reason: request.error };
      let answer: Answer;
      try {
        answer = await post("/orders", request.value);
      } catch (error) {
        return { kind: "unavailable", error: `Schwab unreachable: ${describe(error)}` };
      }
      if (answer.status >= 500 || RETRYABLE_STATUSES.has(answer.status)) {
        return {
          kind: "unavailable",
          error: `Schwab answered ${answer.status}: ${errorDetail(answer.body)}`,
        };
      }
      if (answer.status !== 200) {
        return {
          kind: "rejected",
          reason: `Schwab refused the order (${answer.status}): ${errorDetail(answer.body)}`,
        };
      }
      const clientOrderIdentifier = clientOrderIdentifierOf(order.idempotencyKey);
      const results = field(field(field(answer.body, "data"), "attributes"), "orderResults");
      const result = Array.isArray(results)
        ? results.find((r) => field(r, "clientOrderIdentifier") === clientOrderIdentifier)
        : undefined;
      if (result === undefined) {
        return { kind: "unavailable", error: "Schwab's answer has no result for the order" };
      }
      const orderNumber = idText(field(result, "orderNumber"));
      if (field(result, "isOrderAccepted") === true && orderNumber) {
        return {
          kind: "submitted",
          custodianOrderId: orderNumber,
          message: `Placed with Schwab as order ${orderNumber}`,
        };
      }
      const reason = validationMessages(field(result, "validationErrors")) || "no reason given";
      if (order.attempt > 1) {
        const placed = await findEarlierPlacement(order, ref, context);
        if (placed) return placed;
      }
      return { kind: "rejected", reason: `Schwab refused the order: ${reason}` };
    },

    async poll(order, context) {
      const ref = accountRef(order);
      const orderNumber = order.custodianOrderId;
      if (!ref || !orderNumber) return { kind: "unavailable", error: "the order has no Schwab order number" };
      const found = await orderStatuses(ref, { orderNumbers: [orderNumber] }, order, context);
      if (!found.ok) return { kind: "unavailable", error: found.error };
      const detail = found.details.find((d) => d.orderNumber === orderNumber);
      if (!detail) return working(orderNumber, "not yet in Schwab's order status");
      return outcomeOf(order, detail, context);
    },
  };

  /** Refused on a retry: was the order placed by an attempt whose answer never arrived? */
  async function findEarlierPlacement(
    order: VenueOrder,
    ref: SchwabAccountRef,
    context: VenueContext,
  ): Promise<VenueOutcome | null> {
    const found = await orderStatuses(ref, { symbol: order.security.symbol }, order, context);
    if (!found.ok) return { kind: "unavailable", error: found.error };
    const side = order.side === "buy" ? "buy" : "sell";
    const matches = found.details.filter(
      (d) =>
        d.symbol?.toUpperCase() === order.security.symbol.toUpperCase() &&
        d.transactionType?.toLowerCase() === side &&
        d.quantity?.equals(order.quantity) === true,
    );
    const [match, ...others] = matches;
    if (!match) return null;
    if (others.length > 0) {
      return {
        kind: "rejected",
        reason: `Schwab refused a retry as a duplicate and ${matches.length} orders match it (${matches.map((m) => m.orderNumber).join(", ")}); reconcile by hand`,
      };
    }
    return {
      kind: "submitted",
      custodianOrderId: match.orderNumber,
      message: `Placed with Schwab as order ${match.orderNumber} (an earlier attempt went through)`,
    };
  }
}

interface StatusDetail {
  orderNumber: string;
  status: string;
  symbol: string | null;
  transactionType: string | null;
  quantity: Decimal | null;
  actualPrice: Decimal | null;
  enterDateTime: string | null;
}

function outcomeOf(order: VenueOrder, detail: StatusDetail, context: VenueContext): VenueOutcome {
  const status = detail.status.toLowerCase().replace(/[^a-z]/g, "");
  const id = detail.orderNumber;
  if (status.includes("partial")) {
    return {
      kind: "partially-filled",
      custodianOrderId: id,
      fills: [],
      message: `Schwab order ${id}: ${detail.status}`,
    };
  }
  if (status.startsWith("filled") || status === "executed") {
    const price = detail.actualPrice;
    if (!price || price.isZero()) return working(id, `${detail.status}, price not yet reported`);
    const quantity = detail.quantity ?? order.quantity;
    const fill = {
      externalId: `schwab:${id}`,
      quantity,
      price,
      filledAt: context.now,
      tradeDate: parseIsoDate(detail.enterDateTime?.slice(0, 10) ?? "") ?? marketDate(context.now),
    };
    return {
      kind: "filled",
      custodianOrderId: id,
      fills: [fill],
      updateBook: () => ({ holdings: null, transactions: fillTransactions(order, fill), source: "schwab" }),
      message: `${order.side === "buy" ? "Bought" : "Sold"} ${quantity} ${order.security.symbol} at ${price} (Schwab order ${id})`,
    };
  }
  if (/cancel|expire|reject/.test(status)) {
    return { kind: "cancelled", custodianOrderId: id, reason: `Schwab order ${id} is ${detail.status}` };
  }
  return working(id, detail.status);
}

function working(orderNumber: string, state: string): VenueOutcome {
  return {
    kind: "submitted",
    custodianOrderId: orderNumber,
    message: `Schwab order ${orderNumber}: ${state}`,
  };
}

function toStatusDetail(raw: unknown): StatusDetail {
  const text = (key: string) => {
    const value = field(raw, key);
    return typeof value === "string" ? value : null;
  };
  return {
    orderNumber: idText(field(raw, "orderNumber")) ?? "",
    status: text("status") ?? "",
    symbol: text("symbol"),
    transactionType: text("transactionType"),
    quantity: decimalOf(field(raw, "quantity")),
    actualPrice: decimalOf(field(raw, "actualPrice")),
    enterDateTime: text("enterDateTime"),
  };
}

/**
 * Schwab sends JSON numbers. A number's shortest decimal form is the text it was sent as for up to
 * 15 significant digits, which every price and share quantity here is.
 */
function decimalOf(value: unknown): Decimal | null {
  if (typeof value === "number" && Number.isFinite(value)) return new Decimal(String(value));
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return new Decimal(value.trim());
  return null;
}

/** Order and account numbers are int64 in the spec; some answers send them as strings. */
function idText(value: unknown): string | null {
  if (typeof value === "number" && Number.isSafeInteger(value)) return String(value);
  if (typeof value === "string" && /^\d+$/.test(value)) return value;
  return null;
}

function validationMessages(errors: unknown): string {
  if (!Array.isArray(errors)) return "";
  return errors
    .map((e) => [field(e, "code"), field(e, "message")].filter((part) => typeof part === "string").join(": "))
    .filter((message) => message !== "")
    .join("; ");
}

/** The spec's error body: {errors: [{status, title, detail, source}]}. */
function errorDetail(body: unknown): string {
  const errors = field(body, "errors");
  if (!Array.isArray(errors) || errors.length === 0) return "no details";
  return errors
    .map((e) => {
      const title = field(e, "title");
      const detail = field(e, "detail");
      return [title, detail]
        .filter((part): part is string => typeof part === "string")
        .map((part) => part.trim())
        .join(": ");
    })
    .join("; ");
}

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined;
}

function parseJson(text: string): unknown {
  try {
    return text === "" ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "timed out";
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}
