// The approval store on its own: one decision per plan, written with its orders in one
// transaction, only while the plan is pending, unexpired and has the given hash; approvals are
// append-only like the plan content.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

  it("approvals are append-only", async () => {
    const plan = await draft();
    await h.deps.approvals.approve(write(plan));
    await expect(
      h.db.prisma.approval.update({ where: { planId: plan.id }, data: { decidedBy: "someone-else" } }),
    ).rejects.toThrow(/append-only/);
    await expect(h.db.prisma.approval.delete({ where: { planId: plan.id } })).rejects.toThrow(/append-only/);
  });
});
