// The Approve / Reject decision against the seeded demo book and the real stores: who may decide,
// what is refused (with nothing written), and that an approval queues exactly one set of orders.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { operatorPrincipal, resolveUser } from "../../src/access/principal.ts";
import { decidePlan } from "../../src/approval/decide-plan.ts";
import { BACKEND } from "../support/test-database.ts";
import {
  ADVISOR,
  APPROVER,
  type ApprovalHarness,
  CLICK_AT,
  COMPLIANCE,
  OUTSIDER,
  openApprovalHarness,
} from "./approval-harness.ts";

const NOTHING_WRITTEN = { approvals: 0, orders: 0, status: "PENDING_APPROVAL" };

describe(`deciding on a plan (${BACKEND})`, () => {
  let h: ApprovalHarness;
  let variant = 0;
  const draft = (options: { requestedBy?: string | null } = {}) =>
    h.draftChen({ variant: ++variant, ...options });

  beforeAll(async () => {
    h = await openApprovalHarness();
  });
  // Every test approves its own Chen plan: the one approved before must have finished (one live plan per household).
  afterEach(() => h.finishLivePlans());
  afterAll(() => h.close());

  it("outsider-click-is-refused-and-nothing-written", async () => {
    const plan = await draft();
    const outcome = await h.decide(plan, { slackUserId: OUTSIDER });
    expect(outcome).toEqual({
      ok: false,
      code: "decision.not-authorised",
      message:
        "Only an approver for Chen Household can approve this plan, and you are not one. Nothing was changed.",
    });
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
    const events = await h.deps.audit.read(`plan:${plan.id}`);
    expect(events.map((e) => [e.type, e.actor])).toEqual([["decision.refused", `user:${OUTSIDER}`]]);
    expect(events[0]?.payload).toMatchObject({ code: "decision.not-authorised", requested: "approve" });
  });

  it("advisor-cannot-approve", async () => {
    const plan = await draft();
    expect(await h.decide(plan, { slackUserId: ADVISOR })).toMatchObject({
      ok: false,
      code: "decision.not-authorised",
    });
    expect(await h.decide(plan, { slackUserId: ADVISOR, decision: "reject", reason: "no" })).toMatchObject({
      ok: false,
      code: "decision.not-authorised",
    });
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
  });

  it("compliance-and-admin-cannot-approve: only the household's approvers decide", async () => {
    const plan = await draft();
    await h.deps.users.upsert({ slackUserId: "U0ADMIN1", name: "Sam Ortiz", roles: ["ADMIN"] });
    for (const slackUserId of [COMPLIANCE, "U0ADMIN1"]) {
      expect(await h.decide(plan, { slackUserId })).toMatchObject({
        ok: false,
        code: "decision.not-authorised",
      });
    }
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
  });

  it("an-approver-for-another-household-cannot-approve", async () => {
    const plan = await draft();
    const { user } = await h.deps.users.upsert({ slackUserId: "U0PATELAPPROVER", name: "Priya Raman" });
    await h.deps.users.grant(user.id, "hh-patel", "APPROVER");
    expect(await h.decide(plan, { slackUserId: "U0PATELAPPROVER" })).toMatchObject({
      ok: false,
      code: "decision.not-authorised",
    });
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
  });

  it("unknown-or-deactivated-user-is-refused", async () => {
    const plan = await draft();
    expect(await h.decide(plan, { slackUserId: "U0NOBODY" })).toMatchObject({
      ok: false,
      code: "decision.unknown-user",
      message: expect.stringContaining("not set up as a lotwise user"),
    });
    const { user } = await h.deps.users.upsert({ slackUserId: "U0LEFT1", name: "Former Approver" });
    await h.deps.users.grant(user.id, "hh-chen", "APPROVER");
    await h.deps.users.upsert({ slackUserId: "U0LEFT1", name: "Former Approver", active: false });
    expect(await h.decide(plan, { slackUserId: "U0LEFT1" })).toMatchObject({
      ok: false,
      code: "decision.unknown-user",
      message: expect.stringContaining("deactivated"),
    });
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
  });

  it("requester-may-reject-own-plan: four eyes guards approvals only", async () => {
    const plan = await draft({ requestedBy: APPROVER });
    expect(await h.decide(plan, { decision: "reject", reason: "drafted by mistake" })).toMatchObject({
      ok: true,
      decision: "rejected",
    });
  });

  it('a plan requested from the CLI ("cli") cannot be approved by any approver', async () => {
    const plan = await draft({ requestedBy: "cli" });
    const { user } = await h.deps.users.upsert({ slackUserId: "U0APPROVER3", name: "Third Approver" });
    await h.deps.users.grant(user.id, "hh-chen", "APPROVER");
    for (const slackUserId of [APPROVER, "U0APPROVER3"]) {
      expect(await h.decide(plan, { slackUserId })).toEqual({
        ok: false,
        code: "decision.requester-unknown",
        message:
          "This plan's requester is not a known lotwise user, so four eyes cannot be shown; ask for a new plan under your own name.",
      });
    }
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
    const events = await h.deps.audit.read(`plan:${plan.id}`);
    expect(events.map((e) => [e.type, (e.payload as { code: string }).code])).toEqual([
      ["decision.refused", "decision.requester-unknown"],
      ["decision.refused", "decision.requester-unknown"],
    ]);
  });

  it("a plan whose requester lotwise does not know, or no longer knows, cannot be approved", async () => {
    const { user } = await h.deps.users.upsert({ slackUserId: "U0GONE1", name: "Former Advisor" });
    await h.deps.users.grant(user.id, "hh-chen", "ADVISOR");
    await h.deps.users.upsert({ slackUserId: "U0GONE1", name: "Former Advisor", active: false });
    for (const requestedBy of ["U0NOBODY999", "U0GONE1", null]) {
      const plan = await draft({ requestedBy });
      expect(await h.decide(plan)).toMatchObject({ ok: false, code: "decision.requester-unknown" });
      expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
    }
  });

  it("a plan requested from the CLI can still be rejected", async () => {
    const plan = await draft({ requestedBy: "cli" });
    expect(await h.decide(plan, { decision: "reject", reason: "no requester" })).toMatchObject({
      ok: true,
      decision: "rejected",
    });
  });

  it("expired-plan-is-refused-and-marked-expired", async () => {
    const plan = await draft();
    const late = new Date("2026-11-20T20:18:01.000Z");
    const outcome = await h.decide(plan, { now: late });
    expect(outcome).toEqual({
      ok: false,
      code: "decision.expired",
      message:
        "This plan expired at 20:18 UTC on 2026-11-20 and can no longer be approved or rejected. Ask for a new plan.",
    });
    expect(await h.written(plan.id)).toEqual({ ...NOTHING_WRITTEN, status: "EXPIRED" });
    // Once marked expired, even a click "in time" (a delayed retry) is refused.
    expect(await h.decide(plan)).toMatchObject({ ok: false, code: "decision.expired" });
    expect(await h.decide(plan, { decision: "reject", reason: "late" })).toMatchObject({
      ok: false,
      code: "decision.expired",
    });
    expect(await h.written(plan.id)).toEqual({ ...NOTHING_WRITTEN, status: "EXPIRED" });
  });

  it("a click exactly at the expiry time is still in time", async () => {
    const plan = await draft();
    // The data would be stale by then: only the expiry rule is under test, so decide a rejection.
    const outcome = await h.decide(plan, {
      now: new Date(plan.expiresAt),
      decision: "reject",
      reason: "not now",
    });
    expect(outcome).toMatchObject({ ok: true, decision: "rejected" });
  });

  it("unknown-plan-is-refused", async () => {
    expect(await h.decide({ ...(await draft()), id: "plan-doesnotexist" })).toMatchObject({
      ok: false,
      code: "decision.plan-not-found",
    });
  });

  it("stale-data-refuses-with-its-age", async () => {
    const plan = await draft();
    const outcome = await h.decide(plan, { now: new Date("2026-11-20T20:09:00.000Z") });
    expect(outcome).toMatchObject({ ok: false, code: "decision.stale-data" });
    if (outcome.ok) return;
    expect(outcome.message).toMatch(
      /^The data is too old to trade on: .+ is 9 min old \(the limit is 5 min\)\. Refresh the positions and prices, then ask for a new plan\.$/,
    );
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
    const [event] = await h.deps.audit.read(`plan:${plan.id}`);
    expect(event?.payload).toMatchObject({
      code: "decision.stale-data",
      detail: { staleInputs: expect.any(Array) },
    });
  });

  it("reject-needs-a-reason", async () => {
    const plan = await draft();
    for (const reason of [undefined, "", "   "]) {
      const outcome = await h.decide(plan, {
        decision: "reject",
        ...(reason === undefined ? {} : { reason }),
      });
      expect(outcome).toMatchObject({ ok: false, code: "decision.reason-required" });
    }
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
    const rejected = await h.decide(plan, { decision: "reject", reason: "  client is travelling  " });
    expect(rejected).toMatchObject({ ok: true, decision: "rejected", orderIds: [], repeated: false });
    expect(await h.written(plan.id)).toEqual({ approvals: 1, orders: 0, status: "REJECTED" });
    const approval = await h.db.prisma.approval.findUniqueOrThrow({ where: { planId: plan.id } });
    expect(approval).toMatchObject({ decision: "REJECTED", reason: "client is travelling" });
  });

  it("rejected-plan-cannot-be-approved", async () => {
    const plan = await draft();
    await h.decide(plan, { decision: "reject", reason: "wait for year end" });
    const outcome = await h.decide(plan);
    expect(outcome).toEqual({
      ok: false,
      code: "decision.already-decided",
      message:
        "This plan was already rejected by Ben Whitaker at 20:04 UTC on 2026-11-20, so it cannot be approved now.",
    });
    expect(await h.decide(plan, { decision: "reject", reason: "again" })).toMatchObject({
      ok: true,
      decision: "rejected",
      repeated: true,
    });
    expect(await h.written(plan.id)).toEqual({ approvals: 1, orders: 0, status: "REJECTED" });
  });

  it("superseded-plan-is-refused-as-changed", async () => {
    const plan = await draft();
    await h.db.prisma.plan.update({ where: { id: plan.id }, data: { status: "SUPERSEDED" } });
    expect(await h.decide(plan)).toMatchObject({ ok: false, code: "decision.plan-changed" });
    expect(await h.written(plan.id)).toEqual({ ...NOTHING_WRITTEN, status: "SUPERSEDED" });
  });
});

// An approval makes the household busy until its orders are done (one live plan per household), so each
// of these starts from a freshly seeded book.
describe(`approving a plan (${BACKEND})`, () => {
  let h: ApprovalHarness;
  const draft = (options: { requestedBy?: string | null } = {}) => h.draftChen(options);

  beforeEach(async () => {
    h = await openApprovalHarness();
  });
  afterEach(() => h.close());

  it("approver-approves-and-one-set-of-orders-is-queued", async () => {
    const plan = await draft();
    const outcome = await h.decide(plan);
    expect(outcome).toEqual({
      ok: true,
      decision: "approved",
      planId: plan.id,
      decidedBy: { userId: "user-ben-whitaker", slackUserId: APPROVER, name: "Ben Whitaker" },
      decidedAt: CLICK_AT.toISOString(),
      orderIds: plan.plan.trades.map((t) => `order-${plan.id}-${t.index}`),
      repeated: false,
    });
    expect(plan.plan.trades).toHaveLength(11);
    expect(await h.written(plan.id)).toEqual({ approvals: 1, orders: 11, status: "APPROVED" });

    const orders = await h.db.prisma.order.findMany({
      where: { planId: plan.id },
      orderBy: { planTrade: { seq: "asc" } },
      include: { planTrade: true },
    });
    for (const [i, order] of orders.entries()) {
      const trade = plan.plan.trades[i];
      expect(order).toMatchObject({
        status: "QUEUED",
        idempotencyKey: `${plan.id}:${trade?.index}`,
        accountId: trade?.accountId,
        securityId: trade?.securityId,
        side: trade?.side === "buy" ? "BUY" : "SELL",
        limitPrice: null,
        planTradeId: order.planTrade.id,
      });
      expect(order.quantity.toString()).toBe(order.planTrade.quantity.toString());
      expect(order.lots).toEqual(order.planTrade.lots);
    }
    const sells = orders.filter((o) => o.side === "SELL");
    expect(sells.every((o) => Array.isArray(o.lots) && o.lots.length > 0)).toBe(true);

    const approval = await h.db.prisma.approval.findUniqueOrThrow({ where: { planId: plan.id } });
    expect(approval).toMatchObject({
      decidedBy: "user-ben-whitaker",
      decision: "APPROVED",
      planHash: plan.hash,
    });
    const events = await h.deps.audit.read(`plan:${plan.id}`);
    expect(events.map((e) => [e.type, e.actor])).toEqual([["decision.approved", `user:${APPROVER}`]]);
    expect(events[0]?.payload).toMatchObject({
      planHash: plan.hash,
      repeated: false,
      orderIds: outcome.ok ? outcome.orderIds : [],
    });
  });

  it("requester-cannot-approve-own-plan-with-four-eyes", async () => {
    const plan = await draft({ requestedBy: APPROVER });
    expect(await h.decide(plan)).toEqual({
      ok: false,
      code: "decision.own-plan",
      message: "You requested this plan, and four-eyes approval is on: another approver has to approve it.",
    });
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
    // Without four eyes, the same click approves.
    const outcome = await decidePlan(
      { ...h.deps, fourEyes: false },
      { planId: plan.id, planHash: plan.hash, slackUserId: APPROVER, decision: "approve", now: CLICK_AT },
    );
    expect(outcome).toMatchObject({ ok: true, decision: "approved", repeated: false });
  });

  it("a plan requested by the local operator can be approved by the household's approver", async () => {
    const plan = await draft({ requestedBy: "operator:ana" });
    expect(await h.decide(plan)).toMatchObject({ ok: true, decision: "approved", repeated: false });
    expect(await h.written(plan.id)).toEqual({ approvals: 1, orders: 11, status: "APPROVED" });
  });

  it("decides as a principal resolved at the edge; the operator decides nothing", async () => {
    const plan = await draft();
    const base = { planId: plan.id, planHash: plan.hash, decision: "approve" as const, now: CLICK_AT };
    const operator = await decidePlan(h.deps, { ...base, principal: operatorPrincipal("ana") });
    expect(operator).toMatchObject({ ok: false, code: "decision.not-authorised" });
    const unknown = await decidePlan(h.deps, {
      ...base,
      principal: { kind: "unknown", claimedId: "U0NOBODY999" },
    });
    expect(unknown).toMatchObject({ ok: false, code: "decision.unknown-user" });
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
    const approver = await resolveUser(h.deps.users, APPROVER);
    expect(await decidePlan(h.deps, { ...base, principal: approver })).toMatchObject({
      ok: true,
      decision: "approved",
    });
    const events = await h.deps.audit.read(`plan:${plan.id}`);
    expect(events.map((e) => [e.type, e.actor])).toEqual([
      ["decision.refused", "operator:ana"],
      ["decision.refused", "unknown:U0NOBODY999"],
      ["decision.approved", `user:${APPROVER}`],
    ]);
  });

  it("tampered-hash-is-refused", async () => {
    const plan = await draft();
    const outcome = await h.decide(plan, { planHash: "0".repeat(64) });
    expect(outcome).toMatchObject({ ok: false, code: "decision.hash-mismatch" });
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
    // Also after a decision: a mismatched button never gets the idempotent "ok".
    await h.decide(plan);
    expect(await h.decide(plan, { planHash: "0".repeat(64) })).toMatchObject({
      ok: false,
      code: "decision.hash-mismatch",
    });
  });

  it("double-click-is-idempotent: the same decision comes back and nothing more is written", async () => {
    const plan = await draft();
    const first = await h.decide(plan);
    const again = await h.decide(plan);
    expect(again).toEqual({ ...first, repeated: true });
    // A second approver clicking later sees the first approver's decision.
    const { user } = await h.deps.users.upsert({ slackUserId: "U0APPROVER2", name: "Second Approver" });
    await h.deps.users.grant(user.id, "hh-chen", "APPROVER");
    const other = await h.decide(plan, { slackUserId: "U0APPROVER2" });
    expect(other).toEqual({ ...first, repeated: true });
    expect(await h.written(plan.id)).toEqual({ approvals: 1, orders: 11, status: "APPROVED" });
    const events = await h.deps.audit.read(`plan:${plan.id}`);
    expect(events.map((e) => (e.payload as { repeated: boolean }).repeated)).toEqual([false, true, true]);
  });

  it("racing-clicks-produce-one-set-of-orders", async () => {
    const plan = await draft();
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => h.decide(plan)));
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(outcomes.filter((o) => o.ok && !o.repeated)).toHaveLength(1);
    expect(await h.written(plan.id)).toEqual({ approvals: 1, orders: 11, status: "APPROVED" });
  });

  it("approved-plan-cannot-be-rejected", async () => {
    const plan = await draft();
    await h.decide(plan);
    expect(await h.decide(plan, { decision: "reject", reason: "changed my mind" })).toMatchObject({
      ok: false,
      code: "decision.already-decided",
    });
    expect(await h.written(plan.id)).toEqual({ approvals: 1, orders: 11, status: "APPROVED" });
  });
});

describe(`deciding on a plan whose data changed (${BACKEND})`, () => {
  let h: ApprovalHarness;
  beforeEach(async () => {
    h = await openApprovalHarness();
  });
  afterEach(() => h.close());

  it("changed-data-refuses: a new price changes the trades", async () => {
    const plan = await h.draftChen();
    await h.db.prisma.price.create({
      data: {
        id: "sec-vti@test",
        securityId: "sec-vti",
        asOf: new Date("2026-11-20T20:03:30.000Z"),
        price: "250",
        kind: "QUOTE",
        source: "test",
      },
    });
    expect(await h.decide(plan)).toEqual({
      ok: false,
      code: "decision.plan-changed",
      message:
        "The positions or prices changed since the plan was drafted, so its trades are no longer the right ones. Ask for a new plan.",
    });
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
  });

  it("changed-data-refuses: a new snapshot with another quantity", async () => {
    const plan = await h.draftChen();
    const latest = await h.db.prisma.accountSnapshot.findFirstOrThrow({
      where: { accountId: "acct-chen-ibkr-taxable" },
      orderBy: { asOf: "desc" },
      include: { positions: true, lots: true },
    });
    const id = "snap-chen-ibkr-after-a-sale";
    await h.db.prisma.accountSnapshot.create({
      data: {
        id,
        accountId: latest.accountId,
        asOf: new Date("2026-11-20T20:03:30.000Z"),
        source: "test",
        cash: latest.cash,
      },
    });
    // VEA half sold elsewhere: 200 shares left in one lot.
    await h.db.prisma.position.createMany({
      data: latest.positions.map((p) => ({
        id: `${id}:${p.securityId}`,
        snapshotId: id,
        securityId: p.securityId,
        quantity: p.securityId === "sec-vea" ? "200" : p.quantity,
        reportedCostBasis: p.securityId === "sec-vea" ? null : p.reportedCostBasis,
        reportedPrice: p.reportedPrice,
      })),
    });
    await h.db.prisma.lot.createMany({
      data: latest.lots.map((l) => ({
        id: `${id}:${l.lotKey}`,
        snapshotId: id,
        accountId: l.accountId,
        securityId: l.securityId,
        lotKey: l.lotKey,
        tradeDate: l.tradeDate,
        acquiredDate: l.acquiredDate,
        quantity: l.securityId === "sec-vea" ? "200" : l.quantity,
        costBasis: l.securityId === "sec-vea" ? "11600.00" : l.costBasis,
        deferredWashLoss: l.deferredWashLoss,
      })),
    });
    expect(await h.decide(plan)).toMatchObject({ ok: false, code: "decision.plan-changed" });
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
  });

  it("a-re-stamped-demo-feed-is-no-change", async () => {
    const plan = await h.draftChen();
    const synced = await h.deps.store.refreshDemoFeed(new Date("2026-11-20T20:06:00.000Z"));
    expect(synced.snapshots).toBeGreaterThan(0);
    const outcome = await h.decide(plan, { now: new Date("2026-11-20T20:07:00.000Z") });
    expect(outcome).toMatchObject({ ok: true, decision: "approved", repeated: false });
  });

  it("new-purchase-in-window-refuses-with-wash-sale", async () => {
    const plan = await h.draftChen();
    expect(plan.plan.harvested.map((x) => x.symbol)).toEqual(["VEA"]);
    // Mei's IRA places an order for VEA after the plan was drafted: the VEA harvest would be washed.
    await h.db.prisma.transaction.create({
      data: {
        id: "tx-chen-ira-vea-pending",
        accountId: "acct-chen-fidelity-ira",
        securityId: "sec-vea",
        type: "BUY",
        status: "PENDING",
        tradeDate: new Date("2026-11-20T00:00:00.000Z"),
        quantity: "50",
        price: "52.00",
        amount: "-2600.00",
        source: "test",
        externalId: "vea-pending-1",
      },
    });
    const outcome = await h.decide(plan);
    expect(outcome).toMatchObject({ ok: false, code: "decision.wash-sale" });
    if (outcome.ok) return;
    expect(outcome.message).toMatch(
      /^Approving now would break the wash-sale rule: selling VEA at a loss in acct-chen-ibkr-taxable on 2026-11-20 would be a wash sale because of a pending order for VEA in acct-chen-fidelity-ira .*Ask for a new plan\.$/,
    );
    expect(await h.written(plan.id)).toEqual(NOTHING_WRITTEN);
    const [event] = await h.deps.audit.read(`plan:${plan.id}`);
    expect(event?.payload).toMatchObject({
      code: "decision.wash-sale",
      detail: { conflicts: [expect.objectContaining({ code: "wash.pending-order" })] },
    });
  });
});
