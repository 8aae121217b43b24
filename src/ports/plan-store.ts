// Drafted plans, stored immutably (only their status moves on): the plan card, the approval handler
// and compliance replay all read the stored plan, never the model's words.
import type { Plan } from "../engine/planning/plan.ts";

export interface PlanToStore {
  plan: Plan;
  /** Canonical JSON of `plan` and its sha256. */
  json: string;
  hash: string;
  /** The settings values the plan records (content-addressed by `plan.inputs.settingsId`). */
  settings: Plan["settings"];
  conversationId: string | null;
  requestedBy: string | null;
  /** When an approval stops being accepted (ISO instant). */
  expiresAt: string;
}

/** Where a stored plan stands; only this moves once a plan is drafted. */
export type PlanStatus =
  | "pending-approval"
  | "approved"
  | "rejected"
  | "expired"
  | "superseded"
  | "executing"
  | "executed"
  | "failed";

export interface StoredPlan {
  id: string;
  householdId: string;
  hash: string;
  status: PlanStatus;
  createdAt: string;
  expiresAt: string;
  plan: Plan;
}

export interface PlanStore {
  /** Stores the plan once: the same content (hash) returns the stored plan's id. */
  savePlan(plan: PlanToStore): Promise<StoredPlan>;
  getPlan(planId: string): Promise<StoredPlan | null>;
  /** The household's most recently stored plan, whatever its status. */
  latestPlan(householdId: string): Promise<StoredPlan | null>;
  /** Plans awaiting approval and not expired at `now` (an ISO instant), counted by household. */
  countPending(now: string): Promise<Map<string, number>>;
}
