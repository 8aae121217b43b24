// Schwab Trader API sync (retail, https://api.schwabapi.com/trader/v1; custodian-formats.md §2a):
//   GET /accounts/accountNumbers            -> [{accountNumber, hashValue}]; every other call takes the hash
//   GET /accounts/{hash}?fields=positions   -> {securitiesAccount:{accountNumber, positions, currentBalances}}
//   GET /accounts/{hash}/transactions?startDate&endDate&types -> [transaction]
// The OAuth access token is supplied by configuration (Schwab's tokens last 30 minutes; refreshing
// them is outside lotwise). Transactions are fetched in date windows (Schwab caps a call at one year
// and 3,000 records): a window that comes back full is split in two and fetched again. The replies
// are mapped by the same parsers that read these responses saved as files (src/custodians/schwab/
// trader-api-*.ts), so a sync and an upload of the same JSON give the same statement; numbers are
// read exactly from the response text.
import { ok, type Problem, problem, type Result } from "../../domain/result.ts";
import { schwabTraderApiPositions } from "../schwab/trader-api-positions.ts";
import { schwabTraderApiTransactions } from "../schwab/trader-api-transactions.ts";
import type { ImportError, Statement, StatementAccount, StatementWarning } from "../statement.ts";
import { describeUrl, type HttpOptions, httpGet } from "./http-get.ts";
import { field, idField, parseJsonReply, stringField } from "./json-fields.ts";

export const SCHWAB_TRADER_FORMAT = "schwab.trader-api";
export const DEFAULT_SCHWAB_TRADER_URL = "https://api.schwabapi.com/trader/v1";

/** Every transaction type the API documents; the unsupported ones come back as warnings. */
export const SCHWAB_TRANSACTION_TYPES = [
  "TRADE",
  "RECEIVE_AND_DELIVER",
  "DIVIDEND_OR_INTEREST",
  "ACH_RECEIPT",
  "ACH_DISBURSEMENT",
  "CASH_RECEIPT",
  "CASH_DISBURSEMENT",
  "ELECTRONIC_FUND",
  "WIRE_OUT",
  "WIRE_IN",
  "JOURNAL",
  "MEMORANDUM",
  "MARGIN_CALL",
  "MONEY_MARKET",
  "SMA_ADJUSTMENT",
] as const;

const DAY_MS = 86_400_000;

export interface SchwabTraderOptions {
  /** The Trader API base, e.g. https://api.schwabapi.com/trader/v1. */
  baseUrl: string;
  accessToken: string;
  now?: () => Date;
  http?: HttpOptions;
  /** Days per transactions call (default 30; Schwab allows up to a year). */
  windowDays?: number;
  /** Records at which a window is taken to be cut short and split (Schwab's cap: 3,000). */
  maxPerCall?: number;
}

export interface SchwabSyncRequest {
  /** Transactions from this instant (inclusive) ... */
  from: Date;
  /** ... to this one (inclusive). */
  to: Date;
  /** Only these account numbers (default: every account the token can see). */
  accountNumbers?: readonly string[];
}

export async function syncSchwabTrader(
  options: SchwabTraderOptions,
  request: SchwabSyncRequest,
): Promise<Result<Statement, Problem>> {
  if (request.from.getTime() > request.to.getTime()) {
    return problem("schwab.bad-window", "the start of the transactions window is after its end");
  }
  const client = schwabClient(options);
  const numbers = await client.get("accounts/accountNumbers", {});
  if (!numbers.ok) return numbers;
  if (!Array.isArray(numbers.value)) {
    return problem("schwab.bad-response", "accounts/accountNumbers did not return a list");
  }
  const linked = numbers.value.flatMap((entry) => {
    const accountNumber = idField(entry, "accountNumber");
    const hashValue = stringField(entry, "hashValue");
    return accountNumber && hashValue ? [{ accountNumber, hashValue }] : [];
  });
  const wanted = request.accountNumbers;
  if (wanted) {
    const missing = wanted.filter((number) => !linked.some((account) => account.accountNumber === number));
    if (missing.length > 0) {
      return problem(
        "schwab.unknown-account",
        `the token cannot see account(s) ${missing.map(mask).join(", ")}; it sees ${linked.map((a) => mask(a.accountNumber)).join(", ") || "none"}`,
      );
    }
  }
  const warnings: StatementWarning[] = [];
  const accounts: StatementAccount[] = [];
  for (const account of linked.filter((a) => !wanted || wanted.includes(a.accountNumber))) {
    const label = `account ${mask(account.accountNumber)}`;
    const note = (found: readonly StatementWarning[]) =>
      warnings.push(...found.map((w) => ({ line: null, message: `${label}: ${w.message}` })));
    const hash = encodeURIComponent(account.hashValue);
    const asOf = (options.now ?? (() => new Date()))().toISOString();
    const details = await client.getText(`accounts/${hash}`, { fields: "positions" });
    if (!details.ok) return details;
    const holdings = schwabTraderApiPositions.parse(details.value, "positions.json");
    if (!holdings.ok) return refused(`${label}: positions`, holdings.error);
    const held = holdings.value.accounts[0];
    if (!held) return problem("schwab.bad-response", `${label}: the positions reply holds no account`);
    note(holdings.value.warnings);
    const records = await transactionsOf(client, hash, request.from.getTime(), request.to.getTime(), options);
    if (!records.ok) return records;
    let transactions: StatementAccount["transactions"] = [];
    if (records.value.length > 0) {
      // The records were read with numbers as their exact source text (strings); the parser reads those.
      const parsed = schwabTraderApiTransactions.parse(JSON.stringify(records.value), "transactions.json");
      // Records of types lotwise does not record (sweeps, memos) alone are no error for a sync.
      if (!parsed.ok && !/no transactions lotwise can record/.test(parsed.error.message)) {
        return refused(`${label}: transactions`, parsed.error);
      }
      if (parsed.ok) {
        note(parsed.value.warnings);
        const others = parsed.value.accounts.filter((a) => a.accountRef !== account.accountNumber);
        if (others.length > 0) {
          return problem("schwab.bad-response", `${label}: the transactions reply names another account`);
        }
        transactions = parsed.value.accounts.flatMap((a) => a.transactions);
      }
    }
    accounts.push({ ...held, accountRef: account.accountNumber, asOf, transactions });
  }
  return ok({ custodian: "schwab", format: SCHWAB_TRADER_FORMAT, accounts, warnings });
}

/** Account numbers in messages: the last four digits only. */
function mask(accountNumber: string): string {
  return accountNumber.length > 4 ? `...${accountNumber.slice(-4)}` : accountNumber;
}

interface SchwabClient {
  /** The reply's JSON text (status checked). */
  getText(path: string, query: Record<string, string>): Promise<Result<string, Problem>>;
  /** The reply as a value, numbers as their source text. */
  get(path: string, query: Record<string, string>): Promise<Result<unknown, Problem>>;
}

function refused(what: string, error: ImportError): Result<never, Problem> {
  const where = error.line === null ? "" : ` (record ${error.line})`;
  return problem("schwab.bad-response", `Schwab's ${what} could not be read${where}: ${error.message}`);
}

function schwabClient(options: SchwabTraderOptions): SchwabClient {
  const base = options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`;
  const client: SchwabClient = {
    async getText(path, query) {
      const url = new URL(path, base);
      for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
      const reply = await httpGet(
        url,
        { Authorization: `Bearer ${options.accessToken}`, Accept: "application/json" },
        options.http,
      );
      if (!reply.ok) return problem(reply.error.code, `Schwab Trader API: ${reply.error.message}`);
      const { status, text } = reply.value;
      if (status === 401) {
        return problem(
          "schwab.unauthorized",
          "Schwab refused the access token (401 Unauthorized): it is missing, expired (Schwab access tokens last 30 minutes) or revoked. Get a fresh token and set SCHWAB_ACCESS_TOKEN.",
        );
      }
      if (status === 403) {
        return problem(
          "schwab.forbidden",
          `Schwab refused ${describeUrl(url)} (403 Forbidden): ${errorDetail(text)}`,
        );
      }
      if (status < 200 || status > 299) {
        return problem(
          "schwab.http-error",
          `Schwab answered ${status} to ${describeUrl(url)}: ${errorDetail(text)}`,
        );
      }
      return ok(text);
    },
    async get(path, query) {
      const text = await client.getText(path, query);
      if (!text.ok) return text;
      const parsed = parseJsonReply(text.value);
      if (!parsed.ok) {
        return problem("schwab.bad-response", `Schwab's reply to ${path} is not JSON: ${parsed.message}`);
      }
      return ok(parsed.value);
    },
  };
  return client;
}

/** Schwab's error bodies: {message, errors:[...]} or {errors:[{title, detail}]}. */
function errorDetail(text: string): string {
  const parsed = parseJsonReply(text);
  if (!parsed.ok) return text.trim().slice(0, 200) || "no details";
  const message = stringField(parsed.value, "message") ?? stringField(parsed.value, "error_description");
  const errors = field(parsed.value, "errors");
  const details = Array.isArray(errors)
    ? errors.map((e) =>
        typeof e === "string" ? e : (stringField(e, "detail") ?? stringField(e, "title") ?? ""),
      )
    : [];
  return [message, ...details].filter((part) => part).join("; ") || "no details";
}

async function transactionsOf(
  client: SchwabClient,
  hash: string,
  fromMs: number,
  toMs: number,
  options: SchwabTraderOptions,
): Promise<Result<unknown[], Problem>> {
  const windowMs = (options.windowDays ?? 30) * DAY_MS;
  const maxPerCall = options.maxPerCall ?? 3000;
  const seen = new Set<string>();
  const all: unknown[] = [];
  const fetchWindow = async (start: number, end: number): Promise<Result<null, Problem>> => {
    const reply = await client.get(`accounts/${hash}/transactions`, {
      startDate: new Date(start).toISOString(),
      endDate: new Date(end).toISOString(),
      types: SCHWAB_TRANSACTION_TYPES.join(","),
    });
    if (!reply.ok) return reply;
    if (!Array.isArray(reply.value))
      return problem("schwab.bad-response", "transactions did not return a list");
    if (reply.value.length >= maxPerCall) {
      if (end - start < 60_000) {
        return problem(
          "schwab.too-many-transactions",
          `more than ${maxPerCall} transactions within one minute (${new Date(start).toISOString()}): cannot page further`,
        );
      }
      const middle = start + Math.floor((end - start) / 2);
      const first = await fetchWindow(start, middle);
      if (!first.ok) return first;
      return fetchWindow(middle + 1, end);
    }
    for (const record of reply.value) {
      // Windows do not overlap, but a record on a boundary must not come in twice.
      const key = `${idField(record, "activityId") ?? ""}|${stringField(record, "time") ?? ""}|${stringField(record, "type") ?? ""}|${idField(record, "netAmount") ?? ""}`;
      if (idField(record, "activityId") !== undefined && seen.has(key)) continue;
      seen.add(key);
      all.push(record);
    }
    return ok(null);
  };
  for (let start = fromMs; start <= toMs; start += windowMs) {
    // Windows are [start, start + window) and the last one runs to the end, inclusive.
    const end = start + windowMs >= toMs ? toMs : start + windowMs - 1;
    const done = await fetchWindow(start, end);
    if (!done.ok) return done;
    if (end === toMs) break;
  }
  return ok(all);
}
