// At approval time the stored plan is checked again against the household as it is now
// (architecture.md, data flow step 5): the data must still be fresh (domain-rules.md, "Data quality
// gates"), no trade may have become a wash sale, and the engine must still draft the same trades.
// The book read here holds fills, not orders still out: another plan of the household with orders
// out, or one that finished after this re-check read the book, is refused by the approval write
// itself (one live plan per household, src/db/prisma-approval-store.ts). Once that plan's fills are
// in the book, the re-draft differs and the plan is refused as changed.
import type { PlanSettings } from "../engine/planning/plan.ts";
import { planHousehold } from "../planning/plan-household.ts";
import type { BookStore, PlanningInputs } from "../ports/book-store.ts";
import type { StoredPlan } from "../ports/plan-store.ts";
import { washConflictsOf } from "./household-wash-check.ts";
import { planSettingsOf } from "./plan-settings-of.ts";
import { sameTrades } from "./same-trades.ts";

export type RecheckRefusal = {
  code: "decision.stale-data" | "decision.wash-sale" | "decision.plan-changed";
  message: string;
  /** For the audit log: what exactly failed. */
  detail: unknown;
};

const ASK_AGAIN = "Ask for a new plan.";

export async function recheckPlan(
  store: BookStore,
  stored: StoredPlan,
  now: Date,
  fallbackSettings: PlanSettings,
): Promise<RecheckRefusal | null> {
  const { plan } = stored;
  const inputs = await store.loadPlanningInputs(stored.householdId, plan.asOf);
  if (!inputs?.policy) {
    return changed(`The household's data can no longer be loaded for ${plan.asOf}.`, null);
  }
  const redrafted = await planHousehold(withInputs(store, inputs), {
    householdId: stored.householdId,
    asOf: plan.asOf,
    now: now.toISOString(),
    // A plan the advisor explicitly drafted on stale data may be approved stale (it says so
    // everywhere); a plan drafted on fresh data must still be fresh.
    allowStale: plan.stale,
    settings: planSettingsOf(plan.settings) ?? fallbackSettings,
  });
  if (!redrafted.ok && redrafted.error.freshness) {
    const { staleInputs, maxAgeSeconds } = redrafted.error.freshness;
    const oldest = staleInputs[0];
    const age = oldest?.ageSeconds == null ? "of unknown age" : `${durationText(oldest.ageSeconds)} old`;
    return {
      code: "decision.stale-data",
      message: `The data is too old to trade on: ${oldest?.label ?? "an input"} is ${age} (the limit is ${durationText(maxAgeSeconds)}). Refresh the positions and prices, then ask for a new plan.`,
      detail: {
        staleInputs: staleInputs.map(({ label, asOf, ageSeconds }) => ({ label, asOf, ageSeconds })),
      },
    };
  }
  const conflicts = washConflictsOf(inputs, inputs.policy, plan.trades);
  const first = conflicts[0];
  if (first) {
    const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more conflict(s))` : "";
    return {
      code: "decision.wash-sale",
      message: `Approving now would break the wash-sale rule: ${first.message}${more}. ${ASK_AGAIN}`,
      detail: {
        conflicts: conflicts.map(({ code, tradeIndex, message }) => ({ code, tradeIndex, message })),
      },
    };
  }
  if (!redrafted.ok) {
    return changed(
      `The plan cannot be drafted any more: ${redrafted.error.message.replace(/\.$/, "")}.`,
      redrafted.error,
    );
  }
  if (!sameTrades(plan.trades, redrafted.value.plan.trades)) {
    return changed(
      "The positions or prices changed since the plan was drafted, so its trades are no longer the right ones.",
      { redraftedHash: redrafted.value.hash },
    );
  }
  return null;
}

function changed(why: string, detail: unknown): RecheckRefusal {
  return { code: "decision.plan-changed", message: `${why} ${ASK_AGAIN}`, detail };
}

/** The re-draft must see exactly the data the wash-sale check saw. */
function withInputs(store: BookStore, inputs: PlanningInputs): BookStore {
  return {
    listHouseholds: () => store.listHouseholds(),
    householdNames: (ids) => store.householdNames(ids),
    latestPrices: (securityIds) => store.latestPrices(securityIds),
    seedDemo: (book, onStep) => store.seedDemo(book, onStep),
    loadPlanningInputs: async () => inputs,
    streamPlanningInputs: (ids, asOf, options) => store.streamPlanningInputs(ids, asOf, options),
    refreshDemoFeed: (now) => store.refreshDemoFeed(now),
  };
}

function durationText(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 172800) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} days`;
}
