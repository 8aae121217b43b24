// What most tools start from: one household's planning inputs as of the trade date, once the asker
// may read it, or a refusal the model can act on; and how fresh those inputs are.
import { z } from "zod";
import { authorize, type HouseholdAction } from "../src/access/authorize.ts";
import type { ModelVersionSpec } from "../src/domain/household-book.ts";
import { err, ok, type Problem, type Result } from "../src/domain/result.ts";
import { assessFreshness, datedInputsOf } from "../src/engine/planning/assess-freshness.ts";
import { DEFAULT_PLAN_SETTINGS } from "../src/engine/planning/draft-plan.ts";
import { buildFamilies, type Families } from "../src/engine/substantially-identical.ts";
import type { PlanningInputs } from "../src/ports/book-store.ts";
import type { ToolContext, ToolOutcome } from "./tool.ts";

type Policy = NonNullable<PlanningInputs["policy"]>;

/**
 * Authorised before anything is read: a household outside the asker's grants and one that does not
 * exist give the same `forbidden` refusal (only firm-wide readers can be told "not found").
 */
export async function loadHousehold(
  context: ToolContext,
  householdId: string,
  action: HouseholdAction = "household.read",
): Promise<Result<PlanningInputs, Problem>> {
  const allowed = authorize(context.principal, action, householdId);
  if (!allowed.ok) return allowed;
  const inputs = await context.store.loadPlanningInputs(householdId, context.tradeDate);
  return inputs ? ok(inputs) : err(householdNotFound(householdId));
}

export function householdNotFound(householdId: string): Problem {
  return {
    code: "household.not-found",
    message: `there is no household with id "${householdId}": call find_household with the name the advisor used`,
  };
}

export function modelOf(inputs: PlanningInputs): Result<ModelVersionSpec, Problem> {
  return inputs.model
    ? ok(inputs.model)
    : err({
        code: "plan.no-model",
        message: `${inputs.book.householdId} has no target model in force on ${inputs.book.asOf}, so there is no drift or plan; a model version must be assigned first`,
      });
}

export function policyOf(inputs: PlanningInputs): Result<Policy, Problem> {
  return inputs.policy
    ? ok(inputs.policy)
    : err({
        code: "plan.no-policy",
        message: `no substantially-identical policy is in force on ${inputs.book.asOf}; wash-sale families cannot be decided`,
      });
}

export function familiesOf(inputs: PlanningInputs, policy: Policy): Families {
  return buildFamilies(
    policy,
    [...inputs.book.securities.values()].map((s) => ({ symbol: s.symbol, trackedIndex: s.trackedIndex })),
  );
}

export function refusal<O>(problem: Problem): ToolOutcome<O> {
  return { ok: false, code: problem.code, message: problem.message };
}

export const accountNamesOf = (inputs: PlanningInputs) =>
  new Map(inputs.book.accounts.map((account) => [account.id, account.name]));

export const symbolOf = (inputs: PlanningInputs, securityId: string) =>
  inputs.book.securities.get(securityId)?.symbol ?? securityId;

export const dataOutput = z.object({
  /** The oldest position or price the answer rests on. */
  oldestAsOf: z.string().nullable(),
  stale: z.boolean(),
  maxAgeSeconds: z.number().int(),
  /** The oldest few inputs past the limit. */
  staleInputs: z.array(z.object({ label: z.string(), asOf: z.string() })),
});

const STALE_INPUTS_SHOWN = 3;

/** How old the household's positions and prices are against the plan freshness limit. */
export function dataFreshness(inputs: PlanningInputs, now: string): z.infer<typeof dataOutput> {
  const freshness = assessFreshness(datedInputsOf(inputs), now, DEFAULT_PLAN_SETTINGS.maxDataAgeSeconds);
  return {
    oldestAsOf: freshness.oldestAsOf,
    stale: freshness.stale,
    maxAgeSeconds: freshness.maxAgeSeconds,
    staleInputs: freshness.staleInputs
      .slice(0, STALE_INPUTS_SHOWN)
      .map(({ label, asOf }) => ({ label, asOf })),
  };
}
