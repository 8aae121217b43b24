// The drain job and what the outbox does when the thread or the book lets it down.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { drainOutbox, type OrderUpdate } from "../../src/execution/drain-outbox.ts";
import { drainOrdersTask } from "../../src/jobs/tasks/drain-orders.ts";
import { createLogger } from "../../src/logger.ts";
import type { StoredPlan } from "../../src/ports/plan-store.ts";
import type { WorkItem, WorkQueue } from "../../src/ports/work-queue.ts";
import { BACKEND } from "../support/test-database.ts";
import { type ExecutionHarness, openExecutionHarness } from "./execution-harness.ts";

describe(`the outbox worker (${BACKEND})`, () => {
  let h: ExecutionHarness;
  let plan: StoredPlan;

  beforeEach(async () => {
    h = await openExecutionHarness();
    plan = await h.approvePlan("hh-chen");
  });
  afterEach(() => h.close());

  it("one-drain-job-sends-every-order-posts-every-fill-and-completes-the-plan", async () => {
    const deps = h.deps();
    const queued: WorkItem[] = [];
    const queue = {
      enqueue: async (item: WorkItem) => (queued.push(item), "enqueued"),
    } as unknown as WorkQueue;
    const log = createLogger({ level: "silent", pretty: false } as never);
    await drainOrdersTask(deps, queue)({ log } as never);
    expect(deps.posted).toHaveLength(11);
    expect(deps.posted.every((u) => u.status === "filled")).toBe(true);
    expect((await h.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe("EXECUTED");
    // Nothing left due: no follow-up drain.
    expect(queued).toEqual([]);
  });

  it("a-retry-due-before-the-next-tick-gets-its-own-drain-at-that-moment", async () => {
    const failing = h.deps({
      paper: {
        ...h.paper,
        submit: async () => ({ kind: "unavailable", error: "venue down" }) as never,
      },
    });
    const queued: WorkItem[] = [];
    const queue = {
      enqueue: async (item: WorkItem) => (queued.push(item), "enqueued"),
    } as unknown as WorkQueue;
    const log = createLogger({ level: "silent", pretty: false } as never);
    await drainOrdersTask(failing, queue)({ log } as never);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ task: "orders_drain" });
    const due = queued[0]?.runAt?.getTime() ?? 0;
    expect(due).toBeGreaterThan(h.clock.now().getTime());
    expect(due - h.clock.now().getTime()).toBeLessThan(60_000);
  });

  it("a-post-that-fails-is-audited-and-execution-goes-on", async () => {
    const updates = await drainOutbox(
      h.deps({
        notify: async () => {
          throw new Error("channel_not_found");
        },
      }),
    );
    expect(updates).toHaveLength(11);
    const failed = (await h.audit.read(`plan:${plan.id}`)).filter((e) => e.type === "order.notify-failed");
    expect(failed).toHaveLength(11);
    expect(failed[0]?.payload).toMatchObject({ error: "channel_not_found" });
    expect(await h.db.prisma.order.count({ where: { status: "FILLED" } })).toBe(11);
  });

  it("a-plan-left-live-by-a-worker-that-died-is-completed-by-the-next-drain", async () => {
    // Every order settled, but the worker died before completing the plan: it would block its household.
    await h.db.prisma.order.updateMany({ where: { planId: plan.id }, data: { status: "FILLED" } });
    await h.db.prisma.order.update({ where: { id: `order-${plan.id}-3` }, data: { status: "REJECTED" } });
    expect(await h.orders.settledPlans()).toEqual([plan.id]);
    expect(await drainOutbox(h.deps())).toEqual([]);
    expect((await h.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe("FAILED");
    expect((await h.audit.read(`plan:${plan.id}`)).at(-1)).toMatchObject({
      type: "plan.failed",
      payload: { orders: { filled: 10, rejected: 1 } },
    });
    expect(await h.orders.settledPlans()).toEqual([]);
  });

  it("a-sell-whose-lots-are-gone-is-rejected-and-nothing-is-written", async () => {
    // The custodian's next sync shows the VEA lot sold elsewhere before the order went out.
    const latest = await h.db.prisma.accountSnapshot.findFirstOrThrow({
      where: { accountId: "acct-chen-ibkr-taxable" },
      include: { positions: true, lots: true },
    });
    const id = "snap-ibkr-synced";
    await h.db.prisma.accountSnapshot.create({
      data: { id, accountId: latest.accountId, asOf: h.clock.now(), source: "demo", cash: latest.cash },
    });
    await h.db.prisma.position.createMany({
      data: latest.positions
        .filter((p) => p.securityId !== "sec-vea")
        .map(({ id: _, snapshotId: __, ...p }) => ({ ...p, id: `${id}:${p.securityId}`, snapshotId: id })),
    });
    await h.db.prisma.lot.createMany({
      data: latest.lots
        .filter((l) => l.securityId !== "sec-vea")
        .map(({ id: _, snapshotId: __, ...l }) => ({ ...l, id: `${id}:${l.lotKey}`, snapshotId: id })),
    });

    const updates: OrderUpdate[] = await drainOutbox(h.deps());
    const vea = updates.find((u) => u.orderId === `order-${plan.id}-2`);
    expect(vea).toMatchObject({ status: "rejected", message: "the account holds 0 VEA, fewer than 400" });
    // The IEFA bought with the VEA proceeds is not bought.
    expect(updates.find((u) => u.orderId === `order-${plan.id}-7`)).toMatchObject({
      symbol: "IEFA",
      status: "cancelled",
      message:
        "cancelled: the sell of 400 VEA it depended on was rejected (the account holds 0 VEA, fewer than 400)",
    });
    expect(await h.db.prisma.fill.count({ where: { orderId: `order-${plan.id}-7` } })).toBe(0);
    expect(await h.db.prisma.fill.count({ where: { orderId: `order-${plan.id}-2` } })).toBe(0);
    expect(
      await h.db.prisma.transaction.count({
        where: { accountId: "acct-chen-ibkr-taxable", source: "paper" },
      }),
    ).toBe(0);
    expect((await h.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe("FAILED");
  });
});
