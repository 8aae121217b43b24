// Approval decisions in the database. One winner per plan: the decision is a conditional status
// change (pending, unexpired, same hash) in the same transaction as the approval row and, for an
// approval, one QUEUED order per plan trade. Under READ COMMITTED a racer's UPDATE waits for the
// winner's commit and then matches no row; the unique approval.plan_id and order.plan_trade_id are
// the last line of defence. Whoever loses reads the recorded decision back.
//
// One live plan per household: an approval first takes a transaction-scoped advisory lock on the
// household, so approvals of two plans of one household run one after the other, and the second
// sees the first committed. It is refused while another plan of the household is approved or
// executing, and when one finished after this plan was drafted: the re-check before the write may
// have read the book before that plan's fills, so this plan's trades cannot be trusted.
import type {
  ApprovalStore,
  DecisionToWrite,
  DecisionWrite,
  RecordedDecision,
} from "../ports/approval-store.ts";
import type { PlanStatus } from "../ports/plan-store.ts";
import type { Prisma, PrismaClient } from "./generated/client.ts";
import type { PlanStatus as PlanStatusRow } from "./generated/enums.ts";

const STATUS: Record<PlanStatusRow, PlanStatus> = {
  PENDING_APPROVAL: "pending-approval",
  APPROVED: "approved",
  REJECTED: "rejected",
  EXPIRED: "expired",
  SUPERSEDED: "superseded",
  EXECUTING: "executing",
  EXECUTED: "executed",
  FAILED: "failed",
};

/** Generous: under a burst of clicks, transactions queue for a pooled connection. */
const TRANSACTION_OPTIONS = { maxWait: 60_000, timeout: 60_000 } as const;

export function createPrismaApprovalStore(prisma: PrismaClient): ApprovalStore {
  const findDecision = async (planId: string): Promise<RecordedDecision | null> => {
    const row = await prisma.approval.findUnique({ where: { planId } });
    if (!row) return null;
    const [user, orders] = await Promise.all([
      prisma.user.findUnique({ where: { id: row.decidedBy } }),
      prisma.order.findMany({
        where: { planId },
        orderBy: { planTrade: { seq: "asc" } },
        select: { id: true },
      }),
    ]);
    return {
      planId,
      decision: row.decision === "APPROVED" ? "approved" : "rejected",
      decidedBy: {
        userId: row.decidedBy,
        slackUserId: user?.slackUserId ?? "",
        name: user?.name ?? row.decidedBy,
      },
      decidedAt: row.decidedAt.toISOString(),
      planHash: row.planHash,
      reason: row.reason,
      orderIds: orders.map((order) => order.id),
    };
  };

  // Whoever did not record a decision learns why: someone else did, or the plan is not pending.
  const settle = async (planId: string): Promise<DecisionWrite> => {
    const decision = await findDecision(planId);
    if (decision) return { outcome: "already-decided", decision };
    const plan = await prisma.plan.findUnique({ where: { id: planId }, select: { status: true } });
    return { outcome: "not-pending", status: plan ? STATUS[plan.status] : null };
  };

  const decide = async (
    write: DecisionToWrite,
    decision: "APPROVED" | "REJECTED",
    reason: string | null,
  ): Promise<DecisionWrite> => {
    const { planId, planHash, decidedBy, at } = write;
    try {
      const recorded = await prisma.$transaction(async (tx): Promise<boolean | DecisionWrite> => {
        if (decision === "APPROVED") {
          const blocked = await householdBlock(tx, write);
          if (blocked) return blocked;
        }
        const won = await tx.$executeRaw`
          UPDATE "plan" SET status = ${decision}::plan_status, status_changed_at = ${at}
          WHERE id = ${planId} AND status = 'PENDING_APPROVAL' AND content_hash = ${planHash}
            AND expires_at >= ${at}`;
        if (won !== 1) return false;
        await tx.approval.create({
          data: { id: `approval-${planId}`, planId, decidedBy, decision, reason, planHash, decidedAt: at },
        });
        if (decision === "APPROVED") await queueOrders(tx, planId, at);
        return true;
      }, TRANSACTION_OPTIONS);
      if (recorded === true) {
        const stored = await findDecision(planId);
        if (stored) return { outcome: "recorded", decision: stored };
      } else if (recorded !== false) {
        return recorded;
      }
    } catch (error) {
      if (!isWriteConflict(error)) throw error;
    }
    return settle(planId);
  };

  return {
    findDecision,
    async requestedBy(planId) {
      const plan = await prisma.plan.findUnique({ where: { id: planId }, select: { requestedBy: true } });
      return plan?.requestedBy ?? null;
    },
    approve: (write) => decide(write, "APPROVED", null),
    reject: (write) => decide(write, "REJECTED", write.reason),
    async expire(planId, at) {
      const changed = await prisma.$executeRaw`
        UPDATE "plan" SET status = 'EXPIRED', status_changed_at = ${at}
        WHERE id = ${planId} AND status = 'PENDING_APPROVAL'`;
      return changed === 1;
    },
  };
}

/**
 * Locks the plan's household (until the transaction ends) and finds what stops the approval: another
 * plan approved or executing, or one that finished after this plan was drafted. Null when nothing
 * does, or when the plan cannot be approved anyway (the conditional update then says why).
 */
async function householdBlock(
  tx: Prisma.TransactionClient,
  { planId, planHash, at }: DecisionToWrite,
): Promise<DecisionWrite | null> {
  const [plan] = await tx.$queryRaw<{ household_id: string; drafted_at: Date }[]>`
    SELECT household_id,
           COALESCE(((content #>> '{}')::jsonb #>> '{inputs,draftedAt}')::timestamptz, created_at) AS drafted_at
    FROM "plan"
    WHERE id = ${planId} AND status = 'PENDING_APPROVAL' AND content_hash = ${planHash} AND expires_at >= ${at}`;
  if (!plan) return null;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`household:${plan.household_id}`}))`;
  // Read after the lock: under READ COMMITTED this statement sees every approval committed before it.
  const [other] = await tx.$queryRaw<{ id: string; status: PlanStatusRow; status_changed_at: Date }[]>`
    SELECT id, status, status_changed_at
    FROM "plan"
    WHERE household_id = ${plan.household_id} AND id <> ${planId}
      AND (status IN ('APPROVED', 'EXECUTING')
           OR (status IN ('EXECUTED', 'FAILED') AND status_changed_at > ${plan.drafted_at}))
    ORDER BY status IN ('APPROVED', 'EXECUTING') DESC, status_changed_at DESC, id
    LIMIT 1`;
  if (!other) return null;
  if (other.status === "APPROVED" || other.status === "EXECUTING") {
    return {
      outcome: "household-busy",
      blockingPlanId: other.id,
      blockingStatus: STATUS[other.status] as "approved" | "executing",
    };
  }
  return {
    outcome: "household-changed",
    changedByPlanId: other.id,
    changedAt: other.status_changed_at.toISOString(),
  };
}

/**
 * The outbox: one order per trade, with the trade's specific lots, for the execution worker. A buy
 * depends on every sell of the plan in its account (cash does not move between accounts within a
 * plan), so it is sent only once they have filled; a buy in an account the plan sells nothing in
 * depends on nothing.
 */
async function queueOrders(tx: Prisma.TransactionClient, planId: string, at: Date): Promise<void> {
  const trades = await tx.planTrade.findMany({ where: { planId }, orderBy: { seq: "asc" } });
  const sellsIn = (accountId: string) =>
    trades
      .filter((trade) => trade.side === "SELL" && trade.accountId === accountId)
      .map((trade) => orderIdOf(planId, trade.seq));
  await tx.order.createMany({
    data: trades.map((trade) => ({
      id: orderIdOf(planId, trade.seq),
      planId,
      planTradeId: trade.id,
      accountId: trade.accountId,
      securityId: trade.securityId,
      side: trade.side,
      quantity: trade.quantity,
      limitPrice: null,
      lots: (trade.lots ?? []) as Prisma.InputJsonValue,
      dependsOn: trade.side === "BUY" ? sellsIn(trade.accountId) : [],
      status: "QUEUED" as const,
      idempotencyKey: `${planId}:${trade.seq}`,
      createdAt: at,
    })),
  });
}

export function orderIdOf(planId: string, seq: number): string {
  return `order-${planId}-${seq}`;
}

/** A unique violation or a serialisation failure/deadlock: another request decided first. */
function isWriteConflict(error: unknown): boolean {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === "P2002" || code === "P2034";
}
