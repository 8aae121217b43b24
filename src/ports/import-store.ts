// Importing a custodian file into the book: the store runs one transaction (serialised with other
// imports) in which it reads what the planner needs, asks the planner (pure: statement + stored
// state -> rows to write and a summary), and writes the rows, or nothing. Decimals cross this port
// as exact strings, dates as ISO dates, instants as ISO UTC strings.
import type { IsoDate } from "../domain/iso-date.ts";
import type { Result } from "../domain/result.ts";

/** Why an import is refused: where in the file, which field, what. Nothing is written. */
export interface ImportRefusal {
  line: number | null;
  field: string | null;
  message: string;
}

export interface ImportCandidateAccount {
  id: string;
  householdId: string;
  householdName: string;
  custodianId: string;
  nickname: string;
  accountNumberMasked: string;
  closed: boolean;
}

/** Which accounts a file may be matched against. */
export type AccountQuery = { accountId: string } | { custodianId: string | null; householdId: string | null };

export interface AccountMatch {
  /** The account as the file names it. */
  ref: string;
  accountId: string;
  /** When the file's data for this account is as of (ISO instant). */
  asOf: string;
}

export interface ImportSecurity {
  id: string;
  symbol: string;
  cusip: string | null;
  name: string;
}

export interface StoredPosition {
  securityId: string;
  quantity: string;
  reportedCostBasis: string | null;
  reportedPrice: string | null;
}

export interface StoredLot {
  lotKey: string;
  securityId: string;
  tradeDate: IsoDate;
  acquiredDate: IsoDate;
  quantity: string;
  costBasis: string | null;
  deferredWashLoss: string;
}

export interface StoredSnapshot {
  id: string;
  accountId: string;
  asOf: string;
  source: string;
  cash: string;
  positions: StoredPosition[];
  lots: StoredLot[];
}

export interface StoredTransaction {
  id: string;
  accountId: string;
  externalId: string;
  securityId: string | null;
  type: string;
  tradeDate: IsoDate;
  quantity: string | null;
  amount: string;
  realizedGainLoss: string | null;
  source: string;
}

/** What the planner is given, read inside the import's transaction. */
export interface ImportContext {
  /** The matched accounts. */
  accounts: ImportCandidateAccount[];
  /** Securities whose symbol or CUSIP the file mentions. */
  securities: ImportSecurity[];
  /** Per matched account: its latest snapshot at or before the file's as-of (what the file updates). */
  baseSnapshots: Map<string, StoredSnapshot | null>;
  /** Per matched account: the as-of of its latest snapshot of all, if any. */
  latestAsOf: Map<string, string | null>;
  /** Stored transactions of the matched accounts dated within the window the planner asked for. */
  transactions: StoredTransaction[];
}

export interface PlannedSnapshot {
  id: string;
  accountId: string;
  asOf: string;
  source: string;
  cash: string;
  positions: StoredPosition[];
  lots: StoredLot[];
}

export interface PlannedTransaction {
  id: string;
  accountId: string;
  securityId: string | null;
  type: string;
  tradeDate: IsoDate;
  settleDate: IsoDate | null;
  quantity: string | null;
  price: string | null;
  amount: string;
  fees: string;
  realizedGainLoss: string | null;
  description: string | null;
  source: string;
  externalId: string;
}

export interface ImportWrite {
  batch: { id: string; source: string; fileName: string; sha256: string };
  snapshots: PlannedSnapshot[];
  transactions: PlannedTransaction[];
  /** A realised gain/loss file attaching the reported result to a sale recorded from another file. */
  gainLossUpdates: { transactionId: string; realizedGainLoss: string }[];
}

export type FindingCode =
  | "lots-quantity"
  | "lots-basis"
  | "lot-without-basis"
  | "lots-without-position"
  | "lots-dropped"
  | "unexplained-change"
  | "trades-after-snapshot";

export interface ReconciliationFinding {
  accountId: string;
  securityId: string | null;
  symbol: string | null;
  code: FindingCode;
  /** True when planning leaves the position out of harvesting until it reconciles. */
  excludedFromHarvesting: boolean;
  message: string;
}

export interface AccountImportSummary {
  ref: string;
  accountId: string;
  nickname: string;
  householdId: string;
  snapshot: {
    id: string;
    asOf: string;
    positions: number;
    lots: number;
    cash: string;
    lotsCarried: number;
    /** false when it equals the stored snapshot it would replace (nothing written). */
    written: boolean;
  } | null;
  transactions: { added: number; duplicates: number; gainLossAttached: number };
}

export type ImportStatus = "imported" | "nothing-new" | "already-imported" | "dry-run";

export interface ImportSummary {
  status: ImportStatus;
  file: { name: string; sha256: string; format: string; custodian: string };
  batchId: string | null;
  /** For already-imported files: when the earlier import happened. */
  importedAt: string | null;
  accounts: AccountImportSummary[];
  totals: {
    snapshots: number;
    positions: number;
    lots: number;
    transactions: number;
    duplicates: number;
    gainLossAttached: number;
  };
  warnings: { line: number | null; message: string }[];
  findings: ReconciliationFinding[];
}

/** The pure side of an import, handed to the store (built in src/custodians/import-statement.ts). */
export interface ImportPlanner {
  sha256: string;
  fileName: string;
  format: string;
  custodian: string;
  accountQuery: AccountQuery;
  matchAccounts(candidates: readonly ImportCandidateAccount[]): Result<AccountMatch[], ImportRefusal>;
  securityKeys: { symbols: string[]; cusips: string[] };
  /** Trade dates of the file's transactions (null if it has none). */
  transactionDates: { from: IsoDate; to: IsoDate } | null;
  plan(context: ImportContext): Result<{ write: ImportWrite; summary: ImportSummary }, ImportRefusal>;
}

export type ImportOutcome = { ok: true; summary: ImportSummary } | { ok: false; error: ImportRefusal };

export interface ImportStore {
  /** Plans and writes in one transaction; a refusal or a dry run writes nothing. */
  importFile(planner: ImportPlanner, options?: { dryRun?: boolean }): Promise<ImportOutcome>;
  /** Per account: the symbols of positions whose lots do not reconcile, in its latest snapshot. */
  unreconciledSymbols(accountIds: readonly string[]): Promise<Map<string, string[]>>;
}
