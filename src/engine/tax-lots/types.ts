// The tax-lot ledger's inputs and outputs: a household's transactions in, realised results per
// sale and lot and the open lots out. Exact fixed-point numbers (bigint 10^-8 units) and calendar
// dates only.
import type { LotReliefMethod } from "../../domain/book.ts";
import type { Fixed } from "../../domain/fixed-point.ts";
import type { IsoDate } from "../../domain/iso-date.ts";
import type { Term } from "../holding-period.ts";

export interface LedgerAccount {
  id: string;
  /** Gains and losses are recognised (taxable, joint, trust); false for IRAs, Roth IRAs, 401k, HSA. */
  taxable: boolean;
  method: LotReliefMethod;
}

export type LedgerAction = "buy" | "sell" | "dividend-reinvest";

export interface LedgerTransaction {
  id: string;
  date: IsoDate;
  accountId: string;
  action: LedgerAction;
  symbol: string;
  quantity: Fixed;
  /** Total cost of a buy (its basis) or net proceeds of a sale. */
  amount: Fixed;
  /** Buy: the new lot's id (the transaction id when absent). Sell: the one lot to sell. */
  lotId?: string;
  /** Sell: several named lots (specific identification). */
  lots?: readonly { lotId: string; quantity: Fixed }[];
}

/**
 * Where the law is unsettled, lotwise takes the conservative reading as a named policy.
 * `priorDisposedReplacement`: shares bought in the 30 days before a loss sale but already sold
 * before it. "count" (default, conservative): they are replacement shares; the disallowed loss is
 * added to their basis, which revises that earlier sale. "ignore": they do not count.
 */
export interface WashSalePolicy {
  priorDisposedReplacement: "count" | "ignore";
}

export const DEFAULT_WASH_SALE_POLICY: WashSalePolicy = { priorDisposedReplacement: "count" };

export interface LedgerInput {
  accounts: ReadonlyMap<string, LedgerAccount>;
  /** In input order; the ledger processes them by date, and same-date ones in this order. */
  transactions: readonly LedgerTransaction[];
  /** Family key of a symbol: symbols with the same key are substantially identical. */
  familyOf(symbol: string): string;
  policy?: WashSalePolicy;
}

export interface WashedBy {
  txId: string;
  lotId: string;
  quantity: Fixed;
}

export interface SaleRow {
  saleTxId: string;
  lotId: string;
  accountId: string;
  symbol: string;
  quantity: Fixed;
  acquiredDate: IsoDate;
  soldDate: IsoDate;
  term: Term;
  proceeds: Fixed;
  basis: Fixed;
  realizedGainLoss: Fixed;
  /** Loss disallowed by the wash-sale rule, as a positive amount (Form 8949 column (g), code W). */
  disallowedLoss: Fixed;
  recognizedGainLoss: Fixed;
  /** Some of the loss went to an IRA or Roth replacement: disallowed for good (Rev. Rul. 2008-5). */
  lossPermanentlyDisallowed: boolean;
  /** The sale was in an IRA, Roth, 401k or HSA: nothing is recognised and it is not in the totals. */
  taxAdvantaged: boolean;
  washedBy: WashedBy[];
  /** Set when a later loss sale treated these (already sold) shares as its replacement. */
  basisAdjustedByLaterWash: Fixed;
}

export interface OpenLotRow {
  lotId: string;
  accountId: string;
  symbol: string;
  quantity: Fixed;
  basis: Fixed;
  tradeDate: IsoDate;
  acquiredDate: IsoDate;
  deferredLoss: Fixed;
}

export interface LedgerTotals {
  realizedGainLoss: Fixed;
  disallowedLoss: Fixed;
  recognizedGainLoss: Fixed;
}

export interface LedgerResult {
  totals: LedgerTotals;
  sales: SaleRow[];
  openLots: OpenLotRow[];
}

export type LedgerErrorCode =
  | "ledger.unknown-account"
  | "ledger.duplicate-lot"
  | "ledger.unknown-lot"
  | "ledger.oversold"
  | "ledger.lots-mismatch";

export interface LedgerError {
  code: LedgerErrorCode;
  txId: string;
  message: string;
}
