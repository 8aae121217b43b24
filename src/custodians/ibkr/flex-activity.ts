// Trades and CashTransactions -> transactions (custodian-formats.md §5a).
// Trades: executions (levelOfDetail EXECUTION, or ORDER when a query has no executions) become BUY or
// SELL (reinvested dividends, notes code "R", become DIVIDEND_REINVEST); summary rows are skipped so
// nothing is counted twice; a cancellation and the trade it cancels are dropped together.
// Cash: Dividends, interest, fees, deposits and withdrawals by IBKR's `type`.
import { Decimal } from "../../domain/decimal.ts";
import type { StatementTransaction, StatementTransactionType, StatementWarning } from "../statement.ts";
import { HELD_CATEGORIES } from "./flex-positions.ts";
import { type FlexRow, flexRow, instrumentLabel, instrumentOf, type SecurityDirectory } from "./flex-row.ts";
import type { XmlElement } from "./safe-xml.ts";

const SUMMARY_LEVELS = new Set(["SYMBOL_SUMMARY", "ASSET_SUMMARY", "CLOSED_LOT", "SUMMARY"]);

export function readTrades(
  rows: readonly XmlElement[],
  directory: SecurityDirectory,
  warnings: StatementWarning[],
): StatementTransaction[] {
  const all = rows.map(flexRow);
  const level = (row: FlexRow) => (row.text("levelOfDetail") ?? "EXECUTION").toUpperCase();
  const hasExecutions = all.some((row) => level(row) === "EXECUTION");
  const skippedLevels = new Map<string, number>();
  const used: FlexRow[] = [];
  for (const row of all) {
    const rowLevel = level(row);
    if (rowLevel === "EXECUTION" || (rowLevel === "ORDER" && !hasExecutions)) used.push(row);
    else skippedLevels.set(rowLevel, (skippedLevels.get(rowLevel) ?? 0) + 1);
  }
  for (const [skipped, count] of skippedLevels) {
    warnings.push({
      line: null,
      message: `${count} Trade row(s) at levelOfDetail ${skipped} skipped: they repeat the executions`,
    });
  }

  const cancelled = cancellations(used, warnings);
  const transactions: StatementTransaction[] = [];
  let fx = 0;
  for (const row of used) {
    if (cancelled.has(row)) continue;
    const category = row.text("assetCategory");
    if (category === "CASH") {
      fx += 1;
      continue;
    }
    if (category !== null && !HELD_CATEGORIES.has(category)) {
      warnings.push({
        line: row.line,
        message: `${category} trade in ${instrumentLabel(row)} skipped: lotwise holds stocks, ETFs, funds and bonds only`,
      });
      continue;
    }
    if (isForeign(row)) {
      warnings.push({
        line: row.line,
        message: `trade in ${instrumentLabel(row)} in ${row.text("currency")} skipped: amounts are not in USD`,
      });
      continue;
    }
    transactions.push(tradeOf(row, directory));
  }
  if (fx > 0) {
    warnings.push({ line: null, message: `${fx} currency conversion trade(s) (assetCategory CASH) skipped` });
  }
  return transactions;
}

function isForeign(row: FlexRow): boolean {
  const currency = row.text("currency");
  return currency !== null && currency !== "USD";
}

function isCancellation(row: FlexRow): boolean {
  return row.text("transactionType") === "TradeCancel" || /\(Ca\.\)/.test(row.text("buySell") ?? "");
}

/** Cancellation rows and the trades they cancel (when both are in this statement). */
function cancellations(rows: readonly FlexRow[], warnings: StatementWarning[]): Set<FlexRow> {
  const dropped = new Set<FlexRow>();
  const byId = new Map<string, FlexRow>();
  for (const row of rows) {
    if (isCancellation(row)) continue;
    for (const id of [row.text("transactionID"), row.text("tradeID")]) if (id) byId.set(id, row);
  }
  for (const row of rows) {
    if (!isCancellation(row)) continue;
    dropped.add(row);
    const original = [row.text("origTransactionID"), row.text("origTradeID")]
      .map((id) => (id ? byId.get(id) : undefined))
      .find((found) => found !== undefined);
    if (original) {
      dropped.add(original);
      warnings.push({
        line: row.line,
        message: `cancelled trade in ${instrumentLabel(row)} (line ${original.line}) and its cancellation skipped`,
      });
    } else {
      warnings.push({
        line: row.line,
        message: `cancellation of a trade in ${instrumentLabel(row)} from an earlier statement skipped: reverse it by hand`,
      });
    }
  }
  return dropped;
}

function tradeOf(row: FlexRow, directory: SecurityDirectory): StatementTransaction {
  const side = (row.text("buySell") ?? "").toUpperCase();
  const quantity = row.requiredDecimal("quantity");
  let type: StatementTransactionType;
  if (side.startsWith("BUY")) type = "BUY";
  else if (side.startsWith("SELL")) type = "SELL";
  else if (new Decimal(quantity).isZero())
    return row.fail("buySell", "a trade with neither a side nor a quantity");
  else type = new Decimal(quantity).isPositive() ? "BUY" : "SELL";
  const notes = (row.text("notes") ?? "").split(/[;,]/).map((code) => code.trim());
  if (type === "BUY" && notes.includes("R")) type = "DIVIDEND_REINVEST";
  const tradeDate = row.date("tradeDate") ?? row.dateTime("dateTime")?.date ?? null;
  if (!tradeDate) return row.fail("tradeDate", "a trade without tradeDate or dateTime");
  const commission = row.decimal("ibCommission");
  const taxes = row.decimal("taxes");
  const fees =
    commission === null && taxes === null
      ? null
      : new Decimal(0)
          .minus(commission ?? 0)
          .minus(taxes ?? 0)
          .toFixed();
  let amount = row.decimal("netCash");
  const proceeds = row.decimal("proceeds");
  if (amount === null && proceeds !== null) {
    amount = new Decimal(proceeds)
      .plus(commission ?? 0)
      .plus(taxes ?? 0)
      .toFixed();
  }
  return {
    externalId: row.text("transactionID") ?? row.text("tradeID"),
    type,
    rawAction: row.text("buySell") ?? type,
    tradeDate,
    settleDate: row.date("settleDateTarget"),
    instrument: instrumentOf(row, directory),
    quantity,
    price: row.decimal("tradePrice"),
    amount,
    fees,
    line: row.line,
  };
}

const CASH_TYPES: Record<string, StatementTransactionType | "DEPOSIT_OR_WITHDRAWAL"> = {
  Dividends: "DIVIDEND",
  "Payment In Lieu Of Dividends": "DIVIDEND",
  "Withholding Tax": "FEE",
  "Broker Interest Paid": "INTEREST",
  "Broker Interest Received": "INTEREST",
  "Bond Interest Paid": "INTEREST",
  "Bond Interest Received": "INTEREST",
  "Other Fees": "FEE",
  "Advisor Fees": "FEE",
  "Commission Adjustments": "FEE",
  "Deposits & Withdrawals": "DEPOSIT_OR_WITHDRAWAL",
  "Deposits/Withdrawals": "DEPOSIT_OR_WITHDRAWAL",
};

export function readCashTransactions(
  rows: readonly XmlElement[],
  directory: SecurityDirectory,
  warnings: StatementWarning[],
): StatementTransaction[] {
  const transactions: StatementTransaction[] = [];
  for (const element of rows) {
    const row = flexRow(element);
    if (SUMMARY_LEVELS.has((row.text("levelOfDetail") ?? "").toUpperCase())) continue;
    const rawType = row.text("type") ?? "";
    const mapped = Object.hasOwn(CASH_TYPES, rawType) ? CASH_TYPES[rawType] : undefined;
    if (mapped === undefined) {
      warnings.push({
        line: row.line,
        message: `cash transaction of type "${rawType}" (${row.text("description") ?? "no description"}) skipped: not a type lotwise imports`,
      });
      continue;
    }
    if (isForeign(row)) {
      warnings.push({
        line: row.line,
        message: `cash transaction "${rawType}" in ${row.text("currency")} skipped: amounts are not in USD`,
      });
      continue;
    }
    const amount = row.requiredDecimal("amount");
    const type =
      mapped === "DEPOSIT_OR_WITHDRAWAL"
        ? new Decimal(amount).isNegative()
          ? "WITHDRAWAL"
          : "DEPOSIT"
        : mapped;
    const tradeDate =
      row.dateTime("dateTime")?.date ?? row.date("date") ?? row.date("settleDate") ?? row.date("reportDate");
    if (!tradeDate)
      row.fail("dateTime", "a cash transaction without dateTime, date, settleDate or reportDate");
    const hasInstrument = row.text("symbol") !== null || row.text("conid") !== null;
    transactions.push({
      externalId: row.text("transactionID"),
      type,
      rawAction: rawType,
      tradeDate: tradeDate as NonNullable<typeof tradeDate>,
      settleDate: row.date("settleDate"),
      instrument: hasInstrument ? instrumentOf(row, directory) : null,
      quantity: null,
      price: null,
      amount,
      fees: null,
      line: row.line,
    });
  }
  return transactions;
}
