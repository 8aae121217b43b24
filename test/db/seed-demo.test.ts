import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { buildDemoBook } from "../../src/demo/demo-book.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import type { BookStore } from "../../src/ports/book-store.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const book = buildDemoBook({ anchorDate: isoDate("2026-11-20"), now: "2026-11-20T20:00:00.000Z" });

async function rowCounts(db: TestDatabase) {
  const tables = [
    "household",
    "account",
    "lot",
    "position",
    "transaction",
    "price",
    "app_user",
    "model_version",
  ];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const rows = await db.withSql((sql) =>
      sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`),
    );
    counts[table] = rows[0]?.n ?? -1;
  }
  return counts;
}

describe(`demo book in the database (${BACKEND})`, () => {
  let db: TestDatabase;
  let store: BookStore;

  beforeAll(async () => {
    db = await openTestDatabase();
    store = createPrismaBookStore(db.prisma);
  });
  afterAll(() => db.close());

  it("loads the whole book in one go", async () => {
    const steps: string[] = [];
    const outcome = await store.seedDemo(book, (step) => steps.push(step));
    expect(outcome.status).toBe("created");
    expect(steps.length).toBeGreaterThan(2);
    const counts = await rowCounts(db);
    expect(counts.household).toBe(book.households.length);
    expect(counts.lot).toBe(
      book.households.flatMap((h) => h.accounts.flatMap((a) => a.snapshot.lots)).length,
    );
    expect(counts.price).toBe(book.prices.length);
  });

  it("loading it twice changes nothing and says so", async () => {
    const before = await rowCounts(db);
    const outcome = await store.seedDemo(book);
    expect(outcome).toEqual({
      status: "already-present",
      householdIds: book.households.map((h) => h.id).sort(),
    });
    expect(await rowCounts(db)).toEqual(before);
  });

  it("reads households back with exact decimals, dates and the assigned model", async () => {
    const households = await store.listHouseholds();
    expect(households.map((h) => h.id)).toEqual([
      "hh-alvarez",
      "hh-brooks",
      "hh-chen",
      "hh-okafor",
      "hh-patel",
    ]);
    const chen = households.find((h) => h.id === "hh-chen");
    expect(chen?.model).toMatchObject({ versionId: "mv-balanced-2", version: 2 });
    expect(households.find((h) => h.id === "hh-brooks")?.model).toBeNull();
    const demoJoint = book.households
      .flatMap((h) => h.accounts)
      .find((a) => a.id === "acct-chen-vanguard-joint");
    const joint = chen?.accounts.find((a) => a.id === "acct-chen-vanguard-joint");
    expect(joint?.snapshot?.cash.toFixed(2)).toBe(demoJoint?.snapshot.cash);
    const bnd = joint?.snapshot?.positions.find((p) => p.symbol === "BND");
    const demoBnd = demoJoint?.snapshot.positions.find((p) => p.securityId === "sec-bnd");
    expect(bnd?.quantity.toString()).toBe(demoBnd?.quantity);
    const prices = await store.latestPrices();
    expect(prices.get("sec-vti")).toMatchObject({ source: "demo-feed", asOf: "2026-11-20T19:59:00.000Z" });
  });

  it("refuses to edit or delete snapshot lots: corrections are new snapshots", async () => {
    const lot = await db.prisma.lot.findFirstOrThrow();
    await expect(db.prisma.lot.update({ where: { id: lot.id }, data: { quantity: "1" } })).rejects.toThrow(
      /append-only/,
    );
    await expect(db.prisma.lot.delete({ where: { id: lot.id } })).rejects.toThrow(/append-only/);
  });
});
