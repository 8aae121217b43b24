// The ledger's working state, in exact fixed-point (bigint 10^-8 units): acquisitions (every buy
// or reinvestment, processed or still ahead), the open parts of lots per account and symbol in
// first-in order, and the sale rows as they are built and revised.
import type { Fixed } from "../../domain/fixed-point.ts";
import type { IsoDate } from "../../domain/iso-date.ts";
import type { SaleRow } from "./types.ts";

export interface Acquisition {
  txId: string;
  lotId: string;
  accountId: string;
  symbol: string;
  family: string;
  date: IsoDate;
  /** Position in processing order (date, then input order). */
  seq: number;
  quantity: Fixed;
  amount: Fixed;
  /** Bought in a taxable account (a replacement there gets the basis adjustment). */
  taxable: boolean;
  /** Shares not yet used as replacement for some loss (each replacement share absorbs one loss share). */
  unused: Fixed;
  /** Unused shares of it still held. */
  openUnmatched: Fixed;
  /** The last sale (by seq) that sold shares of it: within that sale it is no replacement. */
  soldInSale: number;
  /** Replacement matches decided before the buy itself was processed. */
  pending: PendingMatch[];
  /** Sale rows that hold its unused shares, for the priorDisposedReplacement policy. */
  disposals: { row: Row; quantity: Fixed }[];
}

export interface PendingMatch {
  quantity: Fixed;
  disallowed: Fixed;
  acquiredDate: IsoDate;
}

/** A part of an open lot: a whole lot, or the matched or unmatched piece of a replacement lot. */
export interface Part {
  acq: Acquisition;
  quantity: Fixed;
  basis: Fixed;
  acquiredDate: IsoDate;
  deferredLoss: Fixed;
  /** These shares were used as a wash-sale replacement. */
  matched: boolean;
}

/** Shares taken out of a part by a sale. */
export type Piece = Part;

/** A sale row is built and revised in place while the ledger runs; its totals are set at the end. */
export type Row = SaleRow;
