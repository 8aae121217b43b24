// Schwab Trader API transactions (GET /accounts/{hash}/transactions, saved as JSON): a list of
// {activityId, time, description, accountNumber, type, status, tradeDate, settlementDate, orderId?,
// netAmount, transferItems: [{instrument, amount, cost, price, positionEffect, feeType?}]}.
// Dates are instants ("2024-05-06T04:00:00+0000" is midnight in New York): they become New York
// calendar dates. The quantity is on the non-CURRENCY transfer item (sells negative); fees are the
// CURRENCY items with a feeType; a TRADE without an orderId is a dividend reinvestment; dividends
// and withholding name the ticker after "~" in the description. activityId is the idempotency key,
// unless the file repeats one (redacted exports do): those records are keyed by content instead.
import { Decimal } from "../../domain/decimal.ts";
import type { IsoDate } from "../../domain/iso-date.ts";
import type { Result } from "../../domain/result.ts";
import {
  apiInstantToDate,
  catchImportFailure,
  decimalFromJson,
  fail,
  isFormulaInjection,
} from "../normalise.ts";
import { asObject, readJsonExact, stringField } from "../read-json.ts";
import type {
  ImportError,
  Statement,
  StatementAccount,
  StatementInstrument,
  StatementParser,
  StatementTransaction,
  StatementWarning,
} from "../statement.ts";

export const TRADER_API_TRANSACTIONS_FORMAT = "schwab.trader-api-transactions";

function detect(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, "");
  return /^\s*\[/.test(head) && head.includes('"activityId"') && head.includes('"transferItems"');
}

const CASH_TYPES = new Set([
  "ACH_RECEIPT",
  "ACH_DISBURSEMENT",
  "CASH_RECEIPT",
  "CASH_DISBURSEMENT",
  "ELECTRONIC_FUND",
  "WIRE_OUT",
  "WIRE_IN",
]);
const SKIPPED_TYPES = new Set(["MARGIN_CALL", "MONEY_MARKET", "SMA_ADJUSTMENT", "MEMORANDUM"]);

interface Context {
  at: string;
  line: number;
}

function decimal(record: Record<string, unknown>, key: string, ctx: Context): string | null {
  const parsed = decimalFromJson(record[key]);
  if (!parsed.ok) fail(ctx.line, key, `${ctx.at}, ${key}: ${JSON.stringify(record[key])} is not a number`);
  return parsed.value;
}

function text(record: Record<string, unknown>, key: string, ctx: Context): string | null {
  const value = stringField(record, key);
  if (value !== null && isFormulaInjection(value)) {
    fail(
      ctx.line,
      key,
      `${ctx.at}, ${key}: ${JSON.stringify(value.slice(0, 40))} is a spreadsheet formula, which a custodian export never contains`,
    );
  }
  return value === null || value.trim() === "" ? null : value.trim();
}

function date(record: Record<string, unknown>, key: string, ctx: Context, required: boolean): IsoDate | null {
  const value = stringField(record, key);
  if (value === null) {
    if (required) fail(ctx.line, key, `${ctx.at}: ${key} is missing`);
    return null;
  }
  const parsed = apiInstantToDate(value);
  if (!parsed) fail(ctx.line, key, `${ctx.at}, ${key}: ${JSON.stringify(value)} is not an ISO instant`);
  return parsed;
}

function instrumentOf(record: Record<string, unknown>, ctx: Context): StatementInstrument {
  return {
    symbol: text(record, "symbol", ctx),
    cusip: text(record, "cusip", ctx),
    description: text(record, "description", ctx),
  };
}

const sign = (value: string | null) => (value === null ? 0 : new Decimal(value).comparedTo(0));

function mapRecord(
  record: Record<string, unknown>,
  ctx: Context,
  warnings: StatementWarning[],
): StatementTransaction | null {
  const type = text(record, "type", ctx) ?? "";
  const description = text(record, "description", ctx) ?? "";
  const status = text(record, "status", ctx);
  if (status !== null && status !== "VALID") {
    warnings.push({ line: ctx.line, message: `${ctx.at}: status ${status}; skipped` });
    return null;
  }
  const items = Array.isArray(record.transferItems) ? record.transferItems.map(asObject) : [];
  const security = items.find(
    (item) =>
      item &&
      asObject(item.instrument) &&
      stringField(asObject(item.instrument) ?? {}, "assetType") !== "CURRENCY",
  );
  const fees = items
    .filter((item) => item && stringField(item, "feeType") !== null)
    .reduce((total, item) => total.minus(decimal(item ?? {}, "cost", ctx) ?? "0"), new Decimal(0));
  const netAmount = decimal(record, "netAmount", ctx);
  const tilde = /~\s*([A-Z0-9.\-/]+)\s*$/.exec(description)?.[1] ?? null;
  const base = {
    externalId: text(record, "activityId", ctx),
    rawAction: description === "" ? type : `${type}: ${description}`,
    tradeDate: date(record, "tradeDate", ctx, true) as IsoDate,
    settleDate: date(record, "settlementDate", ctx, false),
    amount: netAmount,
    fees: fees.isZero() ? null : fees.toFixed(),
    line: ctx.line,
  };
  const tickerOnly = tilde === null ? null : { symbol: tilde, cusip: null, description };
  const what = `${ctx.at} (${type}${description ? ` "${description}"` : ""})`;
  if (type === "TRADE" || type === "RECEIVE_AND_DELIVER") {
    const instrumentRecord = asObject(security?.instrument);
    if (!security || !instrumentRecord) {
      warnings.push({ line: ctx.line, message: `${what} moves no security; skipped` });
      return null;
    }
    if (stringField(instrumentRecord, "assetType") === "OPTION" && type === "RECEIVE_AND_DELIVER") {
      warnings.push({
        line: ctx.line,
        message: `${what} is an option event lotwise does not record; skipped`,
      });
      return null;
    }
    const quantity = decimal(security, "amount", ctx);
    if (quantity === null || sign(quantity) === 0) {
      warnings.push({ line: ctx.line, message: `${what} has no quantity; skipped` });
      return null;
    }
    const instrument = instrumentOf(instrumentRecord, ctx);
    const price = decimal(security, "price", ctx);
    if (type === "RECEIVE_AND_DELIVER") {
      return {
        ...base,
        type: sign(quantity) < 0 ? "TRANSFER_OUT" : "TRANSFER_IN",
        instrument,
        quantity,
        price,
      };
    }
    const reinvest = sign(quantity) > 0 && record.orderId === undefined;
    return {
      ...base,
      type: sign(quantity) < 0 ? "SELL" : reinvest ? "DIVIDEND_REINVEST" : "BUY",
      instrument,
      quantity,
      price,
    };
  }
  if (type === "DIVIDEND_OR_INTEREST") {
    const interest = /interest/i.test(description) && tilde === null;
    return {
      ...base,
      type: interest ? "INTEREST" : "DIVIDEND",
      instrument: tickerOnly,
      quantity: null,
      price: null,
    };
  }
  if (type === "JOURNAL" && /withholding|tax/i.test(description)) {
    return { ...base, type: "FEE", instrument: tickerOnly, quantity: null, price: null };
  }
  if (CASH_TYPES.has(type) || type === "JOURNAL") {
    return {
      ...base,
      type: sign(netAmount) < 0 ? "WITHDRAWAL" : "DEPOSIT",
      instrument: null,
      quantity: null,
      price: null,
    };
  }
  warnings.push({
    line: ctx.line,
    message: `${what} is ${SKIPPED_TYPES.has(type) ? "not a transaction lotwise records" : "a type lotwise does not know"}; skipped`,
  });
  return null;
}

function contentOf(record: unknown): string {
  const copy = { ...(asObject(record) ?? {}) };
  delete copy.activityId;
  return JSON.stringify(copy);
}

function parse(source: string): Result<Statement, ImportError> {
  return catchImportFailure(() => {
    const root = readJsonExact(source.replace(/^\uFEFF/, ""));
    if (!Array.isArray(root)) fail(1, null, "expected a list of transactions");
    const warnings: StatementWarning[] = [];
    // activityIds that repeat with different content cannot be trusted as keys.
    const contentById = new Map<string, Set<string>>();
    for (const item of root) {
      const id = stringField(asObject(item) ?? {}, "activityId");
      if (id !== null) contentById.set(id, (contentById.get(id) ?? new Set()).add(contentOf(item)));
    }
    const untrusted = new Set([...contentById].filter(([, contents]) => contents.size > 1).map(([id]) => id));
    for (const id of untrusted) {
      warnings.push({
        line: null,
        message: `activityId ${id} is used by ${contentById.get(id)?.size} different records; they are recognised by content instead`,
      });
    }
    const byAccount = new Map<string, StatementAccount>();
    for (const [i, item] of root.entries()) {
      const ctx = { at: `record ${i + 1}`, line: i + 1 };
      const record = asObject(item);
      if (!record) fail(ctx.line, null, `${ctx.at} is not an object`);
      const accountRef = text(record, "accountNumber", ctx);
      if (accountRef === null) fail(ctx.line, "accountNumber", `${ctx.at} has no accountNumber`);
      const transaction = mapRecord(record, ctx, warnings);
      if (!transaction) continue;
      if (transaction.externalId !== null && untrusted.has(transaction.externalId)) {
        transaction.externalId = null;
      }
      let account = byAccount.get(accountRef);
      if (!account) {
        account = { accountRef, asOf: null, cash: null, positions: [], lots: [], transactions: [] };
        byAccount.set(accountRef, account);
      }
      account.transactions.push(transaction);
    }
    if (byAccount.size === 0) fail(null, null, "the file holds no transactions lotwise can record");
    return {
      custodian: "schwab",
      format: TRADER_API_TRANSACTIONS_FORMAT,
      accounts: [...byAccount.values()],
      warnings,
    } satisfies Statement;
  });
}

export const schwabTraderApiTransactions: StatementParser = {
  format: TRADER_API_TRANSACTIONS_FORMAT,
  custodian: "schwab",
  detect: (text) => detect(text),
  parse: (text) => parse(text),
};
