// Harvest candidates on the demo households (domain-rules.md, "Tax-loss harvesting").
import { describe, expect, it } from "vitest";
import { Decimal } from "../../../src/domain/decimal.ts";
import {
  findHarvestableLots,
  type HarvestSettings,
} from "../../../src/engine/planning/find-harvestable-lots.ts";
import { demoFamilies, demoHousehold } from "../../support/demo-household.ts";

const settings: HarvestSettings = {
  minLossAmount: new Decimal("500"),
  minLossFraction: new Decimal("0.05"),
  shortTermRate: new Decimal("0.37"),
  longTermRate: new Decimal("0.20"),
};
const families = demoFamilies();
const chen = findHarvestableLots(demoHousehold("hh-chen"), families, settings);
const skippedSymbol = (symbol: string) => chen.skipped.filter((s) => s.symbol === symbol);

describe("findHarvestableLots on the Chen household", () => {
  it("spouse-ira-buy-blocks-harvest: the VOO loss waits for Mei's IVV purchase window to close", () => {
    const [voo] = skippedSymbol("VOO");
    expect(voo).toMatchObject({ code: "harvest.wash-sale", harvestableFrom: "2026-12-07" });
    expect(voo?.conflicts[0]?.with).toMatchObject({
      symbol: "IVV",
      accountId: "acct-chen-fidelity-ira",
      permanent: true,
    });
    expect(voo?.message).toContain(
      "wash-sale window open until 2026-12-06 because of a purchase: IVV in Mei - Fidelity IRA on 2026-11-06",
    );
  });

  it("scheduled-401k-contributions-block-the-vti-loss (VTSAX is VTI's share class)", () => {
    const vti = skippedSymbol("VTI").find((s) => s.code === "harvest.wash-sale");
    expect(vti?.conflicts.map((c) => c.code)).toEqual(
      expect.arrayContaining(["wash.purchase-in-lookback", "wash.scheduled-investment"]),
    );
    expect(vti?.harvestableFrom && vti.harvestableFrom > "2026-12-20").toBe(true);
  });

  it("dividend-reinvestment-blocks-the-bnd-losses", () => {
    const bnd = skippedSymbol("BND").filter((s) => s.code === "harvest.wash-sale");
    expect(bnd.length).toBeGreaterThan(0);
    expect(bnd.every((s) => s.conflicts.some((c) => c.code === "wash.dividend-reinvestment"))).toBe(true);
  });

  it("vea-in-ibkr-is-harvestable: a long-term loss with its tax value and rebuy date", () => {
    const vea = chen.candidates.find((c) => c.symbol === "VEA");
    expect(vea).toMatchObject({ accountId: "acct-chen-ibkr-taxable", term: "long", rebuyFrom: "2026-12-21" });
    expect(vea?.loss.toFixed(2)).toBe("2400.00");
    expect(vea?.estimatedTaxValue.toFixed(2)).toBe("480.00");
  });

  it("vwo-loss-below-threshold is reported, not harvested", () => {
    expect(skippedSymbol("VWO")[0]).toMatchObject({ code: "harvest.below-threshold" });
  });

  it("lots at a gain are reported as not at a loss; IRA lots are not considered", () => {
    expect(chen.skipped.some((s) => s.code === "harvest.no-loss")).toBe(true);
    expect(
      [...chen.candidates, ...chen.skipped].every(
        (x) => !x.accountId.includes("ira") && !x.accountId.includes("roth") && !x.accountId.includes("401k"),
      ),
    ).toBe(true);
  });
});

describe("findHarvestableLots on the Alvarez household", () => {
  const alvarez = findHarvestableLots(demoHousehold("hh-alvarez"), families, settings);

  it("a transferred-in lot without basis, and the rest of its position, are not harvested", () => {
    const vb = alvarez.skipped.filter((s) => s.symbol === "VB");
    expect(vb.map((s) => s.code)).toContain("harvest.no-basis");
    expect(vb.every((s) => s.code === "harvest.no-basis" || s.code === "harvest.unreconciled")).toBe(true);
  });
});

describe("findHarvestableLots rules", () => {
  it("a do-not-sell restriction keeps a losing lot from being harvested", () => {
    const book = demoHousehold("hh-chen");
    const restricted = {
      ...book,
      restrictions: [
        {
          kind: "DO_NOT_SELL" as const,
          accountId: "acct-chen-ibkr-taxable",
          securityId: null,
          reason: "client request",
        },
      ],
    };
    const scan = findHarvestableLots(restricted, families, settings);
    expect(scan.candidates.find((c) => c.symbol === "VEA")).toBeUndefined();
    expect(scan.skipped.find((s) => s.symbol === "VEA")).toMatchObject({
      code: "harvest.restricted",
      message: expect.stringContaining("do not sell (client request)"),
    });
  });

  it("a lot without a price cannot be judged", () => {
    const book = demoHousehold("hh-chen");
    const prices = new Map(book.prices);
    prices.delete("sec-vea");
    const scan = findHarvestableLots({ ...book, prices }, families, settings);
    expect(scan.skipped.find((s) => s.symbol === "VEA")?.code).toBe("harvest.no-price");
  });

  it("once the windows close, the blocked losses become harvestable", () => {
    const later = findHarvestableLots(demoHousehold("hh-chen", "2026-12-08" as never), families, settings);
    expect(later.candidates.map((c) => c.symbol)).toContain("VOO");
  });
});

describe("findHarvestableLots edge cases", () => {
  const base = demoHousehold("hh-chen");

  it("a pending order blocks a harvest and is named as such", () => {
    const book = {
      ...base,
      transactions: [
        ...base.transactions,
        {
          id: "pending-iefa",
          accountId: "acct-chen-schwab-roth",
          securityId: "sec-vea",
          kind: "buy" as const,
          status: "pending" as const,
          tradeDate: base.asOf,
          quantity: new Decimal("10"),
        },
      ],
    };
    const vea = findHarvestableLots(book, families, settings).skipped.find((s) => s.symbol === "VEA");
    expect(vea?.message).toContain("because of a pending order: VEA in David - Schwab Roth IRA");
    expect(vea?.harvestableFrom).toBe("2026-12-21");
  });

  it("a do-not-trade restriction on the security applies in every account", () => {
    const book = {
      ...base,
      restrictions: [
        { kind: "DO_NOT_TRADE" as const, accountId: null, securityId: "sec-vea", reason: "legal hold" },
      ],
    };
    const vea = findHarvestableLots(book, families, settings).skipped.find((s) => s.symbol === "VEA");
    expect(vea).toMatchObject({
      code: "harvest.restricted",
      message: expect.stringContaining("do not trade (legal hold)"),
    });
  });

  it("a position the custodian reports with no lots at all is unreconciled; a lot of an unknown security has no price", () => {
    const book = {
      ...base,
      positions: base.positions.map((p) =>
        p.securityId === "sec-vea" ? { ...p, quantity: p.quantity.plus(1) } : p,
      ),
      lots: [
        ...base.lots,
        { ...(base.lots[0] as (typeof base.lots)[number]), lotKey: "mystery", securityId: "sec-mystery" },
      ],
    };
    const withEmptyPosition = {
      ...book,
      positions: [
        ...book.positions,
        {
          accountId: "acct-chen-ibkr-taxable",
          securityId: "sec-spy",
          quantity: new Decimal("5"),
          reportedCostBasis: null,
        },
      ],
    };
    const scan = findHarvestableLots(withEmptyPosition, families, settings);
    expect(scan.skipped.find((s) => s.symbol === "VEA")?.code).toBe("harvest.unreconciled");
    expect([...scan.candidates, ...scan.skipped].some((x) => x.symbol === "SPY")).toBe(false);
    expect(scan.skipped.find((s) => s.lotKey === "mystery")).toMatchObject({
      symbol: "sec-mystery",
      code: "harvest.unreconciled",
    });
  });
});
