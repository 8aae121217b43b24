// The household book as the engine sees it: plain data, decimals and calendar dates only.
// Adapters (db, custodians) map their own shapes onto these at the edge.
import type { Decimal } from "./decimal.ts";

export const ACCOUNT_TYPES = [
  "TAXABLE",
  "JOINT_TAXABLE",
  "TRADITIONAL_IRA",
  "ROTH_IRA",
  "SEP_IRA",
  "ROLLOVER_IRA",
  "K401",
  "ROTH_401K",
  "HSA",
  "TRUST",
] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/** Gains and losses are realised for tax only in these; the rest are tax-advantaged. */
export function isTaxable(type: AccountType): boolean {
  return type === "TAXABLE" || type === "JOINT_TAXABLE" || type === "TRUST";
}

export const LOT_RELIEF_METHODS = ["FIFO", "LIFO", "HIFO", "SPECIFIC_ID", "AVERAGE_COST"] as const;
export type LotReliefMethod = (typeof LOT_RELIEF_METHODS)[number];

export const SECURITY_TYPES = ["ETF", "MUTUAL_FUND", "STOCK", "BOND", "MONEY_MARKET", "CASH"] as const;
export type SecurityType = (typeof SECURITY_TYPES)[number];

export const ROLES = ["ADVISOR", "APPROVER", "COMPLIANCE", "ADMIN"] as const;
export type Role = (typeof ROLES)[number];

export type PersonRole = "CLIENT" | "SPOUSE" | "DEPENDENT";
export type TransactionType =
  | "BUY"
  | "SELL"
  | "DIVIDEND_REINVEST"
  | "DIVIDEND"
  | "INTEREST"
  | "DEPOSIT"
  | "WITHDRAWAL"
  | "FEE"
  | "TRANSFER_IN"
  | "TRANSFER_OUT";
export type TransactionStatus = "SETTLED" | "PENDING" | "SCHEDULED" | "CANCELLED";
export type RestrictionKind = "DO_NOT_TRADE" | "DO_NOT_BUY" | "DO_NOT_SELL";
export type RebalanceTarget = "TARGET" | "BAND_EDGE";

export interface Security {
  id: string;
  symbol: string;
  cusip: string | null;
  name: string;
  type: SecurityType;
  assetClassId: string;
  trackedIndex: string | null;
  fundFamily: string | null;
  expenseRatio: Decimal | null;
}
