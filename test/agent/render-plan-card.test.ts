// The plan card as text, rendered from real engine plans of the demo households.
import { describe, expect, it } from "vitest";
import { groundNumbers } from "../../src/agent/ground-numbers.ts";
import {
  APPROVAL_LINE,
  formatMoney,
  formatWeight,
  renderPlanCardText,
} from "../../src/agent/render-plan-card.ts";
import { DEFAULT_PLAN_SETTINGS, draftPlan } from "../../src/engine/planning/draft-plan.ts";
import type { Plan, PlanFinding } from "../../src/engine/planning/plan.ts";
import type { PlanStatus } from "../../src/ports/plan-store.ts";
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

const HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const stored = (plan: Plan, status: PlanStatus = "pending-approval") => ({
  id: "plan-0001",
  hash: HASH,
  status,
  plan,
});
const chen = demoPlan("hh-chen");

describe("renderPlanCardText", () => {
  const card = renderPlanCardText(stored(chen), { householdName: "Chen Household" });
  const lines = card.split("\n");

  it("heads the card with the household, trade date, model and status", () => {
    expect(lines.slice(0, 4)).toEqual([
      "Plan for Chen Household (hh-chen), trade date 2026-11-20",
      "Model: Balanced 60/40 v2 (rebalance to target)",
      "Status: pending approval",
      "",
    ]);
    expect(card).not.toContain("STALE");
  });

  it("gives each trade one line: side, quantity, symbol, account, amount, purposes, realised gain or loss", () => {
    const tradeLines = lines.filter((line) => /^ {2}(SELL|BUY) /.test(line));
    expect(tradeLines).toHaveLength(chen.trades.length);
    expect(card).toContain(`Trades (${chen.trades.length}):`);
    expect(tradeLines).toContain("  SELL 20 IVV in Mei - Fidelity IRA: $12,200.00 (rebalance); not taxable");
    expect(tradeLines).toContain(
      "  SELL 400 VEA in David - IBKR trading: $20,800.00 (harvest); realised short-term $0.00, long-term -$2,400.00",
    );
    expect(tradeLines).toContain(
      "  BUY 266.6666 IEFA in David - IBKR trading: $20,799.99 (replacement, replaces VEA)",
    );
  });

  it("shows the totals, the harvested losses and what is out of band after", () => {
    expect(lines).toContain("Realised: short-term $0.00, long-term $60,119.60, total $60,119.60");
    expect(lines).toContain("Estimated tax: $12,023.92");
    expect(lines).toContain("Harvested losses (1):");
    expect(lines).toContain(
      "  VEA $2,400.00 long-term (tax value about $480.00), replaced by IEFA; no rebuy of VEA before 2026-12-21",
    );
    expect(lines).toContain("Out of band after: none");
  });

  it("ends with the plan id, the short hash and the approval line", () => {
    expect(lines.slice(-2)).toEqual([`Plan plan-0001 (hash ${HASH.slice(0, 12)})`, APPROVAL_LINE]);
  });

  it("states only figures of the plan itself", () => {
    const body = lines.slice(0, -2).join("\n");
    expect(groundNumbers(body, [chen]).ungrounded).toEqual([]);
  });

  it("flags a stale plan", () => {
    const staleCard = renderPlanCardText(stored({ ...chen, stale: true }));
    expect(staleCard.split("\n")[2]).toMatch(/^STALE: /);
    expect(staleCard.split("\n")[0]).toBe("Plan for hh-chen, trade date 2026-11-20");
  });

  it("says there are no trades and why for an empty plan", () => {
    const okafor = renderPlanCardText(stored(demoPlan("hh-okafor")));
    expect(okafor).toContain("No trades.");
    expect(okafor).toContain("Reasons:\n  - every asset class is within its band: nothing to rebalance");
    expect(okafor).toContain("Harvested losses: none");
  });

  it("lists every warning and the first few reasons, counting the rest", () => {
    const reason = (n: number): PlanFinding => ({ code: "plan.blocked", message: `reason ${n}` });
    const plan: Plan = {
      ...chen,
      warnings: [{ code: "data.unreconciled", message: "IJR lots do not reconcile" }],
      reasons: [1, 2, 3, 4, 5].map(reason),
    };
    const text = renderPlanCardText(stored(plan));
    expect(text).toContain("Warnings:\n  - IJR lots do not reconcile");
    expect(text).toContain("Reasons:\n  - reason 1\n  - reason 2\n  - reason 3\n  ... and 2 more");
    expect(text).not.toContain("reason 4");
  });

  it("lists the classes still out of band with their weight and band", () => {
    const after = chen.drift.after.map((c, i) => (i === 0 ? { ...c, outOfBand: true } : c));
    const text = renderPlanCardText(stored({ ...chen, drift: { ...chen.drift, after } }));
    const first = chen.drift.after[0];
    expect(first).toBeDefined();
    if (!first) return;
    expect(text).toContain(
      `Out of band after: ${first.assetClassId} ${formatWeight(first.actualWeight)} (band ${formatWeight(first.lowerBand)}-${formatWeight(first.upperBand)})`,
    );
  });
});

describe("formatMoney and formatWeight", () => {
  it.each([
    ["-2400.00", "-$2,400.00"],
    ["0.00", "$0.00"],
    ["-0.00", "$0.00"],
    ["1234567.891", "$1,234,567.89"],
    ["999.5", "$999.50"],
  ])("formats %s as %s", (text, shown) => {
    expect(formatMoney(text)).toBe(shown);
  });

  it("formats a weight as a percent with one decimal", () => {
    expect(formatWeight("0.359532")).toBe("36.0%");
    expect(formatWeight("0.045000")).toBe("4.5%");
  });
});
