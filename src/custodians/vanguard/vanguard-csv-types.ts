// Vanguard's "Transaction Type" (open-ended; custodian-formats.md §4). Direction comes from the
// type, not from the sign of Shares; "Exchange" names no direction, so the cash effect decides.
import type { StatementTransactionType } from "../statement.ts";

export type VanguardKind =
  | { kind: "type"; type: StatementTransactionType }
  /** Securities moved when Shares is given, else cash (in or out by the type). */
  | { kind: "transfer"; securities: StatementTransactionType; cash: StatementTransactionType }
  | { kind: "exchange" }
  | { kind: "skip"; reason: string };

const type = (t: StatementTransactionType): VanguardKind => ({ kind: "type", type: t });

const EXACT: Record<string, VanguardKind> = {
  buy: type("BUY"),
  sell: type("SELL"),
  dividend: type("DIVIDEND"),
  reinvestment: type("DIVIDEND_REINVEST"),
  "capital gain (lt)": type("DIVIDEND"),
  "capital gain (st)": type("DIVIDEND"),
  "capital gain": type("DIVIDEND"),
  interest: type("INTEREST"),
  "funds received": type("DEPOSIT"),
  contribution: type("DEPOSIT"),
  deposit: type("DEPOSIT"),
  withdrawal: type("WITHDRAWAL"),
  distribution: type("WITHDRAWAL"),
  "funds withdrawn": type("WITHDRAWAL"),
  fee: type("FEE"),
  "transfer (incoming)": { kind: "transfer", securities: "TRANSFER_IN", cash: "DEPOSIT" },
  "transfer (outgoing)": { kind: "transfer", securities: "TRANSFER_OUT", cash: "WITHDRAWAL" },
  exchange: { kind: "exchange" },
  "sweep in": { kind: "skip", reason: "a sweep into the settlement fund, which is cash" },
  "sweep out": { kind: "skip", reason: "a sweep out of the settlement fund, which is cash" },
  conversion: { kind: "skip", reason: "a share-class conversion" },
  "stock split": { kind: "skip", reason: "a split" },
};

export function classifyVanguardType(text: string): VanguardKind | null {
  const key = text.trim().toLowerCase().replace(/\s+/g, " ");
  if (key.startsWith("corp action")) return { kind: "skip", reason: "a corporate action" };
  return EXACT[key] ?? null;
}
