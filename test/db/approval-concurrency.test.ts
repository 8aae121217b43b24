// 50 approve clicks on one plan at the same moment, through separate connection pools against
// PostgreSQL (so they really run in parallel): exactly one approval, exactly one set of orders,
// every click answered, nothing thrown. And one live plan per household: two plans of the Chen
// household (the same eleven trades) approved at once by two approvers give one approval and one
// household-busy refusal; approved one after the other, the second is refused while the first
// executes and, once it has executed, because its trades are no longer right. The races run on
// PostgreSQL only (LOTWISE_TEST_DATABASE_URL): PGlite is a single connection and cannot race.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DecisionDeps, type DecisionOutcome, decidePlan } from "../../src/approval/decide-plan.ts";
import { verifyChain } from "../../src/audit/chain.ts";
import { type Database, openDatabase } from "../../src/db/open-database.ts";
import { createPrismaApprovalStore } from "../../src/db/prisma-approval-store.ts";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { createPrismaFillPrices, createPrismaOrderStore } from "../../src/db/prisma-order-store.ts";
import { createPrismaPlanStore } from "../../src/db/prisma-plan-store.ts";
import { createPrismaUserStore } from "../../src/db/prisma-user-store.ts";
import { drainOutbox, type ExecutionDeps } from "../../src/execution/drain-outbox.ts";
import { createPaperVenue } from "../../src/execution/paper-venue.ts";
import { createVenueRouter } from "../../src/execution/venue-router.ts";
import type { ApprovalStore } from "../../src/ports/approval-store.ts";
import type { StoredPlan } from "../../src/ports/plan-store.ts";
import type { TradingVenue } from "../../src/ports/trading-venue.ts";
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
  // Each test approves its own Chen plan: the one approved before must have finished.
  afterEach(() => h.finishLivePlans());
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

const BUSY = (planId: string) => ({
  ok: false,
  code: "decision.household-busy",
  message: `Plan ${planId} for this household is still executing; approve this one after it finishes, or ask for a new plan.`,
});

describe(`one live plan per household (${BACKEND})`, () => {
  let h: ApprovalHarness;
  let first: StoredPlan;
  let second: StoredPlan;
  const click = (plan: StoredPlan, slackUserId: string, now = CLICK_AT) =>
    h.decide(plan, { slackUserId, now });
  const winnerOf = (outcomes: DecisionOutcome[], plans: StoredPlan[]) => {
    const approved = outcomes.filter((o) => o.ok && !o.repeated);
    expect(approved).toHaveLength(1);
    const winner = plans.find((p) => approved[0]?.ok && p.id === approved[0].planId);
    const loser = plans.find((p) => p !== winner);
    if (!winner || !loser) throw new Error("no single winner");
    return { winner, loser };
  };

  beforeEach(async () => {
    h = await openApprovalHarness();
    const { user } = await h.deps.users.upsert({ slackUserId: SECOND_APPROVER, name: "Dana Second" });
    await h.deps.users.grant(user.id, "hh-chen", "APPROVER");
    // Two plans for the Chen household, a cent apart in their minimum trade: the same eleven trades.
    first = await h.draftChen({ variant: 1 });
    second = await h.draftChen({ variant: 2 });
    expect(first.id).not.toBe(second.id);
    expect(second.plan.trades).toEqual(first.plan.trades);
  });
  afterEach(() => h.close());

  it("two-plans-approved-at-once-by-two-approvers-give-one-approval", async () => {
    const outcomes = await Promise.all([click(first, APPROVER), click(second, SECOND_APPROVER)]);
    const { winner, loser } = winnerOf(outcomes, [first, second]);
    expect(outcomes.find((o) => !o.ok)).toEqual(BUSY(winner.id));
    expect(await h.written(winner.id)).toEqual({ approvals: 1, orders: 11, status: "APPROVED" });
    expect(await h.written(loser.id)).toEqual({ approvals: 0, orders: 0, status: "PENDING_APPROVAL" });
    expect(await h.db.prisma.order.count()).toBe(11);
    const [refused] = await h.deps.audit.read(`plan:${loser.id}`);
    expect(refused).toMatchObject({
      type: "decision.refused",
      payload: {
        code: "decision.household-busy",
        detail: { blockingPlanId: winner.id, blockingStatus: "approved" },
      },
    });
  });

  it("the-second-plan-is-refused-while-the-first-executes-and-as-changed-once-it-has", async () => {
    expect(await click(first, APPROVER)).toMatchObject({ ok: true, decision: "approved" });
    // Approved, its orders queued: busy.
    expect(await click(second, SECOND_APPROVER)).toEqual(BUSY(first.id));

    // Its sells sent and working at the custodian (nothing filled yet): still busy.
    let now = new Date(CLICK_AT.getTime() + 5_000);
    const paper = createPaperVenue({ prices: createPrismaFillPrices(h.db.prisma) });
    const slow: TradingVenue = {
      name: "paper",
      submit: async (order, context) =>
        order.side === "sell"
          ? { kind: "submitted", custodianOrderId: `slow:${order.id}`, message: "working" }
          : paper.submit(order, context),
      poll: (order, context) => paper.submit(order, context),
    };
    const execution: ExecutionDeps = {
      orders: createPrismaOrderStore(h.db.prisma),
      venues: createVenueRouter({ paper: slow }),
      audit: h.deps.audit,
      clock: { now: () => now },
      pollIntervalMs: 5_000,
    };
    await drainOutbox(execution);
    expect((await h.written(first.id)).status).toBe("EXECUTING");
    expect(await click(second, SECOND_APPROVER, now)).toEqual(BUSY(first.id));
    const refusals = await h.deps.audit.read(`plan:${second.id}`);
    expect(refusals.at(-1)?.payload).toMatchObject({ detail: { blockingStatus: "executing" } });

    // Filled: the first plan executed; the second was drafted on the book before it.
    now = new Date(now.getTime() + 5_000);
    await drainOutbox(execution);
    expect((await h.written(first.id)).status).toBe("EXECUTED");
    expect(await click(second, SECOND_APPROVER, now)).toEqual({
      ok: false,
      code: "decision.plan-changed",
      message:
        "The positions or prices changed since the plan was drafted, so its trades are no longer the right ones. Ask for a new plan.",
    });
    expect(await h.written(second.id)).toEqual({ approvals: 0, orders: 0, status: "PENDING_APPROVAL" });
    expect(await h.db.prisma.order.count()).toBe(11);
  });

  it("a-plan-that-finished-between-the-re-check-and-the-write-refuses-the-other", async () => {
    // The re-check of the second plan reads the book while the first plan's orders are still out;
    // the first plan finishes before the second's approval is written.
    expect(await click(first, APPROVER)).toMatchObject({ ok: true });
    const approvals = h.deps.approvals;
    const racing: DecisionDeps = {
      ...h.deps,
      approvals: {
        ...approvals,
        approve: async (write) => {
          await h.db.prisma.plan.update({
            where: { id: first.id },
            data: { status: "EXECUTED", statusChangedAt: new Date(CLICK_AT.getTime() + 1_000) },
          });
          return approvals.approve(write);
        },
      },
    };
    const outcome = await decidePlan(racing, {
      planId: second.id,
      planHash: second.hash,
      slackUserId: SECOND_APPROVER,
      decision: "approve",
      now: CLICK_AT,
    });
    expect(outcome).toEqual({
      ok: false,
      code: "decision.plan-changed",
      message: `Plan ${first.id} for this household finished executing after this plan was drafted, so its trades are no longer the right ones. Ask for a new plan.`,
    });
    expect(await h.written(second.id)).toEqual({ approvals: 0, orders: 0, status: "PENDING_APPROVAL" });
  });
});

describe.runIf(BACKEND === "postgres")("two plans of one household racing on PostgreSQL", () => {
  let h: ApprovalHarness;
  const pools: Database[] = [];

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

  it("40-clicks-on-two-plans-approve-one-plan-once", async () => {
    const plans = [await h.draftChen({ variant: 11 }), await h.draftChen({ variant: 12 })];
    const deps = pools.map(
      (db): DecisionDeps => ({
        store: createPrismaBookStore(db.prisma),
        plans: createPrismaPlanStore(db.prisma),
        approvals: createPrismaApprovalStore(db.prisma),
        users: createPrismaUserStore(db.prisma),
        audit: createPrismaAuditLog(db.prisma, { now: () => CLICK_AT }),
        fourEyes: true,
      }),
    );
    const clicks = 40;
    const settled = await Promise.allSettled(
      Array.from({ length: clicks }, (_, i) => {
        const plan = plans[i % 2] as StoredPlan;
        return decidePlan(deps[i % POOLS] as DecisionDeps, {
          planId: plan.id,
          planHash: plan.hash,
          slackUserId: i % 4 < 2 ? APPROVER : SECOND_APPROVER,
          decision: "approve",
          now: CLICK_AT,
        });
      }),
    );
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    const outcomes = settled.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
    const fresh = outcomes.filter((o) => o.ok && !o.repeated);
    expect(fresh).toHaveLength(1);
    const winner = plans.find((p) => fresh[0]?.ok && p.id === fresh[0].planId) as StoredPlan;
    const loser = plans.find((p) => p !== winner) as StoredPlan;
    // Every click on the winner is its approval; every click on the other plan is refused as busy.
    for (const [i, outcome] of outcomes.entries()) {
      if (plans[i % 2] === winner) expect(outcome).toMatchObject({ ok: true, planId: winner.id });
      else expect(outcome).toEqual(BUSY(winner.id));
    }
    expect(await h.written(winner.id)).toEqual({ approvals: 1, orders: 11, status: "APPROVED" });
    expect(await h.written(loser.id)).toEqual({ approvals: 0, orders: 0, status: "PENDING_APPROVAL" });
    expect(await h.db.prisma.order.count()).toBe(11);
    for (const plan of plans) expect(verifyChain(await h.deps.audit.read(`plan:${plan.id}`))).toEqual([]);
  });
});
