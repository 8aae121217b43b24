// Custodians without specific-lot orders get a trade file: here Fidelity, marked as such, so the
// Chen plan's five Fidelity orders are written to <dir>/fidelity/<planId>.csv.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { drainOutbox, type OrderUpdate } from "../../src/execution/drain-outbox.ts";
import { createTradeFileVenue } from "../../src/execution/trade-file-venue.ts";
import type { StoredPlan } from "../../src/ports/plan-store.ts";
import type { TradingVenue } from "../../src/ports/trading-venue.ts";
import { BACKEND } from "../support/test-database.ts";
import { type ExecutionHarness, openExecutionHarness } from "./execution-harness.ts";

describe(`trade file export (${BACKEND})`, () => {
  let h: ExecutionHarness;
  let dir: string;
  let plan: StoredPlan;
  let fileExport: TradingVenue;
  let updates: OrderUpdate[];
  let path: string;

  beforeAll(async () => {
    h = await openExecutionHarness();
    dir = await mkdtemp(join(tmpdir(), "lotwise-exports-"));
    await h.db.prisma.custodian.update({ where: { id: "fidelity" }, data: { supportsSpecificLot: false } });
    plan = await h.approvePlan("hh-chen");
    fileExport = createTradeFileVenue({ directory: dir });
    updates = await drainOutbox(h.deps({ fileExport }));
    path = join(dir, "fidelity", `${plan.id}.csv`);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await h.close();
  });

  it("writes-one-file-per-custodian-and-plan-with-the-lots-to-sell", async () => {
    const exported = updates.filter((u) => u.status === "exported");
    expect(exported.map((u) => `${u.side} ${u.symbol} ${u.accountId}`)).toEqual([
      "sell IVV acct-chen-fidelity-ira",
      "sell VTI acct-chen-fidelity-roth",
      "buy VWO acct-chen-fidelity-ira",
      "buy IEFA acct-chen-fidelity-roth",
      "buy VB acct-chen-fidelity-roth",
    ]);
    expect(exported.every((u) => u.message === `Written to the fidelity trade file ${path}`)).toBe(true);
    const id = (seq: number) => `order-${plan.id}-${seq}`;
    expect(await readFile(path, "utf8")).toBe(
      [
        "plan_id,order_id,account_id,account,side,symbol,cusip,quantity,order_type,limit_price,lot_method,lot_key,lot_trade_date,lot_quantity,lot_unit_cost",
        `${plan.id},${id(0)},acct-chen-fidelity-ira,****7315,SELL,IVV,464287200,20,MARKET,,SPECIFIC_LOT,lot-chen-fidelity-ira-ivv-2026-11-06,2026-11-06,20,606.35`,
        `${plan.id},${id(1)},acct-chen-fidelity-roth,****2268,SELL,VTI,922908769,40.5,MARKET,,SPECIFIC_LOT,lot-chen-fidelity-roth-vti-2024-11-20,2024-11-20,40.5,232.1`,
        `${plan.id},${id(4)},acct-chen-fidelity-ira,****7315,BUY,VWO,922042858,220.9185,MARKET,,,,,,`,
        `${plan.id},${id(5)},acct-chen-fidelity-roth,****2268,BUY,IEFA,46432F842,55.2661,MARKET,,,,,,`,
        `${plan.id},${id(6)},acct-chen-fidelity-roth,****2268,BUY,VB,922908751,23.8914,MARKET,,,,,,`,
        "",
      ].join("\n"),
    );
    const rows = await h.db.prisma.order.findMany({
      where: { planId: plan.id, accountId: { startsWith: "acct-chen-fidelity" } },
    });
    expect(rows.every((row) => row.status === "SUBMITTED" && row.custodianOrderId === path)).toBe(true);
    // Exported is not filled: the plan is still executing.
    expect((await h.db.prisma.plan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe("EXECUTING");
    const audited = (await h.audit.read(`plan:${plan.id}`)).filter(
      (e) => e.type === "order.submitted" && (e.payload as { venue: string }).venue === "trade-file",
    );
    expect(audited).toHaveLength(5);
  });

  it("trade-file-export-is-idempotent", async () => {
    const before = await readFile(path, "utf8");
    // A worker that died after writing the file but before recording it: the orders go again.
    await h.db.prisma.order.updateMany({
      where: { id: { in: [`order-${plan.id}-0`, `order-${plan.id}-6`] } },
      data: { status: "QUEUED", custodianOrderId: null },
    });
    const again = await drainOutbox(h.deps({ fileExport }));
    expect(again.map((u) => [u.symbol, u.status, u.attempt])).toEqual([
      ["IVV", "exported", 2],
      ["VB", "exported", 2],
    ]);
    expect(await readFile(path, "utf8")).toBe(before);
    // The same order written twice at once: still once in the file.
    await h.db.prisma.order.update({ where: { id: `order-${plan.id}-1` }, data: { status: "QUEUED" } });
    const [claimed] = await h.orders.claimDue(h.clock.now(), 20, new Date(0));
    if (!claimed) throw new Error("nothing claimed");
    const context = { now: h.clock.now() };
    const twice = await Promise.all([
      fileExport.submit(claimed, context),
      fileExport.submit(claimed, context),
    ]);
    expect(twice.map((outcome) => outcome.kind)).toEqual(["exported", "exported"]);
    expect(await readFile(path, "utf8")).toBe(before);
  });
});
