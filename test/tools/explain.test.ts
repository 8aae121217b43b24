// explain: reason codes for a trade, a lot, a symbol, an asset class or a code, from the latest
// stored plan and a fresh harvest scan.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { draftTradesTool } from "../../tools/draft-trades.ts";
import { explainTool } from "../../tools/explain.ts";
import { BACKEND } from "../support/test-database.ts";
import { openToolHarness, type ToolHarness } from "./harness.ts";

type Explanation = {
  kind: string;
  plan: { planId: string; planHash: string } | null;
  trades: {
    index: number;
    symbol: string;
    side: string;
    lots: { lotKey: string; gainLoss: string | null }[];
  }[];
  drift: { when: string; assetClassId: string; outOfBand: boolean; actualWeight: string }[];
  harvested: { lotKey: string; replacement: string | null }[];
  harvestable: { lotKey: string }[];
  findings: { source: string; code: string; message: string; lotKey?: string; from?: string }[];
};

const VOO_LOT = "lot-chen-schwab-taxable-voo-2026-02-23";
const VEA_LOT = "lot-chen-ibkr-taxable-vea-2025-09-19";

describe(`explain (${BACKEND})`, () => {
  let h: ToolHarness;
  const explain = (subject: string, householdId = "hh-chen") =>
    h.value<Explanation>(explainTool, { householdId, subject });
  beforeAll(async () => {
    h = await openToolHarness();
  });
  afterAll(() => h.close());

  describe("before any plan is drafted", () => {
    it("voo-is-explained-from-a-fresh-scan: its wash-sale window and when it closes", async () => {
      const why = await explain("voo");
      expect(why).toMatchObject({ kind: "symbol", plan: null, trades: [] });
      expect(why.findings).toEqual([
        expect.objectContaining({
          source: "scan",
          code: "harvest.wash-sale",
          lotKey: VOO_LOT,
          from: "2026-12-07",
        }),
      ]);
    });

    it("a-trade-number-without-a-plan-is-refused", async () => {
      expect(await h.outcome(explainTool, { householdId: "hh-chen", subject: "trade 1" })).toMatchObject({
        ok: false,
        code: "explain.no-plan",
      });
    });
  });

  describe("after the Chen plan is drafted", () => {
    let planId: string;
    let trades: { index: number; symbol: string; side: string }[];
    beforeAll(async () => {
      const drafted = await h.value<{ planId: string; trades: typeof trades }>(draftTradesTool, {
        householdId: "hh-chen",
      });
      planId = drafted.planId;
      trades = drafted.trades;
    });
    const indexOf = (side: string, symbol: string) =>
      trades.find((t) => t.side === side && t.symbol === symbol)?.index as number;

    it("the-vea-harvest-sale: its lot, the loss harvested into IEFA and the class drift", async () => {
      const why = await explain(`trade ${indexOf("sell", "VEA")}`);
      expect(why.kind).toBe("trade");
      expect(why.plan?.planId).toBe(planId);
      expect(why.trades).toEqual([
        expect.objectContaining({
          symbol: "VEA",
          lots: [expect.objectContaining({ lotKey: VEA_LOT, gainLoss: "-2400.00" })],
        }),
      ]);
      expect(why.harvested).toEqual([expect.objectContaining({ lotKey: VEA_LOT, replacement: "IEFA" })]);
      expect(why.drift.map((d) => [d.when, d.assetClassId])).toEqual([
        ["before", "intl_developed"],
        ["after", "intl_developed"],
      ]);
    });

    it("the-iefa-replacement-buy-points-back-at-the-harvest", async () => {
      const replacement = trades.find(
        (t) => t.side === "buy" && t.symbol === "IEFA" && t.index === indexOf("buy", "IEFA"),
      );
      expect(replacement).toBeDefined();
      const why = await explain(`Trade #${indexOf("buy", "IEFA")}`);
      expect(why.trades[0]?.symbol).toBe("IEFA");
    });

    it("the-blocked-voo-lot: the plan's reason, not repeated from the scan", async () => {
      const why = await explain(VOO_LOT);
      expect(why.kind).toBe("lot");
      expect(why.findings).toEqual([
        expect.objectContaining({ source: "plan", code: "harvest.wash-sale", lotKey: VOO_LOT }),
      ]);
    });

    it("us-bonds: out of band before the plan, in band after, and the buys that get it there", async () => {
      const why = await explain("US bonds");
      expect(why.kind).toBe("asset-class");
      expect(why.drift).toEqual([
        expect.objectContaining({ when: "before", outOfBand: true }),
        expect.objectContaining({ when: "after", outOfBand: false }),
      ]);
      expect(why.trades.map((t) => [t.side, t.symbol])).toContainEqual(["buy", "BND"]);
      expect(why.findings.every((f) => f.code !== "harvest.no-loss")).toBe(true);
    });

    it("a-reason-code-lists-every-finding-with-that-code", async () => {
      const why = await explain("harvest.wash-sale");
      expect(why.kind).toBe("code");
      expect(why.findings.length).toBeGreaterThanOrEqual(3);
      expect(why.findings.every((f) => f.code === "harvest.wash-sale")).toBe(true);
    });

    it("a-trade-number-beyond-the-plan-is-refused", async () => {
      expect(await h.outcome(explainTool, { householdId: "hh-chen", subject: "trade 99" })).toMatchObject({
        ok: false,
        code: "explain.no-trade",
      });
    });

    it("a-subject-that-matches-nothing-is-refused", async () => {
      expect(await h.outcome(explainTool, { householdId: "hh-chen", subject: "the weather" })).toMatchObject({
        ok: false,
        code: "explain.no-match",
      });
    });

    it("another-household-does-not-see-chen's-plan", async () => {
      const why = await explain("VTI", "hh-okafor");
      expect(why.plan).toBeNull();
    });
  });
});
