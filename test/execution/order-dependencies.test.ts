// Orders that depend on each other: a buy is sent only once the sells of its plan in its account
// (the cash that pays for it) have filled, and a sell that ends without filling cancels the buys it
// was to fund, so a household never buys with money it did not raise.
// Chen plan, trade order: 0 sell IVV (Fidelity IRA), 1 sell VTI (Fidelity Roth), 2 sell VEA (IBKR),
// 3 sell 577 VTI (Schwab), 4 buy VWO (IRA), 5 buy IEFA and 6 buy VB (Roth), 7 buy IEFA (IBKR),
// 8 buy BND, 9 buy IEFA and 10 buy VTEB (Schwab).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Decimal } from "../../src/domain/decimal.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { drainOutbox, type OrderUpdate } from "../../src/execution/drain-outbox.ts";
import type { StoredPlan } from "../../src/ports/plan-store.ts";
import type { TradingVenue, VenueOrder, VenueOutcome } from "../../src/ports/trading-venue.ts";
import { BACKEND } from "../support/test-database.ts";
import { type ExecutionHarness, openExecutionHarness } from "./execution-harness.ts";

const SCHWAB = "acct-chen-schwab-taxable";
const POLL_MS = 5_000;

describe(`orders that depend on each other (${BACKEND})`, () => {
  let h: ExecutionHarness;
  let plan: StoredPlan;
  const id = (seq: number) => `order-${plan.id}-${seq}`;
  const row = (seq: number) => h.db.prisma.order.findUniqueOrThrow({ where: { id: id(seq) } });
  const rows = async (...seqs: number[]) =>
    Promise.all(seqs.map(async (seq) => ({ seq, ...pick(await row(seq)) })));
  const pick = (o: { status: string; attempts: number }) => ({ status: o.status, attempts: o.attempts });
  const planStatus = async () =>
    (await h.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).status;
  const events = async () => h.audit.read(`plan:${plan.id}`);

  /** The paper custodian, recording what is sent to it; `script` answers for chosen orders instead. */
  const recording = (script: (order: VenueOrder) => VenueOutcome | null = () => null) => {
    const sent: string[] = [];
    const polled: string[] = [];
    const venue: TradingVenue = {
      name: "paper",
      async submit(order, context) {
        sent.push(order.id);
        return script(order) ?? h.paper.submit(order, context);
      },
      async poll(order) {
        polled.push(order.id);
        return (
          script(order) ?? { kind: "submitted", custodianOrderId: `venue:${order.id}`, message: "working" }
        );
      },
    };
    return { venue, sent, polled };
  };

  beforeEach(async () => {
    h = await openExecutionHarness();
  });
  afterEach(() => h.close());

  it("each-buy-depends-on-the-sells-of-its-account", async () => {
    plan = await h.approvePlan("hh-chen");
    const orders = await h.db.prisma.order.findMany({
      where: { planId: plan.id },
      orderBy: { planTrade: { seq: "asc" } },
    });
    expect(orders.map((o) => [o.side, o.dependsOn])).toEqual([
      ["SELL", []],
      ["SELL", []],
      ["SELL", []],
      ["SELL", []],
      ["BUY", [id(0)]],
      ["BUY", [id(1)]],
      ["BUY", [id(1)]],
      ["BUY", [id(2)]],
      ["BUY", [id(3)]],
      ["BUY", [id(3)]],
      ["BUY", [id(3)]],
    ]);
  });

  it("a-rejected-sell-cancels-the-buys-it-funds-and-they-are-never-sent", async () => {
    plan = await h.approvePlan("hh-chen");
    // The custodian's next sync: the 300 VTI bought in 2020 were sold elsewhere; 400 are left, the plan sells 577.
    await h.syncAccount(SCHWAB, { lotsGone: ["lot-chen-schwab-taxable-vti-2020-11-20"] });
    const cashBefore = (
      await h.db.prisma.accountSnapshot.findFirstOrThrow({
        where: { accountId: SCHWAB },
        orderBy: { asOf: "desc" },
      })
    ).cash.toFixed(2);
    const paper = recording();
    const updates = await drainOutbox(h.deps({ paper: paper.venue }));

    const reason = "the account holds 400 VTI, fewer than 577";
    const cancelled = `cancelled: the sell of 577 VTI it depended on was rejected (${reason})`;
    // The paper custodian saw the sells and the buys they funded, never the Schwab buys.
    expect(paper.sent).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map(id));
    expect(await rows(3, 8, 9, 10)).toEqual([
      { seq: 3, status: "REJECTED", attempts: 1 },
      { seq: 8, status: "CANCELLED", attempts: 0 },
      { seq: 9, status: "CANCELLED", attempts: 0 },
      { seq: 10, status: "CANCELLED", attempts: 0 },
    ]);
    expect((await row(9)).lastError).toBe(cancelled);

    // The thread is told which buys were cancelled and why, after the rejection.
    const said = updates.map((u) => [u.side, u.symbol, u.status]);
    expect(said.filter(([, , status]) => status === "filled")).toHaveLength(7);
    expect(said.slice(-3)).toEqual([
      ["buy", "BND", "cancelled"],
      ["buy", "IEFA", "cancelled"],
      ["buy", "VTEB", "cancelled"],
    ]);
    const bnd = updates.find((u) => u.orderId === id(8));
    expect(bnd).toEqual({
      planId: plan.id,
      orderId: id(8),
      accountId: SCHWAB,
      symbol: "BND",
      side: "buy",
      quantity: "1262",
      status: "cancelled",
      filledQuantity: "0",
      averagePrice: null,
      message: cancelled,
      attempt: 0,
    } satisfies OrderUpdate);
    expect(updates.find((u) => u.orderId === id(3))).toMatchObject({ status: "rejected", message: reason });
    expect(updates.indexOf(bnd as OrderUpdate)).toBeGreaterThan(
      updates.findIndex((u) => u.orderId === id(3)),
    );

    // Audited on the plan's stream; the plan ends failed.
    const audited = await events();
    const cancellations = audited.filter((e) => e.type === "order.cancelled");
    expect(cancellations.map((e) => (e.payload as { orderId: string }).orderId)).toEqual([8, 9, 10].map(id));
    expect(cancellations[0]?.payload).toMatchObject({
      symbol: "BND",
      side: "buy",
      quantity: "1262",
      reason: cancelled,
      dependedOn: { orderId: id(3), status: "rejected", reason },
    });
    expect(audited.at(-1)).toMatchObject({
      type: "plan.failed",
      payload: { orders: { filled: 7, rejected: 1, cancelled: 3 } },
    });
    expect(await planStatus()).toBe("FAILED");

    // Nothing was bought in the account whose sell failed: its cash is what the custodian reported.
    expect(await h.db.prisma.transaction.count({ where: { accountId: SCHWAB, source: "paper" } })).toBe(0);
    const latest = await h.db.prisma.accountSnapshot.findFirstOrThrow({
      where: { accountId: SCHWAB },
      orderBy: { asOf: "desc" },
    });
    expect(latest.cash.toFixed(2)).toBe(cashBefore);

    // A later drain has nothing left to send or cancel.
    expect(await drainOutbox(h.deps({ paper: paper.venue }))).toEqual([]);
    expect(paper.sent).toHaveLength(8);
  });

  it("a-buy-waits-while-its-sell-is-queued-working-or-partially-filled", async () => {
    plan = await h.approvePlan("hh-chen");
    const fill = (externalId: string, quantity: string) => ({
      externalId,
      quantity: new Decimal(quantity),
      price: new Decimal("310"),
      filledAt: h.clock.now(),
      tradeDate: isoDate("2026-11-20"),
    });
    let vti: VenueOutcome = { kind: "unavailable", error: "the custodian answered 503" };
    const paper = recording((order) => (order.id === id(3) ? vti : null));
    const deps = h.deps({ paper: paper.venue, pollIntervalMs: POLL_MS });
    const schwabBuys = () => rows(8, 9, 10);
    const waiting = [8, 9, 10].map((seq) => ({ seq, status: "QUEUED", attempts: 0 }));

    // 1. The VTI sell could not be sent: it is queued for a retry, and its buys wait although due.
    await drainOutbox(deps);
    expect(await row(3)).toMatchObject({ status: "QUEUED", attempts: 1 });
    expect(await schwabBuys()).toEqual(waiting);
    expect(paper.sent).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map(id));
    expect(await planStatus()).toBe("EXECUTING");

    // 2. Sent and working at the venue: the buys still wait.
    vti = { kind: "submitted", custodianOrderId: "venue:vti", message: "working" };
    h.clock.advance(60_000);
    await drainOutbox(deps);
    expect(await row(3)).toMatchObject({ status: "SUBMITTED", attempts: 2 });
    expect(await schwabBuys()).toEqual(waiting);

    // 3. Partially filled: the cash for the buys is not all there yet.
    vti = {
      kind: "partially-filled",
      custodianOrderId: "venue:vti",
      fills: [fill("venue:vti:1", "300")],
      message: "300 of 577 filled",
    };
    h.clock.advance(POLL_MS);
    const partial = await drainOutbox(deps);
    expect(partial.map((u) => [u.symbol, u.status])).toEqual([["VTI", "partially-filled"]]);
    expect(await schwabBuys()).toEqual(waiting);

    // 4. Filled: the buys go out in the same drain, and the plan is executed.
    vti = {
      kind: "filled",
      custodianOrderId: "venue:vti",
      fills: [fill("venue:vti:1", "300"), fill("venue:vti:2", "277")],
      message: "577 filled",
    };
    h.clock.advance(POLL_MS);
    const filled = await drainOutbox(deps);
    expect(filled.map((u) => [u.symbol, u.status])).toEqual([
      ["VTI", "filled"],
      ["BND", "filled"],
      ["IEFA", "filled"],
      ["VTEB", "filled"],
    ]);
    expect(paper.sent.slice(-3)).toEqual([8, 9, 10].map(id));
    expect(await planStatus()).toBe("EXECUTED");
  });

  it("a-sell-partially-filled-then-cancelled-cancels-its-buys", async () => {
    plan = await h.approvePlan("hh-chen");
    const partialFill = {
      externalId: "venue:vti:1",
      quantity: new Decimal("300"),
      price: new Decimal("310"),
      filledAt: h.clock.now(),
      tradeDate: isoDate("2026-11-20"),
    };
    let vti: VenueOutcome = { kind: "submitted", custodianOrderId: "venue:vti", message: "working" };
    const paper = recording((order) => (order.id === id(3) ? vti : null));
    const deps = h.deps({ paper: paper.venue, pollIntervalMs: POLL_MS });
    await drainOutbox(deps);
    vti = {
      kind: "partially-filled",
      custodianOrderId: "venue:vti",
      fills: [partialFill],
      message: "300 of 577 filled",
    };
    h.clock.advance(POLL_MS);
    await drainOutbox(deps);
    // The rest expires at the close: 300 VTI were sold, but the buys were drafted on all 577.
    vti = { kind: "cancelled", custodianOrderId: "venue:vti", reason: "the rest expired at the close" };
    h.clock.advance(POLL_MS);
    const updates = await drainOutbox(deps);
    expect(updates.map((u) => [u.symbol, u.status])).toEqual([
      ["VTI", "failed"],
      ["BND", "cancelled"],
      ["IEFA", "cancelled"],
      ["VTEB", "cancelled"],
    ]);
    expect(updates[1]?.message).toBe(
      "cancelled: the sell of 577 VTI it depended on was cancelled (the rest expired at the close)",
    );
    expect(await rows(3, 8, 9, 10)).toEqual([
      { seq: 3, status: "CANCELLED", attempts: 1 },
      { seq: 8, status: "CANCELLED", attempts: 0 },
      { seq: 9, status: "CANCELLED", attempts: 0 },
      { seq: 10, status: "CANCELLED", attempts: 0 },
    ]);
    expect(await h.db.prisma.fill.count({ where: { orderId: id(3) } })).toBe(1);
    expect(paper.sent).not.toContain(id(8));
    expect(await planStatus()).toBe("FAILED");
  });

  it("a-buy-in-an-account-with-no-sells-is-claimed-at-once", async () => {
    // A deposit into the Vanguard joint account: the plan buys VTEB there and sells nothing there.
    h.clock.advance(-60_000);
    await h.syncAccount("acct-chen-vanguard-joint", { cash: "60000" });
    h.clock.advance(60_000);
    plan = await h.approvePlan("hh-chen");
    const trades = plan.plan.trades.map((t) => `${t.side} ${t.symbol} ${t.accountId}`);
    const vanguard = trades.indexOf("buy VTEB acct-chen-vanguard-joint");
    expect(vanguard).toBeGreaterThan(0);
    expect(
      plan.plan.trades.some((t) => t.side === "sell" && t.accountId === "acct-chen-vanguard-joint"),
    ).toBe(false);
    expect((await row(vanguard)).dependsOn).toEqual([]);

    const claimed = await h.orders.claimDue(h.clock.now(), 20, new Date(0));
    const sells = plan.plan.trades.filter((t) => t.side === "sell").map((t) => id(t.index));
    expect(claimed.map((o) => o.id)).toEqual([...sells, id(vanguard)]);
  });
});
