// The number-grounding guard: scenarios named after what happens, and the two directions as
// properties (numbers from the sources pass however they are displayed; numbers far from them fail).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { groundNumbers } from "../../src/agent/ground-numbers.ts";
import { Decimal, formatFixed } from "../../src/domain/decimal.ts";
import { DEFAULT_PLAN_SETTINGS, draftPlan } from "../../src/engine/planning/draft-plan.ts";
import type { Plan } from "../../src/engine/planning/plan.ts";
import { demoFamilies, demoHousehold, demoModel, demoPolicy } from "../support/demo-household.ts";

function demoPlan(householdId: string): Plan {
  const model = demoModel(householdId);
  const drafted = draftPlan({
    book: demoHousehold(householdId),
    model,
    policy: demoPolicy(),
    settings: DEFAULT_PLAN_SETTINGS,
    inputs: { snapshots: [], modelVersionId: model.id, policyVersion: "si-policy-v1", settingsId: "test" },
    staleInputs: [],
    families: demoFamilies(),
  });
  if (!drafted.ok) throw new Error(drafted.error.message);
  return drafted.value;
}

const chen = demoPlan("hh-chen");
const ungroundedTexts = (reply: string, sources: readonly unknown[]) =>
  groundNumbers(reply, sources).ungrounded.map((u) => u.text);

describe("groundNumbers", () => {
  it("passes a faithful reply about the Chen plan", () => {
    const reply = [
      "Here is the plan for hh-chen (trade date 2026-11-20, model Balanced 60/40 v2):",
      "1. Sell 20 IVV in Mei - Fidelity IRA for $12,200.00.",
      "2. Sell 400 VEA at a long-term loss of -$2,400.00, replaced by 266.6666 IEFA ($20,799.99).",
      "3. Sell 577 VTI in David - Schwab brokerage, realising $62,519.60 of long-term gains.",
      "In all: $60,119.60 long-term, about $12,023.92 in estimated tax, across 11 trades.",
      "Do not rebuy VEA before December 21, 2026: the 30-day wash-sale rule (a 61-day window).",
      "US equity ends at 36.0% against a 36% target (band 31-41%).",
    ].join("\n");
    const result = groundNumbers(reply, [chen, "rebalance the Chen household"]);
    expect(result.ungrounded).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.numbers).toContain("12200");
    expect(result.numbers).toContain("2026-12-21");
  });

  it("fails a hallucinated $12,345.67 and reports it as written and normalised", () => {
    const result = groundNumbers("Realised gains come to $12,345.67 this year.", [chen]);
    expect(result.ok).toBe(false);
    expect(result.ungrounded).toEqual([{ text: "$12,345.67", normalized: "12345.67" }]);
  });

  it("grounds a percent in a weight (times 100) or in a percent figure, at the reply's decimals", () => {
    const sources = [{ actualWeight: "0.706095", note: "drift of 4.5% above target" }];
    for (const text of ["70.6%", "70.61%", "71%", "70.6 percent", "70.6 points", "4.5%", "0.706095"]) {
      expect(groundNumbers(`US equity is ${text}.`, sources).ok, text).toBe(true);
    }
    for (const text of ["70.7%", "70.62%", "70%", "70.6"]) {
      expect(groundNumbers(`US equity is ${text}.`, sources).ok, text).toBe(false);
    }
  });

  it("grounds money rounded for display, and refuses a rounding the source cannot give", () => {
    const sources = [{ total: "60119.60" }];
    for (const text of ["$60,119.60", "$60,119.6", "$60,120", "60119.6", "$60.1k", "$60k", "-$60,120"]) {
      expect(groundNumbers(`Gains of ${text}.`, sources).ok, text).toBe(true);
    }
    for (const text of ["$60,119.59", "$60,000", "$60,121", "$60.2k", "$61k"]) {
      expect(groundNumbers(`Gains of ${text}.`, sources).ok, text).toBe(false);
    }
  });

  it("reads dates in ISO and written forms, with and without the year", () => {
    const sources = [
      { rebuyFrom: "2026-12-21" },
      "wash-sale window open until 2026-12-06 because of a purchase",
    ];
    for (const text of [
      "2026-12-21",
      "December 21, 2026",
      "Dec 21",
      "Dec. 21st",
      "21 December 2026",
      "12/21/2026",
      "December 2026",
      "December 6",
      "2026",
    ]) {
      expect(groundNumbers(`Wait until ${text}.`, sources).ok, text).toBe(true);
    }
    for (const text of ["2026-12-22", "December 21, 2027", "Dec 22", "11/21/2026", "January 2027"]) {
      expect(groundNumbers(`Wait until ${text}.`, sources).ok, text).toBe(false);
    }
  });

  it("grounds numbers inside a security or account name that appears in the sources", () => {
    const sources = [{ name: "iShares Core S&P 500 ETF" }, { account: "David - employer 401(k)" }];
    expect(groundNumbers("IVV tracks the S&P 500; the 401(k) is held away.", sources).ok).toBe(true);
    expect(ungroundedTexts("The Russell 2000 fund", sources)).toEqual(["2000"]);
  });

  it("grounds the advisor's own $20,000 from their message", () => {
    const user = "Rebalance Chen but keep realised gains under $20,000 please";
    expect(groundNumbers("I kept gains under your $20,000 budget: $0.00 short-term.", [chen, user]).ok).toBe(
      true,
    );
    expect(groundNumbers("I kept gains under your $25,000 budget.", [chen, user]).ok).toBe(false);
  });

  it("skips identifiers found in the sources, list markers and the wash-sale day counts", () => {
    const sources = [{ lotKey: "lot-chen-ibkr-taxable-vea-2025-09-19", loss: "2400.00" }];
    const reply =
      "1. Sell lot lot-chen-ibkr-taxable-vea-2025-09-19 for a $2,400 loss.\n2) Wait 31 days (30-day rule).";
    expect(groundNumbers(reply, sources)).toMatchObject({ ok: true, numbers: ["2400"] });
    expect(ungroundedTexts("Sell lot-chen-ibkr-taxable-vea-2025-09-18.", sources)).toEqual(["2025-09-18"]);
    expect(ungroundedTexts("Wait 45 days.", sources)).toEqual(["45"]);
  });

  it("counts must be grounded: an array's length is, other counts are not", () => {
    const sources = [{ trades: [{ symbol: "VTI" }, { symbol: "BND" }, { symbol: "VEA" }] }];
    expect(groundNumbers("The plan has 3 trades.", sources).ok).toBe(true);
    expect(ungroundedTexts("The plan has 4 trades.", sources)).toEqual(["4"]);
  });

  it("applies a range's unit to both ends and reads times in instants", () => {
    const sources = [{ lowerBand: "0.310000", upperBand: "0.410000", asOf: "2026-11-20T14:58:00.000Z" }];
    expect(groundNumbers("The band is 31-41% (31%–41%), prices as of 14:58 UTC.", sources).ok).toBe(true);
    expect(ungroundedTexts("The band is 31-42%, as of 15:58.", sources)).toEqual(["42%", "15:58"]);
  });
});

// --- properties ---------------------------------------------------------------------------------------

const decimalText = fc
  .tuple(fc.integer({ min: -2_000_000_000, max: 2_000_000_000 }), fc.integer({ min: 0, max: 6 }))
  .map(([units, places]) => new Decimal(units).dividedBy(new Decimal(10).pow(places)).toFixed());

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

function asMoney(text: string): string {
  const value = new Decimal(text);
  const [whole = "0", cents = "00"] = formatFixed(value.abs(), 2).split(".");
  return `${value.isNegative() ? "-" : ""}$${group(whole)}.${cents}`;
}

function asPlain(text: string): string {
  const [whole = "0", fraction] = text.replace("-", "").split(".");
  return `${text.startsWith("-") ? "-" : ""}${group(whole)}${fraction ? `.${fraction}` : ""}`;
}

const asPercent = (text: string, places: number) => `${formatFixed(new Decimal(text).times(100), places)}%`;

function sourcesOf(numbers: readonly string[]): unknown[] {
  return [{ values: numbers, first: Number(numbers[0]) }, `the advisor mentioned ${numbers.at(-1)} once`];
}

describe("groundNumbers properties", () => {
  it("any source number displayed as money, plain or percent is grounded", () => {
    fc.assert(
      fc.property(
        fc.array(decimalText, { minLength: 1, maxLength: 8 }),
        fc.nat(),
        fc.constantFrom("money", "plain", "percent0", "percent1", "percent2"),
        (numbers, pick, style) => {
          const chosen = numbers[pick % numbers.length] ?? "0";
          const shown =
            style === "money"
              ? asMoney(chosen)
              : style === "plain"
                ? asPlain(chosen)
                : asPercent(chosen, Number(style.slice(-1)));
          const result = groundNumbers(`The figure is ${shown}.`, sourcesOf(numbers));
          expect(result.ungrounded).toEqual([]);
        },
      ),
    );
  });

  it("a dollar amount more than $1 away from every source number (and every count) is not grounded", () => {
    fc.assert(
      fc.property(
        fc.array(decimalText, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: -100_000_000_000, max: 100_000_000_000 }),
        (numbers, cents) => {
          const candidate = new Decimal(cents).dividedBy(100);
          const far = (value: Decimal) => candidate.abs().minus(value.abs()).abs().greaterThan(1);
          // Every number the sources hold: the values, and the one array's length.
          fc.pre(numbers.every((n) => far(new Decimal(n))) && far(new Decimal(numbers.length)));
          const shown = asMoney(candidate.toFixed(2));
          const result = groundNumbers(`The figure is ${shown}.`, sourcesOf(numbers));
          expect(result.ok).toBe(false);
          expect(result.ungrounded.map((u) => u.text)).toEqual([shown]);
        },
      ),
    );
  });
});
