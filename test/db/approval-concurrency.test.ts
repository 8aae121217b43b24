// 50 approve clicks on one plan at the same moment, through separate connection pools against
// PostgreSQL (so they really run in parallel): exactly one approval, exactly one set of orders,
// every click answered, nothing thrown. PostgreSQL only (LOTWISE_TEST_DATABASE_URL): PGlite is a
// single connection and cannot race.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DecisionDeps, decidePlan } from "../../src/approval/decide-plan.ts";
import { verifyChain } from "../../src/audit/chain.ts";
import { type Database, openDatabase } from "../../src/db/open-database.ts";
import { createPrismaApprovalStore } from "../../src/db/prisma-approval-store.ts";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { createPrismaPlanStore } from "../../src/db/prisma-plan-store.ts";
import { createPrismaUserStore } from "../../src/db/prisma-user-store.ts";
import type { ApprovalStore } from "../../src/ports/approval-store.ts";
import {
  APPROVER,
  type ApprovalHarness,
  CLICK_AT,
  openApprovalHarness,
} from "../approval/approval-harness.ts";
import { BACKEND } from "../support/test-database.ts";

const CLICKS = 50;
/** Five pools of ten connections: the 50 clicks are not queued behind one small pool. */
const POOLS = 5;
const SECOND_APPROVER = "U0APPROVER2";

describe.runIf(BACKEND === "postgres")("50 concurrent approve clicks on PostgreSQL", () => {
  let h: ApprovalHarness;
  const pools: Database[] = [];
  let approveCalls = 0;

  const depsOver = (db: Database): DecisionDeps => {
    const approvals = createPrismaApprovalStore(db.prisma);
    const counted: ApprovalStore = {
      ...approvals,
      approve: (write) => {
        approveCalls += 1;
        return approvals.approve(write);
      },
    };
    return {
      store: createPrismaBookStore(db.prisma),
      plans: createPrismaPlanStore(db.prisma),
      approvals: counted,
      users: createPrismaUserStore(db.prisma),
      audit: createPrismaAuditLog(db.prisma, { now: () => CLICK_AT }),
      fourEyes: true,
    };
  };

  beforeAll(async () => {
    h = await openApprovalHarness();
    const url = h.db.url;
    if (!url) throw new Error("the PostgreSQL test database has no URL");
    for (let i = 0; i < POOLS; i++) pools.push(await openDatabase({ kind: "postgres", url }));
    const { user } = await h.deps.users.upsert({ slackUserId: SECOND_APPROVER, name: "Dana Second" });
    await h.deps.users.grant(user.id, "hh-chen", "APPROVER");
  });
  afterAll(async () => {
    for (const pool of pools) await pool.close();
    await h?.close();
  });

  it("50-clicks-create-one-approval-and-one-set-of-orders", async () => {
    const plan = await h.draftChen();
    const trades = plan.plan.trades.length;
    expect(trades).toBeGreaterThan(0);
    const deps = pools.map(depsOver);
    approveCalls = 0;
    const settled = await Promise.allSettled(
      Array.from({ length: CLICKS }, (_, i) =>
        decidePlan(deps[i % POOLS] as DecisionDeps, {
          planId: plan.id,
          planHash: plan.hash,
          // 45 clicks by the demo approver, 5 by a second approver of the household.
          slackUserId: i % 10 === 9 ? SECOND_APPROVER : APPROVER,
          decision: "approve",
          now: CLICK_AT,
        }),
      ),
    );
    const failures = settled.filter((s) => s.status === "rejected");
    expect(failures).toEqual([]);
    const outcomes = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    expect(outcomes).toHaveLength(CLICKS);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const fresh = outcomes.filter((o) => o.ok && !o.repeated);
    expect(fresh).toHaveLength(1);
    const winner = fresh[0];
    // Every click, first or repeated, reports the same decision and the same orders.
    for (const outcome of outcomes) {
      expect(outcome).toEqual({ ...winner, repeated: outcome.ok && outcome.repeated });
    }
    // More than one click got as far as the write: the race was real, not serialised upstream.
    expect(approveCalls).toBeGreaterThan(1);

    expect(await h.written(plan.id)).toEqual({ approvals: 1, orders: trades, status: "APPROVED" });
    const orders = await h.db.prisma.order.findMany({ where: { planId: plan.id } });
    expect(new Set(orders.map((o) => o.planTradeId)).size).toBe(trades);
    // Every click is audited, on one unbroken chain.
    const events = await h.deps.audit.read(`plan:${plan.id}`);
    expect(events).toHaveLength(CLICKS);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: CLICKS }, (_, i) => i + 1));
    expect(verifyChain(events)).toEqual([]);
    expect(events.filter((e) => (e.payload as { repeated: boolean }).repeated === false)).toHaveLength(1);
  });

  it("approvers-and-rejecters-racing-produce-one-decision", async () => {
    const plan = await h.draftChen({ variant: 1 });
    const deps = pools.map(depsOver);
    const settled = await Promise.allSettled(
      Array.from({ length: CLICKS }, (_, i) =>
        decidePlan(deps[i % POOLS] as DecisionDeps, {
          planId: plan.id,
          planHash: plan.hash,
          slackUserId: i % 2 === 0 ? APPROVER : SECOND_APPROVER,
          decision: i % 2 === 0 ? "approve" : "reject",
          reason: "racing",
          now: CLICK_AT,
        }),
      ),
    );
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    const outcomes = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const fresh = outcomes.filter((o) => o.ok && !o.repeated);
    expect(fresh).toHaveLength(1);
    const decided = fresh[0]?.ok ? fresh[0].decision : null;
    for (const outcome of outcomes) {
      if (outcome.ok) expect(outcome.decision).toBe(decided);
      else expect(outcome.code).toBe("decision.already-decided");
    }
    expect(await h.written(plan.id)).toEqual(
      decided === "approved"
        ? { approvals: 1, orders: plan.plan.trades.length, status: "APPROVED" }
        : { approvals: 1, orders: 0, status: "REJECTED" },
    );
  });

  it("50-concurrent-store-approves-record-one-decision", async () => {
    const plan = await h.draftChen({ variant: 2 });
    const stores = pools.map((db) => createPrismaApprovalStore(db.prisma));
    const settled = await Promise.allSettled(
      Array.from({ length: CLICKS }, (_, i) =>
        (stores[i % POOLS] as ApprovalStore).approve({
          planId: plan.id,
          planHash: plan.hash,
          decidedBy: "user-ben-whitaker",
          at: CLICK_AT,
        }),
      ),
    );
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    const writes = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    expect(writes.filter((w) => w.outcome === "recorded")).toHaveLength(1);
    expect(writes.filter((w) => w.outcome === "already-decided")).toHaveLength(CLICKS - 1);
    expect(await h.written(plan.id)).toEqual({
      approvals: 1,
      orders: plan.plan.trades.length,
      status: "APPROVED",
    });
  });
});
