// Re-derives a stored plan from the rows it pinned (immutable snapshots, the price rows, the
// transactions and restrictions it saw, its model and policy versions), its recorded settings and
// the instant it was drafted at: no model, no network. The verdict is byte-for-byte.

import { planHousehold, settingsFromRecord } from "../planning/plan-household.ts";
import type { BookStore } from "../ports/book-store.ts";
import type { PlanStore } from "../ports/plan-store.ts";
import { diffJson, type FieldDifference } from "./diff-json.ts";

export interface PlanReplay {
  planId: string;
  verdict: "identical" | "different" | "not-replayable";
  storedHash: string | null;
  replayedHash: string | null;
  differences: FieldDifference[];
  message: string;
}

export async function replayPlan(
  deps: { store: BookStore; plans: PlanStore },
  planId: string,
): Promise<PlanReplay> {
  const stored = await deps.plans.getPlan(planId);
  const none = (message: string): PlanReplay => ({
    planId,
    verdict: "not-replayable",
    storedHash: stored?.hash ?? null,
    replayedHash: null,
    differences: [],
    message,
  });
  if (!stored) return none(`no plan ${planId}`);
  const { plan } = stored;
  if (!plan.inputs.pins || !plan.inputs.draftedAt) {
    return none("the plan was drafted before plans recorded the rows they read; it cannot be re-derived");
  }
  const replayed = await planHousehold(deps.store, {
    householdId: plan.householdId,
    asOf: plan.asOf,
    now: plan.inputs.draftedAt,
    allowStale: plan.stale,
    settings: settingsFromRecord(plan.settings),
    pins: plan.inputs.pins,
  });
  if (!replayed.ok) return none(`re-deriving refused: ${replayed.error.message}`);
  const storedJson = JSON.stringify(plan);
  const identical = replayed.value.json === storedJson && replayed.value.hash === stored.hash;
  return {
    planId,
    verdict: identical ? "identical" : "different",
    storedHash: stored.hash,
    replayedHash: replayed.value.hash,
    differences: identical ? [] : diffJson(plan, replayed.value.plan),
    message: identical
      ? `re-derived from its pinned inputs: byte-identical (sha256 ${stored.hash})`
      : "re-derived from its pinned inputs: the plan differs",
  };
}
