// The sweep's view of one household (pure): figures from the engine's drift and harvest scans,
// broken data as reasons, the rank order, and totals that foot with the printed row values.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../../src/domain/decimal.ts";
import type { HouseholdBook } from "../../../src/domain/household-book.ts";
import { isoDate } from "../../../src/domain/iso-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../../../src/engine/planning/draft-plan.ts";
import { findHarvestableLots } from "../../../src/engine/planning/find-harvestable-lots.ts";
import {
  compareScanRows,
  failedScan,
  type ScanInputs,
  scanHousehold,
  totalScanRows,
} from "../../../src/engine/planning/scan-household.ts";
import { demoFamilies, demoHousehold, demoModel, demoPolicy } from "../../support/demo-household.ts";
import { householdArb } from "../../support/random-household.ts";

const NOW = "2026-11-20T20:03:00.000Z";
const FRESH = "2026-11-20T20:00:00.000Z";

function inputsOf(book: HouseholdBook, overrides: Partial<ScanInputs> = {}): ScanInputs {
  return {
    book,
    model: demoModel(book.householdId),
    policy: demoPolicy(),
    dataAsOf: {
      snapshots: book.accounts.map((a) => ({ accountId: a.id, asOf: FRESH, source: "demo" })),
      prices: [...book.prices.keys()].map((securityId) => ({ securityId, asOf: FRESH, source: "demo" })),
    },
    ...overrides,
  };
}

const scan = (inputs: ScanInputs) => scanHousehold(inputs, DEFAULT_PLAN_SETTINGS, NOW);
const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code);

describe("scanHousehold", () => {
  it("Chen: out of band, one loss harvestable now, losses waiting on wash-sale windows", () => {
    const book = demoHousehold("hh-chen");
    const row = scan(inputsOf(book));
    const harvest = findHarvestableLots(book, demoFamilies(), DEFAULT_PLAN_SETTINGS);
    expect(row).toMatchObject({
      householdId: "hh-chen",
      outOfBand: true,
      harvestableLots: harvest.candidates.length,
      harvestableLoss: "2400.00",
      taxValue: "480.00",
      blockedByWash: harvest.skipped.filter((s) => s.code === "harvest.wash-sale").length,
      nextClearDate: "2026-12-07",
      stale: false,
      unreconciled: 0,
    });
    expect(row.classesOutOfBand).toContain("us_equity");
    expect(row.maxDrift).toMatch(/^0\.\d{4}$/);
    expect(codes(row.reasons)).toEqual(["drift.out-of-band", "harvest.available", "harvest.wash-sale"]);
  });

  it("Okafor: in band and nothing to harvest: no reasons", () => {
    const row = scan(inputsOf(demoHousehold("hh-okafor")));
    expect(row).toMatchObject({
      outOfBand: false,
      classesOutOfBand: [],
      harvestableLots: 0,
      taxValue: "0.00",
    });
    expect(row.nextClearDate).toBeNull();
    expect(row.reasons).toEqual([]);
  });

  it("no model: no drift, the harvest still counted; no policy: no harvest, the drift still measured", () => {
    const book = demoHousehold("hh-chen");
    const noModel = scan(inputsOf(book, { model: null }));
    expect(noModel).toMatchObject({ outOfBand: false, maxDrift: "0.0000", harvestableLoss: "2400.00" });
    expect(codes(noModel.reasons)).toContain("scan.no-model");
    const noPolicy = scan(inputsOf(book, { policy: null }));
    expect(noPolicy).toMatchObject({
      outOfBand: true,
      harvestableLots: 0,
      blockedByWash: 0,
      taxValue: "0.00",
    });
    expect(codes(noPolicy.reasons)).toContain("scan.no-policy");
  });

  it("stale data keeps its figures and says which input is oldest", () => {
    const book = demoHousehold("hh-chen");
    const inputs = inputsOf(book);
    const stale = scan({
      ...inputs,
      dataAsOf: {
        snapshots: [{ accountId: "acct-gone", asOf: "2026-11-19T21:00:00.000Z", source: "nightly" }],
        prices: [{ securityId: "sec-gone", asOf: "2026-11-20T19:00:00.000Z", source: "nightly" }],
      },
    });
    expect(stale.stale).toBe(true);
    expect(stale.taxValue).toBe(scan(inputs).taxValue);
    expect(stale.reasons[0]).toEqual({
      code: "data.stale",
      message:
        "2 input(s) older than 300 s, the oldest positions in acct-gone as of 2026-11-19T21:00:00.000Z: the figures are from that data",
    });
  });

  it("positions without a price or a security, and lots that do not reconcile, are reasons", () => {
    const book = demoHousehold("hh-chen");
    const [first, second] = book.positions;
    if (!first || !second) throw new Error("Chen has positions");
    const prices = new Map(book.prices);
    prices.delete(first.securityId);
    const broken: HouseholdBook = {
      ...book,
      prices,
      positions: [
        ...book.positions,
        {
          accountId: second.accountId,
          securityId: "sec-unknown",
          quantity: new Decimal(5),
          reportedCostBasis: null,
        },
      ],
    };
    const row = scan(inputsOf(broken));
    const byCode = new Map(row.reasons.map((r) => [r.code, r.message]));
    expect(byCode.get("data.no-price")).toBe(`no price for ${first.securityId}: left out of the weights`);
    expect(byCode.get("data.unknown-security")).toBe(
      "no such security as sec-unknown: left out of the weights",
    );
    expect(row.unreconciled).toBeGreaterThan(0);
    expect(byCode.get("data.unreconciled")).toMatch(/position\(s\) whose lots do not add up/);
  });

  it("a household that could not be scanned is a row of zeros with its reason", () => {
    expect(failedScan("hh-x", { code: "scan.failed", message: "boom" })).toEqual({
      householdId: "hh-x",
      outOfBand: false,
      classesOutOfBand: [],
      maxDrift: "0.0000",
      harvestableLoss: "0.00",
      taxValue: "0.00",
      harvestableLots: 0,
      blockedByWash: 0,
      nextClearDate: null,
      stale: false,
      unreconciled: 0,
      reasons: [{ code: "scan.failed", message: "boom" }],
    });
  });
});

const rowArb = fc.record({
  householdId: fc.string({ minLength: 1, maxLength: 4 }),
  taxValue: fc.integer({ min: 0, max: 1_000_000 }).map((c) => new Decimal(c).dividedBy(100).toFixed(2)),
  harvestableLoss: fc
    .integer({ min: 0, max: 5_000_000 })
    .map((c) => new Decimal(c).dividedBy(100).toFixed(2)),
  maxDrift: fc.integer({ min: 0, max: 10_000 }).map((n) => new Decimal(n).dividedBy(10_000).toFixed(4)),
  outOfBand: fc.boolean(),
  stale: fc.boolean(),
  harvestableLots: fc.nat(50),
  blockedByWash: fc.nat(50),
  unreconciled: fc.nat(3),
  awaitingApproval: fc.nat(2),
});

describe("ranking and totals", () => {
  it("ranks by tax value, then drift, then household id", () => {
    const row = (householdId: string, taxValue: string, maxDrift: string) => ({
      householdId,
      taxValue,
      maxDrift,
    });
    const rows = [
      row("hh-b", "10.00", "0.0100"),
      row("hh-a", "10.00", "0.0100"),
      row("hh-c", "10.00", "0.2000"),
      row("hh-d", "99.50", "0.0000"),
    ];
    expect([...rows].sort(compareScanRows).map((r) => r.householdId)).toEqual([
      "hh-d",
      "hh-c",
      "hh-a",
      "hh-b",
    ]);
    const [b, a] = rows as [(typeof rows)[number], (typeof rows)[number]];
    expect([compareScanRows(a, b), compareScanRows(b, a), compareScanRows(a, a)]).toEqual([-1, 1, 0]);
  });

  it("the order is total: antisymmetric, transitive, and 0 only for the same household", () => {
    fc.assert(
      fc.property(rowArb, rowArb, rowArb, (a, b, c) => {
        expect(Math.sign(compareScanRows(a, b))).toBe(-Math.sign(compareScanRows(b, a)));
        if (compareScanRows(a, b) === 0) expect(a.householdId).toBe(b.householdId);
        if (compareScanRows(a, b) <= 0 && compareScanRows(b, c) <= 0) {
          expect(compareScanRows(a, c)).toBeLessThanOrEqual(0);
        }
      }),
    );
  });

  it("totals foot: money is the sum of the printed row values, counts are counts", () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 40 }), (rows) => {
        const totals = totalScanRows(rows);
        const sum = (key: "taxValue" | "harvestableLoss") =>
          rows.reduce((total, r) => total.plus(r[key]), new Decimal(0)).toFixed(2);
        expect(totals.taxValue).toBe(sum("taxValue"));
        expect(totals.harvestableLoss).toBe(sum("harvestableLoss"));
        expect(totals.outOfBand).toBe(rows.filter((r) => r.outOfBand).length);
        expect(totals.stale).toBe(rows.filter((r) => r.stale).length);
        expect(totals.unreconciled).toBe(rows.filter((r) => r.unreconciled > 0).length);
        expect(totals.harvestableLots).toBe(rows.reduce((n, r) => n + r.harvestableLots, 0));
        expect(totals.blockedByWash).toBe(rows.reduce((n, r) => n + r.blockedByWash, 0));
        expect(totals.awaitingApproval).toBe(rows.reduce((n, r) => n + r.awaitingApproval, 0));
      }),
    );
  });

  it("on random households the scan's rows foot and rank whatever the data", () => {
    fc.assert(
      fc.property(fc.array(householdArb, { minLength: 1, maxLength: 6 }), (households) => {
        const rows = households.map(({ book, model }, i) => ({
          ...scanHousehold(
            {
              book: { ...book, householdId: `hh-${i}` },
              model,
              policy: demoPolicy(),
              dataAsOf: { snapshots: [], prices: [] },
            },
            DEFAULT_PLAN_SETTINGS,
            NOW,
          ),
          awaitingApproval: 0,
        }));
        for (const row of rows) {
          expect(row.harvestableLoss).toMatch(/^\d+\.\d{2}$/);
          expect(new Decimal(row.taxValue).lessThanOrEqualTo(row.harvestableLoss)).toBe(true);
          expect(row.outOfBand).toBe(row.classesOutOfBand.length > 0);
        }
        const ranked = [...rows].sort(compareScanRows);
        for (let i = 1; i < ranked.length; i++) {
          expect(
            compareScanRows(ranked[i - 1] as (typeof ranked)[number], ranked[i] as (typeof ranked)[number]),
          ).toBeLessThan(0);
        }
        const totals = totalScanRows(rows);
        expect(totals.taxValue).toBe(rows.reduce((t, r) => t.plus(r.taxValue), new Decimal(0)).toFixed(2));
      }),
      { numRuns: 40 },
    );
  });
});

it("is pinned to its trade date", () => {
  expect(scan(inputsOf(demoHousehold("hh-chen", isoDate("2026-11-20")))).nextClearDate).toBe("2026-12-07");
});
