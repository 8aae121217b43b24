// Book scans kept for later readers (the morning digest): what a scan found, ranked, with its totals,
// as recorded when it ran. One row per scan id, written once; the audit event `scan.completed` on
// `scan:<id>` is its record of who ran it and what it read. Money and drift are exact strings.
import type { IsoDate } from "../domain/iso-date.ts";
import type { HouseholdScan, ScanTotals } from "../engine/planning/scan-household.ts";

/** The totals as the scan computed them. */
export type StoredScanTotals = ScanTotals;

/** A household's row as the scan ranked and printed it. */
export interface StoredScanRow extends HouseholdScan {
  name: string;
  rank: number;
  awaitingApproval: number;
}

export interface StoredBookScan {
  scanId: string;
  /** The trade date scanned. */
  asOf: IsoDate;
  /** When it ran (the scan's `now`, ISO UTC instant). */
  scannedAt: string;
  /** Who ran it, as the audit event's actor ("operator:system", "user:U0ADVISOR1"). */
  actor: string;
  /** The scan's thresholds, as the audit event records them. */
  settings: Record<string, string | number>;
  totals: StoredScanTotals;
  /** Every household scanned, in rank order. */
  rows: StoredScanRow[];
  /** sha256 of the rows' JSON as scanned: the audit event's `rowsHash`. */
  rowsHash: string;
}

export interface BookScanStore {
  /** Records the scan; a scan id already recorded changes nothing ("duplicate"). */
  save(scan: StoredBookScan): Promise<"saved" | "duplicate">;
  find(scanId: string): Promise<StoredBookScan | null>;
  /** The scan that ran last (by `scannedAt`), or null when none was kept. */
  latest(): Promise<StoredBookScan | null>;
}
