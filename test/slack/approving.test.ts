// The card's buttons, end to end: signed clicks into the real Bolt app, the real approval service
// (authorisation, four eyes, expiry, hash, freshness, re-draft), the outbox drained to the paper
// custodian, and everything the app says back recorded by the fake Slack. Each test starts from a
// freshly seeded database and a new Chen plan drafted in a thread.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REASON_BLOCK, REASON_INPUT, REJECT_VIEW } from "../../src/slack/plan-button-value.ts";
import type { DecisionOutcome } from "../../src/slack/slack-deps.ts";
import { blockActions, mentionEvent, viewSubmission } from "../support/fake-slack.ts";
import { syncAccount } from "../support/sync-account.ts";
import { BACKEND } from "../support/test-database.ts";
import {
  ADVISOR,
  APPROVER,
  blocksOf,
  CHANNEL,
  must,
  OUTSIDER,
  openSlackHarness,
  postedCards,
  type SlackHarness,
  textOf,
} from "./harness.ts";

interface Card {
  ts: string;
  threadTs: string;
  blocks: unknown[];
  planId: string;
  planHash: string;
}

async function askForChen(h: SlackHarness, user = ADVISOR): Promise<Card> {
  const mention = mentionEvent({ user, channel: CHANNEL, text: "rebalance the Chen household" });
  expect((await h.sender.event(mention)).status).toBe(200);
  await h.app.idle();
  const card = postedCards(h.slack).at(-1);
  if (!card) throw new Error("no plan card was posted");
  const actions = blocksOf(card.call).find((b) => b.type === "actions");
  const value = JSON.parse(actions?.elements?.[0]?.value ?? "{}") as { planId: string; planHash: string };
  return { ts: card.ts, threadTs: card.threadTs, blocks: blocksOf(card.call), ...value };
}

function click(h: SlackHarness, card: Card, user: string, actionId = "approve_plan") {
  return h.sender.interaction(
    blockActions({
      user,
      channel: CHANNEL,
      message: { ts: card.ts, thread_ts: card.threadTs, blocks: card.blocks },
      actionId,
    }),
  );
}

/** What a decision would have written: decisions, orders, fills, the plan's status, the book. */
async function written(h: SlackHarness, planId: string) {
  const prisma = h.db.prisma;
  return {
    approvals: await prisma.approval.count(),
    orders: await prisma.order.count(),
    fills: await prisma.fill.count(),
    status: (await h.opened.plans.getPlan(planId))?.status,
    snapshots: await prisma.accountSnapshot.count(),
  };
}

const cardUpdates = (h: SlackHarness, card: Card) =>
  h.slack.callsTo("chat.update").filter((c) => c.args.ts === card.ts);

describe(`approving in Slack (${BACKEND})`, () => {
  let h: SlackHarness;
  let card: Card;

  beforeEach(async () => {
    h = await openSlackHarness();
    card = await askForChen(h);
    h.slack.reset();
  });
  afterEach(async () => {
    await h?.close();
  });

  it("approver-click-creates-one-set-of-orders-and-paper-fills-post-to-the-thread", async () => {
    const stored = await h.opened.plans.getPlan(card.planId);
    const trades = stored?.plan.trades.length ?? 0;
    expect(trades).toBe(11);

    const response = await click(h, card, APPROVER);
    expect(response.status).toBe(200);
    await h.app.idle();

    const approvals = await h.db.prisma.approval.findMany();
    expect(approvals).toMatchObject([{ planId: card.planId, decision: "APPROVED", planHash: card.planHash }]);
    const orders = await h.db.prisma.order.findMany({ where: { planId: card.planId } });
    expect(orders).toHaveLength(trades);
    expect(new Set(orders.map((o) => o.planTradeId)).size).toBe(trades);
    expect(orders.every((o) => o.status === "FILLED")).toBe(true);
    expect(await h.db.prisma.fill.count()).toBe(trades);
    expect((await h.opened.plans.getPlan(card.planId))?.status).toBe("executed");

    // The card: no more buttons, who approved and when.
    const update = must(cardUpdates(h, card).at(-1), "the card's update");
    expect(blocksOf(update).some((b) => b.type === "actions")).toBe(false);
    expect(textOf(update)).toMatch(/Approved\* by Ben Whitaker \(<@U0APPROVER1>\) at <!date\^\d+\^/);
    // The thread: the approval, the order board with the fills, the summary.
    const inThread = h.slack
      .callsTo("chat.postMessage", "chat.update")
      .filter((c) => c.args.thread_ts === card.threadTs || c.args.ts !== card.ts);
    const all = inThread.map(textOf).join("\n");
    expect(all).toContain(`<@${APPROVER}> approved plan \`${card.planId}\`: 11 orders queued`);
    expect(all).toMatch(/SELL 577 VTI in David - Schwab brokerage, filled: 577 at \$\d/);
    expect(all).toContain(`Orders for plan \`${card.planId}\`*: 11 of 11 settled`);
    expect(all).toContain("Orders (11 queued): 11 filled.");
    expect(h.slack.callsTo("chat.postEphemeral")).toHaveLength(0);
  });

  it("double-click-one-set-of-orders", async () => {
    const [first, second] = await Promise.all([click(h, card, APPROVER), click(h, card, APPROVER)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    await h.app.idle();
    expect(await h.db.prisma.approval.count()).toBe(1);
    expect(await h.db.prisma.order.count()).toBe(11);
    expect(await h.db.prisma.fill.count()).toBe(11);
    const announcements = h.slack
      .callsTo("chat.postMessage")
      .filter((c) => String(c.args.text).includes("approved plan"));
    expect(announcements).toHaveLength(1);
    const ephemerals = h.slack.callsTo("chat.postEphemeral");
    expect(ephemerals).toHaveLength(1);
    expect(String(ephemerals[0]?.args.text)).toContain("already approved by Ben Whitaker");
  });

  it("outsider-click-gets-ephemeral-and-nothing-written", async () => {
    const before = await written(h, card.planId);
    expect((await click(h, card, OUTSIDER)).status).toBe(200);
    await h.app.idle();
    const ephemeral = h.slack.callsTo("chat.postEphemeral");
    expect(ephemeral).toHaveLength(1);
    expect(ephemeral[0]?.args).toMatchObject({ channel: CHANNEL, user: OUTSIDER, thread_ts: card.threadTs });
    expect(String(ephemeral[0]?.args.text)).toContain("Only an approver for Chen Household");
    expect(String(ephemeral[0]?.args.text)).toContain("Nothing was approved, rejected or sent.");
    expect(await written(h, card.planId)).toEqual(before);
    expect(before).toMatchObject({ approvals: 0, orders: 0, status: "pending-approval" });
    expect(cardUpdates(h, card)).toHaveLength(0);
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(0);
  });

  it("the requester cannot approve their own plan (four eyes)", async () => {
    await h.close();
    h = await openSlackHarness();
    // Drafting needs the advisor role: Ben advises the Chen household as well as approving for it.
    const ben = must(await h.opened.users.findBySlackId(APPROVER), "Ben");
    await h.opened.users.grant(ben.id, "hh-chen", "ADVISOR");
    const own = await askForChen(h, APPROVER);
    h.slack.reset();
    expect((await click(h, own, APPROVER)).status).toBe(200);
    await h.app.idle();
    expect(String(h.slack.callsTo("chat.postEphemeral")[0]?.args.text)).toContain("four-eyes");
    expect(await written(h, own.planId)).toMatchObject({
      approvals: 0,
      orders: 0,
      status: "pending-approval",
    });
  });

  it("expired-plan-refused", async () => {
    const before = await written(h, card.planId);
    h.clock.advance(16 * 60_000);
    expect((await click(h, card, APPROVER)).status).toBe(200);
    await h.app.idle();
    expect(String(h.slack.callsTo("chat.postEphemeral")[0]?.args.text)).toMatch(
      /expired .*Ask again for a fresh plan/,
    );
    const after = await written(h, card.planId);
    expect(after).toEqual({ ...before, status: "expired" });
    expect(after).toMatchObject({ approvals: 0, orders: 0, fills: 0 });
    expect(cardUpdates(h, card)).toHaveLength(0);
  });

  it("changed-data-refused: stale prices and positions", async () => {
    const before = await written(h, card.planId);
    h.clock.advance(6 * 60_000);
    expect((await click(h, card, APPROVER)).status).toBe(200);
    await h.app.idle();
    expect(String(h.slack.callsTo("chat.postEphemeral")[0]?.args.text)).toContain(
      "The data is too old to trade on",
    );
    expect(await written(h, card.planId)).toEqual(before);
    expect(cardUpdates(h, card)).toHaveLength(0);
  });

  it("changed-data-refused: the holdings moved since the plan was drafted", async () => {
    // A minute later VTI quotes at $330 instead of $310: fresh data, not the data the plan was drafted on.
    h.clock.advance(60_000);
    await h.db.prisma.price.create({
      data: {
        id: "sec-vti@test-move",
        securityId: "sec-vti",
        asOf: h.clock.now(),
        price: "330",
        kind: "QUOTE",
        source: "test-feed",
      },
    });
    const before = await written(h, card.planId);
    expect((await click(h, card, APPROVER)).status).toBe(200);
    await h.app.idle();
    const text = String(h.slack.callsTo("chat.postEphemeral")[0]?.args.text);
    expect(text).toContain("changed since the plan was drafted");
    expect(await written(h, card.planId)).toEqual(before);
    expect(before).toMatchObject({ approvals: 0, orders: 0, status: "pending-approval" });
  });

  it("reject-with-reason-updates-the-card", async () => {
    expect((await click(h, card, APPROVER, "reject_plan")).status).toBe(200);
    // The dialog opens inside the listener (its trigger_id lasts 3 s), right after the ack.
    await h.slack.waitFor((calls) => calls.some((c) => c.method === "views.open"));
    const opened = h.slack.callsTo("views.open")[0];
    const view = opened?.args.view as { callback_id: string; private_metadata: string };
    expect(view.callback_id).toBe(REJECT_VIEW);
    expect(await h.db.prisma.approval.count()).toBe(0);

    // An empty reason keeps the dialog open with an error on the field.
    const blank = await h.sender.interaction(
      viewSubmission({
        user: APPROVER,
        view,
        values: { [REASON_BLOCK]: { [REASON_INPUT]: { type: "plain_text_input", value: "   " } } },
      }),
    );
    expect(JSON.parse(blank.body)).toMatchObject({
      response_action: "errors",
      errors: { [REASON_BLOCK]: expect.any(String) },
    });

    const reason = "Client asked to wait until after the holidays";
    const submitted = await h.sender.interaction(
      viewSubmission({
        user: APPROVER,
        view,
        values: { [REASON_BLOCK]: { [REASON_INPUT]: { type: "plain_text_input", value: reason } } },
      }),
    );
    expect(submitted.status).toBe(200);
    await h.app.idle();
    expect(await h.db.prisma.approval.findMany()).toMatchObject([{ decision: "REJECTED", reason }]);
    expect(await h.db.prisma.order.count()).toBe(0);
    expect((await h.opened.plans.getPlan(card.planId))?.status).toBe("rejected");
    const update = must(cardUpdates(h, card).at(-1), "the card's update");
    expect(textOf(update)).toContain(`Rejected* by Ben Whitaker (<@${APPROVER}>)`);
    expect(textOf(update)).toContain(reason);
    expect(blocksOf(update).some((b) => b.type === "actions")).toBe(false);
    expect(
      h.slack
        .callsTo("chat.postMessage")
        .some((c) => String(c.args.text).includes(`rejected plan \`${card.planId}\``)),
    ).toBe(true);
  });

  it("forged-signature-is-401-and-nothing-written", async () => {
    const before = await written(h, card.planId);
    const events = await h.db.prisma.auditEvent.count();
    const payload = blockActions({
      user: APPROVER,
      channel: CHANNEL,
      message: { ts: card.ts, thread_ts: card.threadTs, blocks: card.blocks },
      actionId: "approve_plan",
    });
    expect((await h.sender.interaction(payload, { secret: "not-the-signing-secret" })).status).toBe(401);
    expect((await h.sender.interaction(payload, { signature: "v0=deadbeef" })).status).toBe(401);
    expect((await h.sender.interaction(payload, { signature: "" })).status).toBe(401);
    const forgedMention = mentionEvent({
      user: APPROVER,
      channel: CHANNEL,
      text: "rebalance the Chen household",
    });
    expect((await h.sender.event(forgedMention, { secret: "not-the-signing-secret" })).status).toBe(401);
    await h.app.idle();
    expect(await written(h, card.planId)).toEqual(before);
    expect(await h.db.prisma.auditEvent.count()).toBe(events);
    expect(h.slack.calls).toHaveLength(0);
  });

  it("replayed-old-timestamp-is-refused", async () => {
    const before = await written(h, card.planId);
    const events = await h.db.prisma.auditEvent.count();
    const payload = blockActions({
      user: APPROVER,
      channel: CHANNEL,
      message: { ts: card.ts, thread_ts: card.threadTs, blocks: card.blocks },
      actionId: "approve_plan",
    });
    // Correctly signed, but ten minutes old: outside Slack's five-minute window.
    const old = Math.floor(Date.now() / 1000) - 600;
    expect((await h.sender.interaction(payload, { timestamp: old })).status).toBe(401);
    await h.app.idle();
    expect(await written(h, card.planId)).toEqual(before);
    expect(await h.db.prisma.auditEvent.count()).toBe(events);
    expect(h.slack.calls).toHaveLength(0);
  });

  it("a button whose hash does not match the stored plan changes nothing", async () => {
    const tampered = JSON.stringify({ planId: card.planId, planHash: "0".repeat(64) });
    const payload = blockActions({
      user: APPROVER,
      channel: CHANNEL,
      message: { ts: card.ts, thread_ts: card.threadTs, blocks: card.blocks },
      actionId: "approve_plan",
      value: tampered,
    });
    expect((await h.sender.interaction(payload)).status).toBe(200);
    await h.app.idle();
    expect(String(h.slack.callsTo("chat.postEphemeral")[0]?.args.text)).toContain(
      "does not match the stored plan",
    );
    expect(await written(h, card.planId)).toMatchObject({
      approvals: 0,
      orders: 0,
      status: "pending-approval",
    });
  });
});

describe(`one live plan per household, and buys that wait for their sells, in Slack (${BACKEND})`, () => {
  let h: SlackHarness;
  afterEach(async () => {
    await h?.close();
  });

  const boardOf = (planId: string) =>
    h.slack
      .callsTo("chat.postMessage", "chat.update")
      .filter((c) => String(c.args.text).startsWith(`Orders for plan ${planId}`))
      .at(-1);

  it("two-chen-plans-approved-at-once: one executes, the other is refused as busy in its thread", async () => {
    // The winner's orders go out only once both clicks are decided, so the second sees the first live.
    let decided = 0;
    let bothDecided: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      bothDecided = resolve;
    });
    h = await openSlackHarness({
      override: (wired) => ({
        decide: async (request) => {
          const outcome: DecisionOutcome = await wired.decide(request);
          if (++decided === 2) bothDecided();
          return outcome;
        },
        executeApproved: async (planId, notify) => {
          await barrier;
          return wired.executeApproved(planId, notify);
        },
      }),
    });
    const first = await askForChen(h);
    h.clock.advance(30_000);
    const second = await askForChen(h);
    expect(second.planId).not.toBe(first.planId);
    h.slack.reset();

    const responses = await Promise.all([click(h, first, APPROVER), click(h, second, APPROVER)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    await h.app.idle();

    const [approval, ...others] = await h.db.prisma.approval.findMany();
    expect(others).toEqual([]);
    const winner = [first, second].find((c) => c.planId === approval?.planId);
    const loser = [first, second].find((c) => c !== winner);
    if (!winner || !loser) throw new Error("no single approved plan");
    expect((await h.opened.plans.getPlan(winner.planId))?.status).toBe("executed");
    expect((await h.opened.plans.getPlan(loser.planId))?.status).toBe("pending-approval");
    expect(await h.db.prisma.order.count()).toBe(11);
    expect(await h.db.prisma.fill.count()).toBe(11);

    // The other click: an ephemeral refusal in its own thread; its card keeps its buttons.
    const ephemerals = h.slack.callsTo("chat.postEphemeral");
    expect(ephemerals).toHaveLength(1);
    expect(ephemerals[0]?.args).toMatchObject({ user: APPROVER, thread_ts: loser.threadTs });
    expect(String(ephemerals[0]?.args.text)).toBe(
      `:no_entry: Plan ${winner.planId} for this household is still executing; approve this one after it finishes, or ask for a new plan. Nothing was approved, rejected or sent.`,
    );
    expect(cardUpdates(h, loser)).toHaveLength(0);
    expect(textOf(must(boardOf(winner.planId), "the winner's order board"))).toContain("11 of 11 settled");
    expect(boardOf(loser.planId)).toBeUndefined();
  });

  it("a-sell-the-custodian-rejects-cancels-its-buys-and-the-thread-says-which-and-why", async () => {
    // Between the approval and the orders, the custodian's sync shows the 2020 VTI lot sold elsewhere.
    h = await openSlackHarness({
      override: (wired) => ({
        executeApproved: async (planId, notify) => {
          await syncAccount(h.db.prisma, "acct-chen-schwab-taxable", h.clock.now(), {
            lotsGone: ["lot-chen-schwab-taxable-vti-2020-11-20"],
          });
          return wired.executeApproved(planId, notify);
        },
      }),
    });
    const card = await askForChen(h);
    h.slack.reset();
    expect((await click(h, card, APPROVER)).status).toBe(200);
    await h.app.idle();

    const orders = await h.db.prisma.order.findMany({ where: { planId: card.planId } });
    const count = (status: string) => orders.filter((o) => o.status === status).length;
    expect([count("FILLED"), count("REJECTED"), count("CANCELLED")]).toEqual([7, 1, 3]);
    expect((await h.opened.plans.getPlan(card.planId))?.status).toBe("failed");

    const board = textOf(must(boardOf(card.planId), "the order board"));
    expect(board).toContain("11 of 11 settled");
    expect(board).toContain(
      "SELL 577 VTI in David - Schwab brokerage, rejected by the custodian (the account holds 400 VTI, fewer than 577)",
    );
    for (const buy of ["BUY 1262 BND", "BUY 382 IEFA", "BUY 1171 VTEB"]) {
      expect(board).toContain(
        `:heavy_multiplication_x: ${buy} in David - Schwab brokerage, cancelled: the sell of 577 VTI it depended on was rejected (the account holds 400 VTI, fewer than 577)`,
      );
    }
    expect(board).toContain(
      ":warning: 3 orders were not sent: a sell that would have paid for them did not fill",
    );
  });
});
