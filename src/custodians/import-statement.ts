// Statement -> import plan, pure. Given a parsed statement and what the book holds (read by the
// store inside the import's transaction), decides: which stored account each of the file's
// accounts is (by --account, or by the last digits of its number), which security each row is (by
// symbol, then CUSIP; a position, lot or share movement in an unknown security refuses the file),
// the new immutable snapshot per account (positions, lots carried forward or replaced, cash), the
// transactions not yet recorded (by the custodian's id, or a content key), and the reconciliation
// findings. Re-importing the same data yields nothing to write.
import { createHash } from "node:crypto";
import { Decimal } from "../domain/decimal.ts";
import type { IsoDate } from "../domain/iso-date.ts";
import { err, ok, type Result } from "../domain/result.ts";
import type {
  AccountImportSummary,
  AccountMatch,
  AccountQuery,
  ImportCandidateAccount,
  ImportContext,
  ImportPlanner,
  ImportRefusal,
  ImportSecurity,
  ImportSummary,
  ImportWrite,
  PlannedSnapshot,
  PlannedTransaction,
  ReconciliationFinding,
  StoredLot,
  StoredPosition,
  StoredSnapshot,
  StoredTransaction,
} from "../ports/import-store.ts";
import { movesShares, reconcileChanges, reconcileHoldings } from "./import-reconciliation.ts";
import { accountDigits, canonicalDecimal, newYorkDate } from "./normalise.ts";
import type { Statement, StatementAccount, StatementInstrument, StatementTransaction } from "./statement.ts";

export interface ImportOptions {
  fileName: string;
  sha256: string;
  /** --account: the stored account for a one-account file. */
  accountId?: string;
  /** --household: only this household's accounts are candidates. */
  householdId?: string;
  /** --custodian: whose accounts are candidates (default: the statement's custodian). */
  custodianId?: string;
  /** --as-of (ISO instant): for files that carry no date. */
  asOf?: string;
  /** The import's clock: the as-of of last resort. */
  now: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// Accounts
// ---------------------------------------------------------------------------------------------

function numbersMatch(fileDigits: string, maskedDigits: string): boolean {
  if (fileDigits.length < 3 || maskedDigits.length < 3) return false;
  return fileDigits.length >= maskedDigits.length
    ? fileDigits.endsWith(maskedDigits)
    : maskedDigits.endsWith(fileDigits);
}

function describeAccount(account: ImportCandidateAccount): string {
  return `${account.id} (${account.nickname}, ${account.accountNumberMasked})`;
}

function listCandidates(candidates: readonly ImportCandidateAccount[]): string {
  if (candidates.length === 0) return "there are no candidate accounts";
  const shown = candidates.slice(0, 8).map(describeAccount).join("; ");
  return `candidates: ${shown}${candidates.length > 8 ? `; and ${candidates.length - 8} more (narrow with --household)` : ""}`;
}

/** The custodian whose accounts a statement can belong to (OFX files can come from anyone). */
function custodianFor(statement: Statement, options: ImportOptions): string | null {
  if (options.custodianId !== undefined) return options.custodianId;
  return statement.custodian === "ofx" ? null : statement.custodian;
}

function asOfFor(account: StatementAccount, options: ImportOptions): string {
  return account.asOf ?? options.asOf ?? options.now;
}

export function matchAccounts(
  statement: Statement,
  candidates: readonly ImportCandidateAccount[],
  options: ImportOptions,
): Result<AccountMatch[], ImportRefusal> {
  const refuse = (message: string) => err({ line: null, field: "account", message });
  if (statement.accounts.length === 0) return refuse("the file holds no accounts");
  const custodian = custodianFor(statement, options);
  const matches: AccountMatch[] = [];
  for (const fileAccount of statement.accounts) {
    const ref = fileAccount.accountRef.trim();
    const digits = accountDigits(ref);
    const shown = ref === "" ? "(unnamed)" : `"${ref}"`;
    let account: ImportCandidateAccount | undefined;
    if (options.accountId !== undefined) {
      if (statement.accounts.length > 1) {
        return refuse(
          `the file holds ${statement.accounts.length} accounts (${statement.accounts.map((a) => a.accountRef || "unnamed").join(", ")}); --account applies to a one-account file`,
        );
      }
      account = candidates.find((candidate) => candidate.id === options.accountId);
      if (!account) return refuse(`no account with id "${options.accountId}"`);
      if (digits.length >= 3 && !numbersMatch(digits, accountDigits(account.accountNumberMasked))) {
        return refuse(
          `the file is for account ${shown}, but --account ${account.id} is ${account.accountNumberMasked}`,
        );
      }
      if (custodian !== null && account.custodianId !== custodian) {
        return refuse(
          `account ${account.id} is held at ${account.custodianId}, but the file is a ${custodian} export`,
        );
      }
    } else {
      if (digits.length < 3) {
        return refuse(
          `the file does not give a usable account number for account ${shown}; name the account with --account <id> (${listCandidates(candidates)})`,
        );
      }
      const found = candidates.filter((candidate) =>
        numbersMatch(digits, accountDigits(candidate.accountNumberMasked)),
      );
      if (found.length === 0) {
        return refuse(
          `account ${shown} matches no ${custodian ?? ""}${custodian ? " " : ""}account${options.householdId ? ` in household ${options.householdId}` : ""}; ${listCandidates(candidates)}`,
        );
      }
      if (found.length > 1) {
        return refuse(
          `account ${shown} matches ${found.length} accounts: ${found.map(describeAccount).join("; ")}; choose one with --account or narrow with --household`,
        );
      }
      account = found[0] as ImportCandidateAccount;
    }
    if (matches.some((match) => match.accountId === account.id)) {
      return refuse(`two of the file's accounts are both ${describeAccount(account)}`);
    }
    matches.push({ ref, accountId: account.id, asOf: asOfFor(fileAccount, options) });
  }
  return ok(matches);
}

// ---------------------------------------------------------------------------------------------
// Securities
// ---------------------------------------------------------------------------------------------

const OPTION_SYMBOL = /^[A-Z.]{1,6}\s+\d{2}\/\d{2}\/\d{4}\s+[\d.]+\s+[CP]$|^[A-Z.]{1,6}\s*\d{6}[CP]\d{8}$/;

function instrumentLabel(instrument: StatementInstrument): string {
  return instrument.symbol ?? instrument.cusip ?? instrument.description ?? "(no symbol)";
}

class SecurityIndex {
  private readonly bySymbol = new Map<string, ImportSecurity>();
  private readonly byCusip = new Map<string, ImportSecurity>();

  constructor(securities: readonly ImportSecurity[]) {
    for (const security of securities) {
      this.bySymbol.set(security.symbol.toUpperCase(), security);
      if (security.cusip) this.byCusip.set(security.cusip.toUpperCase(), security);
    }
  }

  find(instrument: StatementInstrument): ImportSecurity | undefined {
    const symbol = instrument.symbol?.trim().toUpperCase();
    const cusip = instrument.cusip?.trim().toUpperCase();
    return (
      (symbol ? this.bySymbol.get(symbol) : undefined) ??
      (cusip ? this.byCusip.get(cusip) : undefined) ??
      (symbol ? this.byCusip.get(symbol) : undefined)
    );
  }
}

function unknownSecurity(instrument: StatementInstrument, line: number | undefined): ImportRefusal {
  const label = instrumentLabel(instrument);
  const where = line === undefined ? "" : ` on line ${line}`;
  const hint = OPTION_SYMBOL.test(label.toUpperCase())
    ? "it is an option, and lotwise does not hold options"
    : "add it to the security master first (lotwise needs its asset class)";
  return { line: line ?? null, field: "symbol", message: `unknown security ${label}${where}: ${hint}` };
}

export function securityKeysOf(statement: Statement): { symbols: string[]; cusips: string[] } {
  const symbols = new Set<string>();
  const cusips = new Set<string>();
  const add = (instrument: StatementInstrument | null) => {
    if (!instrument) return;
    if (instrument.symbol) {
      symbols.add(instrument.symbol.trim().toUpperCase());
      cusips.add(instrument.symbol.trim().toUpperCase());
    }
    if (instrument.cusip) cusips.add(instrument.cusip.trim().toUpperCase());
  };
  for (const account of statement.accounts) {
    for (const p of account.positions) add(p.instrument);
    for (const l of account.lots) add(l.instrument);
    for (const t of account.transactions) add(t.instrument);
  }
  return { symbols: [...symbols].sort(), cusips: [...cusips].sort() };
}

// ---------------------------------------------------------------------------------------------
// Values the database can hold exactly (NUMERIC(20, 8))
// ---------------------------------------------------------------------------------------------

function tooManyDigits(value: string): boolean {
  const [whole = "", fraction = ""] = canonicalDecimal(value).replace("-", "").split(".");
  return fraction.length > 8 || whole.length > 12;
}

/**
 * A reported figure lotwise only displays (a position's price or cost, a trade's price), kept to the
 * 8 places the database holds; the rounding is reported. Quantities, lot bases and amounts are
 * never rounded (unstorable refuses them).
 */
function storedFigure(
  value: string | null,
  what: string,
  line: number | undefined,
  warnings: ImportSummary["warnings"],
): string | null {
  if (value === null || !tooManyDigits(value)) return value === null ? null : canonicalDecimal(value);
  const rounded = new Decimal(value).toDecimalPlaces(8).toFixed();
  warnings.push({
    line: line ?? null,
    message: `${line === undefined ? "" : `line ${line}: `}${what} ${value} kept as ${rounded} (lotwise stores 8 decimal places)`,
  });
  return rounded;
}

/** A refusal for the first value that NUMERIC(20, 8) cannot hold exactly (it is never rounded). */
function unstorable(
  values: Record<string, string | null | undefined>,
  line: number | undefined,
): ImportRefusal | null {
  for (const [field, value] of Object.entries(values)) {
    if (value === null || value === undefined) continue;
    if (tooManyDigits(value)) {
      return {
        line: line ?? null,
        field,
        message: `${line === undefined ? "" : `line ${line}, `}${field}: ${value} has more digits than lotwise stores (12 before the point, 8 after); refused rather than rounded`,
      };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Snapshots
// ---------------------------------------------------------------------------------------------

function lotKeyFor(
  custodian: string,
  accountId: string,
  securityId: string,
  lot: { lotId: string | null; acquiredDate: string; quantity: string; costBasis: string | null },
): string {
  if (lot.lotId !== null) return `${custodian}:${lot.lotId}`;
  const digest = sha256(
    [accountId, securityId, lot.acquiredDate, new Decimal(lot.quantity).toFixed(), lot.costBasis ?? "-"].join(
      "|",
    ),
  );
  return `lot-${digest.slice(0, 20)}`;
}

const same = (a: string | null, b: string | null) =>
  a === null || b === null ? a === b : new Decimal(a).equals(b);

function sameHoldings(base: StoredSnapshot, next: PlannedSnapshot): boolean {
  if (base.asOf !== next.asOf || !same(base.cash, next.cash)) return false;
  if (base.positions.length !== next.positions.length || base.lots.length !== next.lots.length) return false;
  const positions = new Map(base.positions.map((p) => [p.securityId, p]));
  const lots = new Map(base.lots.map((l) => [l.lotKey, l]));
  return (
    next.positions.every((p) => {
      const b = positions.get(p.securityId);
      return (
        b !== undefined &&
        same(b.quantity, p.quantity) &&
        same(b.reportedCostBasis, p.reportedCostBasis) &&
        same(b.reportedPrice, p.reportedPrice)
      );
    }) &&
    next.lots.every((l) => {
      const b = lots.get(l.lotKey);
      return (
        b !== undefined &&
        b.securityId === l.securityId &&
        same(b.quantity, l.quantity) &&
        same(b.costBasis, l.costBasis) &&
        b.acquiredDate === l.acquiredDate
      );
    })
  );
}

interface SnapshotPlan {
  snapshot: PlannedSnapshot;
  written: boolean;
  lotsCarried: number;
  findings: ReconciliationFinding[];
}

function planSnapshot(
  statement: Statement,
  fileAccount: StatementAccount,
  match: AccountMatch,
  account: ImportCandidateAccount,
  context: ImportContext,
  securities: SecurityIndex,
  symbolOf: (id: string) => string,
  sha: string,
  warnings: ImportSummary["warnings"],
  /** The transactions this import adds to the account (they explain changes too). */
  added: readonly PlannedTransaction[],
): Result<SnapshotPlan, ImportRefusal> {
  const base = context.baseSnapshots.get(account.id) ?? null;
  // Positions from the file, one per security (rows of the same security are added up).
  const positions = new Map<string, StoredPosition>();
  for (const position of fileAccount.positions) {
    const security = securities.find(position.instrument);
    if (!security) return err(unknownSecurity(position.instrument, position.line));
    const tooPrecise = unstorable({ quantity: position.quantity }, position.line);
    if (tooPrecise) return err(tooPrecise);
    const costBasis = storedFigure(
      position.costBasis,
      `${security.symbol}'s reported cost`,
      position.line,
      warnings,
    );
    const price = storedFigure(position.price, `${security.symbol}'s price`, position.line, warnings);
    if (new Decimal(position.quantity).isZero()) continue;
    const earlier = positions.get(security.id);
    if (earlier) {
      warnings.push({
        line: position.line ?? null,
        message: `${security.symbol} is listed twice for ${account.nickname}; the rows are added up`,
      });
    }
    positions.set(security.id, {
      securityId: security.id,
      quantity: new Decimal(position.quantity).plus(earlier?.quantity ?? 0).toFixed(),
      reportedCostBasis:
        earlier && (earlier.reportedCostBasis === null || costBasis === null)
          ? null
          : costBasis === null
            ? null
            : new Decimal(costBasis).plus(earlier?.reportedCostBasis ?? 0).toFixed(),
      reportedPrice: earlier?.reportedPrice ?? price,
    });
  }
  // Lots from the file replace the stored lots of their securities.
  const fileLots: StoredLot[] = [];
  const keys = new Map<string, number>();
  for (const lot of fileAccount.lots) {
    const security = securities.find(lot.instrument);
    if (!security) return err(unknownSecurity(lot.instrument, lot.line));
    const tooPrecise = unstorable({ quantity: lot.quantity, costBasis: lot.costBasis }, lot.line);
    if (tooPrecise) return err(tooPrecise);
    let lotKey = lotKeyFor(statement.custodian, account.id, security.id, lot);
    const seen = (keys.get(lotKey) ?? 0) + 1;
    keys.set(lotKey, seen);
    if (seen > 1) lotKey = `${lotKey}-${seen}`;
    fileLots.push({
      lotKey,
      securityId: security.id,
      tradeDate: lot.acquiredDate as IsoDate,
      acquiredDate: lot.acquiredDate as IsoDate,
      quantity: new Decimal(lot.quantity).toFixed(),
      costBasis: lot.costBasis === null ? null : new Decimal(lot.costBasis).toFixed(),
      deferredWashLoss: "0",
    });
  }
  const replaced = new Set(fileLots.map((lot) => lot.securityId));
  const partial = fileAccount.partial === true;
  const finalPositions = partial ? [...(base?.positions ?? [])] : [...positions.values()];
  const held = new Set(finalPositions.map((p) => p.securityId));
  const carried = (base?.lots ?? []).filter(
    (lot) => !replaced.has(lot.securityId) && (partial || held.has(lot.securityId)),
  );
  const findings: ReconciliationFinding[] = [];
  const dropped = (base?.lots ?? []).filter(
    (lot) => !replaced.has(lot.securityId) && !partial && !held.has(lot.securityId),
  );
  for (const securityId of new Set(dropped.map((lot) => lot.securityId))) {
    const count = dropped.filter((lot) => lot.securityId === securityId).length;
    findings.push({
      accountId: account.id,
      securityId,
      symbol: symbolOf(securityId),
      code: "lots-dropped",
      excludedFromHarvesting: false,
      message: `${account.nickname} ${symbolOf(securityId)}: no longer held, so its ${count} stored lot${count === 1 ? " is" : "s are"} not carried forward`,
    });
  }
  const cashPrecision = unstorable({ cash: fileAccount.cash }, undefined);
  if (cashPrecision) return err(cashPrecision);
  let cash = fileAccount.cash;
  if (cash === null) {
    cash = base?.cash ?? "0";
    if (!partial) {
      warnings.push({
        line: null,
        message: `the file gives no cash for ${account.nickname}; ${base ? `kept ${base.cash} from the previous snapshot` : "recorded as 0"}`,
      });
    }
  }
  const asOf = match.asOf;
  const snapshotId = `${account.id}@${asOf}#${sha.slice(0, 12)}`;
  const snapshot: PlannedSnapshot = {
    id: snapshotId,
    accountId: account.id,
    asOf,
    source: statement.format,
    cash: new Decimal(cash).toFixed(),
    positions: finalPositions.sort((a, b) => compareText(a.securityId, b.securityId)),
    lots: [...carried, ...fileLots].sort(
      (a, b) =>
        compareText(a.securityId, b.securityId) ||
        compareText(a.tradeDate, b.tradeDate) ||
        compareText(a.lotKey, b.lotKey),
    ),
  };
  const written = !(base && sameHoldings(base, snapshot));
  const latest = context.latestAsOf.get(account.id) ?? null;
  if (latest !== null && latest > asOf) {
    warnings.push({
      line: null,
      message: `${account.nickname}: the file is as of ${asOf}, older than the account's latest data (${latest}); it is recorded, but planning keeps using the newer data`,
    });
  }
  findings.push(
    ...reconcileHoldings({
      accountId: account.id,
      accountName: account.nickname,
      symbolOf,
      positions: snapshot.positions,
      lots: snapshot.lots,
    }),
  );
  if (base && written && base.asOf < asOf) {
    findings.push(
      ...reconcileChanges({
        accountId: account.id,
        accountName: account.nickname,
        symbolOf,
        before: base.positions,
        after: snapshot.positions,
        from: newYorkDate(base.asOf),
        to: newYorkDate(asOf),
        transactions: [...context.transactions.filter((tx) => tx.accountId === account.id), ...added],
      }),
    );
  }
  return ok({ snapshot, written, lotsCarried: carried.length, findings });
}

// ---------------------------------------------------------------------------------------------
// Transactions
// ---------------------------------------------------------------------------------------------

/** A key for a transaction the custodian gives no id for: its content (file-format neutral). */
export function contentKey(custodian: string, tx: StatementTransaction): string {
  const canonical = (value: string | null) => (value === null ? "" : canonicalDecimal(value));
  const fields = [
    tx.tradeDate,
    tx.type,
    tx.rawAction.toLowerCase(),
    tx.instrument?.symbol?.toUpperCase() ?? "",
    tx.instrument?.cusip?.toUpperCase() ?? "",
    canonical(tx.quantity),
    canonical(tx.price),
    canonical(tx.amount),
    canonical(tx.fees),
  ];
  return `${custodian}:content:${sha256(fields.join("|")).slice(0, 32)}`;
}

/**
 * The same event as recorded from another source (the API, a realised gain/loss file, the CSV):
 * trades by security, type, date and quantity (their amounts differ by fees); cash by type, date,
 * security and amount.
 */
function eventKey(
  securityId: string | null,
  type: string,
  tradeDate: string,
  quantity: string | null,
  amount: string | null,
): string {
  const exact = (value: string | null) => (value === null ? "" : canonicalDecimal(value));
  return [type, securityId ?? "", tradeDate, movesShares(type) ? exact(quantity) : exact(amount ?? "0")].join(
    "|",
  );
}

interface TransactionsPlan {
  transactions: PlannedTransaction[];
  duplicates: number;
  gainLossUpdates: ImportWrite["gainLossUpdates"];
}

function planTransactions(
  statement: Statement,
  fileAccount: StatementAccount,
  account: ImportCandidateAccount,
  context: ImportContext,
  securities: SecurityIndex,
  warnings: ImportSummary["warnings"],
): Result<TransactionsPlan, ImportRefusal> {
  const stored = context.transactions.filter((tx) => tx.accountId === account.id);
  const storedKeys = new Set(stored.map((tx) => tx.externalId));
  // Events recorded from another source (the API, a realised gain/loss file): the same event twice.
  const otherSources = new Map<string, StoredTransaction[]>();
  for (const tx of stored) {
    if (tx.source === statement.format) continue;
    const key = eventKey(tx.securityId, tx.type, tx.tradeDate, tx.quantity, tx.amount);
    otherSources.set(key, [...(otherSources.get(key) ?? []), tx]);
  }
  const seen = new Set<string>();
  const occurrences = new Map<string, number>();
  const out: TransactionsPlan = { transactions: [], duplicates: 0, gainLossUpdates: [] };
  for (const tx of fileAccount.transactions) {
    const tooPrecise = unstorable(
      {
        quantity: tx.quantity,
        amount: tx.amount,
        fees: tx.fees,
        realizedGainLoss: tx.realizedGainLoss,
      },
      tx.line,
    );
    if (tooPrecise) return err(tooPrecise);
    let securityId: string | null = null;
    let note = "";
    if (tx.instrument) {
      const security = securities.find(tx.instrument);
      if (security) securityId = security.id;
      else if (movesShares(tx.type)) return err(unknownSecurity(tx.instrument, tx.line));
      else {
        note = ` [${instrumentLabel(tx.instrument)}: not in the security master]`;
        warnings.push({
          line: tx.line ?? null,
          message: `line ${tx.line ?? "?"}: ${tx.rawAction} for ${instrumentLabel(tx.instrument)}, which is not in the security master; recorded without a security`,
        });
      }
    }
    let externalId: string;
    if (tx.externalId !== null) {
      externalId = `${statement.custodian}:${tx.externalId}`;
    } else {
      const key = contentKey(statement.custodian, tx);
      const n = (occurrences.get(key) ?? 0) + 1;
      occurrences.set(key, n);
      externalId = `${key}#${n}`;
    }
    if (seen.has(externalId) || storedKeys.has(externalId)) {
      out.duplicates += 1;
      continue;
    }
    seen.add(externalId);
    const match = otherSources
      .get(eventKey(securityId, tx.type, tx.tradeDate, tx.quantity, tx.amount))
      ?.shift();
    if (match) {
      out.duplicates += 1;
      const gainLoss = tx.realizedGainLoss ?? null;
      if (gainLoss !== null && match.realizedGainLoss === null) {
        out.gainLossUpdates.push({
          transactionId: match.id,
          realizedGainLoss: new Decimal(gainLoss).toFixed(),
        });
      }
      continue;
    }
    const description = [tx.rawAction, tx.instrument?.description].filter(Boolean).join(": ") + note;
    out.transactions.push({
      id: "", // numbered once every account's transactions are known (planImport)
      accountId: account.id,
      securityId,
      type: tx.type,
      tradeDate: tx.tradeDate as IsoDate,
      settleDate: tx.settleDate as IsoDate | null,
      quantity: tx.quantity === null ? null : canonicalDecimal(tx.quantity),
      price: storedFigure(tx.price, "the price", tx.line, warnings),
      amount: tx.amount === null ? "0" : canonicalDecimal(tx.amount),
      fees: tx.fees === null ? "0" : canonicalDecimal(tx.fees),
      realizedGainLoss:
        tx.type === "SELL" && tx.realizedGainLoss != null ? canonicalDecimal(tx.realizedGainLoss) : null,
      description: description === "" ? null : description,
      source: statement.format,
      externalId,
    });
  }
  return ok(out);
}

/** Trades newer than the account's latest holdings: the lots are behind until a newer file comes. */
function tradesAfterSnapshot(
  account: ImportCandidateAccount,
  added: readonly PlannedTransaction[],
  latestAsOf: string | null,
  symbolOf: (id: string) => string,
): ReconciliationFinding[] {
  if (latestAsOf === null) return [];
  const since = newYorkDate(latestAsOf);
  const bySecurity = new Map<string, number>();
  for (const tx of added) {
    if (tx.securityId === null || !movesShares(tx.type) || tx.tradeDate <= since) continue;
    bySecurity.set(tx.securityId, (bySecurity.get(tx.securityId) ?? 0) + 1);
  }
  return [...bySecurity].map(([securityId, count]) => ({
    accountId: account.id,
    securityId,
    symbol: symbolOf(securityId),
    code: "trades-after-snapshot" as const,
    excludedFromHarvesting: false,
    message: `${account.nickname} ${symbolOf(securityId)}: ${count} trade${count === 1 ? "" : "s"} after the latest holdings (as of ${since}); the lots are out of date until a newer positions or lot file is imported`,
  }));
}

// ---------------------------------------------------------------------------------------------
// The plan
// ---------------------------------------------------------------------------------------------

function hasHoldings(account: StatementAccount): boolean {
  return account.positions.length > 0 || account.lots.length > 0 || account.cash !== null;
}

export function planImport(
  statement: Statement,
  matches: readonly AccountMatch[],
  context: ImportContext,
  options: ImportOptions,
): Result<{ write: ImportWrite; summary: ImportSummary }, ImportRefusal> {
  const warnings: ImportSummary["warnings"] = statement.warnings.map((w) => ({
    line: w.line,
    message: w.message,
  }));
  const securities = new SecurityIndex(context.securities);
  const symbols = new Map(context.securities.map((s) => [s.id, s.symbol]));
  const symbolOf = (id: string) => symbols.get(id) ?? id;
  const batchId = `import-${options.sha256.slice(0, 32)}`;
  const write: ImportWrite = {
    batch: { id: batchId, source: statement.format, fileName: options.fileName, sha256: options.sha256 },
    snapshots: [],
    transactions: [],
    gainLossUpdates: [],
  };
  const accounts: AccountImportSummary[] = [];
  const findings: ReconciliationFinding[] = [];
  let duplicates = 0;
  for (const [i, fileAccount] of statement.accounts.entries()) {
    const match = matches[i];
    const account = match && context.accounts.find((a) => a.id === match.accountId);
    if (!match || !account) throw new Error(`account ${fileAccount.accountRef} was not matched`);
    if (account.closed) warnings.push({ line: null, message: `${describeAccount(account)} is closed` });
    if (fileAccount.asOf === null && hasHoldings(fileAccount)) {
      warnings.push({
        line: null,
        message: `the file does not say when ${account.nickname}'s holdings are as of; using ${match.asOf}${options.asOf === undefined ? " (now; set it with --as-of)" : " (--as-of)"}`,
      });
    } else if (fileAccount.asOf !== null && options.asOf !== undefined && options.asOf !== fileAccount.asOf) {
      warnings.push({ line: null, message: `the file is as of ${fileAccount.asOf}; --as-of is ignored` });
    }
    const txs = planTransactions(statement, fileAccount, account, context, securities, warnings);
    if (!txs.ok) return txs;
    let snapshotSummary: AccountImportSummary["snapshot"] = null;
    if (hasHoldings(fileAccount)) {
      const planned = planSnapshot(
        statement,
        fileAccount,
        match,
        account,
        context,
        securities,
        symbolOf,
        options.sha256,
        warnings,
        txs.value.transactions,
      );
      if (!planned.ok) return planned;
      const { snapshot, written, lotsCarried } = planned.value;
      if (written) write.snapshots.push(snapshot);
      findings.push(...planned.value.findings);
      snapshotSummary = {
        id: snapshot.id,
        asOf: snapshot.asOf,
        positions: snapshot.positions.length,
        lots: snapshot.lots.length,
        cash: snapshot.cash,
        lotsCarried,
        written,
      };
    }
    write.transactions.push(...txs.value.transactions);
    write.gainLossUpdates.push(...txs.value.gainLossUpdates);
    duplicates += txs.value.duplicates;
    if (!hasHoldings(fileAccount)) {
      findings.push(
        ...tradesAfterSnapshot(
          account,
          txs.value.transactions,
          context.latestAsOf.get(account.id) ?? null,
          symbolOf,
        ),
      );
    }
    accounts.push({
      ref: match.ref,
      accountId: account.id,
      nickname: account.nickname,
      householdId: account.householdId,
      snapshot: snapshotSummary,
      transactions: {
        added: txs.value.transactions.length,
        duplicates: txs.value.duplicates,
        gainLossAttached: txs.value.gainLossUpdates.length,
      },
    });
  }
  // Ids in key order: the same import always numbers its rows the same way, and the database's
  // indexes fill in order.
  write.transactions.sort((a, b) =>
    a.accountId === b.accountId
      ? compareText(a.externalId, b.externalId)
      : compareText(a.accountId, b.accountId),
  );
  write.transactions.forEach((tx, i) => {
    tx.id = `tx-${options.sha256.slice(0, 16)}-${String(i + 1).padStart(7, "0")}`;
  });
  const changed = write.snapshots.length + write.transactions.length + write.gainLossUpdates.length > 0;
  const summary: ImportSummary = {
    status: changed ? "imported" : "nothing-new",
    file: {
      name: options.fileName,
      sha256: options.sha256,
      format: statement.format,
      custodian: statement.custodian,
    },
    batchId: changed ? batchId : null,
    importedAt: null,
    accounts,
    totals: {
      snapshots: write.snapshots.length,
      positions: write.snapshots.reduce((n, s) => n + s.positions.length, 0),
      lots: write.snapshots.reduce((n, s) => n + s.lots.length, 0),
      transactions: write.transactions.length,
      duplicates,
      gainLossAttached: write.gainLossUpdates.length,
    },
    warnings,
    findings,
  };
  return ok({ write, summary });
}

function transactionDates(statement: Statement): { from: IsoDate; to: IsoDate } | null {
  let from: string | null = null;
  let to: string | null = null;
  for (const account of statement.accounts) {
    for (const tx of account.transactions) {
      if (from === null || tx.tradeDate < from) from = tx.tradeDate;
      if (to === null || tx.tradeDate > to) to = tx.tradeDate;
    }
  }
  return from === null || to === null ? null : { from: from as IsoDate, to: to as IsoDate };
}

/** The pure half of `lotwise import`, for the store to run inside its transaction. */
export function createImportPlanner(statement: Statement, options: ImportOptions): ImportPlanner {
  const accountQuery: AccountQuery =
    options.accountId !== undefined
      ? { accountId: options.accountId }
      : { custodianId: custodianFor(statement, options), householdId: options.householdId ?? null };
  let matched: AccountMatch[] = [];
  return {
    sha256: options.sha256,
    fileName: options.fileName,
    format: statement.format,
    custodian: statement.custodian,
    accountQuery,
    matchAccounts(candidates) {
      const result = matchAccounts(statement, candidates, options);
      if (result.ok) matched = result.value;
      return result;
    },
    securityKeys: securityKeysOf(statement),
    transactionDates: transactionDates(statement),
    plan: (context) => planImport(statement, matched, context, options),
  };
}
