// Orders for the Chen household's Schwab brokerage account go to the Schwab Advisor Trading API (a
// local fake that checks every request against the spec); the other accounts fill on paper.
// Trade order: 3 = sell 577 VTI (three lots), 8 = buy BND, 9 = buy IEFA, 10 = buy VTEB; the three
// buys are paid for by the VTI sale, so they go to Schwab only once it has filled.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { drainOutbox, type OrderUpdate } from "../../src/execution/drain-outbox.ts";
import { clientOrderIdentifierOf, schwabAccountRefOf } from "../../src/execution/schwab-order.ts";
import { createSchwabVenue } from "../../src/execution/schwab-venue.ts";
import type { StoredPlan } from "../../src/ports/plan-store.ts";
import { type FakeSchwab, startFakeSchwab } from "../support/fake-schwab.ts";
import { BACKEND } from "../support/test-database.ts";
import { type ExecutionHarness, openExecutionHarness } from "./execution-harness.ts";

const BACKOFF_MS = 1_000;
const POLL_MS = 5_000;

describe(`execution through the Schwab Advisor Trading API (${BACKEND})`, () => {
  let h: ExecutionHarness;
  let fake: FakeSchwab;
  let plan: StoredPlan;

  const deps = (options: { timeoutMs?: number; maxAttempts?: number } = {}) =>
    h.deps({
      schwab: createSchwabVenue({
        baseUrl: fake.url,
        accessToken: fake.token,
        timeoutMs: options.timeoutMs ?? 2_000,
      }),
      backoffMs: BACKOFF_MS,
      pollIntervalMs: POLL_MS,
      maxAttempts: options.maxAttempts ?? 5,
    });
  const order = (seq: number) =>
    h.db.prisma.order.findUniqueOrThrow({ where: { id: `order-${plan.id}-${seq}` } });
  const submitsFor = (symbol: string) =>
    fake.submits().filter((r) => JSON.stringify(r.body).includes(`"value":"${symbol}"`));
  const clientIds = (symbol: string) =>
    submitsFor(symbol).map(
      (r) =>
        (r.body as { equityOrderItems: { clientOrderIdentifier: string }[] }).equityOrderItems[0]
          ?.clientOrderIdentifier,
    );
  const update = (updates: OrderUpdate[], seq: number) =>
    updates.find((u) => u.orderId === `order-${plan.id}-${seq}`);
  const events = async () => (await h.audit.read(`plan:${plan.id}`)).map((e) => e.type);
  const fillEverything = () => {
    for (const [symbol, price] of [
      ["VTI", 310],
      ["BND", 72.5],
      ["IEFA", 78],
      ["VTEB", 50.2],
    ] as const) {
      fake.fillPrices.set(symbol, price);
    }
  };

  beforeEach(async () => {
    h = await openExecutionHarness();
    fake = await startFakeSchwab({ now: h.clock.now });
    plan = await h.approvePlan("hh-chen");
  });
  afterEach(async () => {
    await fake.close();
    await h.close();
  });

  it("sends-the-documented-order-with-specific-lots-and-fills-on-the-next-check", async () => {
    const first = await drainOutbox(deps());
    expect(first.filter((u) => u.status === "submitted").map((u) => u.symbol)).toEqual(["VTI"]);
    expect(first.filter((u) => u.status === "filled")).toHaveLength(7);
    // The buys wait for the sale that pays for them.
    for (const seq of [8, 9, 10]) expect(await order(seq)).toMatchObject({ status: "QUEUED", attempts: 0 });
    expect(submitsFor("BND")).toEqual([]);

    const [request] = submitsFor("VTI");
    const ref = schwabAccountRefOf(
      {
        id: "acct-chen-schwab-taxable",
        custodianId: "schwab",
        supportsSpecificLot: true,
        custodianRef: null,
        accountNumberMasked: "****4821",
        taxable: true,
      },
      null,
    );
    expect(request?.headers).toMatchObject({
      authorization: `Bearer ${fake.token}`,
      "schwab-resource-version": "1",
      "content-type": "application/json",
    });
    expect(request?.headers["schwab-client-correlid"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(request?.body).toEqual({
      validateOnly: false,
      shouldOverrideWarnings: false,
      equityOrderItems: [
        {
          clientOrderIdentifier: clientOrderIdentifierOf(`${plan.id}:3`),
          masterAccount: Number(ref?.masterAccount),
          account: Number(ref?.account),
          quantity: 577,
          securityIdentifier: { type: "Symbol", value: "VTI" },
          transactionType: {
            type: "Sell",
            taxLot: {
              taxLotMethod: "SpecificLot",
              taxLotInfoList: [
                { purchaseDate: "2024-10-16", quantity: 100, purchasePrice: 262.4 },
                { purchaseDate: "2022-11-18", quantity: 200, purchasePrice: 221.75 },
                { purchaseDate: "2020-11-20", quantity: 277, purchasePrice: 165.2 },
              ],
            },
          },
          orderType: { type: "Market", market: { duration: "Day" } },
          qualifier: { allOrNone: false, doNotReduce: false },
        },
      ],
    });
    const vti = fake.orders.find((o) => o.symbol === "VTI");
    expect(await order(3)).toMatchObject({
      status: "SUBMITTED",
      custodianOrderId: String(vti?.orderNumber),
      attempts: 1,
    });

    // Not due for a check yet; then filled when Schwab reports it, and the buys go out at once.
    expect(await drainOutbox(deps())).toEqual([]);
    fillEverything();
    h.clock.advance(POLL_MS);
    const sold = await drainOutbox(deps());
    expect(sold.map((u) => [u.symbol, u.status, u.filledQuantity, u.averagePrice])).toEqual([
      ["VTI", "filled", "577", "310"],
      ["BND", "submitted", "0", null],
      ["IEFA", "submitted", "0", null],
      ["VTEB", "submitted", "0", null],
    ]);
    const [bnd] = submitsFor("BND");
    expect(bnd?.body).toMatchObject({ equityOrderItems: [{ transactionType: { type: "Buy" } }] });
    expect(JSON.stringify(bnd?.body)).not.toContain("taxLot");
    h.clock.advance(POLL_MS);
    const filled = await drainOutbox(deps());
    expect(filled.map((u) => [u.symbol, u.status, u.filledQuantity, u.averagePrice])).toEqual([
      ["BND", "filled", "1262", "72.5"],
      ["IEFA", "filled", "382", "78"],
      ["VTEB", "filled", "1171", "50.2"],
    ]);
    expect((await h.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe("EXECUTED");

    // Schwab keeps the lots (its next sync brings them); the trades are transactions now, gains per lot.
    const sales = await h.db.prisma.transaction.findMany({
      where: { accountId: "acct-chen-schwab-taxable", source: "schwab", type: "SELL" },
      orderBy: { externalId: "asc" },
    });
    expect(
      sales.map((s) => [
        s.lotKeys[0],
        s.tradeDate.toISOString().slice(0, 10),
        s.realizedGainLoss?.toFixed(2),
      ]),
    ).toEqual([
      ["lot-chen-schwab-taxable-vti-2024-10-16", "2026-11-20", "4760.00"],
      ["lot-chen-schwab-taxable-vti-2022-11-18", "2026-11-20", "17650.00"],
      ["lot-chen-schwab-taxable-vti-2020-11-20", "2026-11-20", "40109.60"],
    ]);
    expect(await h.db.prisma.transaction.count({ where: { source: "schwab", type: "BUY" } })).toBe(3);
    expect(
      await h.db.prisma.accountSnapshot.count({ where: { accountId: "acct-chen-schwab-taxable" } }),
    ).toBe(1);
  });

  it("a-500-is-retried-without-a-duplicate-order-at-schwab", async () => {
    // Schwab places the order, then answers 500: the answer is lost, the order is not.
    fake.script.push({ symbol: "VTI", kind: "error", status: 500, placeFirst: true });
    await drainOutbox(deps());
    expect(await order(3)).toMatchObject({
      status: "QUEUED",
      attempts: 1,
      lastError: "Schwab answered 500: no details",
    });
    expect((await order(3)).nextAttemptAt?.toISOString()).toBe(
      new Date(h.clock.now().getTime() + 2 * BACKOFF_MS).toISOString(),
    );
    expect(fake.orders.filter((o) => o.symbol === "VTI")).toHaveLength(1);

    // Not due yet: nothing is sent.
    h.clock.advance(2 * BACKOFF_MS - 1);
    await drainOutbox(deps());
    expect(submitsFor("VTI")).toHaveLength(1);

    // The retry carries the same identifier; Schwab refuses it as used, and the order it placed is found.
    h.clock.advance(1);
    const retried = await drainOutbox(deps());
    expect(retried.map((u) => [u.symbol, u.status, u.attempt])).toEqual([["VTI", "submitted", 2]]);
    expect(retried[0]?.message).toMatch(/an earlier attempt went through/);
    const placed = fake.orders.filter((o) => o.symbol === "VTI");
    expect(placed).toHaveLength(1);
    expect(clientIds("VTI")).toEqual([
      clientOrderIdentifierOf(`${plan.id}:3`),
      clientOrderIdentifierOf(`${plan.id}:3`),
    ]);
    expect(await order(3)).toMatchObject({
      status: "SUBMITTED",
      attempts: 2,
      custodianOrderId: String(placed[0]?.orderNumber),
    });
    const types = await events();
    expect(types.filter((t) => t === "order.retry")).toHaveLength(1);

    fillEverything();
    h.clock.advance(POLL_MS);
    const filled = await drainOutbox(deps());
    expect(filled.map((u) => u.symbol)).toContain("VTI");
    expect(await h.db.prisma.fill.count({ where: { orderId: `order-${plan.id}-3` } })).toBe(1);
  });

  it("a-timeout-after-schwab-placed-the-order-is-retried-without-a-duplicate", async () => {
    fake.script.push({ symbol: "VTI", kind: "hang", ms: 1_500, placeFirst: true });
    await drainOutbox(deps({ timeoutMs: 300 }));
    expect(await order(3)).toMatchObject({ status: "QUEUED", lastError: "Schwab unreachable: timed out" });
    h.clock.advance(2 * BACKOFF_MS);
    await drainOutbox(deps({ timeoutMs: 300 }));
    expect(fake.orders.filter((o) => o.symbol === "VTI")).toHaveLength(1);
    expect(await order(3)).toMatchObject({ status: "SUBMITTED", attempts: 2 });
  });

  it("a-500-before-anything-was-placed-is-simply-placed-on-retry", async () => {
    fake.script.push({ symbol: "VTI", kind: "error", status: 503, placeFirst: false });
    await drainOutbox(deps());
    expect(fake.orders.filter((o) => o.symbol === "VTI")).toHaveLength(0);
    h.clock.advance(2 * BACKOFF_MS);
    const retried = await drainOutbox(deps());
    expect(retried[0]?.message).toMatch(/^Placed with Schwab as order \d+$/);
    expect(fake.orders.filter((o) => o.symbol === "VTI")).toHaveLength(1);
  });

  it("a-400-is-rejected-with-the-reason", async () => {
    fake.script.push({
      symbol: "VTI",
      kind: "reject",
      status: 400,
      detail: "The account is restricted from selling VTI.",
    });
    const updates = await drainOutbox(deps());
    const rejected = update(updates, 3);
    expect(rejected).toMatchObject({
      status: "rejected",
      message: "Schwab refused the order (400): Bad Request: The account is restricted from selling VTI.",
      filledQuantity: "0",
      averagePrice: null,
    });
    expect(await order(3)).toMatchObject({ status: "REJECTED", lastError: rejected?.message, attempts: 1 });
    const audited = (await h.audit.read(`plan:${plan.id}`)).find((e) => e.type === "order.rejected");
    expect(audited?.payload).toMatchObject({ reason: rejected?.message, symbol: "VTI" });

    // The buys it was to pay for are cancelled, never sent; everything else filled, so the plan failed.
    expect(updates.filter((u) => u.status === "cancelled").map((u) => [u.symbol, u.message])).toEqual(
      ["BND", "IEFA", "VTEB"].map((symbol) => [
        symbol,
        `cancelled: the sell of 577 VTI it depended on was rejected (${rejected?.message})`,
      ]),
    );
    expect((await h.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe("FAILED");
    expect((await events()).at(-1)).toBe("plan.failed");
    // Never retried, and nothing else goes to Schwab.
    fillEverything();
    h.clock.advance(60_000);
    expect(await drainOutbox(deps())).toEqual([]);
    expect(fake.submits().map((r) => JSON.stringify(r.body).includes('"value":"VTI"'))).toEqual([true]);
  });

  it("a-validation-refusal-is-rejected-with-schwabs-message", async () => {
    fake.refuse.set("VTEB", "Insufficient buying power for this order.");
    await drainOutbox(deps());
    fillEverything();
    h.clock.advance(POLL_MS);
    // The VTI sale fills, and the VTEB buy it pays for is sent, and refused.
    const updates = await drainOutbox(deps());
    expect(update(updates, 10)).toMatchObject({
      status: "rejected",
      message: "Schwab refused the order: ORD-2001: Insufficient buying power for this order.",
    });
  });

  it("max-attempts-then-failed", async () => {
    for (let i = 0; i < 3; i++)
      fake.script.push({ symbol: "VTI", kind: "error", status: 503, placeFirst: false });
    const run = () => drainOutbox(deps({ maxAttempts: 3 }));
    await run();
    h.clock.advance(2 * BACKOFF_MS);
    await run();
    expect(await order(3)).toMatchObject({ status: "QUEUED", attempts: 2 });
    h.clock.advance(4 * BACKOFF_MS - 1);
    expect(update(await run(), 3)).toBeUndefined();
    h.clock.advance(1);
    const last = await run();
    expect(update(last, 3)).toMatchObject({
      status: "failed",
      attempt: 3,
      message: "gave up after 3 attempts: Schwab answered 503: no details",
    });
    expect(await order(3)).toMatchObject({ status: "FAILED", attempts: 3 });
    expect(last.filter((u) => u.status === "cancelled").map((u) => u.symbol)).toEqual([
      "BND",
      "IEFA",
      "VTEB",
    ]);
    expect(fake.orders.filter((o) => o.symbol === "VTI")).toHaveLength(0);
    const types = (await events()).filter((t) => t.startsWith("order.") && t !== "order.filled");
    expect(types.filter((t) => t === "order.retry")).toHaveLength(2);
    expect(types.filter((t) => t === "order.failed")).toHaveLength(1);
    h.clock.advance(3_600_000);
    await run();
    expect(submitsFor("VTI")).toHaveLength(3);
  });

  it("the-fake-refuses-a-malformed-order-like-the-real-api", async () => {
    const response = await fetch(`${fake.url}/orders`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${fake.token}`,
        "Schwab-Client-CorrelId": "977dbd7f-992e-44d2-a5f4-e213d29c8691",
        "Schwab-Resource-Version": "1",
        "Content-Type": "application/json",
      },
      body: JSON.stringify({
        validateOnly: false,
        equityOrderItems: [
          {
            clientOrderIdentifier: "5d5f1010-5aee-4b13-8839-f46bd7dc35ee",
            masterAccount: 8001234,
            account: 34982732,
            quantity: 10,
            securityIdentifier: { type: "Symbol", value: "T" },
            transactionType: { type: "Buy", taxLot: { taxLotMethod: "FIFO" } },
            orderType: { type: "Market" },
          },
        ],
      }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      errors: [{ status: 400, source: { pointer: "/equityOrderItems/0/transactionType/taxLot" } }],
    });
  });
});
