// The approval service over a seeded demo database with the real stores: drafts a pending plan the
// way draft_trades does (requested by the demo advisor, 15 minutes to approve) and counts what a
// decision wrote.
import { type DecisionDeps, type DecisionRequest, decidePlan } from "../../src/approval/decide-plan.ts";
import { createPrismaApprovalStore } from "../../src/db/prisma-approval-store.ts";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { createPrismaPlanStore } from "../../src/db/prisma-plan-store.ts";
import { createPrismaUserStore } from "../../src/db/prisma-user-store.ts";
import { buildDemoBook } from "../../src/demo/demo-book.ts";
import { Decimal } from "../../src/domain/decimal.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../../src/engine/planning/draft-plan.ts";
import { planHousehold } from "../../src/planning/plan-household.ts";
import type { StoredPlan } from "../../src/ports/plan-store.ts";
import { openTestDatabase, type TestDatabase } from "../support/test-database.ts";

/** The demo book's live data is stamped 20:00 UTC (seeded as of 20:02); drafted at 20:03. */
export const DRAFTED_AT = "2026-11-20T20:03:00.000Z";
/** A click one minute later: the data is still fresh (5 minute limit) and the plan unexpired. */
export const CLICK_AT = new Date("2026-11-20T20:04:00.000Z");
export const TRADE_DATE = isoDate("2026-11-20");

export const ADVISOR = "U0ADVISOR1";
export const APPROVER = "U0APPROVER1";
export const COMPLIANCE = "U0COMPLIANCE1";
export const OUTSIDER = "U0OUTSIDER1";

export interface ApprovalHarness {
  db: TestDatabase;
  deps: DecisionDeps;
  /**
   * Drafts and stores a pending Chen plan. Plans are content-addressed, so each `variant` gives a
   * distinct plan with the same trades (through a minimum trade amount a few cents apart).
   */
  draftChen(options?: {
    variant?: number;
    requestedBy?: string | null;
    household?: string;
  }): Promise<StoredPlan>;
  decide(plan: StoredPlan, request?: Partial<DecisionRequest>): ReturnType<typeof decidePlan>;
  written(planId: string): Promise<{ approvals: number; orders: number; status: string }>;
  /**
   * One live plan per household: marks every approved or executing plan executed, as if its orders
   * had all filled just before the next plan was drafted (the book is not touched), so the next
   * test can approve another plan of the same household.
   */
  finishLivePlans(): Promise<void>;
  close(): Promise<void>;
}

export async function openApprovalHarness(options: { fourEyes?: boolean } = {}): Promise<ApprovalHarness> {
  const db = await openTestDatabase();
  const store = createPrismaBookStore(db.prisma);
  await store.seedDemo(buildDemoBook({ anchorDate: TRADE_DATE, now: "2026-11-20T20:02:00.000Z" }));
  const plans = createPrismaPlanStore(db.prisma);
  const deps: DecisionDeps = {
    store,
    plans,
    approvals: createPrismaApprovalStore(db.prisma),
    users: createPrismaUserStore(db.prisma),
    audit: createPrismaAuditLog(db.prisma, { now: () => CLICK_AT }),
    fourEyes: options.fourEyes ?? true,
  };
  return {
    db,
    deps,
    async draftChen({ variant = 0, requestedBy = ADVISOR, household = "hh-chen" } = {}) {
      const drafted = await planHousehold(store, {
        householdId: household,
        asOf: TRADE_DATE,
        now: DRAFTED_AT,
        allowStale: false,
        settings: {
          ...DEFAULT_PLAN_SETTINGS,
          minTradeAmount: new Decimal(100).plus(new Decimal(variant).div(100)),
        },
      });
      if (!drafted.ok) throw new Error(`${drafted.error.code}: ${drafted.error.message}`);
      const { plan, json, hash } = drafted.value;
      return plans.savePlan({
        plan,
        json,
        hash,
        settings: plan.settings,
        conversationId: null,
        requestedBy,
        expiresAt: new Date(Date.parse(DRAFTED_AT) + 15 * 60_000).toISOString(),
      });
    },
    decide(plan, request = {}) {
      return decidePlan(deps, {
        planId: plan.id,
        planHash: plan.hash,
        slackUserId: APPROVER,
        decision: "approve",
        now: CLICK_AT,
        ...request,
      });
    },
    async written(planId) {
      const [approvals, orders, plan] = await Promise.all([
        db.prisma.approval.count({ where: { planId } }),
        db.prisma.order.count({ where: { planId } }),
        db.prisma.plan.findUniqueOrThrow({ where: { id: planId }, select: { status: true } }),
      ]);
      return { approvals, orders, status: plan.status };
    },
    async finishLivePlans() {
      await db.prisma.plan.updateMany({
        where: { status: { in: ["APPROVED", "EXECUTING"] } },
        data: { status: "EXECUTED", statusChangedAt: new Date(Date.parse(DRAFTED_AT) - 60_000) },
      });
    },
    close: () => db.close(),
  };
}
