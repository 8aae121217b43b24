// What every custodian adapter produces: one source-neutral statement, decimals as strings and
// calendar dates (US/Eastern) as ISO dates, mapped from the vendor's format at the edge. The import
// pipeline (src/custodians/import-statement.ts and the db writer) turns it into immutable
// snapshots, lots and transactions; adapters never touch the database.
import type { Result } from "../domain/result.ts";

export type CustodianId = "schwab" | "fidelity" | "vanguard" | "ibkr" | "ofx";

export interface StatementInstrument {
  symbol: string | null;
  cusip: string | null;
  description: string | null;
}

export interface StatementPosition {
  instrument: StatementInstrument;
  /** Signed decimal string. */
  quantity: string;
  price: string | null;
  marketValue: string | null;
  /** Total cost basis of the position, when the source gives one. */
  costBasis: string | null;
  /** 1-based line (or record) in the file, for messages. */
  line?: number;
}

export interface StatementLot {
  instrument: StatementInstrument;
  /** The custodian's lot id, or null (a key is then derived from content). */
  lotId: string | null;
  /** ISO date (the trade date that opened the lot). */
  acquiredDate: string;
  quantity: string;
  /** Total basis; null when the custodian has none. */
  costBasis: string | null;
  /** 1-based line (or record) in the file, for messages. */
  line?: number;
}

export type StatementTransactionType =
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

export interface StatementTransaction {
  /** The custodian's id, or null (a content hash is derived for idempotent re-imports). */
  externalId: string | null;
  type: StatementTransactionType;
  /** The source's own action text ("Reinvest Shares", "YOU BOUGHT"). */
  rawAction: string;
  tradeDate: string;
  settleDate: string | null;
  instrument: StatementInstrument | null;
  /** Signed: positive in, negative out. */
  quantity: string | null;
  price: string | null;
  /** Signed cash effect on the account. */
  amount: string | null;
  fees: string | null;
  /** Sells: the realised gain (+) or loss (-) the custodian reports (realised gain/loss files). */
  realizedGainLoss?: string | null;
  /** 1-based line (or record) in the file, for messages. */
  line?: number;
}

export interface StatementAccount {
  /** As the file identifies it: a full number, a masked one ("XXXX1234"), or a label. */
  accountRef: string;
  /** When the data is as of (an ISO instant); positions files carry it in a title or footer. */
  asOf: string | null;
  cash: string | null;
  positions: StatementPosition[];
  lots: StatementLot[];
  transactions: StatementTransaction[];
  /**
   * True when the file covers only the securities it lists (a per-symbol lot-details file): the
   * account's other positions and lots are carried forward. Otherwise positions are the account's
   * whole holdings.
   */
  partial?: boolean;
}

export interface StatementWarning {
  /** 1-based line (or record) number in the file, when it applies. */
  line: number | null;
  message: string;
}

export interface Statement {
  custodian: CustodianId;
  /** e.g. "schwab.positions-csv", "ibkr.flex-xml", "ofx.invstmt". */
  format: string;
  accounts: StatementAccount[];
  warnings: StatementWarning[];
}

/** Why a file is refused: where, which field, and what was wrong. Nothing is imported. */
export interface ImportError {
  line: number | null;
  field: string | null;
  message: string;
}

export interface StatementParser {
  format: string;
  custodian: CustodianId;
  /** Cheap check on the first bytes / lines: can this parser read the file? */
  detect(text: string, fileName: string): boolean;
  parse(text: string, fileName: string): Result<Statement, ImportError>;
}
