// Two execution workers draining one outbox at once, each with its own database connection on
// PostgreSQL: every order is submitted exactly once, and fills in one account chain their snapshots.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../src/db/generated/client.ts";
import { type Database, openDatabase } from "../../src/db/open-database.ts";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { createPrismaFillPrices, createPrismaOrderStore } from "../../src/db/prisma-order-store.ts";
import { drainOutbox, type ExecutionDeps, type OrderUpdate } from "../../src/execution/drain-outbox.ts";
import { createPaperVenue } from "../../src/execution/paper-venue.ts";
import { createVenueRouter } from "../../src/execution/venue-router.ts";
import type { TradingVenue } from "../../src/ports/trading-venue.ts";
import { BACKEND } from "../support/test-database.ts";
import { type ExecutionHarness, openExecutionHarness, TRADE_DATE } from "./execution-harness.ts";

describe(`two workers (${BACKEND})`, () => {
  let h: ExecutionHarness;
  let second: Database | null;

  beforeAll(async () => {
    h = await openExecutionHarness();
    second = h.db.url ? await openDatabase({ kind: "postgres", url: h.db.url }) : null;
  });
  afterAll(async () => {
    await second?.close();
    await h.close();
  });

  it("two-workers-never-submit-one-order-twice", async () => {
    const plan = await h.approvePlan("hh-chen");
    const submissions = new Map<string, number>();
    const worker = (prisma: PrismaClient): ExecutionDeps => {
      const paper = createPaperVenue({ prices: createPrismaFillPrices(prisma) });
      // A venue that takes a moment, so the workers' claims and fills interleave.
      const slow: TradingVenue = {
        name: "paper",
        async submit(order, context) {
          submissions.set(order.id, (submissions.get(order.id) ?? 0) + 1);
          await new Promise((resolve) => setTimeout(resolve, 15));
          return paper.submit(order, context);
        },
      };
      return {
        orders: createPrismaOrderStore(prisma),
        venues: createVenueRouter({ paper: slow }),
        audit: createPrismaAuditLog(prisma, h.clock),
        clock: h.clock,
      };
    };
    const a = worker(h.db.prisma);
    const b = worker(second?.prisma ?? h.db.prisma);

    const updates: OrderUpdate[] = [];
    for (let round = 0; round < 20; round++) {
      const [fromA, fromB] = await Promise.all([drainOutbox(a, { limit: 3 }), drainOutbox(b, { limit: 3 })]);
      updates.push(...fromA, ...fromB);
      if (fromA.length + fromB.length === 0) break;
    }

    expect([...submissions.values()]).toEqual(Array(11).fill(1));
    expect(new Set(updates.map((u) => u.orderId)).size).toBe(11);
    expect(updates).toHaveLength(11);
    expect(await h.db.prisma.fill.count({ where: { order: { planId: plan.id } } })).toBe(11);
    expect((await h.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe("EXECUTED");
    const events = (await h.audit.read(`plan:${plan.id}`)).map((e) => e.type);
    expect(events.filter((t) => t === "plan.executed")).toHaveLength(1);
    expect(events.filter((t) => t === "order.submitting")).toHaveLength(11);

    // Four fills in David's Schwab brokerage, each building on the one before: the book adds up.
    const inputs = await h.book.loadPlanningInputs("hh-chen", TRADE_DATE);
    const account = inputs?.book.accounts.find((x) => x.id === "acct-chen-schwab-taxable");
    expect(account?.cash.toFixed(2)).toBe("2044.80");
    const symbols = inputs?.book.lots
      .filter((lot) => lot.accountId === "acct-chen-schwab-taxable")
      .map((lot) => inputs.book.securities.get(lot.securityId)?.symbol)
      .sort();
    expect(symbols).toEqual(["BND", "IEFA", "VOO", "VTEB", "VTI", "VTI"]);
    expect(
      await h.db.prisma.accountSnapshot.count({ where: { accountId: "acct-chen-schwab-taxable" } }),
    ).toBe(5);
  });
});
