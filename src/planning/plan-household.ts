// Plans one household from the store: load the inputs as of the trade date, apply the freshness
// gate (domain-rules.md, "Data quality gates"), run the engine, and hash the canonical JSON. Shared
// by `lotwise plan` and the assistant's tools; it holds no business rule of its own.
import { createHash } from "node:crypto";
import { Decimal } from "../domain/decimal.ts";
import type { IsoDate } from "../domain/iso-date.ts";
import { ok, type Problem, problem, type Result } from "../domain/result.ts";
import { assessFreshness, datedInputsOf, type Freshness } from "../engine/planning/assess-freshness.ts";
import { draftPlan, settingsRecord } from "../engine/planning/draft-plan.ts";
import type { Plan, PlanSettings } from "../engine/planning/plan.ts";
import type { BookStore, PlanningPins } from "../ports/book-store.ts";

export interface PlanHouseholdRequest {
  householdId: string;
  /** The trade date the plan is drafted for. */
  asOf: IsoDate;
  /** Now, as a UTC ISO instant, for the freshness gate. */
  now: string;
  allowStale: boolean;
  settings: PlanSettings;
  /** Replay: read exactly these rows instead of the latest. */
  pins?: PlanningPins;
}

export interface HashedPlan {
  plan: Plan;
  /** Canonical JSON: the same inputs give the same bytes. */
  json: string;
  /** sha256 of `json`, hex. */
  hash: string;
  freshness: Freshness;
}

export type PlanRefusal = Problem & { freshness?: Freshness };

export async function planHousehold(
  store: BookStore,
  request: PlanHouseholdRequest,
): Promise<Result<HashedPlan, PlanRefusal>> {
  const inputs = await store.loadPlanningInputs(request.householdId, request.asOf, request.pins);
  if (!inputs) return problem("plan.no-household", `no household ${request.householdId}`);
  if (!inputs.model) {
    return problem(
      "plan.no-model",
      `${request.householdId} has no model version in force on ${request.asOf}: assign one with \`lotwise models assign\``,
    );
  }
  if (!inputs.policy) {
    return problem("plan.no-policy", `no substantially-identical policy is in force on ${request.asOf}`);
  }
  const freshness = assessFreshness(datedInputsOf(inputs), request.now, request.settings.maxDataAgeSeconds);
  if (freshness.stale && !request.allowStale) {
    const oldest = freshness.staleInputs[0];
    return {
      ok: false,
      error: {
        code: "plan.stale",
        message: `the data is stale: ${freshness.staleInputs.length} input(s) older than ${request.settings.maxDataAgeSeconds} s, the oldest ${oldest?.label} as of ${oldest?.asOf}. Refresh the positions and prices, or ask for a stale plan explicitly (--allow-stale).`,
        freshness,
      },
    };
  }
  const drafted = draftPlan({
    book: inputs.book,
    model: inputs.model,
    policy: inputs.policy,
    settings: request.settings,
    inputs: {
      snapshots: inputs.dataAsOf.snapshots
        .map((s) => ({ accountId: s.accountId, snapshotId: s.snapshotId, asOf: s.asOf }))
        .sort((a, b) => (a.accountId < b.accountId ? -1 : 1)),
      modelVersionId: inputs.model.id,
      policyVersion: inputs.policy.version,
      settingsId: settingsId(request.settings),
      pins: inputs.pins,
      draftedAt: request.now,
    },
    staleInputs: freshness.staleInputs,
  });
  if (!drafted.ok) return drafted;
  const json = JSON.stringify(drafted.value);
  return ok({ plan: drafted.value, json, hash: sha256(json), freshness });
}

/** Settings are content-addressed: the id is the hash of their canonical JSON. */
export function settingsId(settings: PlanSettings): string {
  return `settings-${sha256(JSON.stringify(settingsRecord(settings))).slice(0, 16)}`;
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The settings a plan recorded, back as values (the inverse of `settingsRecord`). */
export function settingsFromRecord(record: Plan["settings"]): PlanSettings {
  const decimal = (key: string) => new Decimal(String(record[key]));
  return {
    minLossAmount: decimal("minLossAmount"),
    minLossFraction: decimal("minLossFraction"),
    shortTermRate: decimal("shortTermRate"),
    longTermRate: decimal("longTermRate"),
    shortTermGains: record.shortTermGains === "never" ? "never" : "last",
    gainBudget:
      record.gainBudgetLimit === null || record.gainBudgetLimit === undefined
        ? null
        : { limit: decimal("gainBudgetLimit"), mode: record.gainBudgetMode === "soft" ? "soft" : "hard" },
    minTradeAmount: decimal("minTradeAmount"),
    harvestWhenInBand: record.harvestWhenInBand === true,
    maxDataAgeSeconds: Number(record.maxDataAgeSeconds),
  };
}
