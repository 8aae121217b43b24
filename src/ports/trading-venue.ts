// Where approved orders go: a custodian's order API, the paper custodian, or a trade file. A venue
// turns one claimed order into an outcome; the execution worker records it (src/execution).
import type { Decimal } from "../domain/decimal.ts";
import type { IsoDate } from "../domain/iso-date.ts";

export type OrderSide = "buy" | "sell";

export interface OrderAccount {
  id: string;
  custodianId: string;
  /** Whether the custodian takes specific-lot instructions on an order. */
  supportsSpecificLot: boolean;
  /** The custodian's handle for the account (e.g. Schwab account numbers), when known. */
  custodianRef: string | null;
  accountNumberMasked: string;
  taxable: boolean;
}

/** A lot a sell names, with what the account's latest snapshot says about it (null: not held). */
export interface OrderLot {
  lotKey: string;
  quantity: Decimal;
  /** The purchase's trade date: how custodians identify a lot "versus purchase". */
  tradeDate: IsoDate | null;
  /** The whole lot as held: its quantity and total basis (null basis: the custodian has none). */
  heldQuantity: Decimal | null;
  costBasis: Decimal | null;
}

export interface VenueOrder {
  id: string;
  planId: string;
  /** Stable across retries: what lets a custodian refuse a duplicate. */
  idempotencyKey: string;
  /** 1 on the first submission, counting every claim. */
  attempt: number;
  side: OrderSide;
  quantity: Decimal;
  limitPrice: Decimal | null;
  security: { id: string; symbol: string; cusip: string | null };
  account: OrderAccount;
  /** Sells: the lots named by the plan (specific identification), in plan order. */
  lots: OrderLot[];
  /** The venue's id once it has accepted the order. */
  custodianOrderId: string | null;
  createdAt: Date;
}

export interface VenueFill {
  /** Unique per order at the venue, so a fill reported twice is recorded once. */
  externalId: string;
  quantity: Decimal;
  price: Decimal;
  filledAt: Date;
  /** The market date of the execution (America/New_York). */
  tradeDate: IsoDate;
}

// ----- The account's book as the latest snapshot holds it, and what a fill changes in it -----

export interface BookPosition {
  securityId: string;
  quantity: Decimal;
  reportedCostBasis: Decimal | null;
  reportedPrice: Decimal | null;
}

export interface BookLot {
  lotKey: string;
  securityId: string;
  tradeDate: IsoDate;
  acquiredDate: IsoDate;
  quantity: Decimal;
  costBasis: Decimal | null;
  deferredWashLoss: Decimal;
}

export interface AccountBook {
  accountId: string;
  /** Null when the account has no snapshot yet. */
  snapshotId: string | null;
  cash: Decimal;
  positions: BookPosition[];
  lots: BookLot[];
}

export interface NewTransaction {
  /** Unique per account: recording the same fill twice writes one row. */
  externalId: string;
  securityId: string;
  type: "buy" | "sell";
  tradeDate: IsoDate;
  quantity: Decimal;
  price: Decimal;
  /** Signed cash effect: negative for buys. */
  amount: Decimal;
  lotKeys: string[];
  /** Sells in taxable accounts with known basis: realised gain (+) or loss (-). */
  realizedGainLoss: Decimal | null;
  description: string;
}

export interface BookChange {
  /** The account's holdings after the fill (written as a new snapshot); null leaves lots to the custodian's next sync. */
  holdings: { cash: Decimal; positions: BookPosition[]; lots: BookLot[] } | null;
  /** Recorded so later plans and wash-sale checks see the trade. */
  transactions: NewTransaction[];
  /** Where the change came from, e.g. "paper" or "schwab". */
  source: string;
}

/**
 * Computes the book change from the account's latest book, read inside the transaction that
 * records the fill (with the account locked), so a fill can never be written without its lots.
 * Throws when the book cannot take the fill; nothing is then recorded.
 */
export type BookUpdate = (book: AccountBook) => BookChange;

// ----- Outcomes -----

export type VenueOutcome =
  | {
      kind: "filled" | "partially-filled";
      custodianOrderId: string;
      /** Fills so far; ones already recorded are ignored. */
      fills: VenueFill[];
      updateBook?: BookUpdate;
      message: string;
    }
  /** Accepted and working at the venue; `poll` reports what happens next. */
  | { kind: "submitted"; custodianOrderId: string; message: string }
  /** Written to a trade file for someone to upload; the file path is the order's id there. */
  | { kind: "exported"; custodianOrderId: string; message: string }
  /** Refused by the venue: final, not retried. */
  | { kind: "rejected"; reason: string }
  /** Cancelled or expired at the venue without a fill. */
  | { kind: "cancelled"; custodianOrderId: string; reason: string }
  /** The venue could not be reached or answered 5xx: retried (with the same idempotency key). */
  | { kind: "unavailable"; error: string };

export interface VenueContext {
  now: Date;
}

export interface TradingVenue {
  /** "paper", "schwab", "trade-file". */
  readonly name: string;
  submit(order: VenueOrder, context: VenueContext): Promise<VenueOutcome>;
  /** Venues that fill later: the order's current state (accepted orders only). */
  poll?(order: VenueOrder, context: VenueContext): Promise<VenueOutcome>;
}

/** The prices the paper custodian fills at. */
export interface FillPrices {
  /** The account's latest snapshot price for the security, else the security's latest quote; null: none. */
  fillPrice(accountId: string, securityId: string): Promise<{ price: Decimal; source: string } | null>;
}

export interface VenueRouter {
  /** The venue an account's orders go to. */
  venueFor(account: OrderAccount): TradingVenue;
}
