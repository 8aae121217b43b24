// Market data: where prices come from (a real-time quote provider, an end-of-day file) and where
// they are recorded. Every price carries `asOf`, the instant it was struck by the provider's own
// clock: the freshness gate on plans (5 minutes by default) reads it, never the time it was fetched.
// Prices are plain decimal strings.
import type { Problem, Result } from "../domain/result.ts";

export type PriceKind = "CLOSE" | "QUOTE";

export interface Quote {
  symbol: string;
  price: string;
  /** When the provider says the price was struck (ISO UTC instant). */
  asOf: string;
  kind: PriceKind;
  /** Already older than the provider's freshness limit when it arrived (kept, dated by asOf). */
  stale: boolean;
}

export interface PriceSource {
  /** Recorded as the price's source ("tradier"). */
  name: string;
  /** Quotes for the symbols it knows; symbols it does not know are simply absent. */
  quotes(symbols: readonly string[]): Promise<Result<Quote[], Problem>>;
}

/** A price to record, for a security known by symbol or CUSIP. */
export interface PriceInput {
  symbol: string | null;
  cusip: string | null;
  price: string;
  asOf: string;
  kind: PriceKind;
  /** 1-based line in a file, for messages. */
  line: number | null;
}

export interface PriceWrite {
  /** Part of each price's identity: (security, asOf, source) is unique. */
  source: string;
  prices: readonly PriceInput[];
  /** The file the prices came from, recorded as an import batch. */
  file: { name: string; sha256: string } | null;
}

export interface PriceWriteOutcome {
  /** New price rows. */
  inserted: number;
  /** Rows that were already recorded with the same price (a repeated import). */
  alreadyPresent: number;
  /** Rows for securities lotwise does not know, skipped. */
  unknown: { line: number | null; symbol: string | null; cusip: string | null }[];
  /** The import batch written, when the file brought new prices. */
  importBatchId: string | null;
}

export interface PriceStore {
  /**
   * Records prices all or nothing. A price already recorded (same security, asOf and source) is
   * skipped when equal and refuses the whole write when different: recorded prices never change.
   */
  record(write: PriceWrite): Promise<Result<PriceWriteOutcome, Problem>>;
  /** Symbols held (non-zero) in the latest snapshot of every open account. */
  heldSymbols(): Promise<string[]>;
}
