// INVTRANLIST -> StatementTransaction. Trades (BUY*/SELL*), income, reinvestment, expenses,
// security transfers and bank transactions are mapped; options, splits, journals between
// sub-accounts and returns of capital have no statement type and are left out with a warning.
import { Decimal } from "../../domain/decimal.ts";
import { fail } from "../normalise.ts";
import type { StatementTransaction, StatementTransactionType } from "../statement.ts";
import {
  assertUsDollars,
  optionalDateTime,
  optionalNumber,
  optionalText,
  requiredChild,
  requiredDateTime,
  requiredNumber,
  requiredText,
} from "./ofx-fields.ts";
import type { SecurityList } from "./ofx-securities.ts";
import { childElement, elementPath, type OfxElement } from "./ofx-tree.ts";
import type { WarningLog } from "./warnings.ts";

export interface OfxTransactionRecord {
  transaction: StatementTransaction;
  /** The aggregate it came from (BUYSTOCK, INCOME, TRANSFER, INVBANKTRAN, ...). */
  aggregate: OfxElement;
  /** INVTRAN or STMTTRN MEMO, and STMTTRN NAME: free text some institutions classify by. */
  memo: string | null;
  name: string | null;
}

interface Context {
  securities: SecurityList;
  warnings: WarningLog;
}

const BUYS = new Set(["BUYSTOCK", "BUYMF", "BUYDEBT", "BUYOTHER"]);
const SELLS = new Set(["SELLSTOCK", "SELLMF", "SELLDEBT", "SELLOTHER"]);
const OPTIONS = new Set(["BUYOPT", "SELLOPT", "CLOSUREOPT"]);
const NOT_MAPPED: Record<string, string> = {
  SPLIT: "a split",
  JRNLSEC: "a security journal between sub-accounts",
  JRNLFUND: "a cash journal between sub-accounts",
  RETOFCAP: "a return of capital (adjust the cost basis by hand)",
};

function negate(value: string | null): string | null {
  return value === null ? null : new Decimal(value).negated().toFixed();
}

function absolute(value: string | null): string | null {
  return value === null ? null : new Decimal(value).abs().toFixed();
}

function sumOfPresent(values: (string | null)[]): string | null {
  const present = values.filter((value): value is string => value !== null);
  if (present.length === 0) return null;
  return present.reduce((total, value) => total.plus(value), new Decimal(0)).toFixed();
}

function incomeType(code: string | null): StatementTransactionType {
  return code?.toUpperCase() === "INTEREST" ? "INTEREST" : "DIVIDEND";
}

interface InvTran {
  externalId: string | null;
  tradeDate: string;
  settleDate: string | null;
  memo: string | null;
}

function readInvTran(parent: OfxElement): InvTran {
  const invtran = requiredChild(parent, "INVTRAN");
  return {
    externalId: optionalText(invtran, "FITID"),
    tradeDate: requiredDateTime(invtran, "DTTRADE").date,
    settleDate: optionalDateTime(invtran, "DTSETTLE")?.date ?? null,
    memo: optionalText(invtran, "MEMO"),
  };
}

function rawAction(aggregate: OfxElement, subtype: string | null, memo: string | null): string {
  return [aggregate.name, subtype, memo === null ? null : `(${memo})`]
    .filter((part) => part !== null)
    .join(" ");
}

function record(
  aggregate: OfxElement,
  tran: InvTran,
  fields: Omit<StatementTransaction, "externalId" | "tradeDate" | "settleDate" | "line">,
): OfxTransactionRecord {
  return {
    transaction: {
      externalId: tran.externalId,
      tradeDate: tran.tradeDate,
      settleDate: tran.settleDate,
      ...fields,
      line: aggregate.line,
    },
    aggregate,
    memo: tran.memo,
    name: null,
  };
}

function readTrade(aggregate: OfxElement, context: Context): OfxTransactionRecord {
  const buying = BUYS.has(aggregate.name);
  const inner = requiredChild(aggregate, buying ? "INVBUY" : "INVSELL");
  assertUsDollars(inner);
  const tran = readInvTran(inner);
  const subtype = optionalText(aggregate, buying ? "BUYTYPE" : "SELLTYPE")?.toUpperCase() ?? null;
  if (subtype === "SELLSHORT")
    context.warnings.add(aggregate.line, "a short sale (SELLSHORT) is imported as a SELL");
  const units = new Decimal(requiredNumber(inner, "UNITS")).abs();
  let price = optionalNumber(inner, "UNITPRICE");
  if (price !== null && new Decimal(price).isZero() && !units.isZero()) {
    context.warnings.add(
      aggregate.line,
      `${aggregate.name} has UNITPRICE 0 (a known institution glitch): no price kept`,
    );
    price = null;
  }
  return record(aggregate, tran, {
    type: buying ? "BUY" : "SELL",
    rawAction: rawAction(aggregate, subtype, tran.memo),
    instrument: context.securities.instrument(requiredChild(inner, "SECID")),
    quantity: (buying ? units : units.negated()).toFixed(),
    price,
    amount: optionalNumber(inner, "TOTAL"),
    fees: sumOfPresent(["COMMISSION", "FEES", "TAXES", "LOAD"].map((name) => optionalNumber(inner, name))),
  });
}

function readIncome(aggregate: OfxElement, context: Context): OfxTransactionRecord {
  assertUsDollars(aggregate);
  const tran = readInvTran(aggregate);
  const code = optionalText(aggregate, "INCOMETYPE");
  const secid = childElement(aggregate, "SECID");
  return record(aggregate, tran, {
    type: incomeType(code),
    rawAction: rawAction(aggregate, code, tran.memo),
    instrument: secid ? context.securities.instrument(secid) : null,
    quantity: null,
    price: null,
    amount: requiredNumber(aggregate, "TOTAL"),
    fees: null,
  });
}

/** REINVEST is income and the purchase it pays for: two records, as the CSV exports show them. */
function readReinvest(aggregate: OfxElement, context: Context): OfxTransactionRecord[] {
  assertUsDollars(aggregate);
  const tran = readInvTran(aggregate);
  const code = optionalText(aggregate, "INCOMETYPE");
  const instrument = context.securities.instrument(requiredChild(aggregate, "SECID"));
  const total = absolute(requiredNumber(aggregate, "TOTAL"));
  const income = record(aggregate, tran, {
    type: incomeType(code),
    rawAction: rawAction(aggregate, code, tran.memo),
    instrument,
    quantity: null,
    price: null,
    amount: total,
    fees: null,
  });
  income.transaction.externalId = tran.externalId === null ? null : `${tran.externalId}.income`;
  const purchase = record(aggregate, tran, {
    type: "DIVIDEND_REINVEST",
    rawAction: rawAction(aggregate, code, tran.memo),
    instrument,
    quantity: new Decimal(requiredNumber(aggregate, "UNITS")).abs().toFixed(),
    price: optionalNumber(aggregate, "UNITPRICE"),
    amount: negate(total),
    fees: sumOfPresent(
      ["COMMISSION", "FEES", "TAXES", "LOAD"].map((name) => optionalNumber(aggregate, name)),
    ),
  });
  return [income, purchase];
}

function readExpense(aggregate: OfxElement, context: Context): OfxTransactionRecord {
  assertUsDollars(aggregate);
  const tran = readInvTran(aggregate);
  const secid = childElement(aggregate, "SECID");
  const margin = aggregate.name === "MARGININTEREST";
  return record(aggregate, tran, {
    type: margin ? "INTEREST" : "FEE",
    rawAction: rawAction(aggregate, null, tran.memo),
    instrument: secid ? context.securities.instrument(secid) : null,
    quantity: null,
    price: null,
    amount: negate(absolute(requiredNumber(aggregate, "TOTAL"))),
    fees: null,
  });
}

function readTransfer(aggregate: OfxElement, context: Context): OfxTransactionRecord {
  const tran = readInvTran(aggregate);
  const action = requiredText(aggregate, "TFERACTION").toUpperCase();
  if (action !== "IN" && action !== "OUT") {
    fail(
      aggregate.line,
      `${elementPath(aggregate)}/TFERACTION`,
      `TFERACTION is ${JSON.stringify(action)}, not IN or OUT`,
    );
  }
  const units = new Decimal(requiredNumber(aggregate, "UNITS")).abs();
  return record(aggregate, tran, {
    type: action === "IN" ? "TRANSFER_IN" : "TRANSFER_OUT",
    rawAction: rawAction(aggregate, action, tran.memo),
    instrument: context.securities.instrument(requiredChild(aggregate, "SECID")),
    quantity: (action === "IN" ? units : units.negated()).toFixed(),
    price: optionalNumber(aggregate, "UNITPRICE"),
    amount: null,
    fees: null,
  });
}

const BANK_TYPES: Record<string, StatementTransactionType> = {
  INT: "INTEREST",
  DIV: "DIVIDEND",
  FEE: "FEE",
  SRVCHG: "FEE",
};

function readBankTransaction(aggregate: OfxElement): OfxTransactionRecord {
  const stmttrn = requiredChild(aggregate, "STMTTRN");
  assertUsDollars(stmttrn);
  const trnType = requiredText(stmttrn, "TRNTYPE").toUpperCase();
  const amount = requiredNumber(stmttrn, "TRNAMT");
  const memo = optionalText(stmttrn, "MEMO");
  const type = BANK_TYPES[trnType] ?? (new Decimal(amount).isNegative() ? "WITHDRAWAL" : "DEPOSIT");
  return {
    transaction: {
      externalId: optionalText(stmttrn, "FITID"),
      type,
      rawAction: rawAction(aggregate, trnType, optionalText(stmttrn, "NAME") ?? memo),
      tradeDate: requiredDateTime(stmttrn, "DTPOSTED").date,
      settleDate: optionalDateTime(stmttrn, "DTAVAIL")?.date ?? null,
      instrument: null,
      quantity: null,
      price: null,
      amount,
      fees: null,
      line: aggregate.line,
    },
    aggregate,
    memo,
    name: optionalText(stmttrn, "NAME"),
  };
}

export function readTransactions(
  invtranlist: OfxElement | undefined,
  securities: SecurityList,
  warnings: WarningLog,
): OfxTransactionRecord[] {
  const context: Context = { securities, warnings };
  const records: OfxTransactionRecord[] = [];
  for (const aggregate of invtranlist?.children ?? []) {
    const name = aggregate.name;
    if (name === "DTSTART" || name === "DTEND") continue;
    if (BUYS.has(name) || SELLS.has(name)) records.push(readTrade(aggregate, context));
    else if (name === "INCOME") records.push(readIncome(aggregate, context));
    else if (name === "REINVEST") records.push(...readReinvest(aggregate, context));
    else if (name === "INVEXPENSE" || name === "MARGININTEREST")
      records.push(readExpense(aggregate, context));
    else if (name === "TRANSFER") records.push(readTransfer(aggregate, context));
    else if (name === "INVBANKTRAN") records.push(readBankTransaction(aggregate));
    else if (OPTIONS.has(name))
      warnings.add(aggregate.line, `${name} is not imported: options are not supported`);
    else {
      const what = NOT_MAPPED[name];
      warnings.add(
        aggregate.line,
        what ? `${name} (${what}) is not imported` : `unknown transaction <${name}> is not imported`,
      );
    }
  }
  return records;
}
