// The order outbox on a real database: claims are exclusive, every later move is conditioned on the
// claim, and a fill is recorded with its book change or not at all.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Decimal } from "../../src/domain/decimal.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import type { ClaimedOrder } from "../../src/ports/order-store.ts";
import type { StoredPlan } from "../../src/ports/plan-store.ts";
import type { VenueFill } from "../../src/ports/trading-venue.ts";
import { type ExecutionHarness, openExecutionHarness } from "../execution/execution-harness.ts";
import { BACKEND } from "../support/test-database.ts";

const MINUTE = 60_000;

describe(`the order store (${BACKEND})`, () => {
  let h: ExecutionHarness;
  let plan: StoredPlan;
  const at = (ms: number) => new Date(h.clock.now().getTime() + ms);
  const row = (order: ClaimedOrder) => h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } });
  const fill = (order: ClaimedOrder): VenueFill => ({
    externalId: `test:${order.id}`,
    quantity: order.quantity,
    price: new Decimal("100"),
    filledAt: h.clock.now(),
    tradeDate: isoDate("2026-11-20"),
  });

  beforeEach(async () => {
    h = await openExecutionHarness();
    plan = await h.approvePlan("hh-chen");
  });
  afterEach(() => h.close());

  it("claims-are-exclusive-and-in-trade-order", async () => {
    const now = h.clock.now();
    const [a, b] = await Promise.all([
      h.orders.claimDue(now, 20, at(-10 * MINUTE)),
      h.orders.claimDue(now, 20, at(-10 * MINUTE)),
    ]);
    const ids = [...a, ...b].map((o) => o.id);
    expect(new Set(ids).size).toBe(11);
    expect(ids).toHaveLength(11);
    const seqs = (claimed: ClaimedOrder[]) =>
      claimed.map((o) => Number(o.id.slice(`order-${plan.id}-`.length)));
    for (const claimed of [a, b]) expect(seqs(claimed)).toEqual([...seqs(claimed)].sort((x, y) => x - y));
    expect([...a, ...b].every((o) => o.claimed.status === "submitting" && o.attempt === 1)).toBe(true);
    expect(await h.db.prisma.order.count({ where: { status: "SUBMITTING", attempts: 1 } })).toBe(11);
    expect(await h.orders.claimDue(now, 20, at(-10 * MINUTE))).toEqual([]);
  });

  it("a-claimed-sell-names-its-lots-as-the-account-holds-them", async () => {
    const claimed = await h.orders.claimDue(h.clock.now(), 4, at(-10 * MINUTE));
    const vti = claimed.find((o) => o.account.id === "acct-chen-schwab-taxable");
    expect(vti).toMatchObject({
      side: "sell",
      idempotencyKey: `${plan.id}:3`,
      security: { symbol: "VTI", cusip: "922908769" },
      account: {
        custodianId: "schwab",
        supportsSpecificLot: true,
        taxable: true,
        accountNumberMasked: "****4821",
      },
    });
    expect(
      vti?.lots.map((l) => [
        l.lotKey,
        l.quantity.toFixed(),
        l.tradeDate,
        l.heldQuantity?.toFixed(),
        l.costBasis?.toFixed(2),
      ]),
    ).toEqual([
      ["lot-chen-schwab-taxable-vti-2024-10-16", "100", "2024-10-16", "100", "26240.00"],
      ["lot-chen-schwab-taxable-vti-2022-11-18", "200", "2022-11-18", "200", "44350.00"],
      ["lot-chen-schwab-taxable-vti-2020-11-20", "277", "2020-11-20", "300", "49560.00"],
    ]);
  });

  it("a-worker-that-lost-its-claim-changes-nothing", async () => {
    const [mine] = await h.orders.claimDue(h.clock.now(), 1, at(-10 * MINUTE));
    if (!mine) throw new Error("nothing claimed");
    // Still submitting eleven minutes later: taken to be abandoned and claimed again.
    h.clock.advance(11 * MINUTE);
    const [theirs] = await h.orders.claimDue(h.clock.now(), 1, at(-10 * MINUTE));
    expect(theirs).toMatchObject({ id: mine.id, attempt: 2 });
    const now = h.clock.now();
    expect(await h.orders.markSubmitted(mine, { custodianOrderId: "x", nextCheckAt: null, now })).toBe(false);
    expect(await h.orders.markRetry(mine, { error: "x", nextAttemptAt: now, now })).toBe(false);
    expect(await h.orders.markRejected(mine, { reason: "x", now })).toBe(false);
    expect(await h.orders.markFailed(mine, { reason: "x", now })).toBe(false);
    expect(
      await h.orders.recordFills(mine, {
        status: "filled",
        custodianOrderId: "x",
        fills: [fill(mine)],
        nextCheckAt: null,
        now,
      }),
    ).toBeNull();
    expect(await h.db.prisma.fill.count()).toBe(0);
    expect(await row(mine)).toMatchObject({ status: "SUBMITTING", attempts: 2, custodianOrderId: null });
  });

  it("a-fill-whose-book-change-fails-is-not-recorded", async () => {
    const [order] = await h.orders.claimDue(h.clock.now(), 1, at(-10 * MINUTE));
    if (!order) throw new Error("nothing claimed");
    const snapshots = await h.db.prisma.accountSnapshot.count();
    const transactions = await h.db.prisma.transaction.count();
    await expect(
      h.orders.recordFills(order, {
        status: "filled",
        custodianOrderId: "x",
        fills: [fill(order)],
        updateBook: () => {
          throw new Error("the book cannot take it");
        },
        nextCheckAt: null,
        now: h.clock.now(),
      }),
    ).rejects.toThrow("the book cannot take it");
    expect(await h.db.prisma.fill.count()).toBe(0);
    expect(await h.db.prisma.accountSnapshot.count()).toBe(snapshots);
    expect(await h.db.prisma.transaction.count()).toBe(transactions);
    expect(await row(order)).toMatchObject({ status: "SUBMITTING", attempts: 1 });
  });

  it("a-fill-reported-twice-is-recorded-once", async () => {
    const [order] = await h.orders.claimDue(h.clock.now(), 1, at(-10 * MINUTE));
    if (!order) throw new Error("nothing claimed");
    const now = h.clock.now();
    expect(await h.orders.markSubmitted(order, { custodianOrderId: "777", nextCheckAt: now, now })).toBe(
      true,
    );
    const [checked] = await h.orders.claimChecks(now, 10, at(5_000));
    if (!checked) throw new Error("nothing to check");
    const partial = { ...fill(checked), quantity: new Decimal("5") };
    const first = await h.orders.recordFills(checked, {
      status: "partially-filled",
      custodianOrderId: "777",
      fills: [partial],
      nextCheckAt: now,
      now,
    });
    expect(first).toMatchObject({ newFills: 1 });
    expect(first?.filledQuantity.toFixed()).toBe("5");
    const [again] = await h.orders.claimChecks(now, 10, at(5_000));
    if (!again) throw new Error("nothing to check");
    expect(again.claimed.status).toBe("partially-filled");
    const second = await h.orders.recordFills(again, {
      status: "partially-filled",
      custodianOrderId: "777",
      fills: [partial],
      nextCheckAt: now,
      now,
    });
    expect(second).toMatchObject({ newFills: 0 });
    expect(second?.filledValue.toFixed()).toBe("500");
    expect(await h.db.prisma.fill.count()).toBe(1);
  });

  it("a-retry-waits-until-it-is-due", async () => {
    const [order] = await h.orders.claimDue(h.clock.now(), 1, at(-10 * MINUTE));
    if (!order) throw new Error("nothing claimed");
    const now = h.clock.now();
    expect(await h.orders.markRetry(order, { error: "503", nextAttemptAt: at(2_000), now })).toBe(true);
    expect(await row(order)).toMatchObject({ status: "QUEUED", lastError: "503", attempts: 1 });
    const due = async (ms: number) =>
      (await h.orders.claimDue(at(ms), 20, at(ms - 10 * MINUTE))).filter((o) => o.id === order.id);
    expect(await due(1_999)).toEqual([]);
    expect((await due(2_000)).map((o) => o.attempt)).toEqual([2]);
  });

  it("checks-are-leased", async () => {
    const [order] = await h.orders.claimDue(h.clock.now(), 1, at(-10 * MINUTE));
    if (!order) throw new Error("nothing claimed");
    const now = h.clock.now();
    await h.orders.markSubmitted(order, { custodianOrderId: "1", nextCheckAt: now, now });
    expect(await h.orders.claimChecks(now, 10, at(5_000))).toHaveLength(1);
    expect(await h.orders.claimChecks(now, 10, at(5_000))).toHaveLength(0);
    expect(await h.orders.claimChecks(at(5_000), 10, at(10_000))).toHaveLength(1);
    // An exported order (nothing will report back) is never checked.
    const [other] = await h.orders.claimDue(now, 1, at(-10 * MINUTE));
    if (!other) throw new Error("nothing claimed");
    await h.orders.markSubmitted(other, { custodianOrderId: "/exports/x.csv", nextCheckAt: null, now });
    expect((await h.orders.claimChecks(at(MINUTE), 10, at(2 * MINUTE))).map((o) => o.id)).toEqual([order.id]);
  });

  it("a-plan-moves-only-from-the-status-expected", async () => {
    const now = h.clock.now();
    expect(await h.orders.setPlanStatus(plan.id, "executed", ["executing"], now)).toBe(false);
    expect(await h.orders.setPlanStatus(plan.id, "executing", ["approved"], now)).toBe(true);
    expect(await h.orders.setPlanStatus(plan.id, "executing", ["approved"], now)).toBe(false);
    expect(await h.orders.setPlanStatus(plan.id, "failed", ["approved", "executing"], now)).toBe(true);
    expect((await h.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe("FAILED");
    expect((await h.orders.planOrders(plan.id)).map((o) => o.status)).toEqual(Array(11).fill("queued"));
  });
});
