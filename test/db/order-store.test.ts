// The order outbox on a real database: claims are exclusive, every later move is conditioned on the
// claim, a fill is recorded with its book change or not at all, a buy is claimed only once the sells
// it depends on have filled, and a sell that ends unfilled cancels the buys waiting on it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Decimal } from "../../src/domain/decimal.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import type { BlockingOrder, ClaimedOrder } from "../../src/ports/order-store.ts";
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

  /** The order as claimed now, for a move conditioned on that claim. */
  const claimedRow = async (seq: number): Promise<ClaimedOrder> => {
    const o = await h.db.prisma.order.findUniqueOrThrow({ where: { id: `order-${plan.id}-${seq}` } });
    const status = o.status.toLowerCase().replace("_", "-") as ClaimedOrder["claimed"]["status"];
    return { id: o.id, claimed: { status, attempts: o.attempts } } as ClaimedOrder;
  };
  /** Claimed and filled in full at 100 (no book change). */
  const filled = async (seq: number) => {
    const order = await claimedRow(seq);
    const quantity = (await h.db.prisma.order.findUniqueOrThrow({ where: { id: order.id } })).quantity;
    const recorded = await h.orders.recordFills(order, {
      status: "filled",
      custodianOrderId: `test-${seq}`,
      fills: [{ ...fill(order), quantity: new Decimal(quantity.toString()) }],
      nextCheckAt: null,
      now: h.clock.now(),
    });
    if (!recorded) throw new Error(`order ${seq} was not claimed`);
  };

  beforeEach(async () => {
    h = await openExecutionHarness();
    plan = await h.approvePlan("hh-chen");
  });
  afterEach(() => h.close());

  it("claims-are-exclusive-and-in-trade-order", async () => {
    const now = h.clock.now();
    const seqs = (claimed: ClaimedOrder[]) =>
      claimed.map((o) => Number(o.id.slice(`order-${plan.id}-`.length)));
    const claimTwice = async () => {
      const [a, b] = await Promise.all([
        h.orders.claimDue(now, 20, at(-10 * MINUTE)),
        h.orders.claimDue(now, 20, at(-10 * MINUTE)),
      ]);
      for (const claimed of [a, b]) expect(seqs(claimed)).toEqual([...seqs(claimed)].sort((x, y) => x - y));
      expect([...a, ...b].every((o) => o.claimed.status === "submitting" && o.attempt === 1)).toBe(true);
      return [...seqs(a), ...seqs(b)].sort((x, y) => x - y);
    };
    // The sells first: every buy depends on a sell in its account.
    expect(await claimTwice()).toEqual([0, 1, 2, 3]);
    expect(await h.orders.claimDue(now, 20, at(-10 * MINUTE))).toEqual([]);
    for (const seq of [0, 1, 2, 3]) await filled(seq);
    expect(await claimTwice()).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(await h.db.prisma.order.count({ where: { status: "SUBMITTING", attempts: 1 } })).toBe(7);
    expect(await h.orders.claimDue(now, 20, at(-10 * MINUTE))).toEqual([]);
  });

  it("a-buy-is-claimed-once-every-sell-it-depends-on-has-filled-or-gone-to-a-trade-file", async () => {
    const now = h.clock.now();
    const due = async () =>
      (await h.orders.claimDue(now, 20, at(-10 * MINUTE))).map((o) => o.id.slice(`order-${plan.id}-`.length));
    expect(await due()).toEqual(["0", "1", "2", "3"]);
    // The IRA's IVV sale filled: its VWO buy is due.
    await filled(0);
    expect(await due()).toEqual(["4"]);
    // The Roth's VTI sale went into a trade file (submitted, nothing will report back): IEFA and VB follow it there.
    const roth = await claimedRow(1);
    await h.orders.markSubmitted(roth, {
      custodianOrderId: "/exports/fidelity/x.csv",
      nextCheckAt: null,
      now,
    });
    expect(await due()).toEqual(["5", "6"]);
    // The IBKR sale is working at a venue that reports back: its buy waits, also while partially filled.
    const ibkr = await claimedRow(2);
    await h.orders.markSubmitted(ibkr, { custodianOrderId: "ib-1", nextCheckAt: at(5_000), now });
    expect(await due()).toEqual([]);
    const [checked] = await h.orders.claimChecks(at(5_000), 10, at(10_000));
    if (!checked) throw new Error("nothing to check");
    await h.orders.recordFills(checked, {
      status: "partially-filled",
      custodianOrderId: "ib-1",
      fills: [{ ...fill(checked), quantity: new Decimal("100") }],
      nextCheckAt: at(10_000),
      now,
    });
    expect(await due()).toEqual([]);
    // The Schwab sale is rejected: its three buys are never due.
    await h.orders.markRejected(await claimedRow(3), { reason: "not enough shares", now });
    expect(await due()).toEqual([]);
    expect(await h.db.prisma.order.count({ where: { planId: plan.id, status: "QUEUED" } })).toBe(4);
  });

  it("cancel-blocked-cancels-the-queued-orders-of-a-sell-that-ended-unfilled-once", async () => {
    const now = h.clock.now();
    const reasonOf = (b: BlockingOrder) => `${b.side} ${b.quantity} ${b.symbol} ${b.status}: ${b.reason}`;
    expect(await h.orders.cancelBlocked(now, reasonOf)).toEqual([]);
    await h.orders.claimDue(now, 20, at(-10 * MINUTE));
    await h.orders.markRejected(await claimedRow(3), { reason: "not enough shares", now });
    await h.orders.markFailed(await claimedRow(2), { reason: "gave up", now, status: "cancelled" });
    await filled(0);
    // Two workers at once: each order is cancelled, and reported, once.
    const [a, b] = await Promise.all([
      h.orders.cancelBlocked(now, reasonOf),
      h.orders.cancelBlocked(now, reasonOf),
    ]);
    const cancelled = [...a, ...b];
    expect(cancelled.map((o) => [o.id.slice(`order-${plan.id}-`.length), o.symbol, o.reason])).toEqual([
      ["7", "IEFA", "sell 400 VEA cancelled: gave up"],
      ["8", "BND", "sell 577 VTI rejected: not enough shares"],
      ["9", "IEFA", "sell 577 VTI rejected: not enough shares"],
      ["10", "VTEB", "sell 577 VTI rejected: not enough shares"],
    ]);
    expect(cancelled[1]).toMatchObject({
      planId: plan.id,
      accountId: "acct-chen-schwab-taxable",
      side: "buy",
      attempts: 0,
      idempotencyKey: `${plan.id}:8`,
      blockedBy: { id: `order-${plan.id}-3`, side: "sell", symbol: "VTI", status: "rejected" },
    });
    expect(cancelled[1]?.quantity.toFixed()).toBe("1262");
    const rows = await h.db.prisma.order.findMany({
      where: { planId: plan.id, status: "CANCELLED" },
      orderBy: { planTrade: { seq: "asc" } },
    });
    expect(rows.map((o) => [o.id.slice(`order-${plan.id}-`.length), o.lastError])).toEqual([
      ["2", "gave up"],
      ["7", "sell 400 VEA cancelled: gave up"],
      ["8", "sell 577 VTI rejected: not enough shares"],
      ["9", "sell 577 VTI rejected: not enough shares"],
      ["10", "sell 577 VTI rejected: not enough shares"],
    ]);
    // The buy whose sell filled, and those whose sell is still working, stay queued.
    expect(await h.db.prisma.order.count({ where: { planId: plan.id, status: "QUEUED" } })).toBe(3);
    expect(await h.orders.cancelBlocked(now, reasonOf)).toEqual([]);
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
