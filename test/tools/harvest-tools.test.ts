// find_harvestable_lots, check_wash_sale and suggest_replacements against the seeded demo book,
// whose households carry every wash-sale situation the rules name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkWashSaleTool } from "../../tools/check-wash-sale.ts";
import { findHarvestableLotsTool } from "../../tools/find-harvestable-lots.ts";
import { suggestReplacementsTool } from "../../tools/suggest-replacements.ts";
import { BACKEND } from "../support/test-database.ts";
import { openToolHarness, type ToolHarness } from "./harness.ts";

type Scan = {
  candidates: { lotKey: string; symbol: string; loss: string; term: string; rebuyFrom: string }[];
  totals: { loss: string; estimatedTaxValue: string };
  skipped: { symbol: string; code: string; harvestableFrom: string | null }[];
  lotsNotAtALoss: number;
};
type WashCheck = {
  checked: "trades" | "household";
  clear: boolean;
  items: {
    tradeIndex: number | null;
    side: string;
    accountId: string;
    symbol: string;
    safeFrom: string | null;
    permanent: boolean;
    conflicts: { code: string; message: string }[];
  }[];
};
type Replacements = {
  policyVersion: string;
  replacements: { symbol: string; rank: number; inModel: boolean; allowedBecause: string }[];
  rejected: { symbol: string; code: string; availableFrom: string | null }[];
};

describe(`harvest and wash-sale tools (${BACKEND})`, () => {
  let h: ToolHarness;
  beforeAll(async () => {
    h = await openToolHarness();
  });
  afterAll(() => h.close());

  describe("find_harvestable_lots", () => {
    it("chen-has-one-clean-harvest: the IBKR VEA lot; the others are blocked with the date they clear", async () => {
      const scan = await h.value<Scan>(findHarvestableLotsTool, { householdId: "hh-chen" });
      expect(scan.candidates).toEqual([
        expect.objectContaining({
          lotKey: "lot-chen-ibkr-taxable-vea-2025-09-19",
          symbol: "VEA",
          loss: "2400.00",
          term: "long",
          rebuyFrom: "2026-12-21",
        }),
      ]);
      expect(scan.totals).toEqual({ loss: "2400.00", estimatedTaxValue: "480.00" });
      expect(scan.skipped).toContainEqual(
        expect.objectContaining({ symbol: "VOO", code: "harvest.wash-sale", harvestableFrom: "2026-12-07" }),
      );
      expect(scan.skipped).toContainEqual(
        expect.objectContaining({ symbol: "VWO", code: "harvest.below-threshold", harvestableFrom: null }),
      );
      expect(scan.skipped.some((s) => s.code === "harvest.no-loss")).toBe(false);
      expect(scan.lotsNotAtALoss).toBeGreaterThan(0);
    });

    it("alvarez-lot-without-basis-is-named", async () => {
      const scan = await h.value<Scan>(findHarvestableLotsTool, { householdId: "hh-alvarez" });
      expect(scan.skipped).toContainEqual(
        expect.objectContaining({ symbol: "VB", code: "harvest.no-basis" }),
      );
    });
  });

  describe("check_wash_sale", () => {
    it("chen-household-check: VOO and VTI cannot be sold at a loss yet, BND not until its reinvestment clears", async () => {
      const check = await h.value<WashCheck>(checkWashSaleTool, { householdId: "hh-chen" });
      expect(check).toMatchObject({ checked: "household", clear: false });
      const item = (accountId: string, symbol: string) =>
        check.items.find((i) => i.accountId === accountId && i.symbol === symbol);
      expect(item("acct-chen-schwab-taxable", "VOO")).toMatchObject({
        side: "sell",
        tradeIndex: null,
        safeFrom: "2026-12-07",
        permanent: true,
        conflicts: [expect.objectContaining({ code: "wash.purchase-in-lookback" })],
      });
      expect(item("acct-chen-schwab-taxable", "VTI")?.conflicts.map((c) => c.code)).toContain(
        "wash.scheduled-investment",
      );
      expect(item("acct-chen-vanguard-joint", "BND")).toMatchObject({
        safeFrom: "2026-12-11",
        permanent: false,
        conflicts: [expect.objectContaining({ code: "wash.dividend-reinvestment" })],
      });
      // Only gains in that position: nothing to wash.
      expect(item("acct-chen-vanguard-joint", "VTI")).toBeUndefined();
    });

    it("alvarez-household-check: ITOT cannot be bought back until the harvested loss's window closes", async () => {
      const check = await h.value<WashCheck>(checkWashSaleTool, { householdId: "hh-alvarez" });
      expect(check.items).toContainEqual(
        expect.objectContaining({
          side: "buy",
          symbol: "ITOT",
          safeFrom: "2026-11-30",
          conflicts: [expect.objectContaining({ code: "wash.recent-loss" })],
        }),
      );
    });

    it("harvest-vea-into-iefa-is-clear", async () => {
      const check = await h.value<WashCheck>(checkWashSaleTool, {
        householdId: "hh-chen",
        trades: [
          { accountId: "acct-chen-ibkr-taxable", symbol: "VEA", side: "sell", quantity: "400" },
          { accountId: "acct-chen-ibkr-taxable", symbol: "iefa", side: "buy", quantity: "266" },
        ],
      });
      expect(check).toMatchObject({ checked: "trades", clear: true });
      expect(check.items.map((i) => [i.tradeIndex, i.symbol, i.conflicts.length])).toEqual([
        [0, "VEA", 0],
        [1, "IEFA", 0],
      ]);
    });

    it("selling-vea-and-buying-it-back-in-the-ira-washes-the-loss-for-good", async () => {
      const check = await h.value<WashCheck>(checkWashSaleTool, {
        householdId: "hh-chen",
        trades: [
          { accountId: "acct-chen-ibkr-taxable", symbol: "VEA", side: "sell", quantity: "400" },
          { accountId: "acct-chen-fidelity-ira", symbol: "VEA", side: "buy", quantity: "400" },
        ],
      });
      expect(check.clear).toBe(false);
      expect(check.items[0]).toMatchObject({
        tradeIndex: 0,
        safeFrom: null,
        permanent: true,
        conflicts: [expect.objectContaining({ code: "wash.buy-in-plan" })],
      });
      expect(check.items[1]?.conflicts.map((c) => c.code)).toEqual(["wash.loss-in-plan"]);
    });

    it("an-account-of-another-household-is-refused", async () => {
      expect(
        await h.outcome(checkWashSaleTool, {
          householdId: "hh-chen",
          trades: [{ accountId: "acct-okafor-vanguard-taxable", symbol: "VTI", side: "sell", quantity: "1" }],
        }),
      ).toMatchObject({ ok: false, code: "account.not-in-household" });
    });

    it("an-unknown-symbol-is-refused", async () => {
      expect(
        await h.outcome(checkWashSaleTool, {
          householdId: "hh-chen",
          trades: [{ accountId: "acct-chen-ibkr-taxable", symbol: "ZZZZ", side: "buy", quantity: "1" }],
        }),
      ).toMatchObject({ ok: false, code: "security.unknown" });
    });
  });

  describe("suggest_replacements", () => {
    it("vea-is-replaced-by-iefa-first-under-the-named-policy", async () => {
      const found = await h.value<Replacements>(suggestReplacementsTool, {
        householdId: "hh-chen",
        symbol: "vea",
      });
      expect(found.policyVersion).toBe("si-policy-v1");
      expect(found.replacements[0]).toMatchObject({ symbol: "IEFA", rank: 1, inModel: true });
      expect(found.replacements[0]?.allowedBecause).toMatch(/^si-policy-v1: different index/);
    });

    it("vti-cannot-be-replaced-by-its-own-index-twin", async () => {
      const found = await h.value<Replacements>(suggestReplacementsTool, {
        householdId: "hh-chen",
        symbol: "VTI",
      });
      expect(found.rejected).toContainEqual(
        expect.objectContaining({ symbol: "VTSAX", code: "replacement.identical" }),
      );
      expect(found.replacements.map((r) => r.symbol)).not.toContain("VTSAX");
    });

    it("alvarez-cannot-buy-itot-until-its-recent-loss-clears", async () => {
      const found = await h.value<Replacements>(suggestReplacementsTool, {
        householdId: "hh-alvarez",
        symbol: "VTI",
      });
      expect(found.rejected).toContainEqual(
        expect.objectContaining({
          symbol: "ITOT",
          code: "replacement.recent-loss",
          availableFrom: "2026-11-30",
        }),
      );
    });

    it("an-unknown-symbol-is-refused", async () => {
      expect(
        await h.outcome(suggestReplacementsTool, { householdId: "hh-chen", symbol: "ZZZZ" }),
      ).toMatchObject({
        ok: false,
        code: "security.unknown",
      });
    });
  });
});
