import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { seedSyntheticBook } from "../../src/db/seed-synthetic.ts";
import { buildDemoBook } from "../../src/demo/demo-book.ts";
import { buildMarket, generateBook, SYNTHETIC_NIGHTLY_SOURCE } from "../../src/demo/synthetic-book.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const asOf = isoDate("2026-11-20");
const now = "2026-11-20T20:00:00.000Z";
const request = { households: 12, seed: 1, asOf, now };
const expected = generateBook(12, { market: buildMarket({ asOf, now }), seed: 1 }).counts;

async function count(db: TestDatabase, sql: string): Promise<number> {
  const rows = await db.withSql((runner) => runner.query<{ n: number }>(sql));
  return Number(rows[0]?.n ?? -1);
}

async function tableCounts(db: TestDatabase) {
  const counts: Record<string, number> = {};
  for (const table of [
    "household",
    "account",
    "account_snapshot",
    "position",
    "lot",
    "transaction",
    "price",
    "household_access",
    "model_version",
  ]) {
    counts[table] = await count(db, `SELECT count(*)::int AS n FROM "${table}"`);
  }
  return counts;
}

describe(`synthetic book in the database (${BACKEND})`, () => {
  let db: TestDatabase;
  let interrupted: TestDatabase;

  beforeAll(async () => {
    [db, interrupted] = await Promise.all([openTestDatabase(), openTestDatabase()]);
  });
  afterAll(() => Promise.all([db.close(), interrupted.close()]));

  it("writes the generator's book and says how much", async () => {
    const outcome = await seedSyntheticBook(db.prisma, { ...request, batchSize: 5 });
    expect(outcome).toMatchObject({
      status: "created",
      households: 12,
      accounts: expected.accounts,
      lots: expected.lots,
      transactions: expected.transactions,
      positions: expected.positions,
      restrictions: expected.restrictions,
      written: 12,
    });
    expect(await count(db, "SELECT count(*)::int AS n FROM lot")).toBe(expected.lots);
    expect(await count(db, `SELECT count(*)::int AS n FROM "transaction"`)).toBe(expected.transactions);
  });

  it("changes nothing the second time, and says so", async () => {
    const before = await tableCounts(db);
    const outcome = await seedSyntheticBook(db.prisma, { ...request, now: "2026-11-21T20:00:00.000Z" });
    expect(outcome.status).toBe("already-present");
    expect(outcome.written).toBe(0);
    expect(outcome.lots).toBe(expected.lots);
    expect(await tableCounts(db)).toEqual(before);
  });

  it("completes an interrupted seed: whole batches, then the rest, as if never interrupted", async () => {
    const first = await seedSyntheticBook(interrupted.prisma, { ...request, batchSize: 5, maxBatches: 1 });
    expect(first.households).toBe(5);
    expect(await count(interrupted, "SELECT count(*)::int AS n FROM household")).toBe(5);
    // Every household written is whole: each has its accounts and lots.
    expect(
      await count(
        interrupted,
        "SELECT count(*)::int AS n FROM household h WHERE NOT EXISTS (SELECT 1 FROM lot l JOIN account a ON a.id = l.account_id WHERE a.household_id = h.id)",
      ),
    ).toBe(0);
    const rest = await seedSyntheticBook(interrupted.prisma, { ...request, batchSize: 4 });
    expect(rest).toMatchObject({ status: "completed", written: 7, households: 12, lots: expected.lots });
    expect(await tableCounts(interrupted)).toEqual(await tableCounts(db));
  });

  it("plans read a synthetic household like any other", async () => {
    const store = createPrismaBookStore(db.prisma);
    const inputs = await store.loadPlanningInputs("hh-syn-000003", asOf);
    const generated = generateBook(3, { market: buildMarket({ asOf, now }) }).households[2];
    expect(inputs?.book.lots.length).toBe(generated?.book.lots.length);
    expect(inputs?.book.accounts.map((a) => a.id)).toEqual(generated?.book.accounts.map((a) => a.id));
    expect(inputs?.model?.id).toBe(generated?.model.id);
    const households = await store.listHouseholds();
    expect(households.filter((h) => h.id.startsWith("hh-syn-"))).toHaveLength(12);
  });

  it("lives beside the demo book, sharing its security master", async () => {
    const store = createPrismaBookStore(db.prisma);
    const demo = await store.seedDemo(buildDemoBook({ anchorDate: asOf, now }));
    expect(demo.status).toBe("created");
    expect(await count(db, "SELECT count(*)::int AS n FROM household")).toBe(17);
  });

  it("stays fresh through the simulated feed, except its stale few", async () => {
    const store = createPrismaBookStore(db.prisma);
    const liveAccounts = await count(
      db,
      "SELECT count(*)::int AS n FROM account_snapshot WHERE source IN ('synthetic', 'demo')",
    );
    const hourLater = new Date(Date.parse(now) + 3_600_000);
    const before = await store.loadPlanningInputs("hh-syn-000001", asOf);
    const lots = await count(db, "SELECT count(*)::int AS n FROM lot");
    const refreshed = await store.refreshDemoFeed(hourLater);
    expect(refreshed.snapshots).toBe(liveAccounts);
    // A confirmation, not a copy: no lot is written, and each points at holdings, never at another confirmation.
    expect(await count(db, "SELECT count(*)::int AS n FROM lot")).toBe(lots);
    expect(
      await count(
        db,
        `SELECT count(*)::int AS n FROM account_snapshot s JOIN account_snapshot c ON c.id = s.content_snapshot_id
         WHERE s.as_of = '${hourLater.toISOString()}' AND c.content_snapshot_id IS NULL`,
      ),
    ).toBe(liveAccounts);
    const inputs = await store.loadPlanningInputs("hh-syn-000001", asOf);
    expect(inputs?.book.lots).toEqual(before?.book.lots);
    expect(inputs?.book.positions).toEqual(before?.book.positions);
    for (const snapshot of inputs?.dataAsOf.snapshots ?? []) {
      if (snapshot.source !== SYNTHETIC_NIGHTLY_SOURCE) expect(snapshot.asOf).toBe(hourLater.toISOString());
    }
    // A second confirmation points at the same holdings.
    const twoHoursLater = new Date(hourLater.getTime() + 3_600_000);
    expect((await store.refreshDemoFeed(twoHoursLater)).snapshots).toBe(liveAccounts);
    expect(
      await count(
        db,
        `SELECT count(*)::int AS n FROM account_snapshot s JOIN account_snapshot c ON c.id = s.content_snapshot_id
         WHERE s.as_of = '${twoHoursLater.toISOString()}' AND c.content_snapshot_id IS NULL`,
      ),
    ).toBe(liveAccounts);
    expect((await store.loadPlanningInputs("hh-syn-000001", asOf))?.book.lots).toEqual(before?.book.lots);
    // A minute later nothing is due yet.
    expect((await store.refreshDemoFeed(new Date(twoHoursLater.getTime() + 30_000))).snapshots).toBe(0);
  });
});
