// Who may see and do what, through the real Bolt app on a seeded database: an id lotwise does not
// know and a user with no role get a one-line refusal and nothing else, on every surface; a user
// with a role elsewhere sees nothing of a household outside their grants; compliance reads but
// drafts nothing; and a click on a real card by someone who may not decide changes nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { slackThreadKey } from "../../src/slack/thread-key.ts";
import {
  blockActions,
  directMessageEvent,
  mentionEvent,
  type SlackCall,
  slashCommand,
  TEAM_ID,
} from "../support/fake-slack.ts";
import { BACKEND } from "../support/test-database.ts";
import {
  ADVISOR,
  APPROVER,
  blocksOf,
  CHANNEL,
  COMPLIANCE,
  hasApproveButton,
  must,
  OUTSIDER,
  openSlackHarness,
  postedCards,
  type SlackHarness,
  textOf,
} from "./harness.ts";

const NOBODY = "U0NOBODY999";
/** An advisor for the Alvarez household only. */
const ALVAREZ_ADVISOR = "U0ALVAREZ1";
const ASK = "show me the Chen household positions";
/** The end of both refusals: "You have no role ..." and "You are not set up in lotwise, so you have no role ...". */
const REFUSAL = "no role on this household; ask an admin.";

/** A dollar amount, a share count, or a trade line: any of them means household data was shown. */
const FIGURES = /\$\s?\d|\b\d[\d,]*(?:\.\d+)?\s*(?:shares?|sh)\b|\b(?:SELL|BUY)\s+\d/i;

const sent = (h: SlackHarness): SlackCall[] => h.slack.calls.filter((c) => c.method !== "auth.test");

function expectNoPlanData(calls: readonly SlackCall[]): void {
  for (const call of calls) {
    expect(textOf(call)).not.toMatch(FIGURES);
    const buttons = blocksOf(call).flatMap((b) => b.elements ?? []);
    expect(buttons.map((e) => e.action_id)).not.toContain("approve_plan");
    expect(buttons.map((e) => e.action_id)).not.toContain("reject_plan");
  }
}

describe(`who may see what in Slack (${BACKEND})`, () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await openSlackHarness();
    const { user } = await h.opened.users.upsert({ slackUserId: ALVAREZ_ADVISOR, name: "Ana Alvarez-Adv" });
    await h.opened.users.grant(user.id, "hh-alvarez", "ADVISOR");
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.slack.reset();
  });

  const plans = () => h.db.prisma.plan.count();

  /** The conversation's audit events for a thread, by type. */
  async function eventsOf(channel: string, threadTs: string) {
    const conversation = await h.opened.conversations.find(
      slackThreadKey({ teamId: TEAM_ID, channel, threadTs }),
    );
    return h.opened.audit.read(`conversation:${must(conversation, "the conversation").id}`);
  }

  for (const [who, id, actor] of [
    ["an outsider with no role", OUTSIDER, `user:${OUTSIDER}`],
    ["an id lotwise does not know", NOBODY, `unknown:${NOBODY}`],
  ] as const) {
    it(`${who} mentioning gets the refusal in the thread and nothing else`, async () => {
      const before = await plans();
      const mention = mentionEvent({ user: id, channel: CHANNEL, text: ASK });
      expect((await h.sender.event(mention)).status).toBe(200);
      await h.app.idle();

      const calls = sent(h);
      expect(calls.map((c) => [c.method, c.args.channel, c.args.thread_ts])).toEqual([
        ["chat.postMessage", CHANNEL, mention.ts],
      ]);
      expect(String(calls[0]?.args.text)).toContain(REFUSAL);
      expect(calls[0]?.args.blocks).toBeUndefined();
      expectNoPlanData(calls);
      expect(await plans()).toBe(before);
      expect(await h.db.prisma.plan.count({ where: { requestedBy: id } })).toBe(0);

      const events = await eventsOf(CHANNEL, mention.ts);
      expect(events.map((e) => [e.type, e.actor])).toEqual([
        ["slack.request.received", actor],
        ["access.refused", actor],
      ]);
      expect(events[1]?.payload).toMatchObject({ action: "assistant.ask", surface: "mention" });
    });
  }

  it("the same by direct message, in a DM thread (the assistant surface) and by /lotwise plan", async () => {
    for (const id of [OUTSIDER, NOBODY]) {
      h.slack.reset();
      const before = await plans();
      const dm = `D0${id}`;
      const first = directMessageEvent({ user: id, channel: dm, text: ASK });
      await h.sender.event(first);
      await h.app.idle();
      const followUp = directMessageEvent({ user: id, channel: dm, text: ASK, threadTs: first.ts });
      await h.sender.event(followUp);
      await h.app.idle();
      const calls = sent(h);
      // One refusal per request, each in its thread; no status line, no progress, no answer.
      expect(calls.map((c) => [c.method, c.args.thread_ts])).toEqual([
        ["chat.postMessage", first.ts],
        ["chat.postMessage", first.ts],
      ]);
      for (const call of calls) expect(String(call.args.text)).toContain(REFUSAL);
      expectNoPlanData(calls);
      const types = (await eventsOf(dm, first.ts)).map((e) => [
        e.type,
        (e.payload as { surface?: string }).surface,
      ]);
      expect(types).toEqual([
        ["slack.request.received", "dm"],
        ["access.refused", "dm"],
        ["slack.request.received", "assistant"],
        ["access.refused", "assistant"],
      ]);

      h.slack.reset();
      await h.sender.command(slashCommand({ user: id, channel: CHANNEL, text: "plan chen" }));
      await h.app.idle();
      const [root, ...rest] = sent(h);
      expect(root?.args.thread_ts).toBeUndefined();
      expect(rest.map((c) => [c.method, c.args.thread_ts])).toEqual([
        ["chat.postMessage", root?.response?.ts],
      ]);
      expect(String(rest[0]?.args.text)).toContain(REFUSAL);
      expectNoPlanData(sent(h));
      expect(await plans()).toBe(before);
      const command = await eventsOf(CHANNEL, String(root?.response?.ts));
      expect(command.map((e) => e.type)).toEqual(["slack.request.received", "access.refused"]);
    }
  });

  it("an advisor of another household sees nothing of this one and gets no card", async () => {
    const before = await plans();
    const mention = mentionEvent({
      user: ALVAREZ_ADVISOR,
      channel: CHANNEL,
      text: "rebalance the Chen household",
    });
    await h.sender.event(mention);
    await h.app.idle();
    const calls = sent(h);
    expect(calls.length).toBeGreaterThan(0);
    expectNoPlanData(calls);
    expect(calls.map(textOf).join("\n")).not.toMatch(/VTI|VOO|Mei|David/);
    expect(postedCards(h.slack)).toHaveLength(0);
    expect(await plans()).toBe(before);
  });

  it("compliance gets read answers but no plan is drafted, stored or posted", async () => {
    const before = await plans();
    const mention = mentionEvent({
      user: COMPLIANCE,
      channel: CHANNEL,
      text: "rebalance the Chen household",
    });
    await h.sender.event(mention);
    await h.app.idle();
    const answer = h.slack.callsTo("chat.update").at(-1);
    // The household is read (compliance reads every household) ...
    const events = await eventsOf(CHANNEL, mention.ts);
    const result = (name: string) =>
      JSON.stringify(
        must(
          events.find((e) => e.type === "tool.result" && (e.payload as { name: string }).name === name),
          `the ${name} result`,
        ).payload,
      );
    expect(result("get_positions")).toContain("acct-chen-schwab-taxable");
    expect(result("get_positions")).not.toContain("forbidden");
    // ... but drafting needs the advisor role: the tool refuses, and there is no plan row, card or button.
    expect(result("draft_trades")).toContain("forbidden");
    expect(textOf(must(answer, "the answer"))).toContain("not draft");
    expect(postedCards(h.slack)).toHaveLength(0);
    expect(sent(h).filter(hasApproveButton)).toHaveLength(0);
    expect(await plans()).toBe(before);
    expect(await h.db.prisma.plan.count({ where: { requestedBy: COMPLIANCE } })).toBe(0);
  });

  describe("a click on a real card", () => {
    async function chenCard() {
      const mention = mentionEvent({ user: ADVISOR, channel: CHANNEL, text: "rebalance the Chen household" });
      await h.sender.event(mention);
      await h.app.idle();
      const card = must(postedCards(h.slack).at(-1), "the plan card");
      const blocks = blocksOf(card.call);
      const value = JSON.parse(
        must(blocks.find((b) => b.type === "actions")?.elements?.[0]?.value, "the button's value"),
      ) as { planId: string };
      h.slack.reset();
      return { ...card, blocks, planId: value.planId };
    }

    const clickOn = (card: Awaited<ReturnType<typeof chenCard>>, user: string, actionId: string) =>
      h.sender.interaction(
        blockActions({
          user,
          channel: CHANNEL,
          message: { ts: card.ts, thread_ts: card.threadTs, blocks: card.blocks },
          actionId,
        }),
      );

    async function written(planId: string) {
      return {
        approvals: await h.db.prisma.approval.count({ where: { planId } }),
        orders: await h.db.prisma.order.count({ where: { planId } }),
        status: (await h.opened.plans.getPlan(planId))?.status,
      };
    }

    it("Approve by an outsider or an unknown id is refused privately and writes nothing", async () => {
      const card = await chenCard();
      for (const [id, actor] of [
        [OUTSIDER, `user:${OUTSIDER}`],
        [NOBODY, `unknown:${NOBODY}`],
      ] as const) {
        h.slack.reset();
        expect((await clickOn(card, id, "approve_plan")).status).toBe(200);
        await h.app.idle();
        expect(sent(h).map((c) => [c.method, c.args.user])).toEqual([["chat.postEphemeral", id]]);
        expect(String(sent(h)[0]?.args.text)).toContain("Nothing was approved, rejected or sent.");
        const refusal = (await h.opened.audit.read(`plan:${card.planId}`)).at(-1);
        expect([refusal?.type, refusal?.actor]).toEqual(["decision.refused", actor]);
      }
      expect(await written(card.planId)).toEqual({ approvals: 0, orders: 0, status: "pending-approval" });
    });

    it("Reject by someone who may not read the household opens no dialog", async () => {
      const card = await chenCard();
      for (const [id, actor] of [
        [OUTSIDER, `user:${OUTSIDER}`],
        [NOBODY, `unknown:${NOBODY}`],
        [ALVAREZ_ADVISOR, `user:${ALVAREZ_ADVISOR}`],
      ] as const) {
        h.slack.reset();
        expect((await clickOn(card, id, "reject_plan")).status).toBe(200);
        // The check runs in the listener after the ack (the dialog's trigger lasts 3 s), then the refusal.
        await h.slack.waitFor((calls) => calls.some((c) => c.method === "chat.postEphemeral"));
        await h.app.idle();
        expect(h.slack.callsTo("views.open")).toHaveLength(0);
        const calls = sent(h);
        expect(calls.map((c) => [c.method, c.args.user])).toEqual([["chat.postEphemeral", id]]);
        expect(String(calls[0]?.args.text)).toContain(REFUSAL);
        const refusal = must((await h.opened.audit.read(`plan:${card.planId}`)).at(-1), "the refusal");
        expect(refusal).toMatchObject({
          type: "access.refused",
          actor,
          payload: { action: "household.read" },
        });
      }
      // The household's approver still gets the dialog.
      h.slack.reset();
      await clickOn(card, APPROVER, "reject_plan");
      await h.slack.waitFor((calls) => calls.some((c) => c.method === "views.open"));
      expect(await written(card.planId)).toEqual({ approvals: 0, orders: 0, status: "pending-approval" });
    });
  });
});
