// The simulated feed confirms the demo book at a later instant without copying it: a confirmation
// snapshot points at the holdings it confirms, and every reader (planning, the household overview,
// the order outbox's lots and fills) sees those holdings through it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainOutbox } from "../../src/execution/drain-outbox.ts";
import type { PlanningInputs } from "../../src/ports/book-store.ts";
import { type ExecutionHarness, openExecutionHarness, TRADE_DATE } from "../execution/execution-harness.ts";
import { BACKEND } from "../support/test-database.ts";

const HOUR = 3_600_000;

describe(`the simulated feed (${BACKEND})`, () => {
  let h: ExecutionHarness;
  let before: PlanningInputs;
  const count = async (sql: string) => (await h.db.withSql((db) => db.query<{ n: number }>(sql)))[0]?.n ?? -1;
  const load = async () => (await h.book.loadPlanningInputs("hh-chen", TRADE_DATE)) as PlanningInputs;

  beforeAll(async () => {
    h = await openExecutionHarness();
    before = await load();
  });
  afterAll(() => h.close());

  it("confirms-live-accounts-at-a-later-instant-without-writing-a-lot-or-a-position", async () => {
    const rows = "SELECT (SELECT count(*) FROM lot) + (SELECT count(*) FROM position) AS n";
    const held = await count(rows);
    const overview = (await h.book.listHouseholds()).find((household) => household.id === "hh-chen");
    h.clock.advance(HOUR);
    const refreshed = await h.book.refreshDemoFeed(h.clock.now());
    expect(refreshed.snapshots).toBeGreaterThan(0);
    expect(refreshed.prices).toBeGreaterThan(0);
    expect(await count(rows)).toBe(held);

    const after = await load();
    expect(after.book.lots).toEqual(before.book.lots);
    expect(after.book.positions).toEqual(before.book.positions);
    expect(after.book.accounts).toEqual(before.book.accounts);
    const live = after.dataAsOf.snapshots.filter((s) => s.source === "demo");
    expect(live.length).toBeGreaterThan(0);
    for (const snapshot of live) expect(snapshot.asOf).toBe(h.clock.now().toISOString());

    const positionsOf = (o: typeof overview) =>
      o?.accounts.map((account) => account.snapshot?.positions.map((p) => [p.symbol, p.quantity.toFixed()]));
    const confirmed = (await h.book.listHouseholds()).find((household) => household.id === "hh-chen");
    expect(positionsOf(confirmed)).toEqual(positionsOf(overview));
  });

  it("a-plan-drafted-on-confirmed-holdings-fills-and-the-next-snapshot-carries-the-whole-book", async () => {
    const plan = await h.approvePlan("hh-chen");
    const claimed = await h.orders.claimDue(h.clock.now(), 20, new Date(h.clock.now().getTime() - 600_000));
    const vti = claimed.find(
      (o) => o.account.id === "acct-chen-schwab-taxable" && o.security.symbol === "VTI",
    );
    expect(vti?.lots.every((lot) => lot.heldQuantity !== null)).toBe(true);
    h.clock.advance(11 * 60_000);
    await drainOutbox(h.deps());
    const status = (await h.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).status;
    expect(status).toBe("EXECUTED");

    const after = await load();
    const untouched = (inputs: PlanningInputs) =>
      inputs.book.lots.filter((lot) => lot.accountId === "acct-chen-vanguard-joint");
    expect(untouched(after)).toEqual(untouched(before));
    // The traded IBKR account holds its untraded lots still, plus the new IEFA lot.
    const ibkr = (inputs: PlanningInputs) =>
      inputs.book.lots.filter((lot) => lot.accountId === "acct-chen-ibkr-taxable").map((lot) => lot.lotKey);
    expect(ibkr(after)).toContain(`lot-order-${plan.id}-7`);
    expect(ibkr(after).length).toBeGreaterThan(1);
  });
});
