// The approved Chen plan drained through the paper custodian, on a real database: the fills become
// the accounts' next snapshots and transactions, and what planning reads next is the new book.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operatorPrincipal } from "../../src/access/principal.ts";
import { createPrismaPlanStore } from "../../src/db/prisma-plan-store.ts";
import { Decimal } from "../../src/domain/decimal.ts";
import { DEFAULT_PLAN_SETTINGS } from "../../src/engine/planning/draft-plan.ts";
import { drainOutbox, type OrderUpdate } from "../../src/execution/drain-outbox.ts";
import { planHousehold } from "../../src/planning/plan-household.ts";
import type { PlanningInputs } from "../../src/ports/book-store.ts";
import type { StoredPlan } from "../../src/ports/plan-store.ts";
import { checkWashSaleTool } from "../../tools/check-wash-sale.ts";
import type { ToolContext } from "../../tools/tool.ts";
import { BACKEND } from "../support/test-database.ts";
import { type ExecutionHarness, NOW, openExecutionHarness, TRADE_DATE } from "./execution-harness.ts";

type WashCheck = {
  clear: boolean;
  items: {
    symbol: string;
    side: string;
    permanent: boolean;
    conflicts: { code: string; message: string }[];
  }[];
};

describe(`execution on the paper custodian (${BACKEND})`, () => {
  let h: ExecutionHarness;
  let plan: StoredPlan;
  let before: PlanningInputs;
  let after: PlanningInputs;
  let first: OrderUpdate[];
  let rest: OrderUpdate[];
  let washBefore: WashCheck;
  let statusAfterFirst: string | undefined;
  const posted: OrderUpdate[] = [];

  const context = (): ToolContext => ({
    store: h.book,
    plans: createPrismaPlanStore(h.db.prisma),
    now: NOW,
    tradeDate: TRADE_DATE,
    conversationId: null,
    principal: operatorPrincipal("paper-execution-test"),
    allowStale: false,
  });
  // Selling the small VWO loss in the IBKR account, and buying back the VEA the plan harvests.
  const washCheck = async (): Promise<WashCheck> => {
    const outcome = await checkWashSaleTool.run(
      checkWashSaleTool.input.parse({
        householdId: "hh-chen",
        trades: [
          { accountId: "acct-chen-ibkr-taxable", symbol: "VWO", side: "sell", quantity: "40" },
          { accountId: "acct-chen-ibkr-taxable", symbol: "VEA", side: "buy", quantity: "10" },
        ],
      }),
      context(),
    );
    if (!outcome.ok) throw new Error(outcome.message);
    return outcome.value as WashCheck;
  };
  const load = async () => (await h.book.loadPlanningInputs("hh-chen", TRADE_DATE)) as PlanningInputs;
  const lotsOf = (inputs: PlanningInputs, accountId: string, symbol: string) =>
    inputs.book.lots.filter(
      (lot) => lot.accountId === accountId && inputs.book.securities.get(lot.securityId)?.symbol === symbol,
    );
  const cashOf = (inputs: PlanningInputs, accountId: string) =>
    inputs.book.accounts.find((account) => account.id === accountId)?.cash.toFixed(2);

  beforeAll(async () => {
    h = await openExecutionHarness();
    before = await load();
    washBefore = await washCheck();
    plan = await h.approvePlan("hh-chen");
    const deps = h.deps({ notify: async (update) => void posted.push(update) });
    first = await drainOutbox(deps, { limit: 5 });
    statusAfterFirst = (await h.db.prisma.plan.findUnique({ where: { id: plan.id } }))?.status;
    rest = await drainOutbox(deps);
    after = await load();
  });
  afterAll(() => h.close());

  it("approved-chen-plan-fills-on-paper-and-later-plans-see-the-new-lots", async () => {
    expect([...first, ...rest]).toHaveLength(11);
    expect(posted).toEqual([...first, ...rest]);
    expect(posted.every((u) => u.status === "filled" && u.filledQuantity === u.quantity)).toBe(true);
    expect(posted.find((u) => u.symbol === "IEFA" && u.accountId === "acct-chen-ibkr-taxable")).toMatchObject(
      {
        planId: plan.id,
        side: "buy",
        quantity: "266.6666",
        averagePrice: "78",
        attempt: 1,
      },
    );

    // The harvested VEA lot is gone; the replacement IEFA lot is there, dated today.
    expect(lotsOf(after, "acct-chen-ibkr-taxable", "VEA")).toEqual([]);
    const [iefa] = lotsOf(after, "acct-chen-ibkr-taxable", "IEFA");
    expect(iefa?.lotKey).toBe(`lot-order-${plan.id}-7`);
    expect(iefa?.tradeDate).toBe("2026-11-20");
    expect(iefa?.acquiredDate).toBe("2026-11-20");
    expect(iefa?.quantity.toFixed()).toBe("266.6666");
    expect(iefa?.costBasis?.toFixed(2)).toBe("20799.99");

    // Every traded account reads from a new snapshot, as of the fills.
    const snapshotOf = (inputs: PlanningInputs, accountId: string) =>
      inputs.dataAsOf.snapshots.find((s) => s.accountId === accountId);
    for (const accountId of [
      "acct-chen-ibkr-taxable",
      "acct-chen-schwab-taxable",
      "acct-chen-fidelity-ira",
    ]) {
      expect(snapshotOf(after, accountId)?.snapshotId).not.toBe(snapshotOf(before, accountId)?.snapshotId);
      expect(snapshotOf(after, accountId)?.source).toBe("demo");
    }
    expect(snapshotOf(after, "acct-chen-vanguard-joint")).toEqual(
      snapshotOf(before, "acct-chen-vanguard-joint"),
    );

    // The fills are transactions planning reads: the IEFA purchase and the realised VEA loss.
    const todays = after.book.transactions.filter(
      (t) => t.tradeDate === TRADE_DATE && t.status === "settled",
    );
    expect(todays).toContainEqual(
      expect.objectContaining({
        accountId: "acct-chen-ibkr-taxable",
        kind: "buy",
        lotKey: `lot-order-${plan.id}-7`,
      }),
    );
    const veaSale = todays.find((t) => t.kind === "sell" && t.accountId === "acct-chen-ibkr-taxable");
    expect(veaSale?.realizedGainLoss?.toFixed(2)).toBe("-2400.00");

    // The wash-sale check now sees today's purchase (VWO in Mei's IRA) and today's VEA loss.
    expect(washBefore.clear).toBe(true);
    const washAfter = await washCheck();
    expect(washAfter.items.map((i) => [i.symbol, i.permanent, i.conflicts.map((c) => c.code)])).toEqual([
      ["VWO", true, ["wash.purchase-in-lookback"]],
      ["VEA", false, ["wash.recent-loss"]],
    ]);
    expect(washAfter.items[0]?.conflicts[0]?.message).toMatch(
      /purchase of VWO in acct-chen-fidelity-ira on 2026-11-20/,
    );

    // A new Chen plan is drafted from the new book: in band, and it reads the new snapshots.
    const replan = await planHousehold(h.book, {
      householdId: "hh-chen",
      asOf: TRADE_DATE,
      now: NOW,
      allowStale: false,
      settings: DEFAULT_PLAN_SETTINGS,
    });
    if (!replan.ok) throw new Error(replan.error.message);
    expect(replan.value.plan.status).toBe("empty");
    expect(replan.value.plan.reasons.map((r) => r.code)).toEqual(["plan.in-band"]);
    expect(replan.value.plan.inputs.snapshots.map((s) => s.snapshotId)).toEqual(
      after.dataAsOf.snapshots.map((s) => s.snapshotId),
    );
  });

  it("sells-name-their-lots-and-partial-lots-keep-pro-rata-basis", async () => {
    // 577 VTI: all of the 2024 and 2022 lots, 277 of the 300 bought in 2020 at 165.20 (basis 49,560.00).
    const vti = (inputs: PlanningInputs) =>
      lotsOf(inputs, "acct-chen-schwab-taxable", "VTI").map((lot) => [
        lot.lotKey,
        lot.quantity.toFixed(),
        lot.costBasis?.toFixed(2),
      ]);
    expect(vti(before)).toEqual([
      ["lot-chen-schwab-taxable-vti-2020-11-20", "300", "49560.00"],
      ["lot-chen-schwab-taxable-vti-2022-11-18", "200", "44350.00"],
      ["lot-chen-schwab-taxable-vti-2024-10-16", "100", "26240.00"],
      ["lot-chen-schwab-taxable-vti-2026-03-25", "100", "32840.00"],
    ]);
    // 277/300 of 49,560.00 = 45,760.40 sold; the 23 left keep 3,799.60. The lot the plan did not name is untouched.
    expect(vti(after)).toEqual([
      ["lot-chen-schwab-taxable-vti-2020-11-20", "23", "3799.60"],
      ["lot-chen-schwab-taxable-vti-2026-03-25", "100", "32840.00"],
    ]);
    const position = after.book.positions.find(
      (p) =>
        p.accountId === "acct-chen-schwab-taxable" &&
        after.book.securities.get(p.securityId)?.symbol === "VTI",
    );
    expect(position?.quantity.toFixed()).toBe("123");
    expect(position?.reportedCostBasis?.toFixed(2)).toBe("36639.60");

    // One sale per lot named, each with its own realised gain, as the plan estimated.
    const sales = await h.db.prisma.transaction.findMany({
      where: { accountId: "acct-chen-schwab-taxable", type: "SELL", tradeDate: new Date("2026-11-20") },
      orderBy: { externalId: "asc" },
    });
    expect(
      sales.map((s) => [
        s.lotKeys,
        s.quantity?.toString(),
        s.amount.toFixed(2),
        s.realizedGainLoss?.toFixed(2),
      ]),
    ).toEqual([
      [["lot-chen-schwab-taxable-vti-2024-10-16"], "100", "31000.00", "4760.00"],
      [["lot-chen-schwab-taxable-vti-2022-11-18"], "200", "62000.00", "17650.00"],
      [["lot-chen-schwab-taxable-vti-2020-11-20"], "277", "85870.00", "40109.60"],
    ]);
    const trade = plan.plan.trades.find(
      (t) => t.accountId === "acct-chen-schwab-taxable" && t.side === "sell",
    );
    expect(trade?.lots.map((l) => l.gainLoss)).toEqual(["4760.00", "17650.00", "40109.60"]);

    // Sales in tax-advantaged accounts realise nothing for tax.
    const iraSale = await h.db.prisma.transaction.findFirst({
      where: { accountId: "acct-chen-fidelity-ira", type: "SELL", tradeDate: new Date("2026-11-20") },
    });
    expect(iraSale?.lotKeys).toEqual(["lot-chen-fidelity-ira-ivv-2026-11-06"]);
    expect(iraSale?.realizedGainLoss).toBeNull();
    expect(lotsOf(after, "acct-chen-fidelity-ira", "IVV")).toEqual([]);
  });

  it("cash-moves-exactly", async () => {
    // David's Schwab brokerage: 3,250.00 + 178,870.00 (VTI) - 91,495.00 (BND) - 29,796.00 (IEFA) - 58,784.20 (VTEB).
    expect(cashOf(before, "acct-chen-schwab-taxable")).toBe("3250.00");
    expect(cashOf(after, "acct-chen-schwab-taxable")).toBe("2044.80");
    // Mei's Roth: 45.00 + 12,555.00 (VTI) - 4,310.76 (55.2661 IEFA at 78) - 5,853.39 (23.8914 VB at 245), to the cent.
    expect(cashOf(after, "acct-chen-fidelity-roth")).toBe("2435.85");
    // In every account, the cash moved by exactly the sum of the fills' transactions.
    for (const account of after.book.accounts) {
      const moved = await h.db.prisma.transaction.findMany({
        where: { accountId: account.id, source: "paper" },
        select: { amount: true },
      });
      const total = moved.reduce((sum, t) => sum.plus(t.amount.toString()), new Decimal(0));
      const was = before.book.accounts.find((a) => a.id === account.id)?.cash ?? new Decimal(0);
      expect(`${account.id} ${account.cash.minus(was).toFixed(8)}`).toBe(`${account.id} ${total.toFixed(8)}`);
    }
  });

  it("plan-becomes-executed-when-all-fill", async () => {
    const events = (await h.audit.read(`plan:${plan.id}`)).map((e) => e.type);
    expect(events.filter((t) => t === "plan.executing")).toHaveLength(1);
    expect(events.filter((t) => t === "plan.executed")).toHaveLength(1);
    expect(events.at(-1)).toBe("plan.executed");
    expect(events.filter((t) => t === "order.submitting")).toHaveLength(11);
    expect(events.filter((t) => t === "order.filled")).toHaveLength(11);
    // The first five filled while the plan was executing; it is executed once the eleventh has.
    expect(events.indexOf("plan.executed")).toBeGreaterThan(events.lastIndexOf("order.filled"));
    const row = await h.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } });
    expect(row.status).toBe("EXECUTED");
    expect(await h.db.prisma.order.count({ where: { planId: plan.id, status: "FILLED" } })).toBe(11);
    expect(await h.db.prisma.fill.count({ where: { order: { planId: plan.id } } })).toBe(11);

    // Draining again finds nothing to do and writes nothing.
    expect(await drainOutbox(h.deps())).toEqual([]);
    expect(await h.db.prisma.fill.count()).toBe(11);
    expect((await h.audit.read(`plan:${plan.id}`)).length).toBe(events.length);
  });

  it("a-plan-half-filled-is-executing", () => {
    expect(first.map((u) => `${u.side} ${u.symbol}`)).toEqual([
      "sell IVV",
      "sell VTI",
      "sell VEA",
      "sell VTI",
      "buy VWO",
    ]);
    expect(statusAfterFirst).toBe("EXECUTING");
  });
});
