// The set-based read of planning inputs: one statement for a whole set of households (the
// book-wide stream reads them a chunk at a time; one household is a set of one), mapped straight
// into the engine's types. Firm-wide data (the security master, the cash class, the policy in force
// and the latest prices) is read once per stream and shared by every household read with it.
// Rows come in the database's order (its collation), as the per-household reader they replace
// read them, so plans stay byte-identical. Numbers cross as text into decimal.js, instants as
// ISO 8601 UTC text, dates as YYYY-MM-DD.
import { type AccountType, isTaxable, type RestrictionKind, type Security } from "../domain/book.ts";
import type { Decimal } from "../domain/decimal.ts";
import type {
  HouseholdBook,
  ModelTargetSpec,
  ModelVersionSpec,
  PlanningAccount,
  PlanningLot,
  PlanningPosition,
  PlanningRestriction,
  PlanningTransaction,
} from "../domain/household-book.ts";
import { addDays, fromDayNumber, type IsoDate } from "../domain/iso-date.ts";
import type { PlanningInputs, PlanningPins } from "../ports/book-store.ts";
import type { PrismaClient } from "./generated/client.ts";
import { toDecimal, toDecimalOrNull, toIsoDate, toSecurity } from "./mapping.ts";

/** What every household read with it shares: read once per stream (or per single read). */
export interface FirmReference {
  securities: ReadonlyMap<string, Security>;
  cashClassId: string;
  policy: PlanningInputs["policy"];
  /** Keyed by security, in security id order. */
  prices: ReadonlyMap<string, { id: string; price: Decimal; asOf: string; source: string }>;
  /** The same prices as the engine takes them. */
  priceValues: ReadonlyMap<string, Decimal>;
}

/** Which rows: the latest as of the trade date, or exactly the recorded ones (replay). */
export type ReadScope = { asOf: IsoDate; pins?: PlanningPins };

// ---------------------------------------------------------------------------------------------
// SQL: each part of the read is one column of one statement, a JSON array built by the database
// (decimals as text inside it), so a read is a single round trip.
// ---------------------------------------------------------------------------------------------

const INSTANT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const instant = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', ${INSTANT})`;
const day = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`;
/** A date as days since 1970-01-01: far cheaper for the database to write than text. */
const dayNumber = (column: string) => `(${column} - DATE '1970-01-01')`;

/** Positional parameters, each with its type. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown, type: "text" | "text[]" | "date"): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/** A JSON array of objects (keys and SQL expressions), in `orderBy` order; `[]` when none. */
function jsonRows(fields: Record<string, string>, from: string, orderBy: string): string {
  const object = Object.entries(fields)
    .map(([key, expression]) => `'${key}', ${expression}`)
    .join(", ");
  return `SELECT coalesce(json_agg(json_build_object(${object}) ORDER BY ${orderBy}), '[]'::json) ${from}`;
}

/**
 * The same, column-wise (one array per key, all in `orderBy` order): less for the database to build
 * than one object per row. Values must be scalars.
 */
function jsonColumns(fields: Record<string, string>, from: string, orderBy: string): string {
  const keys = Object.keys(fields);
  const arrays = keys.map((key) => `'${key}', coalesce(array_agg("${key}" ORDER BY rn), '{}')`).join(", ");
  const columns = keys.map((key) => `${fields[key]} AS "${key}"`).join(", ");
  return `SELECT json_build_object(${arrays})
    FROM (SELECT ${columns}, row_number() OVER (ORDER BY ${orderBy}) AS rn ${from}) x`;
}

/**
 * A part read snapshot by snapshot (positions, lots: `table` with a snapshot_id; a confirmation's
 * rows are those of the snapshot it confirms): per snapshot, in account order, the snapshot's fields
 * (`perSnapshot`) and its rows as arrays of `values`, in `orderBy` order: small sorts in memory
 * rather than one over the whole chunk, and no keys.
 */
function jsonPerSnapshot(
  table: string,
  perSnapshot: Record<string, string>,
  values: string[],
  orderBy: string,
): string {
  const object = [
    "'householdId', snap.household_id",
    ...Object.entries(perSnapshot).map(([key, expression]) => `'${key}', ${expression}`),
    "'rows', x.rows",
  ].join(", ");
  return `SELECT coalesce(json_agg(json_build_object(${object}) ORDER BY snap.account_id), '[]'::json)
    FROM snap CROSS JOIN LATERAL (
      SELECT json_agg(json_build_array(${values.join(", ")}) ORDER BY ${orderBy}) AS rows
        FROM ${table} r WHERE r.snapshot_id = snap.content_id) x
   WHERE x.rows IS NOT NULL`;
}

/** Rows back from `jsonColumns`. */
function toRows<Row>(columns: { [Key in keyof Row]: Row[Key][] }): Row[] {
  const keys = Object.keys(columns) as (keyof Row)[];
  const count = keys.length === 0 ? 0 : columns[keys[0] as keyof Row].length;
  const rows: Row[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const row = {} as Row;
    for (const key of keys) row[key] = columns[key][i] as Row[keyof Row];
    rows[i] = row;
  }
  return rows;
}

interface Statement {
  ctes: string[];
  columns: Record<string, string>;
}

async function run<Result>(prisma: PrismaClient, statement: Statement, params: Params): Promise<Result> {
  const ctes = statement.ctes.length > 0 ? `WITH ${statement.ctes.join(",\n")}\n` : "";
  const columns = Object.entries(statement.columns)
    .map(([name, sql]) => `(${sql}) AS "${name}"`)
    .join(",\n");
  // One round trip. (PostgreSQL connections run with JIT off: see open-database.ts.)
  const [row] = await prisma.$queryRawUnsafe<Result[]>(`${ctes}SELECT ${columns}`, ...params.values);
  return row as Result;
}

// ---------------------------------------------------------------------------------------------
// Firm-wide reference data
// ---------------------------------------------------------------------------------------------

/** The security master as the statement returns it: the table's columns, the ratio as text. */
type SecurityRow = Parameters<typeof toSecurity>[0];

interface PolicyRow {
  id: string;
  version: number;
  sameIndexIsIdentical: boolean;
  groupName: string | null;
  symbol: string | null;
}

interface PriceRow {
  id: string;
  securityId: string;
  price: string;
  asOf: string;
  source: string;
}

interface ReferenceRows {
  securities: SecurityRow[];
  cashClassId: string | null;
  policy: PolicyRow[];
  prices: PriceRow[];
}

const PRICE_FIELDS = {
  id: "p.id",
  securityId: "p.security_id",
  price: "p.price::text",
  asOf: instant("p.as_of"),
  source: "p.source",
};

function referenceColumns(scope: ReadScope, params: Params): Record<string, string> {
  const { pins } = scope;
  return {
    securities: jsonRows(
      {
        id: "id",
        symbol: "symbol",
        cusip: "cusip",
        name: "name",
        type: "type",
        assetClassId: "asset_class_id",
        trackedIndex: "tracked_index",
        fundFamily: "fund_family",
        expenseRatio: "expense_ratio::text",
      },
      "FROM security",
      "symbol",
    ),
    cashClassId: "SELECT id FROM asset_class WHERE is_cash ORDER BY id LIMIT 1",
    policy: jsonRows(
      {
        id: "c.id",
        version: "c.version",
        sameIndexIsIdentical: "c.same_index_is_identical",
        groupName: "g.name",
        symbol: "s.symbol",
      },
      `FROM (SELECT id, version, same_index_is_identical FROM si_policy
              WHERE ${pins ? `id = ${params.add(pins.policyId ?? "", "text")}` : `effective_date <= ${params.add(scope.asOf, "date")}`}
              ORDER BY version DESC LIMIT 1) c
         LEFT JOIN si_policy_group g ON g.policy_id = c.id
         LEFT JOIN si_policy_group_member m ON m.group_id = g.id
         LEFT JOIN security s ON s.id = m.security_id`,
      "g.name",
    ),
    prices: pins
      ? jsonRows(
          PRICE_FIELDS,
          `FROM price p WHERE p.id = ANY(${params.add(pins.priceIds, "text[]")})`,
          "p.security_id",
        )
      : jsonRows(
          PRICE_FIELDS,
          `FROM security s CROSS JOIN LATERAL (
             SELECT * FROM price WHERE price.security_id = s.id
              ORDER BY price.as_of DESC, price.created_at DESC LIMIT 1) p`,
          "p.security_id",
        ),
  };
}

export async function readFirmReference(prisma: PrismaClient, scope: ReadScope): Promise<FirmReference> {
  const params = new Params();
  return toReference(
    await run<ReferenceRows>(prisma, { ctes: [], columns: referenceColumns(scope, params) }, params),
  );
}

function toReference(rows: ReferenceRows): FirmReference {
  const prices = new Map(
    rows.prices.map((row) => [
      row.securityId,
      { id: row.id, price: toDecimal(row.price), asOf: row.asOf, source: row.source },
    ]),
  );
  return {
    securities: new Map(rows.securities.map((row) => [row.id, toSecurity(row)])),
    cashClassId: rows.cashClassId ?? "cash",
    policy: toPolicy(rows.policy),
    prices,
    priceValues: new Map([...prices].map(([id, latest]) => [id, latest.price])),
  };
}

function toPolicy(rows: PolicyRow[]): PlanningInputs["policy"] {
  const first = rows[0];
  if (!first) return null;
  const groups = new Map<string, string[]>();
  for (const row of rows) {
    if (row.groupName === null) continue;
    const symbols = groups.get(row.groupName) ?? [];
    if (row.symbol !== null) symbols.push(row.symbol);
    groups.set(row.groupName, symbols);
  }
  return {
    id: first.id,
    version: `si-policy-v${first.version}`,
    sameIndexIsIdentical: first.sameIndexIsIdentical,
    groups: [...groups].map(([name, symbols]) => ({ name, symbols: symbols.sort() })),
  };
}

// ---------------------------------------------------------------------------------------------
// Households
// ---------------------------------------------------------------------------------------------

interface AccountRow {
  householdId: string;
  id: string | null;
  name: string;
  type: AccountType;
  tradeable: boolean;
  cashReserve: string;
  fractionalShares: boolean;
}

interface SnapshotRow {
  householdId: string;
  id: string;
  accountId: string;
  cash: string;
  asOf: string;
  source: string;
}

/** One snapshot's positions: security, quantity, reported cost basis. */
interface SnapshotPositions {
  householdId: string;
  accountId: string;
  rows: [string, string, string | null][];
}

/** One snapshot's lots: key, account, security, trade and acquired day numbers, quantity, basis. */
interface SnapshotLots {
  householdId: string;
  rows: [string, string, string, number, number, string, string | null][];
}

function toPositions(snapshot: SnapshotPositions, into: PlanningPosition[]): void {
  for (const [securityId, quantity, reportedCostBasis] of snapshot.rows) {
    into.push({
      accountId: snapshot.accountId,
      securityId,
      quantity: toDecimal(quantity),
      reportedCostBasis: toDecimalOrNull(reportedCostBasis),
    });
  }
}

function toLots(snapshot: SnapshotLots, into: PlanningLot[]): void {
  for (const [lotKey, accountId, securityId, tradeDay, acquiredDay, quantity, costBasis] of snapshot.rows) {
    into.push({
      lotKey,
      accountId,
      securityId,
      tradeDate: fromDayNumber(tradeDay),
      acquiredDate: fromDayNumber(acquiredDay),
      quantity: toDecimal(quantity),
      costBasis: toDecimalOrNull(costBasis),
    });
  }
}

interface TransactionRow {
  householdId: string;
  id: string;
  accountId: string;
  securityId: string | null;
  type: string;
  status: string;
  tradeDate: string;
  quantity: string | null;
  realizedGainLoss: string | null;
  /** The first of the transaction's lots, if any. */
  lotKey: string | null;
}

interface RestrictionRow {
  householdId: string;
  id: string;
  kind: RestrictionKind;
  accountId: string | null;
  securityId: string | null;
  reason: string;
}

interface ModelRow {
  householdId: string;
  id: string;
  name: string;
  version: number;
  bandAbsolute: string;
  bandRelative: string;
  rebalanceTo: ModelVersionSpec["rebalanceTo"];
  assetClassId: string | null;
  weight: string | null;
  targetBandAbsolute: string | null;
  targetBandRelative: string | null;
  primarySecurityId: string | null;
  alternates: string[];
}

const TRANSACTION_KINDS = { BUY: "buy", DIVIDEND_REINVEST: "dividend-reinvest", SELL: "sell" } as const;
const STATUSES = { SETTLED: "settled", PENDING: "pending", SCHEDULED: "scheduled" } as const;

type Columns<Row> = { [Key in keyof Row]: Row[Key][] };

/** The statement's parts, for every household in it (an account id is null for a household without one). */
interface HouseholdsRows {
  accounts: AccountRow[];
  snapshots: SnapshotRow[];
  positions: SnapshotPositions[];
  lots: SnapshotLots[];
  transactions: Columns<TransactionRow>;
  restrictions: RestrictionRow[];
  model: ModelRow[];
}

/**
 * The read of these households, one column per part: accounts (and whether the household exists),
 * each account's latest snapshot (pinned: the recorded one) with its positions and lots, the
 * purchases and sales that matter for wash sales, restrictions, and the model version in force.
 */
function householdStatement(ids: string[], scope: ReadScope, params: Params): Statement {
  const { asOf, pins } = scope;
  const idList = params.add(ids, "text[]");
  const accountFilter = pins ? `id = ANY(${params.add(pins.accountIds, "text[]")})` : "closed_on IS NULL";
  const snapshotFilter = pins ? ` AND id = ANY(${params.add(pins.snapshotIds, "text[]")})` : "";
  const ctes = [
    `acc AS (SELECT id, household_id FROM account WHERE household_id = ANY(${idList}) AND ${accountFilter})`,
    `snap AS (
       SELECT acc.household_id, s.id, s.account_id, s.cash, s.as_of, s.source,
              coalesce(s.content_snapshot_id, s.id) AS content_id
         FROM acc CROSS JOIN LATERAL (
           SELECT id, account_id, cash, as_of, source, content_snapshot_id FROM account_snapshot
            WHERE account_id = acc.id${snapshotFilter}
            ORDER BY as_of DESC, created_at DESC LIMIT 1) s)`,
  ];
  const transactionFields = {
    id: "t.id",
    accountId: "t.account_id",
    securityId: "t.security_id",
    type: "t.type",
    status: "t.status",
    tradeDate: day("t.trade_date"),
    quantity: "t.quantity::text",
    realizedGainLoss: "t.realized_gain_loss::text",
    lotKey: "t.lot_keys[1]",
  };
  const householdOfPinned = pins ? params.add(ids[0], "text") : "";
  const columns: Record<string, string> = {
    accounts: jsonRows(
      {
        householdId: "h.id",
        id: "a.id",
        name: "a.nickname",
        type: "a.type",
        tradeable: "a.tradeable",
        cashReserve: "a.cash_reserve::text",
        fractionalShares: "a.fractional_shares",
      },
      `FROM household h LEFT JOIN acc ON acc.household_id = h.id LEFT JOIN account a ON a.id = acc.id
        WHERE h.id = ANY(${idList})`,
      "a.id",
    ),
    snapshots: jsonRows(
      {
        householdId: "household_id",
        id: "id",
        accountId: "account_id",
        cash: "cash::text",
        asOf: instant("as_of"),
        source: "source",
      },
      "FROM snap",
      "account_id",
    ),
    positions: jsonPerSnapshot(
      "position",
      { accountId: "snap.account_id" },
      ["r.security_id", "r.quantity::text", "r.reported_cost_basis::text"],
      "r.security_id",
    ),
    lots: jsonPerSnapshot(
      "lot",
      {},
      [
        "r.lot_key",
        "r.account_id",
        "r.security_id",
        dayNumber("r.trade_date"),
        dayNumber("r.acquired_date"),
        "r.quantity::text",
        "r.cost_basis::text",
      ],
      "r.trade_date, r.lot_key",
    ),
    // Pinned: the recorded rows, whichever account they are in.
    transactions: pins
      ? jsonColumns(
          { householdId: householdOfPinned, ...transactionFields },
          `FROM "transaction" t WHERE t.id = ANY(${params.add(pins.transactionIds, "text[]")})`,
          "t.trade_date, t.id",
        )
      : jsonColumns(
          { householdId: "acc.household_id", ...transactionFields },
          // Two index ranges per account (status, then trade date), however long its history.
          `FROM acc CROSS JOIN LATERAL (
             SELECT * FROM "transaction" WHERE account_id = acc.id AND status IN ('PENDING', 'SCHEDULED')
             UNION ALL
             SELECT * FROM "transaction" WHERE account_id = acc.id AND status = 'SETTLED'
                AND trade_date >= ${params.add(addDays(asOf, -61), "date")} AND trade_date <= ${params.add(asOf, "date")}) t
            WHERE t.type IN ('BUY', 'DIVIDEND_REINVEST', 'SELL')`,
          "t.trade_date, t.id",
        ),
    restrictions: jsonRows(
      {
        householdId: "household_id",
        id: "id",
        kind: "kind",
        accountId: "account_id",
        securityId: "security_id",
        reason: "reason",
      },
      `FROM restriction WHERE household_id = ANY(${idList})
         AND ${pins ? `id = ANY(${params.add(pins.restrictionIds, "text[]")})` : "ended_at IS NULL"}`,
      "id",
    ),
    model: jsonRows(
      {
        householdId: "c.household_id",
        id: "mv.id",
        name: "m.name",
        version: "mv.version",
        bandAbsolute: "mv.band_absolute::text",
        bandRelative: "mv.band_relative::text",
        rebalanceTo: "mv.rebalance_to",
        assetClassId: "t.asset_class_id",
        weight: "t.weight::text",
        targetBandAbsolute: "t.band_absolute::text",
        targetBandRelative: "t.band_relative::text",
        primarySecurityId: "t.primary_security_id",
        alternates:
          "ARRAY(SELECT al.security_id FROM model_alternate al WHERE al.target_id = t.id ORDER BY al.rank)",
      },
      `FROM (${
        pins
          ? `SELECT ${householdOfPinned} AS household_id, id AS model_version_id FROM model_version
              WHERE id = ${params.add(pins.modelVersionId ?? "", "text")}`
          : `SELECT DISTINCT ON (household_id) household_id, model_version_id
               FROM household_model_assignment
              WHERE household_id = ANY(${idList}) AND effective_date <= ${params.add(asOf, "date")}
              ORDER BY household_id, effective_date DESC, created_at DESC`
      }) c
         JOIN model_version mv ON mv.id = c.model_version_id
         JOIN model m ON m.id = mv.model_id
         LEFT JOIN model_target t ON t.model_version_id = mv.id
         LEFT JOIN asset_class ac ON ac.id = t.asset_class_id`,
      "c.household_id, ac.sort_order, t.asset_class_id",
    ),
  };
  return { ctes, columns };
}

/**
 * The planning inputs of these households (ids without duplicates), in the order given; a household
 * that does not exist is left out. With `scope.pins`, `householdIds` holds one household. Without
 * `reference`, the firm-wide data is read in the same statement.
 */
export async function readHouseholdsInputs(
  prisma: PrismaClient,
  householdIds: readonly string[],
  scope: ReadScope,
  reference?: FirmReference,
): Promise<PlanningInputs[]> {
  if (scope.pins && householdIds.length !== 1) throw new Error("pinned reads are for one household");
  const ids = [...householdIds];
  const params = new Params();
  const statement = householdStatement(ids, scope, params);
  const rows = await run<HouseholdsRows & Partial<ReferenceRows>>(
    prisma,
    reference
      ? statement
      : { ...statement, columns: { ...statement.columns, ...referenceColumns(scope, params) } },
    params,
  );
  const firm = reference ?? toReference(rows as ReferenceRows);

  const households = new Map<string, HouseholdRows>();
  for (const row of rows.accounts) {
    const target = households.get(row.householdId) ?? emptyRows();
    if (row.id !== null) target.accounts.push({ ...row, id: row.id });
    households.set(row.householdId, target);
  }
  const into = <Part extends "snapshots" | "transactions" | "restrictions" | "model">(
    part: Part,
    all: HouseholdRows[Part],
  ) => {
    for (const row of all) {
      (households.get(row.householdId)?.[part] as (typeof row)[] | undefined)?.push(row);
    }
  };
  into("snapshots", rows.snapshots);
  for (const snapshot of rows.positions) {
    const target = households.get(snapshot.householdId);
    if (target) toPositions(snapshot, target.positions);
  }
  for (const snapshot of rows.lots) {
    const target = households.get(snapshot.householdId);
    if (target) toLots(snapshot, target.lots);
  }
  into("transactions", toRows(rows.transactions));
  into("restrictions", rows.restrictions);
  into("model", rows.model);

  const models = new Map<string, ModelVersionSpec>();
  const result: PlanningInputs[] = [];
  for (const householdId of ids) {
    const found = households.get(householdId);
    if (found) result.push(toInputs(householdId, scope.asOf, found, firm, models));
  }
  return result;
}

interface HouseholdRows {
  accounts: (AccountRow & { id: string })[];
  snapshots: SnapshotRow[];
  positions: PlanningPosition[];
  lots: PlanningLot[];
  transactions: TransactionRow[];
  restrictions: RestrictionRow[];
  model: ModelRow[];
}

function emptyRows(): HouseholdRows {
  return {
    accounts: [],
    snapshots: [],
    positions: [],
    lots: [],
    transactions: [],
    restrictions: [],
    model: [],
  };
}

function toInputs(
  householdId: string,
  asOf: IsoDate,
  rows: HouseholdRows,
  reference: FirmReference,
  models: Map<string, ModelVersionSpec>,
): PlanningInputs {
  const cashOf = new Map(rows.snapshots.map((snapshot) => [snapshot.accountId, snapshot.cash]));
  const book: HouseholdBook = {
    householdId,
    asOf,
    accounts: rows.accounts.map(
      (account): PlanningAccount => ({
        id: account.id,
        name: account.name,
        type: account.type,
        taxable: isTaxable(account.type),
        tradeable: account.tradeable,
        // An account with no snapshot yet holds nothing we know of.
        cash: toDecimal(cashOf.get(account.id) ?? 0),
        cashReserve: toDecimal(account.cashReserve),
        fractionalShares: account.fractionalShares,
      }),
    ),
    positions: rows.positions,
    lots: rows.lots,
    securities: reference.securities,
    cashClassId: reference.cashClassId,
    prices: reference.priceValues,
    transactions: rows.transactions.flatMap((tx): PlanningTransaction[] =>
      tx.securityId === null || !(tx.type in TRANSACTION_KINDS) || !(tx.status in STATUSES)
        ? []
        : [
            {
              id: tx.id,
              accountId: tx.accountId,
              securityId: tx.securityId,
              kind: TRANSACTION_KINDS[tx.type as keyof typeof TRANSACTION_KINDS],
              status: STATUSES[tx.status as keyof typeof STATUSES],
              tradeDate: toIsoDate(tx.tradeDate),
              quantity: toDecimalOrNull(tx.quantity),
              realizedGainLoss: toDecimalOrNull(tx.realizedGainLoss),
              ...(tx.lotKey ? { lotKey: tx.lotKey } : {}),
            },
          ],
    ),
    restrictions: rows.restrictions.map(
      (r): PlanningRestriction => ({
        kind: r.kind,
        accountId: r.accountId,
        securityId: r.securityId,
        reason: r.reason,
      }),
    ),
  };
  const model = toModel(rows.model, models);
  return {
    book,
    model,
    policy: reference.policy,
    pins: {
      accountIds: rows.accounts.map((account) => account.id),
      snapshotIds: rows.snapshots.map((snapshot) => snapshot.id).sort(),
      priceIds: [...reference.prices.values()].map((latest) => latest.id).sort(),
      transactionIds: rows.transactions.map((tx) => tx.id).sort(),
      restrictionIds: rows.restrictions.map((r) => r.id),
      modelVersionId: model?.id ?? null,
      policyId: reference.policy?.id ?? null,
    },
    dataAsOf: {
      snapshots: rows.snapshots.map((s) => ({
        accountId: s.accountId,
        snapshotId: s.id,
        asOf: s.asOf,
        source: s.source,
      })),
      prices: [...reference.prices].map(([securityId, latest]) => ({
        securityId,
        asOf: latest.asOf,
        source: latest.source,
      })),
    },
  };
}

/** The model version's spec, built once per version for all the households that hold it. */
function toModel(rows: ModelRow[], models: Map<string, ModelVersionSpec>): ModelVersionSpec | null {
  const first = rows[0];
  if (!first) return null;
  const known = models.get(first.id);
  if (known) return known;
  const spec: ModelVersionSpec = {
    id: first.id,
    name: first.name,
    version: first.version,
    bandAbsolute: toDecimal(first.bandAbsolute),
    bandRelative: toDecimal(first.bandRelative),
    rebalanceTo: first.rebalanceTo,
    targets: rows.flatMap((target): ModelTargetSpec[] =>
      target.assetClassId === null || target.weight === null || target.primarySecurityId === null
        ? []
        : [
            {
              assetClassId: target.assetClassId,
              weight: toDecimal(target.weight),
              bandAbsolute: toDecimalOrNull(target.targetBandAbsolute),
              bandRelative: toDecimalOrNull(target.targetBandRelative),
              primarySecurityId: target.primarySecurityId,
              alternateSecurityIds: target.alternates,
            },
          ],
    ),
  };
  models.set(spec.id, spec);
  return spec;
}
