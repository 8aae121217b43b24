// The ledger's working state: acquisitions (every buy or reinvestment, processed or still ahead)
// and, per account and symbol, the open parts of lots in first-in order.
import type { Decimal } from "../../domain/decimal.ts";
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
  quantity: Decimal;
  amount: Decimal;
  /** Bought in a taxable account (a replacement there gets the basis adjustment). */
  taxable: boolean;
  processed: boolean;
  /** Shares already used as replacement for some loss (each replacement share absorbs one loss share). */
  used: Decimal;
  /** Unused shares of it still held. */
  openUnmatched: Decimal;
  /** Replacement matches decided before the buy itself was processed. */
  pending: PendingMatch[];
  /** Sale rows that hold its unused shares, for the priorDisposedReplacement policy. */
  disposals: { row: SaleRow; quantity: Decimal }[];
}

export interface PendingMatch {
  quantity: Decimal;
  disallowed: Decimal;
  acquiredDate: IsoDate;
}

/** A part of an open lot: a whole lot, or the matched or unmatched piece of a replacement lot. */
export interface Part {
  acq: Acquisition;
  quantity: Decimal;
  basis: Decimal;
  acquiredDate: IsoDate;
  deferredLoss: Decimal;
  /** These shares were used as a wash-sale replacement. */
  matched: boolean;
}

/** Shares taken out of a part by a sale. */
export interface Piece {
  acq: Acquisition;
  quantity: Decimal;
  basis: Decimal;
  acquiredDate: IsoDate;
  deferredLoss: Decimal;
  matched: boolean;
}
