// Fidelity's history "Action" is free text ("YOU BOUGHT WASTE MANAGEMENT INC (WM) (Margin)",
// "REINVESTMENT ... (BND) (Cash)"), classified by its prefix. The list is open-ended: an action
// that matches nothing is left out with a warning, never guessed.
import type { StatementTransactionType } from "../statement.ts";

/** How a row's direction is decided: by the action alone, or by the sign of its amount or quantity. */
export type ActionKind =
  | { kind: "type"; type: StatementTransactionType }
  /** Cash in (amount >= 0) or out; with a quantity the securities moved instead. */
  | { kind: "cash-or-securities"; cashIn: StatementTransactionType; cashOut: StatementTransactionType }
  | { kind: "skip"; reason: string };

const type = (t: StatementTransactionType): ActionKind => ({ kind: "type", type: t });
const skip = (reason: string): ActionKind => ({ kind: "skip", reason });
const movement: ActionKind = { kind: "cash-or-securities", cashIn: "DEPOSIT", cashOut: "WITHDRAWAL" };

// The longest matching prefix wins ("MARGIN INTEREST" over "INTEREST").
const PREFIXES: [string, ActionKind][] = [
  ["YOU BOUGHT", type("BUY")],
  ["BOUGHT", type("BUY")],
  ["YOU SOLD", type("SELL")],
  ["SOLD", type("SELL")],
  ["REDEMPTION PAYOUT", type("SELL")],
  ["REINVESTMENT", type("DIVIDEND_REINVEST")],
  ["DIVIDEND RECEIVED", type("DIVIDEND")],
  ["TAX-EXEMPT DIVIDEND", type("DIVIDEND")],
  ["LONG-TERM CAP GAIN", type("DIVIDEND")],
  ["SHORT-TERM CAP GAIN", type("DIVIDEND")],
  ["CAP GAIN", type("DIVIDEND")],
  ["RETURN OF CAPITAL", skip("a return of capital (adjust the cost basis by hand)")],
  ["INTEREST EARNED", type("INTEREST")],
  ["MUNI EXEMPT INT", type("INTEREST")],
  ["BOND INTEREST", type("INTEREST")],
  ["INTEREST", type("INTEREST")],
  ["MARGIN INTEREST", type("INTEREST")],
  ["FOREIGN TAX PAID", type("FEE")],
  ["FEE CHARGED", type("FEE")],
  ["ADVISORY FEE", type("FEE")],
  ["FEE", type("FEE")],
  ["DIRECT DEPOSIT", type("DEPOSIT")],
  ["CHECK RECEIVED", type("DEPOSIT")],
  ["ELECTRONIC FUNDS TRANSFER RECEIVED", type("DEPOSIT")],
  ["CASH CONTRIBUTION", type("DEPOSIT")],
  ["CONTRIBUTION", type("DEPOSIT")],
  ["DEPOSIT", type("DEPOSIT")],
  ["WIRE TRANSFER FROM", type("DEPOSIT")],
  ["DIRECT DEBIT", type("WITHDRAWAL")],
  ["CHECK PAID", type("WITHDRAWAL")],
  ["BILL PAYMENT", type("WITHDRAWAL")],
  ["ELECTRONIC FUNDS TRANSFER PAID", type("WITHDRAWAL")],
  ["WIRE TRANSFER TO", type("WITHDRAWAL")],
  ["DEBIT CARD", type("WITHDRAWAL")],
  ["WITHDRAWAL", type("WITHDRAWAL")],
  ["NORMAL DISTRIBUTION", type("WITHDRAWAL")],
  ["TRANSFERRED FROM", movement],
  ["TRANSFERRED TO", movement],
  ["TRANSFER OF ASSETS", movement],
  ["JOURNALED", movement],
  ["MERGER", skip("a merger (check the position after it)")],
  ["REVERSE SPLIT", skip("a reverse split")],
  ["STOCK SPLIT", skip("a split")],
  ["SPIN OFF", skip("a spin-off")],
  ["EXCHANGED", skip("an exchange of securities")],
  ["CONVERSION", skip("a conversion")],
  ["NAME CHANGE", skip("a name change")],
  ["IN LIEU OF", skip("cash in lieu of a fractional share")],
  ["ASSIGNED", skip("an option assignment")],
  ["EXPIRED", skip("an option expiry")],
  ["EXERCISED", skip("an option exercise")],
];

/** The classification of an action, or null when no known prefix matches. */
export function classifyAction(action: string): ActionKind | null {
  const text = action.trim().toUpperCase();
  let best: [string, ActionKind] | null = null;
  for (const entry of PREFIXES) {
    if (text.startsWith(entry[0]) && (best === null || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1] ?? null;
}
