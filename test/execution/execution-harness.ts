// The execution worker against a seeded database with the real stores: a plan is drafted, stored
// and approved through the approval store (plan APPROVED, one QUEUED order per trade with the
// trade's lots and `<planId>:<seq>` as idempotency key, each buy depending on the sells of its
// account, in one transaction), then drained.

import { createPrismaApprovalStore } from "../../src/db/prisma-approval-store.ts";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { createPrismaFillPrices, createPrismaOrderStore } from "../../src/db/prisma-order-store.ts";
import { createPrismaPlanStore } from "../../src/db/prisma-plan-store.ts";
import { buildDemoBook } from "../../src/demo/demo-book.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../../src/engine/planning/draft-plan.ts";
import type { ExecutionDeps, OrderUpdate } from "../../src/execution/drain-outbox.ts";
import { createPaperVenue } from "../../src/execution/paper-venue.ts";
import { createVenueRouter } from "../../src/execution/venue-router.ts";
import { planHousehold } from "../../src/planning/plan-household.ts";
import type { AuditLog } from "../../src/ports/audit-log.ts";
import type { BookStore } from "../../src/ports/book-store.ts";
import type { OrderStore } from "../../src/ports/order-store.ts";
import type { StoredPlan } from "../../src/ports/plan-store.ts";
import type { TradingVenue } from "../../src/ports/trading-venue.ts";
import { syncAccount } from "../support/sync-account.ts";
import { openTestDatabase, type TestDatabase } from "../support/test-database.ts";

/** The demo book is stamped 20:00 UTC (15:00 in New York); three minutes later it is fresh. */
export const NOW = "2026-11-20T20:03:00.000Z";
export const TRADE_DATE = isoDate("2026-11-20");

export interface ExecutionHarness {
  db: TestDatabase;
  book: BookStore;
  orders: OrderStore;
  audit: AuditLog;
  clock: { now(): Date; set(instant: string | Date): void; advance(ms: number): void };
  paper: TradingVenue;
  /** Drafts, stores and approves a plan for the household, queueing its orders; returns the plan. */
  approvePlan(householdId: string): Promise<StoredPlan>;
  /**
   * The custodian's next sync of an account, as of now: the latest snapshot with `cash` instead of
   * its cash and without the lots named in `lotsGone` (sold elsewhere; positions follow their lots).
   */
  syncAccount(accountId: string, change: { cash?: string; lotsGone?: string[] }): Promise<void>;
  deps(
    overrides?: Partial<ExecutionDeps> & {
      /** Instead of the paper custodian (e.g. one that records what it is sent). */
      paper?: TradingVenue;
      schwab?: TradingVenue | null;
      fileExport?: TradingVenue | null;
    },
  ): ExecutionDeps & {
    posted: OrderUpdate[];
  };
  close(): Promise<void>;
}

export async function openExecutionHarness(): Promise<ExecutionHarness> {
  const db = await openTestDatabase();
  const book = createPrismaBookStore(db.prisma);
  await book.seedDemo(buildDemoBook({ anchorDate: TRADE_DATE, now: "2026-11-20T20:00:00.000Z" }));
  let now = new Date(NOW);
  const clock = {
    now: () => new Date(now),
    set: (instant: string | Date) => {
      now = new Date(instant);
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
  const plans = createPrismaPlanStore(db.prisma);
  const approvals = createPrismaApprovalStore(db.prisma);
  const orders = createPrismaOrderStore(db.prisma);
  const audit = createPrismaAuditLog(db.prisma, clock);
  const paper = createPaperVenue({ prices: createPrismaFillPrices(db.prisma) });

  return {
    db,
    book,
    orders,
    audit,
    clock,
    paper,
    async approvePlan(householdId) {
      const drafted = await planHousehold(book, {
        householdId,
        asOf: isoDate(clock.now().toISOString().slice(0, 10)),
        now: clock.now().toISOString(),
        allowStale: false,
        settings: DEFAULT_PLAN_SETTINGS,
      });
      if (!drafted.ok) throw new Error(drafted.error.message);
      const { plan, json, hash } = drafted.value;
      const stored = await plans.savePlan({
        plan,
        json,
        hash,
        settings: plan.settings,
        conversationId: null,
        requestedBy: "U-ADVISOR",
        expiresAt: new Date(clock.now().getTime() + 15 * 60_000).toISOString(),
      });
      // The approval transaction itself: the plan approved and one QUEUED order per trade.
      const approved = await approvals.approve({
        planId: stored.id,
        planHash: stored.hash,
        decidedBy: "user-ben-whitaker",
        at: clock.now(),
      });
      if (approved.outcome !== "recorded") {
        throw new Error(`plan ${stored.id} was not approved: ${approved.outcome}`);
      }
      return { ...stored, status: "approved" };
    },
    syncAccount: (accountId, change) => syncAccount(db.prisma, accountId, clock.now(), change),
    deps(overrides = {}) {
      const { paper: paperVenue = paper, schwab = null, fileExport = null, ...rest } = overrides;
      const posted: OrderUpdate[] = [];
      return {
        orders,
        venues: createVenueRouter({ paper: paperVenue, schwab, fileExport }),
        audit,
        clock,
        notify: async (update) => {
          posted.push(update);
        },
        backoffMs: 1_000,
        maxAttempts: 3,
        ...rest,
        posted,
      };
    },
    close: () => db.close(),
  };
}
