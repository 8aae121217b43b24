// Drift and bands (domain-rules.md): household-level weights, held-away accounts included, the
// 5/25 rule with per-class overrides.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../../src/domain/decimal.ts";
import type { HouseholdBook, ModelVersionSpec } from "../../../src/domain/household-book.ts";
import { computeDrift } from "../../../src/engine/planning/compute-drift.ts";
import { demoHousehold, demoModel } from "../../support/demo-household.ts";

const d = (v: string) => new Decimal(v);

describe("computeDrift on the demo households", () => {
  it("chen-is-far-out-of-band: US equity heavy, bonds light", () => {
    const drift = computeDrift(demoHousehold("hh-chen"), demoModel("hh-chen"));
    expect(drift.outOfBand).toBe(true);
    const byClass = new Map(drift.classes.map((c) => [c.assetClassId, c]));
    expect(byClass.get("us_equity")?.outOfBand).toBe(true);
    expect(byClass.get("us_equity")?.absoluteDrift.greaterThan(d("0.3"))).toBe(true);
    expect(byClass.get("us_bonds")?.outOfBand).toBe(true);
    expect(drift.totalValue.toFixed(2)).toBe("587556.27");
  });

  it("okafor-inside-its-bands: no class out of band", () => {
    const drift = computeDrift(demoHousehold("hh-okafor"), demoModel("hh-okafor"));
    expect(drift.classes.filter((c) => c.outOfBand)).toEqual([]);
    expect(drift.outOfBand).toBe(false);
  });

  it("held-away-401k-counts-in-the-weights", () => {
    const drift = computeDrift(demoHousehold("hh-chen"), demoModel("hh-chen"));
    expect(drift.heldAwayValue.toFixed(2)).toBe("81415.25");
    const weights = drift.classes.reduce((sum, c) => sum.plus(c.actualWeight), d("0"));
    expect(weights.toDecimalPlaces(20).equals(1)).toBe(true);
  });

  it("alvarez-international-developed-is-more-than-25-percent-under-target", () => {
    const drift = computeDrift(demoHousehold("hh-alvarez"), demoModel("hh-alvarez"));
    const intl = drift.classes.find((c) => c.assetClassId === "intl_developed");
    expect(intl?.outOfBand).toBe(true);
    expect(intl?.relativeDrift?.lessThan(d("-0.25"))).toBe(true);
    expect(intl?.absoluteDrift.abs().lessThan(d("0.05"))).toBe(true);
  });
});

describe("computeDrift rules", () => {
  const model: ModelVersionSpec = {
    id: "mv",
    name: "m",
    version: 1,
    bandAbsolute: d("0.05"),
    bandRelative: d("0.25"),
    rebalanceTo: "TARGET",
    targets: [
      {
        assetClassId: "eq",
        weight: d("0.6"),
        bandAbsolute: null,
        bandRelative: null,
        primarySecurityId: "E",
        alternateSecurityIds: [],
      },
      {
        assetClassId: "bd",
        weight: d("0.36"),
        bandAbsolute: null,
        bandRelative: null,
        primarySecurityId: "B",
        alternateSecurityIds: [],
      },
      {
        assetClassId: "cash",
        weight: d("0.04"),
        bandAbsolute: d("0.02"),
        bandRelative: d("1"),
        primarySecurityId: "C",
        alternateSecurityIds: [],
      },
    ],
  };
  const security = (id: string, assetClassId: string) => ({
    id,
    symbol: id,
    cusip: null,
    name: id,
    type: "ETF" as const,
    assetClassId,
    trackedIndex: null,
    fundFamily: null,
    expenseRatio: null,
  });
  function book(values: { eq: string; bd: string; cash: string; other?: string }): HouseholdBook {
    return {
      householdId: "h",
      asOf: "2026-11-20" as HouseholdBook["asOf"],
      accounts: [
        {
          id: "a",
          name: "a",
          type: "TAXABLE",
          taxable: true,
          tradeable: true,
          cash: d(values.cash),
          cashReserve: d("0"),
          fractionalShares: false,
        },
      ],
      positions: [
        { accountId: "a", securityId: "E", quantity: d(values.eq), reportedCostBasis: null },
        { accountId: "a", securityId: "B", quantity: d(values.bd), reportedCostBasis: null },
        ...(values.other
          ? [{ accountId: "a", securityId: "O", quantity: d(values.other), reportedCostBasis: null }]
          : []),
        { accountId: "a", securityId: "X", quantity: d("1"), reportedCostBasis: null },
      ],
      lots: [],
      securities: new Map([
        ["E", security("E", "eq")],
        ["B", security("B", "bd")],
        ["O", security("O", "reit")],
      ]),
      cashClassId: "cash",
      prices: new Map([
        ["E", d("1")],
        ["B", d("1")],
        ["O", d("1")],
      ]),
      transactions: [],
      restrictions: [],
    };
  }

  it("uses the tighter of the absolute and relative bands (5 points, or 25% of target)", () => {
    // Bonds 36% target: 25% relative = 9 points, so 5 points binds. Cash 4%: override 2 points, 100% relative.
    const inBand = computeDrift(book({ eq: "640", bd: "310", cash: "50" }), model);
    expect(inBand.classes.map((c) => [c.assetClassId, c.outOfBand, c.tolerance.toString()])).toEqual([
      ["eq", false, "0.05"],
      ["bd", false, "0.05"],
      ["cash", false, "0.02"],
    ]);
    const out = computeDrift(book({ eq: "660", bd: "280", cash: "60" }), model);
    expect(out.classes.map((c) => c.outOfBand)).toEqual([true, true, false]);
    expect(out.unvalued).toEqual([{ accountId: "a", securityId: "X", reason: "unknown-security" }]);
  });

  it("a held class that is not in the model is out of band (its target is zero)", () => {
    const drift = computeDrift(book({ eq: "600", bd: "360", cash: "30", other: "10" }), model);
    expect(drift.classes.at(-1)).toMatchObject({
      assetClassId: "reit",
      inModel: false,
      relativeDrift: null,
      outOfBand: true,
    });
  });

  it("a known security without a price is left out and reported", () => {
    const priced = book({ eq: "600", bd: "360", cash: "40", other: "5" });
    const prices = new Map(priced.prices);
    prices.delete("O");
    const drift = computeDrift({ ...priced, prices }, model);
    expect(drift.unvalued).toContainEqual({ accountId: "a", securityId: "O", reason: "no-price" });
    expect(drift.classes.map((c) => c.assetClassId)).toEqual(["eq", "bd", "cash"]);
  });

  it("an empty household has no drift", () => {
    const drift = computeDrift(book({ eq: "0", bd: "0", cash: "0" }), model);
    expect(drift.outOfBand).toBe(false);
  });

  it("weights always add up to 1 and drift is exactly actual - target (property)", () => {
    const amount = fc.integer({ min: 0, max: 10_000_000 }).map(String);
    fc.assert(
      fc.property(amount, amount, amount, (eq, bd, cash) => {
        fc.pre(eq !== "0" || bd !== "0" || cash !== "0");
        const drift = computeDrift(book({ eq, bd, cash }), model);
        const total = drift.classes.reduce((sum, c) => sum.plus(c.actualWeight), d("0"));
        expect(total.toDecimalPlaces(30).equals(1)).toBe(true);
        for (const c of drift.classes)
          expect(c.absoluteDrift.equals(c.actualWeight.minus(c.targetWeight))).toBe(true);
      }),
    );
  });
});
