import { describe, expect, it } from "vitest";
import {
  buildMarket,
  generateBook,
  generateHousehold,
  SYNTHETIC_NIGHTLY_SOURCE,
} from "../../src/demo/synthetic-book.ts";
import { isoDate } from "../../src/domain/iso-date.ts";

const market = buildMarket({ asOf: isoDate("2026-11-20") });

describe("the synthetic book", () => {
  it("is the same book twice, byte for byte", () => {
    const again = buildMarket({ asOf: isoDate("2026-11-20") });
    const first = generateBook(12, { market, seed: 3 }).households.map((h) => h.record);
    const second = generateBook(12, { market: again, seed: 3 }).households.map((h) => h.record);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it("gives household i whatever the book's size: 5 households are the prefix of 10", () => {
    const five = generateBook(5, { market }).households.map((h) => JSON.stringify(h.record));
    const ten = generateBook(10, { market }).households.map((h) => JSON.stringify(h.record));
    expect(ten.slice(0, 5)).toEqual(five);
    expect(JSON.stringify(generateHousehold(market, 7).record)).toBe(ten[7]);
  });

  it("changes with the seed and with the date", () => {
    const one = JSON.stringify(generateHousehold(market, 0, 1).record);
    expect(JSON.stringify(generateHousehold(market, 0, 2).record)).not.toBe(one);
    const later = buildMarket({ asOf: isoDate("2026-12-04") });
    expect(JSON.stringify(generateHousehold(later, 0, 1).record)).not.toBe(one);
  });

  it("looks like a firm's book: 3-10 accounts at 2-4 custodians, 20-400 lots, about 100 on average", () => {
    const book = generateBook(300, { market });
    for (const { record } of book.households) {
      const lots = record.accounts.reduce((sum, a) => sum + a.snapshot.lots.length, 0);
      const custodians = new Set(record.accounts.map((a) => a.custodianId)).size;
      expect(record.accounts.length, record.id).toBeGreaterThanOrEqual(3);
      expect(record.accounts.length, record.id).toBeLessThanOrEqual(10);
      expect(custodians, record.id).toBeGreaterThanOrEqual(2);
      expect(custodians, record.id).toBeLessThanOrEqual(4);
      expect(lots, record.id).toBeGreaterThanOrEqual(20);
      expect(lots, record.id).toBeLessThanOrEqual(400);
    }
    const average = book.counts.lots / book.counts.households;
    expect(average).toBeGreaterThan(80);
    expect(average).toBeLessThan(120);
    const records = book.households.map((h) => h.record);
    const types = records.flatMap((r) => r.accounts.map((a) => a.type));
    for (const type of ["JOINT_TAXABLE", "TRADITIONAL_IRA", "ROTH_IRA", "K401"] as const) {
      expect(types).toContain(type);
    }
    expect(records.some((r) => r.people.some((p) => p.role === "SPOUSE"))).toBe(true);
    const years = records.flatMap((r) =>
      r.accounts.flatMap((a) => a.snapshot.lots.map((l) => Number(l.tradeDate.slice(0, 4)))),
    );
    expect(Math.min(...years)).toBeLessThanOrEqual(2013);
    expect(records.filter((r) => r.restrictions.length > 0).length).toBeGreaterThan(10);
    expect(
      new Set(records.flatMap((r) => r.assignments.map((a) => a.modelVersionId))).size,
    ).toBeGreaterThanOrEqual(4);
    expect(new Set(records.flatMap((r) => r.access.map((a) => a.userId))).size).toBeGreaterThanOrEqual(6);
    // A few stale households, most fresh.
    const stale = records.filter((r) =>
      r.accounts.some((a) => a.snapshot.source === SYNTHETIC_NIGHTLY_SOURCE),
    );
    expect(stale.length).toBeGreaterThan(0);
    expect(stale.length).toBeLessThan(20);
  });

  it("has recent buys inside wash-sale windows, gains and losses", () => {
    const households = generateBook(50, { market }).households;
    const recent = households.flatMap((h) =>
      h.book.transactions.filter((t) => t.status === "settled" && t.kind !== "sell"),
    );
    expect(recent.length).toBeGreaterThan(20);
    let gains = 0;
    let losses = 0;
    for (const { book } of households) {
      for (const lot of book.lots) {
        const price = book.prices.get(lot.securityId);
        if (!price || lot.costBasis === null) continue;
        if (lot.quantity.times(price).greaterThan(lot.costBasis)) gains++;
        else losses++;
      }
    }
    expect(gains).toBeGreaterThan(100);
    expect(losses).toBeGreaterThan(100);
  });
});
