// Approval decisions on drafted plans. A decision is written once per plan: approving moves the plan
// to approved, records who decided and queues its orders (the outbox) in one transaction; whoever
// comes second (a double click, a Slack retry, a racing approver) gets the recorded decision back.
// A household has one live plan at a time: its orders would otherwise sell the same lots twice.
import type { PlanStatus } from "./plan-store.ts";

export interface Decider {
  userId: string;
  slackUserId: string;
  name: string;
}

export interface RecordedDecision {
  planId: string;
  decision: "approved" | "rejected";
  decidedBy: Decider;
  decidedAt: string;
  /** The plan hash the decider saw. */
  planHash: string;
  reason: string | null;
  /** The orders queued by the approval, in trade order (none for a rejection). */
  orderIds: string[];
}

export interface DecisionToWrite {
  planId: string;
  /** Must equal the stored plan's hash. */
  planHash: string;
  /** The deciding user's id (not the Slack id). */
  decidedBy: string;
  at: Date;
}

export type DecisionWrite =
  /** This call recorded the decision. */
  | { outcome: "recorded"; decision: RecordedDecision }
  /** A decision was already recorded (possibly the same one, by a racing request). */
  | { outcome: "already-decided"; decision: RecordedDecision }
  /** Nothing recorded: the plan is missing, not pending, past its expiry, or has another hash. */
  | { outcome: "not-pending"; status: PlanStatus | null }
  /** Nothing recorded: another plan of the household is approved or executing (orders still out). */
  | { outcome: "household-busy"; blockingPlanId: string; blockingStatus: "approved" | "executing" }
  /**
   * Nothing recorded: another plan of the household finished (executed or failed) after this one
   * was drafted, so this plan was drafted on a book that has changed since.
   */
  | { outcome: "household-changed"; changedByPlanId: string; changedAt: string };

export interface ApprovalStore {
  findDecision(planId: string): Promise<RecordedDecision | null>;
  /** Who asked for the plan, as recorded when it was drafted (null when unknown). */
  requestedBy(planId: string): Promise<string | null>;
  /**
   * Approves a pending, unexpired plan with this hash and queues one order per trade, each buy
   * depending on the sells of the plan in its account. One live plan per household: the household
   * is locked for the write, and the approval is refused while another of its plans is approved or
   * executing, or when one finished after this plan was drafted.
   */
  approve(decision: DecisionToWrite): Promise<DecisionWrite>;
  /** Rejects a pending, unexpired plan with this hash; no orders. */
  reject(decision: DecisionToWrite & { reason: string }): Promise<DecisionWrite>;
  /** Marks the plan expired if it is still pending; false when it was not. */
  expire(planId: string, at: Date): Promise<boolean>;
}
