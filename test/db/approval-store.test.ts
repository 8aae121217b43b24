// The approval store on its own: one decision per plan, written with its orders in one
// transaction, only while the plan is pending, unexpired and has the given hash; approvals are
// append-only like the plan content.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { StoredPlan } from "../../src/ports/plan-store.ts";
import { type ApprovalHarness, CLICK_AT, openApprovalHarness } from "../approval/approval-harness.ts";
import { BACKEND } from "../support/test-database.ts";

const BEN = "user-ben-whitaker";

describe(`approval store (${BACKEND})`, () => {
  let h: ApprovalHarness;
  let variant = 100;
  const draft = () => h.draftChen({ variant: ++variant });
  const write = (plan: StoredPlan, overrides: { planHash?: string; at?: Date } = {}) => ({
    planId: plan.id,
    planHash: overrides.planHash ?? plan.hash,
    decidedBy: BEN,
    at: overrides.at ?? CLICK_AT,
  });

  beforeAll(async () => {
    h = await openApprovalHarness();
  });
  // One live plan per household: each test approves its own Chen plan.
  afterEach(() => h.finishLivePlans());
  afterAll(() => h.close());

  it("approve records the decision and one QUEUED order per trade, in trade order", async () => {
    const plan = await draft();
    const written = await h.deps.approvals.approve(write(plan));
    expect(written).toEqual({
      outcome: "recorded",
      decision: {
        planId: plan.id,
        decision: "approved",
        decidedBy: { userId: BEN, slackUserId: "U0APPROVER1", name: "Ben Whitaker" },
        decidedAt: CLICK_AT.toISOString(),
        planHash: plan.hash,
        reason: null,
        orderIds: plan.plan.trades.map((t) => `order-${plan.id}-${t.index}`),
      },
    });
    const orders = await h.db.prisma.order.findMany({ where: { planId: plan.id } });
    expect(new Set(orders.map((o) => o.idempotencyKey))).toEqual(
      new Set(plan.plan.trades.map((t) => `${plan.id}:${t.index}`)),
    );
    expect(orders.every((o) => o.status === "QUEUED" && o.attempts === 0)).toBe(true);
    expect(await h.deps.approvals.findDecision(plan.id)).toEqual(
      written.outcome === "recorded" ? written.decision : null,
    );
  });

  it("a second approve or a reject returns the recorded decision and writes nothing", async () => {
    const plan = await draft();
    const first = await h.deps.approvals.approve(write(plan));
    const second = await h.deps.approvals.approve(write(plan));
    const reject = await h.deps.approvals.reject({ ...write(plan), reason: "too late" });
    expect(first.outcome).toBe("recorded");
    expect(second).toEqual({ ...first, outcome: "already-decided" });
    expect(reject).toEqual({ ...first, outcome: "already-decided" });
    expect(await h.written(plan.id)).toEqual({ approvals: 1, orders: 11, status: "APPROVED" });
  });

  it("refuses another hash, an expired plan and a plan that is not pending", async () => {
    const plan = await draft();
    expect(await h.deps.approvals.approve(write(plan, { planHash: "f".repeat(64) }))).toEqual({
      outcome: "not-pending",
      status: "pending-approval",
    });
    expect(await h.deps.approvals.approve(write(plan, { at: new Date("2026-11-20T20:18:00.001Z") }))).toEqual(
      {
        outcome: "not-pending",
        status: "pending-approval",
      },
    );
    expect(await h.deps.approvals.expire(plan.id, CLICK_AT)).toBe(true);
    expect(await h.deps.approvals.expire(plan.id, CLICK_AT)).toBe(false);
    expect(await h.deps.approvals.approve(write(plan))).toEqual({
      outcome: "not-pending",
      status: "expired",
    });
    expect(await h.written(plan.id)).toEqual({ approvals: 0, orders: 0, status: "EXPIRED" });
    expect(await h.deps.approvals.approve({ ...write(plan), planId: "plan-missing" })).toEqual({
      outcome: "not-pending",
      status: null,
    });
  });

  it("reject records the reason and queues nothing", async () => {
    const plan = await draft();
    const written = await h.deps.approvals.reject({ ...write(plan), reason: "client asked to wait" });
    expect(written).toMatchObject({
      outcome: "recorded",
      decision: { decision: "rejected", reason: "client asked to wait", orderIds: [] },
    });
    expect(await h.written(plan.id)).toEqual({ approvals: 1, orders: 0, status: "REJECTED" });
  });

  it("knows who requested a plan", async () => {
    const plan = await draft();
    expect(await h.deps.approvals.requestedBy(plan.id)).toBe("U0ADVISOR1");
    expect(await h.deps.approvals.requestedBy("plan-missing")).toBeNull();
  });

  it("concurrent approve calls record one decision", async () => {
    const plan = await draft();
    const writes = await Promise.all(Array.from({ length: 6 }, () => h.deps.approvals.approve(write(plan))));
    expect(writes.filter((w) => w.outcome === "recorded")).toHaveLength(1);
    expect(writes.filter((w) => w.outcome === "already-decided")).toHaveLength(5);
    expect(await h.written(plan.id)).toEqual({ approvals: 1, orders: 11, status: "APPROVED" });
  });

  it("each buy depends on the sells of the plan in its account", async () => {
    const plan = await draft();
    await h.deps.approvals.approve(write(plan));
    const orders = await h.db.prisma.order.findMany({
      where: { planId: plan.id },
      orderBy: { planTrade: { seq: "asc" } },
      include: { planTrade: true },
    });
    for (const order of orders) {
      const funding = orders.filter((o) => o.side === "SELL" && o.accountId === order.accountId);
      expect(order.dependsOn).toEqual(order.side === "BUY" ? funding.map((o) => o.id) : []);
    }
    expect(orders.filter((o) => o.dependsOn.length > 0)).toHaveLength(7);
  });

  it("refuses a second plan of the household while one is approved or executing, and writes nothing", async () => {
    const first = await draft();
    const second = await draft();
    expect((await h.deps.approvals.approve(write(first))).outcome).toBe("recorded");
    expect(await h.deps.approvals.approve(write(second))).toEqual({
      outcome: "household-busy",
      blockingPlanId: first.id,
      blockingStatus: "approved",
    });
    await h.db.prisma.plan.update({ where: { id: first.id }, data: { status: "EXECUTING" } });
    expect(await h.deps.approvals.approve(write(second))).toEqual({
      outcome: "household-busy",
      blockingPlanId: first.id,
      blockingStatus: "executing",
    });
    expect(await h.written(second.id)).toEqual({ approvals: 0, orders: 0, status: "PENDING_APPROVAL" });
    // Rejecting is never held up, and another household is not affected.
    expect((await h.deps.approvals.reject({ ...write(second), reason: "one at a time" })).outcome).toBe(
      "recorded",
    );
    const alvarez = await h.draftChen({ household: "hh-alvarez" });
    expect((await h.deps.approvals.approve(write(alvarez))).outcome).toBe("recorded");
  });

  it("refuses a plan drafted before another plan of the household finished", async () => {
    const first = await draft();
    const second = await draft();
    await h.deps.approvals.approve(write(first));
    // The first plan executed at 20:03:30, after the second was drafted (20:03:00) on the book before it.
    await h.db.prisma.plan.update({
      where: { id: first.id },
      data: { status: "EXECUTED", statusChangedAt: new Date("2026-11-20T20:03:30.000Z") },
    });
    expect(await h.deps.approvals.approve(write(second))).toEqual({
      outcome: "household-changed",
      changedByPlanId: first.id,
      changedAt: "2026-11-20T20:03:30.000Z",
    });
    expect(await h.written(second.id)).toEqual({ approvals: 0, orders: 0, status: "PENDING_APPROVAL" });
    // A plan that finished before this one was drafted is part of the book it was drafted on.
    await h.db.prisma.plan.update({
      where: { id: first.id },
      data: { statusChangedAt: new Date("2026-11-20T20:02:59.000Z") },
    });
    expect((await h.deps.approvals.approve(write(second))).outcome).toBe("recorded");
  });

  it("approvals are append-only", async () => {
    const plan = await draft();
    await h.deps.approvals.approve(write(plan));
    await expect(
      h.db.prisma.approval.update({ where: { planId: plan.id }, data: { decidedBy: "someone-else" } }),
    ).rejects.toThrow(/append-only/);
    await expect(h.db.prisma.approval.delete({ where: { planId: plan.id } })).rejects.toThrow(/append-only/);
  });
});
