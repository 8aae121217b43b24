// A local stand-in for Schwab's Trader API (retail, /trader/v1), built from the documented request
// and response shapes (custodian-formats.md §2a; schwab-py's client): GET /accounts/accountNumbers,
// GET /accounts/{hash}?fields=positions, GET /accounts/{hash}/transactions?startDate&endDate&types.
// It checks the bearer token (401 with Schwab's error body otherwise), the account hash, and the
// transactions window (both dates required, yyyy-MM-dd'T'HH:mm:ss.SSSZ, at most a year), filters
// transactions by their time and, like Schwab, returns at most `maxPerCall` of them. Bodies are
// served as raw JSON text so numbers keep the digits a test writes.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeSchwabAccount {
  accountNumber: string;
  hashValue: string;
  /** The GET /accounts/{hash}?fields=positions body, as JSON text. */
  accountJson: string;
  /** Transactions as JSON text each, with the instant the window filter uses. */
  transactions: { at: string; json: string }[];
}

export interface FakeSchwabRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
}

export interface FakeSchwabTrader {
  /** The Trader API base to configure (…/trader/v1). */
  url: string;
  token: string;
  accounts: FakeSchwabAccount[];
  requests: FakeSchwabRequest[];
  /** Schwab's cap on records per transactions call (3,000); tests lower it. */
  maxPerCall: number;
  close(): Promise<void>;
}

const DATE_PARAM = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const YEAR_MS = 366 * 86_400_000;

export async function startFakeSchwabTrader(
  options: { token?: string; accounts?: FakeSchwabAccount[]; maxPerCall?: number } = {},
): Promise<FakeSchwabTrader> {
  const fake: Omit<FakeSchwabTrader, "url" | "close"> = {
    token: options.token ?? "schwab-test-token",
    accounts: options.accounts ?? [],
    requests: [],
    maxPerCall: options.maxPerCall ?? 3000,
  };
  const server = createServer((req, res) => handle(fake, req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}/trader/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body);
}

function error(res: ServerResponse, status: number, title: string, detail: string): void {
  send(res, status, JSON.stringify({ errors: [{ id: "fake-0001", status: String(status), title, detail }] }));
}

function handle(fake: Omit<FakeSchwabTrader, "url" | "close">, req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://fake");
  const query = Object.fromEntries(url.searchParams);
  fake.requests.push({
    method: req.method ?? "",
    path: url.pathname,
    query,
    authorization: req.headers.authorization,
  });
  if (req.method !== "GET") return error(res, 405, "Method Not Allowed", "only GET is faked");
  if (req.headers.authorization !== `Bearer ${fake.token}`) {
    return send(
      res,
      401,
      JSON.stringify({
        message: "Client not authorized",
        errors: ["Access token is invalid or has expired"],
      }),
    );
  }
  const path = url.pathname.replace(/^\/trader\/v1/, "");
  if (path === "/accounts/accountNumbers") {
    return send(
      res,
      200,
      JSON.stringify(fake.accounts.map((a) => ({ accountNumber: a.accountNumber, hashValue: a.hashValue }))),
    );
  }
  const match = /^\/accounts\/([^/]+)(\/transactions)?$/.exec(path);
  const account = match
    ? fake.accounts.find((a) => a.hashValue === decodeURIComponent(match[1] ?? ""))
    : undefined;
  if (!match || !account) return error(res, 404, "Not Found", "Invalid account number or hash value");
  if (!match[2]) {
    if (query.fields !== "positions")
      return error(res, 400, "Bad Request", "the fake expects fields=positions");
    return send(res, 200, account.accountJson);
  }
  const { startDate, endDate, types } = query;
  if (!startDate || !endDate || !DATE_PARAM.test(startDate) || !DATE_PARAM.test(endDate)) {
    return error(
      res,
      400,
      "Bad Request",
      "startDate and endDate are required, as yyyy-MM-dd'T'HH:mm:ss.SSSZ",
    );
  }
  const [from, to] = [Date.parse(startDate), Date.parse(endDate)];
  if (to < from || to - from > YEAR_MS)
    return error(res, 400, "Bad Request", "the date range must be at most a year");
  if (!types) return error(res, 400, "Bad Request", "types is required");
  const wanted = new Set(types.split(","));
  const inWindow = account.transactions.filter((t) => {
    const at = Date.parse(t.at);
    const type = /"type"\s*:\s*"([A-Z_]+)"/.exec(t.json)?.[1] ?? "";
    return at >= from && at <= to && wanted.has(type);
  });
  return send(
    res,
    200,
    `[${inWindow
      .slice(0, fake.maxPerCall)
      .map((t) => t.json)
      .join(",")}]`,
  );
}
