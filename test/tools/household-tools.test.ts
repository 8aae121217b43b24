// find_household, get_positions and compute_drift against the seeded demo book.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeDriftTool } from "../../tools/compute-drift.ts";
import { findHouseholdTool } from "../../tools/find-household.ts";
import { getPositionsTool } from "../../tools/get-positions.ts";
import { BACKEND } from "../support/test-database.ts";
import { openToolHarness, type ToolHarness } from "./harness.ts";

type Positions = {
  data: { stale: boolean; oldestAsOf: string | null; staleInputs: { label: string }[] };
  totalValue: string;
  accounts: {
    id: string;
    tradeable: boolean;
    value: string;
    cash: string;
    positions: { symbol: string; quantity: string; value: string | null }[];
  }[];
};
type Drift = {
  outOfBand: boolean;
  totalValue: string;
  classes: { assetClassId: string; actualWeight: string; targetWeight: string; outOfBand: boolean }[];
};

describe(`household tools (${BACKEND})`, () => {
  let h: ToolHarness;
  beforeAll(async () => {
    h = await openToolHarness();
  });
  afterAll(() => h.close());

  describe("find_household", () => {
    it("finds-chen-by-surname: the id, people, model and accounts", async () => {
      const found = await h.value<{ id: string; model: { name: string }; accounts: unknown[] }>(
        findHouseholdTool,
        { query: "chen" },
      );
      expect(found).toMatchObject({ id: "hh-chen", model: { name: "Balanced 60/40" } });
      expect(found.accounts).toHaveLength(7);
      expect(await h.value(findHouseholdTool, { query: "Chen Household" })).toEqual(found);
      expect(await h.value(findHouseholdTool, { query: "hh-chen" })).toEqual(found);
    });

    it("an-ambiguous-name-is-refused-listing-the-candidates", async () => {
      const outcome = await h.outcome(findHouseholdTool, { query: "hh" });
      expect(outcome).toMatchObject({ ok: false, code: "household.ambiguous" });
      if (outcome.ok) return;
      expect(outcome.message).toContain("Chen Household (hh-chen)");
      expect(outcome.message).toContain("Patel Household (hh-patel)");
    });

    it("an-unknown-name-is-not-found-for-compliance-and-forbidden-for-an-advisor", async () => {
      const compliance = { principal: await h.principal("U0COMPLIANCE1") };
      expect(await h.outcome(findHouseholdTool, { query: "Smith" }, compliance)).toMatchObject({
        ok: false,
        code: "household.not-found",
      });
      expect(await h.outcome(findHouseholdTool, { query: "Smith" })).toMatchObject({
        ok: false,
        code: "forbidden",
      });
    });
  });

  describe("get_positions", () => {
    it("chen-positions: accounts with valued positions and cash, fresh data, no lots", async () => {
      const positions = await h.value<Positions>(getPositionsTool, { householdId: "hh-chen" });
      expect(positions.data).toMatchObject({ stale: false, staleInputs: [] });
      expect(positions.totalValue).toBe("587556.27");
      const schwab = positions.accounts.find((a) => a.id === "acct-chen-schwab-taxable");
      expect(schwab).toMatchObject({ cash: "3250.00", value: "253850.00" });
      expect(schwab?.positions).toContainEqual(
        expect.objectContaining({ symbol: "VTI", quantity: "700", value: "217000.00" }),
      );
      expect(positions.accounts.find((a) => a.id === "acct-chen-empower-401k")?.tradeable).toBe(false);
      expect(JSON.stringify(positions)).not.toContain("lot-");
    });

    it("stale-patel-positions-say-how-old-the-data-is", async () => {
      const positions = await h.value<Positions>(getPositionsTool, { householdId: "hh-patel" });
      expect(positions.data.stale).toBe(true);
      expect(positions.data.oldestAsOf).toBe("2026-11-20T00:00:00.000Z");
      expect(positions.data.staleInputs[0]?.label).toMatch(/^positions in .*IBKR/);
    });

    it("an-unknown-household-id-is-refused-with-a-pointer-to-find_household", async () => {
      const compliance = { principal: await h.principal("U0COMPLIANCE1") };
      const outcome = await h.outcome(getPositionsTool, { householdId: "chen" }, compliance);
      expect(outcome).toMatchObject({ ok: false, code: "household.not-found" });
      if (!outcome.ok) expect(outcome.message).toContain("find_household");
    });
  });

  describe("compute_drift", () => {
    it("chen-is-out-of-band: us_equity far over, bonds under, weights as 6-place fractions", async () => {
      const drift = await h.value<Drift>(computeDriftTool, { householdId: "hh-chen" });
      expect(drift.outOfBand).toBe(true);
      expect(drift.totalValue).toBe("587556.27");
      const byClass = new Map(drift.classes.map((c) => [c.assetClassId, c]));
      expect(byClass.get("us_equity")).toMatchObject({
        targetWeight: "0.360000",
        actualWeight: "0.706095",
        outOfBand: true,
      });
      expect(byClass.get("us_bonds")?.outOfBand).toBe(true);
      expect(byClass.get("cash")?.outOfBand).toBe(false);
    });

    it("okafor-is-in-band", async () => {
      const drift = await h.value<Drift>(computeDriftTool, { householdId: "hh-okafor" });
      expect(drift.outOfBand).toBe(false);
      expect(drift.classes.every((c) => !c.outOfBand)).toBe(true);
    });

    it("brooks-has-no-model-and-is-refused", async () => {
      expect(await h.outcome(computeDriftTool, { householdId: "hh-brooks" })).toMatchObject({
        ok: false,
        code: "plan.no-model",
      });
    });
  });
});
