// What Fidelity's OFX says in free text rather than in OFX types: dividend reinvestments arrive as
// BUYSTOCK/BUYMF with MEMO "REINVESTMENT" (the dividend itself is a separate INCOME), and interest
// and fees on the core position arrive as INVBANKTRAN DEP/OTHER named "INTEREST EARNED",
// "LATE SETTLEMENT FEE".
import type { OfxQuirks } from "../ofx/ofx-statement.ts";
import type { OfxTransactionRecord } from "../ofx/ofx-transactions.ts";
import type { StatementTransactionType } from "../statement.ts";

function retype(record: OfxTransactionRecord, type: StatementTransactionType): OfxTransactionRecord {
  return { ...record, transaction: { ...record.transaction, type } };
}

function reclassify(record: OfxTransactionRecord): OfxTransactionRecord {
  const { transaction } = record;
  if (transaction.type === "BUY" && /^\s*REINVEST/i.test(record.memo ?? ""))
    return retype(record, "DIVIDEND_REINVEST");
  if (record.aggregate.name !== "INVBANKTRAN") return record;
  const text = `${record.name ?? ""} ${record.memo ?? ""}`;
  if (/\bINTEREST\b/i.test(text)) return retype(record, "INTEREST");
  if (/\bFEES?\b/i.test(text) && transaction.amount?.startsWith("-")) return retype(record, "FEE");
  return record;
}

export const fidelityOfxQuirks: OfxQuirks = {
  adjustTransactions: (records) => records.map(reclassify),
};
