// Writes a synthetic firm book in bounded batches: each batch of households is one transaction of
// set-based inserts (one `INSERT ... SELECT FROM unnest(...)` per table), so a batch is all or
// nothing and an interrupted seed leaves whole households only. Ids are deterministic: households
// already present are skipped, so a second run changes nothing and an interrupted one is completed
// by the next. Shared rows (custodians, classes, securities, policy, models, prices, users) are
// written once and kept when present (the demo book's among them).

import {
  buildMarket,
  generateHousehold,
  type Market,
  type SyntheticHouseholdRecord,
  syntheticHouseholdId,
} from "../demo/synthetic-book.ts";
import type { IsoDate } from "../domain/iso-date.ts";
import type { PrismaClient } from "./generated/client.ts";
import { writeModelOnce, writePolicyOnce } from "./write-reference-rows.ts";

export interface SyntheticSeedRequest {
  households: number;
  seed: number;
  asOf: IsoDate;
  /** The instant fresh data is stamped at. */
  now: string;
  /** Households per transaction (default 200). */
  batchSize?: number;
  /** Stop after this many batches (an interrupted seed, for tests). */
  maxBatches?: number;
  /** Called after each batch with the households done so far (present or written). */
  onProgress?: (done: number, total: number) => void;
}

export interface SyntheticSeedOutcome {
  /** created: all written now; completed: some were already there; already-present: nothing written. */
  status: "created" | "completed" | "already-present";
  households: number;
  accounts: number;
  lots: number;
  transactions: number;
  positions: number;
  restrictions: number;
  /** Households written by this run. */
  written: number;
}

type Tx = Pick<PrismaClient, "$executeRawUnsafe">;
type Cell = string | null;

export async function seedSyntheticBook(
  prisma: PrismaClient,
  request: SyntheticSeedRequest,
): Promise<SyntheticSeedOutcome> {
  const total = request.households;
  const batchSize = request.batchSize ?? 200;
  const present = new Set(await presentHouseholds(prisma, total));
  let written = 0;
  if (present.size < total) {
    const market = buildMarket({ asOf: request.asOf, now: request.now });
    await writeSharedRows(prisma, market);
    let batches = 0;
    for (let start = 0; start < total; start += batchSize) {
      if (request.maxBatches !== undefined && batches >= request.maxBatches) break;
      const indexes: number[] = [];
      for (let i = start; i < Math.min(total, start + batchSize); i++) {
        if (!present.has(syntheticHouseholdId(i))) indexes.push(i);
      }
      if (indexes.length > 0) {
        const records = indexes.map((i) => generateHousehold(market, i, request.seed).record);
        await prisma.$transaction(async (tx) => writeHouseholds(tx, records), {
          timeout: 120_000,
          maxWait: 30_000,
        });
        written += records.length;
        batches += 1;
      }
      request.onProgress?.(Math.min(total, start + batchSize), total);
    }
  } else {
    request.onProgress?.(total, total);
  }
  // Fresh statistics after a bulk load: without them (autovacuum off, or not yet run) the planner
  // guesses table sizes and the book read picks poor plans.
  if (written > 0) await prisma.$executeRawUnsafe("ANALYZE");
  const counts = await countSeeded(prisma, total);
  return {
    status: written === 0 ? "already-present" : present.size === 0 ? "created" : "completed",
    ...counts,
    written,
  };
}

/** The synthetic households 0..total-1 already in the database. */
async function presentHouseholds(prisma: PrismaClient, total: number): Promise<string[]> {
  const rows = await prisma.household.findMany({
    where: { id: { gte: syntheticHouseholdId(0), lte: syntheticHouseholdId(total - 1) } },
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

/** The seed's own rows for households 0..total-1 (not later syncs, fills or imports). */
async function countSeeded(
  prisma: PrismaClient,
  total: number,
): Promise<Omit<SyntheticSeedOutcome, "status" | "written">> {
  const low = syntheticHouseholdId(0);
  const high = syntheticHouseholdId(total);
  const [row] = await prisma.$queryRawUnsafe<Record<string, bigint | number>[]>(
    `SELECT
       (SELECT count(*) FROM household WHERE id >= $1 AND id < $2) AS households,
       (SELECT count(*) FROM account WHERE household_id >= $1 AND household_id < $2) AS accounts,
       (SELECT count(*) FROM lot WHERE account_id >= $1 AND account_id < $2
          AND snapshot_id = 'snap-' || account_id || '-seed') AS lots,
       (SELECT count(*) FROM position p JOIN account_snapshot s ON s.id = p.snapshot_id
          WHERE s.account_id >= $1 AND s.account_id < $2 AND s.id = 'snap-' || s.account_id || '-seed') AS positions,
       (SELECT count(*) FROM "transaction" WHERE account_id >= $1 AND account_id < $2
          AND source = 'synthetic') AS transactions,
       (SELECT count(*) FROM restriction WHERE household_id >= $1 AND household_id < $2) AS restrictions`,
    low,
    high,
  );
  const n = (key: string) => Number(row?.[key] ?? 0);
  return {
    households: n("households"),
    accounts: n("accounts"),
    lots: n("lots"),
    transactions: n("transactions"),
    positions: n("positions"),
    restrictions: n("restrictions"),
  };
}

// ---------------------------------------------------------------------------------------------
// Shared rows: kept when present
// ---------------------------------------------------------------------------------------------

async function writeSharedRows(prisma: PrismaClient, market: Market): Promise<void> {
  const book = market.reference;
  await prisma.$transaction(
    async (tx) => {
      await tx.custodian.createMany({ data: book.custodians, skipDuplicates: true });
      await tx.assetClass.createMany({ data: book.assetClasses, skipDuplicates: true });
      await tx.security.createMany({ data: book.securities, skipDuplicates: true });
      await writePolicyOnce(tx, book.policy, "synthetic");
      for (const model of market.modelRows) await writeModelOnce(tx, model);
      await tx.price.createMany({
        data: book.prices.map((price) => ({
          id: `${price.securityId}@${price.asOf}@${price.source}`,
          ...price,
          asOf: new Date(price.asOf),
        })),
        skipDuplicates: true,
      });
      await tx.user.createMany({
        data: market.users.map(({ access: _, ...user }) => user),
        skipDuplicates: true,
      });
    },
    { timeout: 60_000, maxWait: 30_000 },
  );
}

// ---------------------------------------------------------------------------------------------
// Households: one set-based insert per table
// ---------------------------------------------------------------------------------------------

/**
 * `INSERT INTO table (columns) SELECT casts FROM unnest($1::text[], ...)`: one parameter per
 * column, whatever the number of rows. Every value travels as text and is cast in SQL.
 */
async function insertRows(
  tx: Tx,
  table: string,
  columns: readonly (readonly [string, string])[],
  rows: Cell[][],
) {
  if (rows.length === 0) return;
  const names = columns.map(([name]) => `"${name}"`).join(", ");
  const casts = columns.map(([, cast], i) => castOf(`c${i}`, cast)).join(", ");
  const params = columns.map((_, i) => `$${i + 1}::text[]`).join(", ");
  const aliases = columns.map((_, i) => `c${i}`).join(", ");
  const sql = `INSERT INTO "${table}" (${names}) SELECT ${casts} FROM unnest(${params}) AS t(${aliases})`;
  const values = columns.map((_, i) => rows.map((row) => row[i] ?? null));
  await tx.$executeRawUnsafe(sql, ...values);
}

function castOf(column: string, cast: string): string {
  if (cast === "text") return column;
  // One element or none: an empty string is none.
  if (cast === "text-array-of-one")
    return `CASE WHEN ${column} = '' THEN '{}'::text[] ELSE ARRAY[${column}] END`;
  return `${column}::${cast}`;
}

const bool = (value: boolean) => (value ? "true" : "false");

async function writeHouseholds(tx: Tx, households: readonly SyntheticHouseholdRecord[]): Promise<void> {
  const accounts = households.flatMap((h) => h.accounts.map((account) => ({ householdId: h.id, account })));
  await insertRows(
    tx,
    "household",
    [
      ["id", "text"],
      ["name", "text"],
      ["notes", "text"],
    ],
    households.map((h) => [h.id, h.name, h.notes]),
  );
  await insertRows(
    tx,
    "person",
    [
      ["id", "text"],
      ["household_id", "text"],
      ["role", "person_role"],
      ["name", "text"],
    ],
    households.flatMap((h) => h.people.map((p) => [p.id, h.id, p.role, p.name])),
  );
  await insertRows(
    tx,
    "household_model_assignment",
    [
      ["id", "text"],
      ["household_id", "text"],
      ["model_version_id", "text"],
      ["effective_date", "date"],
      ["assigned_by", "text"],
    ],
    households.flatMap((h) =>
      h.assignments.map((a) => [a.id, h.id, a.modelVersionId, a.effectiveDate, "synthetic"]),
    ),
  );
  await insertRows(
    tx,
    "account",
    [
      ["id", "text"],
      ["household_id", "text"],
      ["owner_id", "text"],
      ["custodian_id", "text"],
      ["type", "account_type"],
      ["nickname", "text"],
      ["account_number_masked", "text"],
      ["lot_relief_method", "lot_relief_method"],
      ["tradeable", "boolean"],
      ["cash_reserve", "numeric"],
      ["fractional_shares", "boolean"],
      ["opened_on", "date"],
    ],
    accounts.map(({ householdId, account: a }) => [
      a.id,
      householdId,
      a.ownerId,
      a.custodianId,
      a.type,
      a.nickname,
      a.accountNumberMasked,
      a.lotReliefMethod,
      bool(a.tradeable),
      a.cashReserve,
      bool(a.fractionalShares),
      a.openedOn,
    ]),
  );
  await insertRows(
    tx,
    "restriction",
    [
      ["id", "text"],
      ["household_id", "text"],
      ["account_id", "text"],
      ["security_id", "text"],
      ["kind", "restriction_kind"],
      ["reason", "text"],
    ],
    households.flatMap((h) =>
      h.restrictions.map((r) => [r.id, h.id, r.accountId, r.securityId, r.kind, r.reason]),
    ),
  );
  await insertRows(
    tx,
    "account_snapshot",
    [
      ["id", "text"],
      ["account_id", "text"],
      ["as_of", "timestamptz"],
      ["source", "text"],
      ["cash", "numeric"],
    ],
    accounts.map(({ account: a }) => [
      a.snapshot.id,
      a.id,
      a.snapshot.asOf,
      a.snapshot.source,
      a.snapshot.cash,
    ]),
  );
  await insertRows(
    tx,
    "position",
    [
      ["id", "text"],
      ["snapshot_id", "text"],
      ["security_id", "text"],
      ["quantity", "numeric"],
      ["reported_cost_basis", "numeric"],
    ],
    accounts.flatMap(({ account: a }) =>
      a.snapshot.positions.map((p) => [
        `${a.snapshot.id}:${p.securityId}`,
        a.snapshot.id,
        p.securityId,
        p.quantity,
        p.reportedCostBasis,
      ]),
    ),
  );
  await insertRows(
    tx,
    "lot",
    [
      ["id", "text"],
      ["snapshot_id", "text"],
      ["account_id", "text"],
      ["security_id", "text"],
      ["lot_key", "text"],
      ["trade_date", "date"],
      ["acquired_date", "date"],
      ["quantity", "numeric"],
      ["cost_basis", "numeric"],
      ["deferred_wash_loss", "numeric"],
    ],
    accounts.flatMap(({ account: a }) =>
      a.snapshot.lots.map((l) => [
        `${a.snapshot.id}:${l.lotKey}`,
        a.snapshot.id,
        a.id,
        l.securityId,
        l.lotKey,
        l.tradeDate,
        l.acquiredDate,
        l.quantity,
        l.costBasis,
        l.deferredWashLoss,
      ]),
    ),
  );
  await insertRows(
    tx,
    "transaction",
    [
      ["id", "text"],
      ["account_id", "text"],
      ["security_id", "text"],
      ["type", "transaction_type"],
      ["status", "transaction_status"],
      ["trade_date", "date"],
      ["quantity", "numeric"],
      ["price", "numeric"],
      ["amount", "numeric"],
      ["lot_keys", "text-array-of-one"],
      ["realized_gain_loss", "numeric"],
      ["description", "text"],
      ["source", "text"],
      ["external_id", "text"],
    ],
    accounts.flatMap(({ account: a }) =>
      a.transactions.map((t) => {
        if (t.lotKeys.length > 1) throw new Error(`${t.id}: a synthetic transaction has one lot key at most`);
        return [
          t.id,
          a.id,
          t.securityId,
          t.type,
          t.status,
          t.tradeDate,
          t.quantity,
          t.price,
          t.amount,
          t.lotKeys[0] ?? "",
          t.realizedGainLoss ?? null,
          t.description,
          "synthetic",
          t.externalId,
        ];
      }),
    ),
  );
  await insertRows(
    tx,
    "household_access",
    [
      ["user_id", "text"],
      ["household_id", "text"],
      ["role", "role"],
    ],
    households.flatMap((h) => h.access.map((a) => [a.userId, h.id, a.role])),
  );
}
