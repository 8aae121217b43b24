// Orders in the Schwab Advisor Trading API's documented shape ("AS Trading API" 1.0.2,
// SubmitOrdersRequest / EquityOrderItem / TaxLot / LotInfo; ../shared/design/custodian-formats.md
// §2c and §8). Sells name their lots "versus purchase": purchase date, quantity and price per share,
// under taxLotMethod "SpecificLot"; a sell naming no lot sends "None" (the account's default),
// because live sells without a taxLot are refused. Quantities and prices go out as JSON numbers
// written from their decimal text, never through a float.
import { createHash } from "node:crypto";
import { Decimal } from "../domain/decimal.ts";
import { err, ok, type Result } from "../domain/result.ts";
import type { OrderAccount, VenueOrder } from "../ports/trading-venue.ts";

/** Schwab's numbers for an account: the advisor's master account and the client account. */
export interface SchwabAccountRef {
  masterAccount: string;
  account: string;
}

type LotInfo = { purchaseDate: string; quantity: Decimal; purchasePrice: Decimal };

export interface EquityOrderItem {
  clientOrderIdentifier: string;
  masterAccount: Decimal;
  account: Decimal;
  quantity: Decimal;
  securityIdentifier: { type: "Symbol"; value: string };
  transactionType:
    | { type: "Buy" }
    | {
        type: "Sell";
        taxLot: { taxLotMethod: "SpecificLot"; taxLotInfoList: LotInfo[] } | { taxLotMethod: "None" };
      };
  orderType:
    | { type: "Market"; market: { duration: "Day" } }
    | { type: "Limit"; limit: { duration: "Day"; limitPrice: Decimal } };
  qualifier: { allOrNone: boolean; doNotReduce: boolean };
}

export interface SubmitOrdersRequest {
  validateOnly: boolean;
  shouldOverrideWarnings: boolean;
  equityOrderItems: EquityOrderItem[];
}

// OrderAmount: up to 13 digits and 5 decimals; OrderPrice: up to 9 and 9.
const ORDER_AMOUNT = { digits: 13, places: 5 };
const ORDER_PRICE = { digits: 9, places: 9 };
/** Schwab's cost-basis data carries cost per share to 4 places; lots are named at that precision. */
const PURCHASE_PRICE_PLACES = 4;

export function submitOrderRequest(
  order: VenueOrder,
  ref: SchwabAccountRef,
): Result<SubmitOrdersRequest, string> {
  const item = equityOrderItem(order, ref);
  return item.ok
    ? ok({ validateOnly: false, shouldOverrideWarnings: false, equityOrderItems: [item.value] })
    : item;
}

export function equityOrderItem(order: VenueOrder, ref: SchwabAccountRef): Result<EquityOrderItem, string> {
  const symbol = order.security.symbol;
  if (!fits(order.quantity, ORDER_AMOUNT)) {
    return err(
      `Schwab takes quantities of at most 5 decimal places; the order is for ${order.quantity} ${symbol}`,
    );
  }
  const { limitPrice } = order;
  if (limitPrice !== null && !fits(limitPrice, ORDER_PRICE)) {
    return err(`the limit price ${limitPrice} does not fit Schwab's price format`);
  }
  let transactionType: EquityOrderItem["transactionType"] = { type: "Buy" };
  if (order.side === "sell") {
    const lots = taxLotInfoList(order);
    if (!lots.ok) return lots;
    transactionType = {
      type: "Sell",
      taxLot:
        lots.value.length > 0
          ? { taxLotMethod: "SpecificLot", taxLotInfoList: lots.value }
          : { taxLotMethod: "None" },
    };
  }
  return ok({
    clientOrderIdentifier: clientOrderIdentifierOf(order.idempotencyKey),
    masterAccount: new Decimal(ref.masterAccount),
    account: new Decimal(ref.account),
    quantity: order.quantity,
    securityIdentifier: { type: "Symbol", value: symbol },
    transactionType,
    orderType:
      limitPrice === null
        ? { type: "Market", market: { duration: "Day" } }
        : { type: "Limit", limit: { duration: "Day", limitPrice } },
    qualifier: { allOrNone: false, doNotReduce: false },
  });
}

function taxLotInfoList(order: VenueOrder): Result<LotInfo[], string> {
  const list: LotInfo[] = [];
  for (const lot of order.lots) {
    if (lot.tradeDate === null || lot.heldQuantity === null || lot.heldQuantity.isZero()) {
      return err(
        `lot ${lot.lotKey} is not in the account's latest holdings, so it cannot be named to Schwab`,
      );
    }
    if (lot.costBasis === null) {
      return err(`lot ${lot.lotKey} has no cost basis; Schwab identifies a lot by purchase date and price`);
    }
    if (!fits(lot.quantity, ORDER_AMOUNT)) {
      return err(
        `lot ${lot.lotKey}: Schwab takes quantities of at most 5 decimal places, not ${lot.quantity}`,
      );
    }
    list.push({
      purchaseDate: lot.tradeDate,
      quantity: lot.quantity,
      purchasePrice: lot.costBasis.div(lot.heldQuantity).toDecimalPlaces(PURCHASE_PRICE_PLACES),
    });
  }
  return ok(list);
}

function fits(value: Decimal, format: { digits: number; places: number }): boolean {
  return (
    !value.isNegative() &&
    value.decimalPlaces() <= format.places &&
    value.truncated().toFixed().length <= format.digits
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/**
 * Schwab refuses a clientOrderIdentifier it has seen before, so the same one on every attempt is
 * what keeps a retry from placing a second order. It must be a GUID: an idempotency key that is
 * one is used as is, any other is hashed into one (version-4 layout), the same every time.
 */
export function clientOrderIdentifierOf(idempotencyKey: string): string {
  if (UUID.test(idempotencyKey)) return idempotencyKey.toLowerCase();
  const hex = createHash("sha256").update(`lotwise-order:${idempotencyKey}`).digest("hex");
  const variant = ((Number.parseInt(hex.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The account's Schwab numbers: Account.custodianRef as "<master>/<account>" (or "<account>" with
 * the configured master account). Without one, stable numbers derived from the account id, so the
 * demo book (which has no real account numbers) can be run against a sandbox or the test fake; a
 * real account sent these is refused by Schwab as not authorised.
 */
export function schwabAccountRefOf(
  account: OrderAccount,
  masterAccount: string | null,
): SchwabAccountRef | null {
  const ref = account.custodianRef?.trim();
  if (ref) {
    const both = /^(\d{1,18})\s*[/:]\s*(\d{1,18})$/.exec(ref);
    if (both?.[1] && both[2]) return { masterAccount: both[1], account: both[2] };
    if (/^\d{1,18}$/.test(ref) && masterAccount) return { masterAccount, account: ref };
    return null;
  }
  return { masterAccount: masterAccount ?? digitsOf("lotwise-master", 7), account: digitsOf(account.id, 8) };
}

function digitsOf(text: string, length: number): string {
  const hash = BigInt(`0x${createHash("sha256").update(text).digest("hex").slice(0, 15)}`);
  const span = 10n ** BigInt(length - 1);
  return (span + (hash % (9n * span))).toString();
}

/** JSON with Decimal values written as JSON numbers, digit for digit. */
export function toJsonWithDecimals(value: unknown): string {
  if (Decimal.isDecimal(value)) return (value as Decimal).toFixed();
  if (Array.isArray(value)) return `[${value.map(toJsonWithDecimals).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const fields = Object.entries(value).filter(([, field]) => field !== undefined);
    return `{${fields.map(([key, field]) => `${JSON.stringify(key)}:${toJsonWithDecimals(field)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
