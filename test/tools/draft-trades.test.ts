// draft_trades against the seeded demo book and the real plan store: what it stores, what it
// refuses, and that drafting is all it does.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { operatorPrincipal } from "../../src/access/principal.ts";
import { draftTradesTool } from "../../tools/draft-trades.ts";
import { BACKEND } from "../support/test-database.ts";
import { openToolHarness, type ToolHarness } from "./harness.ts";

type Drafted = {
  planId: string | null;
  planHash: string;
  status: string;
  stale: boolean;
  expiresAt: string | null;
  summary: {
    trades: number;
    sells: number;
    buys: number;
    realized: { total: string };
    estimatedTax: string;
    harvestedLosses: string;
    outOfBandBefore: string[];
    outOfBandAfter: string[];
  };
  trades: { index: number; side: string; symbol: string; purposes: string[]; replaces: string | null }[];
  harvested: { symbol: string; replacement: string | null }[];
  warnings: { code: string; message: string }[];
  reasons: { code: string; message: string }[];
};

describe(`draft_trades (${BACKEND})`, () => {
  let h: ToolHarness;
  beforeAll(async () => {
    h = await openToolHarness();
  });
  afterAll(() => h.close());

  it("chen-plan-is-stored-pending-approval-and-reads-back-identically", async () => {
    const drafted = await h.value<Drafted>(draftTradesTool, { householdId: "hh-chen" });
    expect(drafted).toMatchObject({
      planId: `plan-${drafted.planHash.slice(0, 16)}`,
      status: "pending-approval",
      stale: false,
      expiresAt: "2026-11-20T20:18:00.000Z",
    });
    expect(drafted.summary).toMatchObject({
      trades: 11,
      sells: 4,
      buys: 7,
      harvestedLosses: "2400.00",
      outOfBandAfter: [],
    });
    expect(drafted.summary.outOfBandBefore).toContain("us_equity");
    expect(drafted.trades).toContainEqual(
      expect.objectContaining({ side: "buy", symbol: "IEFA", purposes: ["replacement"], replaces: "VEA" }),
    );
    expect(drafted.harvested).toEqual([expect.objectContaining({ symbol: "VEA", replacement: "IEFA" })]);

    const stored = await h.plans.getPlan(drafted.planId as string);
    expect(stored?.hash).toBe(drafted.planHash);
    expect(createHash("sha256").update(JSON.stringify(stored?.plan)).digest("hex")).toBe(drafted.planHash);
    expect(stored?.plan.trades.map((t) => t.symbol)).toEqual(drafted.trades.map((t) => t.symbol));
    expect(stored?.plan.realized.total).toBe(drafted.summary.realized.total);
  });

  it("drafting-chen-again-returns-the-same-plan", async () => {
    const first = await h.value<Drafted>(draftTradesTool, { householdId: "hh-chen" });
    const again = await h.value<Drafted>(draftTradesTool, { householdId: "hh-chen" });
    expect(again).toEqual(first);
    expect(await h.db.prisma.plan.count({ where: { householdId: "hh-chen" } })).toBe(1);
  });

  it("drafting-approves-and-sends-nothing", async () => {
    await h.value(draftTradesTool, { householdId: "hh-chen" });
    expect(await h.db.prisma.approval.count()).toBe(0);
    expect(await h.db.prisma.order.count()).toBe(0);
    const plans = await h.db.prisma.plan.findMany();
    expect(plans.every((p) => p.status === "PENDING_APPROVAL")).toBe(true);
  });

  it("a-20000-gain-budget-caps-realised-gains-and-is-a-different-plan", async () => {
    const base = await h.value<Drafted>(draftTradesTool, { householdId: "hh-chen" });
    const capped = await h.value<Drafted>(draftTradesTool, {
      householdId: "hh-chen",
      options: { gainBudget: "20000", gainBudgetMode: "hard" },
    });
    expect(capped.planId).not.toBe(base.planId);
    expect(Number(capped.summary.realized.total)).toBeLessThanOrEqual(20000);
    expect(capped.reasons.map((r) => r.code)).toContain("sell.gain-budget");
    const stored = await h.plans.getPlan(capped.planId as string);
    expect(stored?.plan.settings).toMatchObject({ gainBudgetLimit: "20000", gainBudgetMode: "hard" });
  });

  it("stale-patel-is-refused-saying-how-old-the-data-is-and-that-the-advisor-must-ask", async () => {
    const outcome = await h.outcome(draftTradesTool, { householdId: "hh-patel" });
    expect(outcome).toMatchObject({ ok: false, code: "plan.stale" });
    if (outcome.ok) return;
    expect(outcome.message).toMatch(/20 h old/);
    expect(outcome.message).toMatch(/explicitly asks/);
    expect(await h.plans.latestPlan("hh-patel")).toBeNull();
  });

  it("stale-patel-asked-for-explicitly-is-drafted-and-marked-stale", async () => {
    const drafted = await h.value<Drafted>(draftTradesTool, {
      householdId: "hh-patel",
      options: { allowStale: true },
    });
    expect(drafted.stale).toBe(true);
    expect(drafted.warnings.filter((w) => w.code === "data.stale")).toHaveLength(3);
    const viaConversation = await h.value<Drafted>(
      draftTradesTool,
      { householdId: "hh-patel" },
      { allowStale: true },
    );
    expect(viaConversation.planId).toBe(drafted.planId);
    expect(
      (await h.db.prisma.plan.findUniqueOrThrow({ where: { id: drafted.planId as string } })).stale,
    ).toBe(true);
  });

  it("okafor-in-band-gets-an-empty-draft-that-is-not-stored", async () => {
    const drafted = await h.value<Drafted>(draftTradesTool, { householdId: "hh-okafor" });
    expect(drafted).toMatchObject({ planId: null, status: "empty", expiresAt: null, trades: [] });
    expect(drafted.reasons.map((r) => r.code)).toContain("plan.in-band");
    expect(await h.plans.latestPlan("hh-okafor")).toBeNull();
  });

  it("brooks-without-a-model-and-an-unknown-id-are-refused", async () => {
    expect(await h.outcome(draftTradesTool, { householdId: "hh-brooks" })).toMatchObject({
      ok: false,
      code: "plan.no-model",
    });
    // An advisor is not told whether a household outside their grants exists; the operator is.
    expect(await h.outcome(draftTradesTool, { householdId: "hh-nobody" })).toMatchObject({
      ok: false,
      code: "forbidden",
    });
    const operator = { principal: operatorPrincipal("ana") };
    expect(await h.outcome(draftTradesTool, { householdId: "hh-nobody" }, operator)).toMatchObject({
      ok: false,
      code: "household.not-found",
    });
  });

  it("the-plan-names-the-conversation-and-advisor-that-drafted-it", async () => {
    await h.db.prisma.conversation.create({
      data: { id: "conv-alvarez", threadKey: "cli:test-alvarez", householdId: "hh-alvarez" },
    });
    const { user } = await h.users.upsert({ slackUserId: "U0SOFIA1", name: "Sofia Reyes" });
    await h.users.grant(user.id, "hh-alvarez", "ADVISOR");
    const drafted = await h.value<Drafted>(
      draftTradesTool,
      { householdId: "hh-alvarez" },
      { conversationId: "conv-alvarez", principal: await h.principal("U0SOFIA1") },
    );
    const row = await h.db.prisma.plan.findUniqueOrThrow({ where: { id: drafted.planId as string } });
    expect(row).toMatchObject({ conversationId: "conv-alvarez", requestedBy: "U0SOFIA1" });
  });
});
