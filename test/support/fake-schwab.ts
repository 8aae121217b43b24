// A local stand-in for the Schwab Advisor Trading API ("AS Trading API" 1.0.2): POST /orders and
// POST /orders/status, checked against the spec's schemas (unknown or malformed fields are a 400
// with the spec's error body), the spec's headers required, and a clientOrderIdentifier refused once
// used, as Schwab does. Tests script failures (a 500 or a hang, with or without placing the order)
// and read back every request and every order placed.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeOrder {
  orderNumber: number;
  clientOrderIdentifier: string;
  masterAccount: number;
  account: number;
  symbol: string;
  transactionType: "Buy" | "Sell" | "SellShort";
  quantity: number;
  taxLot: unknown;
  orderType: string;
  enterDateTime: string;
  status: string;
  actualPrice: number | null;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** What a coming POST /orders (the next one, or the next for `symbol`) does instead of answering normally. */
export type SubmitScript = { symbol?: string } & (
  | { kind: "error"; status: 500 | 502 | 503; placeFirst: boolean }
  | { kind: "hang"; ms: number; placeFirst: boolean }
  | { kind: "reject"; status: 400 | 404; detail: string }
);

export interface FakeSchwab {
  /** The Trading API base to configure (…/trading/v1). */
  url: string;
  token: string;
  requests: RecordedRequest[];
  orders: FakeOrder[];
  /** Scripted behaviours for the coming POST /orders, first in first out. */
  script: SubmitScript[];
  /** Symbols whose orders fill (at this price) when their status is next read; others stay "Open". */
  fillPrices: Map<string, number>;
  /** Symbols refused with a validation error (200, isOrderAccepted false), with Schwab's message. */
  refuse: Map<string, string>;
  submits(): RecordedRequest[];
  close(): Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const ORDER_AMOUNT = /^(0|\d{0,13})(\.\d{1,5})?$/;
const ORDER_PRICE = /^(0|\d{0,9})(\.\d{1,9})?$/;
const DURATIONS = [
  "Day",
  "GoodTillCancel",
  "DayPlusExtended",
  "ExtendedHoursAM",
  "ExtendedHoursPM",
  "GoodTillDate",
  "GoodTillDateExtended",
];
const TAX_LOT_METHODS = [
  "None",
  "FIFO",
  "LIFO",
  "HighCost",
  "LowCost",
  "MinimumTax",
  "AverageCost",
  "SpecificLot",
];

export async function startFakeSchwab(
  options: { token?: string; now?: () => Date } = {},
): Promise<FakeSchwab> {
  const token = options.token ?? "test-token";
  const now = options.now ?? (() => new Date());
  const requests: RecordedRequest[] = [];
  const orders: FakeOrder[] = [];
  const script: SubmitScript[] = [];
  const fillPrices = new Map<string, number>();
  const refuse = new Map<string, string>();
  let nextOrderNumber = 837_169_683;

  const server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = (req.url ?? "").replace(/^\/trading\/v1/, "");
    let body: unknown = null;
    try {
      body = raw === "" ? null : JSON.parse(raw);
    } catch {
      body = undefined;
    }
    requests.push({ method: req.method ?? "", path, headers: req.headers, body });
    if (req.headers.authorization !== `Bearer ${token}`) {
      return send(res, 401, {
        errors: [{ id: randomUUID(), status: "401", title: "Unauthorized", code: "SEC-0001" }],
      });
    }
    const headerProblem = checkHeaders(req);
    if (headerProblem) return badRequest(res, headerProblem);
    if (body === undefined) return badRequest(res, { detail: "The request body is not JSON.", pointer: "" });
    if (req.method === "POST" && path === "/orders") return submit(body, res);
    if (req.method === "POST" && path === "/orders/status") return status(body, res);
    return send(res, 404, {
      errors: [{ id: randomUUID(), status: "404", title: "Not Found", code: "SEC-0002" }],
    });
  });

  const place = (item: Record<string, unknown>): FakeOrder => {
    const transactionType = item.transactionType as Record<string, unknown>;
    const order: FakeOrder = {
      orderNumber: nextOrderNumber++,
      clientOrderIdentifier: item.clientOrderIdentifier as string,
      masterAccount: item.masterAccount as number,
      account: item.account as number,
      symbol: (item.securityIdentifier as { value: string }).value,
      transactionType: transactionType.type as FakeOrder["transactionType"],
      quantity: item.quantity as number,
      taxLot: transactionType.taxLot ?? null,
      orderType: (item.orderType as { type: string }).type,
      enterDateTime: newYorkTime(now()),
      status: "Open",
      actualPrice: null,
    };
    orders.push(order);
    return order;
  };

  const submit = async (body: unknown, res: ServerResponse) => {
    const problem = checkSubmitRequest(body);
    if (problem) return badRequest(res, problem);
    const request = body as { validateOnly: boolean; equityOrderItems?: Record<string, unknown>[] };
    const items = request.equityOrderItems ?? [];
    const symbols = items.map((item) => (item.securityIdentifier as { value: string }).value);
    const next = script.findIndex((s) => s.symbol === undefined || symbols.includes(s.symbol));
    const scripted = next < 0 ? undefined : script.splice(next, 1)[0];
    if (scripted?.kind === "reject") {
      return send(res, scripted.status, {
        errors: [
          { id: randomUUID(), status: scripted.status, title: "Bad Request", detail: scripted.detail },
        ],
      });
    }
    if (scripted && !scripted.placeFirst) {
      // Fails before anything is placed.
      if (scripted.kind === "hang") await sleep(scripted.ms);
      return send(res, scripted.kind === "error" ? scripted.status : 504, null);
    }
    const results = items.map((item) => {
      const reason = businessProblem(item, request.validateOnly);
      if (reason) {
        return {
          clientOrderIdentifier: item.clientOrderIdentifier,
          isOrderAccepted: false,
          validationErrors: [{ severity: true, ...reason }],
        };
      }
      const order = request.validateOnly ? null : place(item);
      return {
        clientOrderIdentifier: item.clientOrderIdentifier,
        ...(order ? { orderNumber: order.orderNumber } : {}),
        isOrderAccepted: true,
        validationErrors: [],
      };
    });
    // Placed, and the answer lost or late.
    if (scripted?.kind === "error") return send(res, scripted.status, null);
    if (scripted?.kind === "hang") await sleep(scripted.ms);
    const accepted = results.filter((r) => r.isOrderAccepted).length;
    return send(res, 200, {
      data: {
        id: randomUUID(),
        type: "submit-order-response",
        attributes: {
          totalCount: results.length,
          successfulCount: accepted,
          fatalErrorCount: results.length - accepted,
          informationalCount: 0,
          orderResults: results,
        },
      },
    });
  };

  const businessProblem = (item: Record<string, unknown>, validateOnly: boolean) => {
    const id = item.clientOrderIdentifier as string;
    if (orders.some((o) => o.clientOrderIdentifier === id)) {
      return { code: "ORD-1042", message: "The client order identifier has already been used." };
    }
    const symbol = (item.securityIdentifier as { value: string }).value;
    const refused = refuse.get(symbol);
    if (refused) return { code: "ORD-2001", message: refused };
    const transactionType = item.transactionType as { type: string; taxLot?: Record<string, unknown> };
    if (transactionType.type === "Sell" && !validateOnly && !transactionType.taxLot) {
      return { code: "ORD-3001", message: "A tax lot method is required for sell orders." };
    }
    const lots = transactionType.taxLot?.taxLotInfoList as { quantity: number }[] | undefined;
    if (transactionType.taxLot?.taxLotMethod === "SpecificLot") {
      const total = (lots ?? []).reduce((sum, lot) => sum + Math.round(lot.quantity * 1e5), 0);
      if (total !== Math.round((item.quantity as number) * 1e5)) {
        return { code: "ORD-3002", message: "The specific lots do not add up to the order quantity." };
      }
    }
    return null;
  };

  const status = (body: unknown, res: ServerResponse) => {
    const problem = checkStatusRequest(body);
    if (problem) return badRequest(res, problem);
    const filter = body as {
      account: number;
      masterAccount?: number;
      orderNumbers?: number[];
      symbol?: string[];
    };
    const found = orders.filter(
      (o) =>
        o.account === filter.account &&
        (filter.masterAccount === undefined || o.masterAccount === filter.masterAccount) &&
        (!filter.orderNumbers || filter.orderNumbers.includes(o.orderNumber)) &&
        (!filter.symbol || filter.symbol.includes(o.symbol)),
    );
    for (const order of found) {
      const price = fillPrices.get(order.symbol);
      if (order.status === "Open" && price !== undefined) {
        order.status = "Filled";
        order.actualPrice = price;
      }
    }
    return send(res, 200, {
      data: {
        id: randomUUID(),
        type: "order-status-response",
        attributes: {
          totalOrders: found.length,
          equityOrderStatusDetails: found.map((o) => ({
            advisorId: "lotwise",
            orderNumber: o.orderNumber,
            masterAccount: o.masterAccount,
            account: o.account,
            status: o.status,
            enterDateTime: o.enterDateTime,
            symbol: o.symbol,
            quantity: o.quantity,
            ...(o.actualPrice === null ? {} : { actualPrice: o.actualPrice }),
            transactionType: o.transactionType,
            taxLotMethod: (o.taxLot as { taxLotMethod?: string } | null)?.taxLotMethod ?? "NONE",
            orderType: o.orderType,
            duration: "Day",
          })),
          validationErrors: [],
        },
      },
    });
  };

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/trading/v1`,
    token,
    requests,
    orders,
    script,
    fillPrices,
    refuse,
    submits: () => requests.filter((r) => r.method === "POST" && r.path === "/orders"),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

// ----- The spec's schemas, as checks that name the first offending field -----

type Problem = { detail: string; pointer: string };

function checkHeaders(req: IncomingMessage): Problem | null {
  const correlId = req.headers["schwab-client-correlid"];
  if (typeof correlId !== "string" || !UUID.test(correlId)) {
    return { detail: "Schwab-Client-CorrelId must be a GUID.", pointer: "header:Schwab-Client-CorrelId" };
  }
  if (req.headers["schwab-resource-version"] !== "1") {
    return { detail: "Schwab-Resource-Version must be 1.", pointer: "header:Schwab-Resource-Version" };
  }
  return null;
}

function checkSubmitRequest(body: unknown): Problem | null {
  const shape = object(body, "", [
    "validateOnly",
    "shouldOverrideWarnings",
    "equityOrderItems",
    "mutualFundOrderItems",
  ]);
  if (shape) return shape;
  const request = body as Record<string, unknown>;
  if (typeof request.validateOnly !== "boolean")
    return at("/validateOnly", "validateOnly is required (boolean).");
  if (request.shouldOverrideWarnings !== undefined && request.shouldOverrideWarnings !== null) {
    if (typeof request.shouldOverrideWarnings !== "boolean")
      return at("/shouldOverrideWarnings", "must be a boolean.");
  }
  if (request.mutualFundOrderItems !== undefined)
    return at("/mutualFundOrderItems", "not supported by this fake.");
  const items = request.equityOrderItems;
  if (!Array.isArray(items) || items.length === 0)
    return at("/equityOrderItems", "at least one order is required.");
  if (items.length > 30) return at("/equityOrderItems", "at most 30 orders per request.");
  for (const [i, item] of items.entries()) {
    const problem = checkEquityOrderItem(item, `/equityOrderItems/${i}`);
    if (problem) return problem;
  }
  return null;
}

function checkEquityOrderItem(item: unknown, path: string): Problem | null {
  const shape = object(item, path, [
    "clientOrderIdentifier",
    "masterAccount",
    "account",
    "previousOrderNumber",
    "quantity",
    "securityIdentifier",
    "transactionType",
    "orderType",
    "qualifier",
  ]);
  if (shape) return shape;
  const o = item as Record<string, unknown>;
  if (typeof o.clientOrderIdentifier !== "string" || !UUID.test(o.clientOrderIdentifier)) {
    return at(`${path}/clientOrderIdentifier`, "must be a GUID.");
  }
  for (const key of ["masterAccount", "account"]) {
    if (!Number.isSafeInteger(o[key]) || (o[key] as number) <= 0)
      return at(`${path}/${key}`, "must be an int64.");
  }
  const quantity = amount(o.quantity, `${path}/quantity`, ORDER_AMOUNT);
  if (quantity) return quantity;
  const security = object(o.securityIdentifier, `${path}/securityIdentifier`, ["type", "value"]);
  if (security) return security;
  const sid = o.securityIdentifier as Record<string, unknown>;
  if (sid.type !== "Symbol" && sid.type !== "CUSIP")
    return at(`${path}/securityIdentifier/type`, "Symbol or CUSIP.");
  if (typeof sid.value !== "string" || sid.value === "")
    return at(`${path}/securityIdentifier/value`, "required.");
  const transactionType = checkTransactionType(o.transactionType, `${path}/transactionType`);
  if (transactionType) return transactionType;
  const orderType = checkOrderType(o.orderType, `${path}/orderType`);
  if (orderType) return orderType;
  if (o.qualifier !== undefined) {
    const qualifier = object(o.qualifier, `${path}/qualifier`, ["allOrNone", "doNotReduce"]);
    if (qualifier) return qualifier;
    for (const [key, value] of Object.entries(o.qualifier as Record<string, unknown>)) {
      if (value !== null && typeof value !== "boolean")
        return at(`${path}/qualifier/${key}`, "must be a boolean.");
    }
  }
  return null;
}

function checkTransactionType(value: unknown, path: string): Problem | null {
  const shape = object(value, path, ["type", "dividendReinvestment", "taxLot"]);
  if (shape) return shape;
  const t = value as Record<string, unknown>;
  if (!["Buy", "Sell", "SellShort"].includes(t.type as string))
    return at(`${path}/type`, "Buy, Sell or SellShort.");
  if (
    t.dividendReinvestment !== undefined &&
    !["None", "Reinvest", "Pay"].includes(t.dividendReinvestment as string)
  ) {
    return at(`${path}/dividendReinvestment`, "None, Reinvest or Pay.");
  }
  if (t.taxLot === undefined) return null;
  if (t.type !== "Sell") return at(`${path}/taxLot`, "applicable only to the Sell transaction type.");
  const taxLot = object(t.taxLot, `${path}/taxLot`, ["taxLotMethod", "taxLotInfoList"]);
  if (taxLot) return taxLot;
  const lot = t.taxLot as Record<string, unknown>;
  if (!TAX_LOT_METHODS.includes(lot.taxLotMethod as string))
    return at(`${path}/taxLot/taxLotMethod`, "unknown method.");
  if (lot.taxLotInfoList === undefined) {
    return lot.taxLotMethod === "SpecificLot"
      ? at(`${path}/taxLot/taxLotInfoList`, "required for SpecificLot.")
      : null;
  }
  if (!Array.isArray(lot.taxLotInfoList)) return at(`${path}/taxLot/taxLotInfoList`, "must be an array.");
  for (const [i, info] of lot.taxLotInfoList.entries()) {
    const lotPath = `${path}/taxLot/taxLotInfoList/${i}`;
    const lotShape = object(info, lotPath, ["purchaseDate", "quantity", "purchasePrice"]);
    if (lotShape) return lotShape;
    const l = info as Record<string, unknown>;
    if (typeof l.purchaseDate !== "string" || !DATE.test(l.purchaseDate)) {
      return at(`${lotPath}/purchaseDate`, "a date, YYYY-MM-DD.");
    }
    const lotQuantity = amount(l.quantity, `${lotPath}/quantity`, ORDER_AMOUNT);
    if (lotQuantity) return lotQuantity;
    const price = amount(l.purchasePrice, `${lotPath}/purchasePrice`, ORDER_PRICE);
    if (price) return price;
  }
  return null;
}

function checkOrderType(value: unknown, path: string): Problem | null {
  const shape = object(value, path, [
    "type",
    "market",
    "limit",
    "stop",
    "stopLimit",
    "trailingStop",
    "marketOnClose",
  ]);
  if (shape) return shape;
  const o = value as Record<string, unknown>;
  const kinds: Record<string, { key: string; fields: string[]; required: string[] }> = {
    Market: { key: "market", fields: ["duration"], required: [] },
    MarketOnClose: { key: "marketOnClose", fields: ["duration"], required: [] },
    Limit: { key: "limit", fields: ["duration", "durationDate", "limitPrice"], required: ["limitPrice"] },
    Stop: { key: "stop", fields: ["duration", "durationDate", "stopPrice"], required: ["stopPrice"] },
    StopLimit: {
      key: "stopLimit",
      fields: ["duration", "durationDate", "stopPrice", "limitPrice"],
      required: ["stopPrice", "limitPrice"],
    },
  };
  const kind = kinds[o.type as string];
  if (!kind) return at(`${path}/type`, "unsupported order type.");
  const detail = o[kind.key];
  if (detail === undefined) return kind.required.length > 0 ? at(`${path}/${kind.key}`, "required.") : null;
  const detailShape = object(detail, `${path}/${kind.key}`, kind.fields);
  if (detailShape) return detailShape;
  const d = detail as Record<string, unknown>;
  if (d.duration !== undefined && !DURATIONS.includes(d.duration as string)) {
    return at(`${path}/${kind.key}/duration`, "unknown duration.");
  }
  for (const key of kind.required) {
    const price = amount(d[key], `${path}/${kind.key}/${key}`, ORDER_PRICE);
    if (price) return price;
  }
  return null;
}

function checkStatusRequest(body: unknown): Problem | null {
  const shape = object(body, "", [
    "masterAccount",
    "account",
    "orderNumbers",
    "contingentIds",
    "orderStatus",
    "symbol",
    "assetType",
    "fromDate",
    "toDate",
  ]);
  if (shape) return shape;
  const b = body as Record<string, unknown>;
  if (!Number.isSafeInteger(b.account)) return at("/account", "account is required (int64).");
  for (const key of ["fromDate", "toDate"]) {
    if (typeof b[key] !== "string" || Number.isNaN(Date.parse(b[key] as string))) {
      return at(`/${key}`, `${key} is required (date-time).`);
    }
  }
  if (
    b.orderNumbers !== undefined &&
    !(Array.isArray(b.orderNumbers) && b.orderNumbers.every(Number.isSafeInteger))
  ) {
    return at("/orderNumbers", "an array of int64.");
  }
  if (b.symbol !== undefined && !(Array.isArray(b.symbol) && b.symbol.every((s) => typeof s === "string"))) {
    return at("/symbol", "an array of strings.");
  }
  return null;
}

function object(value: unknown, path: string, allowed: readonly string[]): Problem | null {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return at(path, "must be an object.");
  const unknown = Object.keys(value).find((key) => !allowed.includes(key));
  return unknown ? at(`${path}/${unknown}`, `unknown field ${unknown}.`) : null;
}

function amount(value: unknown, path: string, pattern: RegExp): Problem | null {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0 || !pattern.test(String(value))) {
    return at(path, `must be a positive number matching ${pattern.source}.`);
  }
  return null;
}

function at(pointer: string, detail: string): Problem {
  return { pointer, detail };
}

function badRequest(res: ServerResponse, problem: Problem) {
  return send(res, 400, {
    errors: [
      {
        id: randomUUID(),
        status: 400,
        title: "Bad Request",
        detail: problem.detail,
        source: problem.pointer.startsWith("header:")
          ? { header: problem.pointer.slice("header:".length) }
          : { pointer: problem.pointer },
      },
    ],
  });
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/vnd.api+json", "Schwab-Resource-Version": "1" });
  res.end(body === null ? "" : JSON.stringify(body));
}

/** The spec's enterDateTime: New York wall time, no zone ("2022-03-02T18:39:14"). */
function newYorkTime(instant: Date): string {
  return new Intl.DateTimeFormat("sv-SE", {
    timeZone: "America/New_York",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  })
    .format(instant)
    .replace(" ", "T");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
