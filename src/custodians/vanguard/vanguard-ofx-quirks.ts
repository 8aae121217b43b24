// Vanguard 401(k) QFX quirks. Moving units between plan money sources (INV401KSOURCE) comes as a
// TRANSFER OUT and a TRANSFER IN of the same units on the same day: an internal move that is not
// imported (it nets to zero). Plan fees are taken in units, as a TRANSFER OUT with MEMO "Investment
// Expense": imported as a FEE carrying the (negative) quantity and no cash amount.
import { Decimal } from "../../domain/decimal.ts";
import type { OfxQuirks } from "../ofx/ofx-statement.ts";
import type { OfxTransactionRecord } from "../ofx/ofx-transactions.ts";
import type { WarningLog } from "../ofx/warnings.ts";

function transferKey(record: OfxTransactionRecord): string {
  const { transaction } = record;
  const instrument = transaction.instrument;
  const units = new Decimal(transaction.quantity ?? "0").abs().toFixed();
  return `${transaction.tradeDate}|${instrument?.cusip ?? ""}|${instrument?.symbol ?? ""}|${units}`;
}

function isTransfer(record: OfxTransactionRecord): boolean {
  return record.transaction.type === "TRANSFER_IN" || record.transaction.type === "TRANSFER_OUT";
}

function dropSourceMoves(records: OfxTransactionRecord[], warnings: WarningLog): OfxTransactionRecord[] {
  const dropped = new Set<OfxTransactionRecord>();
  for (const out of records) {
    if (out.transaction.type !== "TRANSFER_OUT" || dropped.has(out)) continue;
    const partner = records.find(
      (candidate) =>
        candidate.transaction.type === "TRANSFER_IN" &&
        !dropped.has(candidate) &&
        transferKey(candidate) === transferKey(out),
    );
    if (!partner) continue;
    dropped.add(out);
    dropped.add(partner);
    const { transaction } = out;
    warnings.add(
      out.aggregate.line,
      `a 401(k) money-source move of ${new Decimal(transaction.quantity ?? "0").abs().toFixed()} units of ` +
        `${transaction.instrument?.cusip ?? transaction.instrument?.symbol} on ${transaction.tradeDate} ` +
        "(TRANSFER OUT and IN) nets to zero and is not imported",
    );
  }
  return records.filter((record) => !dropped.has(record));
}

function feesPaidInUnits(record: OfxTransactionRecord): OfxTransactionRecord {
  if (record.transaction.type !== "TRANSFER_OUT" || !/investment expense|\bfee\b/i.test(record.memo ?? "")) {
    return record;
  }
  return { ...record, transaction: { ...record.transaction, type: "FEE" } };
}

export const vanguardOfxQuirks: OfxQuirks = {
  adjustTransactions: (records, warnings) =>
    records.some(isTransfer) ? dropSourceMoves(records, warnings).map(feesPaidInUnits) : records,
};
