// The Approve / Reject button, without Slack (architecture.md, data flow step 5): who may decide,
// whether the plan can still be decided, the re-checks against current data, and the one write
// that records the decision (and, for an approval, queues the orders). No model is involved. Every
// attempt is audited on the plan's stream; a repeated click, a retry or a racing approver gets the
// recorded decision back and writes nothing.
import { can } from "../access/authorize.ts";
import { actorOf, type Principal, resolveUser } from "../access/principal.ts";
import { DEFAULT_PLAN_SETTINGS } from "../engine/planning/draft-plan.ts";
import type { PlanSettings } from "../engine/planning/plan.ts";
import type { ApprovalStore, DecisionWrite, RecordedDecision } from "../ports/approval-store.ts";
import type { AuditLog } from "../ports/audit-log.ts";
import type { BookStore } from "../ports/book-store.ts";
import type { PlanStatus, PlanStore, StoredPlan } from "../ports/plan-store.ts";
import type { AppUser, UserStore } from "../ports/user-store.ts";
import { recheckPlan } from "./recheck-plan.ts";

export type DecisionRefusal =
  | "decision.plan-not-found"
  | "decision.unknown-user"
  | "decision.not-authorised"
  | "decision.own-plan"
  | "decision.requester-unknown"
  | "decision.expired"
  | "decision.hash-mismatch"
  | "decision.already-decided"
  | "decision.stale-data"
  | "decision.wash-sale"
  | "decision.plan-changed"
  | "decision.reason-required"
  | "decision.household-busy";

/** Who decides: the principal resolved at the edge, or a Slack user id to resolve here. */
export type DecisionRequest = {
  planId: string;
  planHash: string;
  decision: "approve" | "reject";
  reason?: string;
  now: Date;
} & ({ principal: Principal } | { slackUserId: string });

export type DecisionOutcome =
  | {
      ok: true;
      decision: "approved" | "rejected";
      planId: string;
      decidedBy: { userId: string; slackUserId: string; name: string };
      decidedAt: string;
      orderIds: string[];
      /** true when this request found the same decision already recorded (retry/double click): nothing new was written */
      repeated: boolean;
    }
  | { ok: false; code: DecisionRefusal; message: string };

export interface DecisionDeps {
  store: BookStore;
  plans: PlanStore;
  approvals: ApprovalStore;
  users: UserStore;
  audit: AuditLog;
  fourEyes: boolean;
  /** Used only when a stored plan's own settings cannot be read back (default DEFAULT_PLAN_SETTINGS). */
  planSettings?: PlanSettings;
}

type Refused = Extract<DecisionOutcome, { ok: false }>;

export async function decidePlan(deps: DecisionDeps, request: DecisionRequest): Promise<DecisionOutcome> {
  const principal =
    "principal" in request ? request.principal : await resolveUser(deps.users, request.slackUserId);
  const { outcome, detail } = await decide(deps, request, principal);
  await deps.audit.append({
    stream: `plan:${request.planId}`,
    type: outcome.ok ? `decision.${outcome.decision}` : "decision.refused",
    actor: actorOf(principal),
    payload: outcome.ok
      ? {
          decision: outcome.decision,
          planHash: request.planHash,
          decidedBy: outcome.decidedBy.userId,
          decidedAt: outcome.decidedAt,
          reason: request.decision === "reject" ? (request.reason ?? null) : null,
          orderIds: outcome.orderIds,
          repeated: outcome.repeated,
        }
      : {
          code: outcome.code,
          message: outcome.message,
          requested: request.decision,
          planHash: request.planHash,
          reason: request.reason ?? null,
          detail: detail ?? null,
        },
  });
  return outcome;
}

async function decide(
  deps: DecisionDeps,
  request: DecisionRequest,
  principal: Principal,
): Promise<{ outcome: DecisionOutcome; detail?: unknown }> {
  const verb = request.decision;
  const stored = await deps.plans.getPlan(request.planId);
  if (!stored) {
    return refuse(
      "decision.plan-not-found",
      `lotwise has no plan ${request.planId}, so nothing was ${verb}d.`,
    );
  }
  if (principal.kind === "unknown") {
    const deactivated = await deps.users.findBySlackId(principal.claimedId);
    return refuse(
      "decision.unknown-user",
      deactivated
        ? "Your lotwise user is deactivated, so you cannot approve or reject plans."
        : "You are not set up as a lotwise user, so you cannot approve or reject plans. Ask an administrator to add you.",
    );
  }
  // Only the household's approvers decide on its trades: firm-wide ADMIN manages users, COMPLIANCE
  // reviews, the local operator administers, and none of them may approve or reject a plan.
  if (principal.kind !== "user" || !can(principal, "plan.decide", stored.householdId)) {
    const household = await householdName(deps.store, stored.householdId);
    return refuse(
      "decision.not-authorised",
      `Only an approver for ${household} can ${verb} this plan, and you are not one. Nothing was changed.`,
    );
  }
  // Before the idempotent answer: a button that does not match the stored plan never gets "ok".
  if (request.planHash !== stored.hash) {
    return refuse(
      "decision.hash-mismatch",
      "This button does not match the stored plan, so nothing was changed. Use the buttons on the latest plan card.",
    );
  }
  const recorded = await deps.approvals.findDecision(stored.id);
  if (recorded) return answerRecorded(recorded, request);
  const { user } = principal;
  if (verb === "approve" && deps.fourEyes) {
    const refusal = await fourEyesRefusal(deps, stored.id, user);
    if (refusal) return refusal;
  }
  if (stored.status !== "pending-approval") return notPending(stored, stored.status);
  if (request.now.getTime() > Date.parse(stored.expiresAt)) {
    await deps.approvals.expire(stored.id, request.now);
    return notPending(stored, "expired");
  }
  const write = { planId: stored.id, planHash: stored.hash, decidedBy: user.id, at: request.now };
  if (verb === "reject") {
    const reason = request.reason?.trim() ?? "";
    if (reason === "") {
      return refuse(
        "decision.reason-required",
        "Say why you are rejecting the plan; the reason is recorded for the advisor and compliance.",
      );
    }
    return answerWrite(await deps.approvals.reject({ ...write, reason }), request, stored);
  }
  const refusal = await recheckPlan(
    deps.store,
    stored,
    request.now,
    deps.planSettings ?? DEFAULT_PLAN_SETTINGS,
  );
  if (refusal) return { ...refuse(refusal.code, refusal.message), detail: refusal.detail };
  return answerWrite(await deps.approvals.approve(write), request, stored);
}

function answerWrite(write: DecisionWrite, request: DecisionRequest, stored: StoredPlan) {
  if (write.outcome === "recorded") return { outcome: decided(write.decision, false) };
  if (write.outcome === "already-decided") return answerRecorded(write.decision, request);
  // One live plan per household: a second plan would sell the same lots and buy the same funds again.
  if (write.outcome === "household-busy") {
    return {
      ...refuse(
        "decision.household-busy",
        `Plan ${write.blockingPlanId} for this household is still executing; approve this one after it finishes, or ask for a new plan.`,
      ),
      detail: { blockingPlanId: write.blockingPlanId, blockingStatus: write.blockingStatus },
    };
  }
  if (write.outcome === "household-changed") {
    return {
      ...refuse(
        "decision.plan-changed",
        `Plan ${write.changedByPlanId} for this household finished executing after this plan was drafted, so its trades are no longer the right ones. Ask for a new plan.`,
      ),
      detail: { changedByPlanId: write.changedByPlanId, changedAt: write.changedAt },
    };
  }
  return notPending(stored, write.status);
}

/** The same decision is the idempotent answer to a retry; the opposite one is a refusal. */
function answerRecorded(recorded: RecordedDecision, request: DecisionRequest) {
  const wanted = request.decision === "approve" ? "approved" : "rejected";
  if (recorded.decision === wanted) return { outcome: decided(recorded, true) };
  return refuse(
    "decision.already-decided",
    `This plan was already ${recorded.decision} by ${recorded.decidedBy.name} at ${timeText(recorded.decidedAt)}, so it cannot be ${wanted} now.`,
  );
}

function notPending(stored: StoredPlan, status: PlanStatus | null) {
  if (status === null) {
    return refuse("decision.plan-not-found", `lotwise has no plan ${stored.id}, so nothing was changed.`);
  }
  if (status === "expired" || status === "pending-approval") {
    return refuse(
      "decision.expired",
      `This plan expired at ${timeText(stored.expiresAt)} and can no longer be approved or rejected. Ask for a new plan.`,
    );
  }
  if (status === "superseded") {
    return refuse(
      "decision.plan-changed",
      "A newer plan has replaced this one, so it can no longer be decided. Use the latest plan card.",
    );
  }
  return refuse("decision.already-decided", `This plan is already ${status}, so nothing was changed.`);
}

function decided(recorded: RecordedDecision, repeated: boolean): DecisionOutcome {
  return {
    ok: true,
    decision: recorded.decision,
    planId: recorded.planId,
    decidedBy: recorded.decidedBy,
    decidedAt: recorded.decidedAt,
    orderIds: recorded.orderIds,
    repeated,
  };
}

function refuse(code: DecisionRefusal, message: string): { outcome: Refused } {
  return { outcome: { ok: false, code, message } };
}

/**
 * Four eyes, for every plan: its recorded requester is compared with the approver by identity. The
 * requester must be someone lotwise can name (an active user, or the local operator, who is never a
 * Slack approver); otherwise nobody can show they are not the requester, so nobody may approve.
 */
async function fourEyesRefusal(
  deps: DecisionDeps,
  planId: string,
  approver: AppUser,
): Promise<{ outcome: Refused } | null> {
  const requester = await deps.approvals.requestedBy(planId);
  if (requester === approver.slackUserId || requester === approver.id) {
    return refuse(
      "decision.own-plan",
      "You requested this plan, and four-eyes approval is on: another approver has to approve it.",
    );
  }
  if (requester?.startsWith("operator:")) return null;
  const known = requester === null ? null : await deps.users.findBySlackId(requester);
  if (known?.active) return null;
  return refuse(
    "decision.requester-unknown",
    "This plan's requester is not a known lotwise user, so four eyes cannot be shown; ask for a new plan under your own name.",
  );
}

async function householdName(store: BookStore, householdId: string): Promise<string> {
  const households = await store.listHouseholds();
  return households.find((h) => h.id === householdId)?.name ?? householdId;
}

/** "2026-11-20T20:18:00.000Z" -> "20:18 UTC on 2026-11-20". */
function timeText(iso: string): string {
  return `${iso.slice(11, 16)} UTC on ${iso.slice(0, 10)}`;
}
