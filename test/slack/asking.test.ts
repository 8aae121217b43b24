// Asking in Slack, end to end: signed requests into the real Bolt app (HTTP receiver), the real
// assistant on a seeded database, and every Web API call recorded by the fake Slack. No key here:
// the deterministic fallback answers (the model path is in ack-and-model.test.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AUDIT_REFUSED } from "../../src/slack/listeners/slash-command.ts";
import { slackThreadKey } from "../../src/slack/thread-key.ts";
import { directMessageEvent, mentionEvent, nextTs, slashCommand, TEAM_ID } from "../support/fake-slack.ts";
import { BACKEND } from "../support/test-database.ts";
import {
  ADVISOR,
  blocksOf,
  CHANNEL,
  COMPLIANCE,
  must,
  openSlackHarness,
  postedCards,
  type SlackHarness,
  textOf,
} from "./harness.ts";

describe(`asking in Slack (${BACKEND})`, () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await openSlackHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.slack.reset();
  });

  it("signed-mention-gets-progress-card-and-buttons", async () => {
    const mention = mentionEvent({ user: ADVISOR, channel: CHANNEL, text: "rebalance the Chen household" });
    const response = await h.sender.event(mention);
    expect(response.status).toBe(200);
    await h.app.idle();

    const calls = h.slack.calls.filter((c) => c.method !== "auth.test");
    // Progress first: "Working on it…" in the mention's thread, then edits as each tool runs.
    const first = calls[0];
    expect(first?.method).toBe("chat.postMessage");
    expect(first?.args).toMatchObject({ channel: CHANNEL, thread_ts: mention.ts });
    expect(String(first?.args.text)).toContain("Working on it");
    const progressTs = String(first?.response?.ts);
    const edits = h.slack.callsTo("chat.update").filter((c) => c.args.ts === progressTs);
    expect(edits.map((c) => String(c.args.text)).join("\n")).toMatch(
      /Finding the household \(find_household\)/,
    );
    expect(edits.map((c) => String(c.args.text)).join("\n")).toMatch(/draft_trades/);
    // The last edit of the progress message is the answer itself.
    expect(textOf(must(edits.at(-1), "the answer"))).toContain("rules engine");

    // Then the card, in the same thread, from the stored plan, with both buttons.
    const cards = postedCards(h.slack);
    expect(cards).toHaveLength(1);
    const card = must(cards[0], "the card");
    expect(card.threadTs).toBe(mention.ts);
    const blocks = blocksOf(card.call);
    expect(blocks[0]).toMatchObject({ type: "header", text: { text: "Plan for Chen Household" } });
    const text = textOf(card.call);
    expect(text).toContain("SELL 577 VTI");
    expect(text).toContain("Data as of");
    expect(text).toContain("Harvested losses");
    expect(text).toContain(`asked by <@${ADVISOR}>`);
    const actions = blocks.find((b) => b.type === "actions");
    expect(actions?.elements?.map((e) => e.action_id)).toEqual(["approve_plan", "reject_plan"]);
    const value = JSON.parse(actions?.elements?.[0]?.value ?? "{}");
    const stored = await h.opened.plans.getPlan(value.planId);
    expect(stored?.hash).toBe(value.planHash);
    expect(stored?.status).toBe("pending-approval");

    // The thread is the conversation, and the plan records the Slack user who asked (four eyes).
    const conversation = await h.opened.conversations.open(
      slackThreadKey({ teamId: TEAM_ID, channel: CHANNEL, threadTs: mention.ts }),
      null,
    );
    const events = await h.opened.audit.read(`conversation:${conversation.id}`);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(["slack.request.received", "slack.reply.posted"]),
    );
    const requester = await h.db.prisma.plan.findUniqueOrThrow({ where: { id: value.planId } });
    expect(requester.requestedBy).toBe(ADVISOR);
    expect(requester.conversationId).toBe(conversation.id);
  });

  it("slash-command-plan-and-help", async () => {
    const help = await h.sender.command(slashCommand({ user: ADVISOR, channel: CHANNEL, text: "help" }));
    expect(help.status).toBe(200);
    expect(JSON.parse(help.body)).toMatchObject({ response_type: "ephemeral" });
    expect(help.body).toContain("/lotwise plan <household>");
    await h.app.idle();
    expect(h.slack.callsTo("chat.postMessage")).toHaveLength(0);

    const plan = await h.sender.command(slashCommand({ user: ADVISOR, channel: CHANNEL, text: "plan Chen" }));
    expect(plan.status).toBe(200);
    expect(plan.body).toBe("");
    await h.app.idle();
    const [root, progress] = h.slack.callsTo("chat.postMessage");
    expect(root?.args).toMatchObject({ channel: CHANNEL });
    expect(root?.args.thread_ts).toBeUndefined();
    expect(String(root?.args.text)).toContain("/lotwise plan Chen");
    expect(progress?.args.thread_ts).toBe(root?.response?.ts);
    const cards = postedCards(h.slack);
    expect(cards).toHaveLength(1);
    expect(cards[0]?.threadTs).toBe(root?.response?.ts);
  });

  it("compliance-audits-a-plan-by-slash-command; an advisor is refused", async () => {
    await h.sender.event(
      mentionEvent({ user: ADVISOR, channel: CHANNEL, text: "rebalance the Chen household" }),
    );
    await h.app.idle();
    const plan = await h.db.prisma.plan.findFirstOrThrow({ where: { householdId: "hh-chen" } });
    const audit = await h.sender.command(
      slashCommand({ user: COMPLIANCE, channel: CHANNEL, text: `audit ${plan.id}` }),
    );
    expect(audit.status).toBe(200);
    await h.app.idle();
    const report = h.slack.callsTo("chat.postEphemeral").at(-1);
    expect(report?.args.user).toBe(COMPLIANCE);
    expect(String(report?.args.text)).toContain("Plan: *identical*");
    expect(String(report?.args.text)).toMatch(/tool calls give the same output; reproduced/);
    await h.sender.command(slashCommand({ user: ADVISOR, channel: CHANNEL, text: `audit ${plan.id}` }));
    await h.app.idle();
    const refused = h.slack.callsTo("chat.postEphemeral").at(-1);
    expect(refused?.args.user).toBe(ADVISOR);
    expect(String(refused?.args.text)).toBe(AUDIT_REFUSED);
    const refusals = (await h.opened.audit.read(`plan:${plan.id}`)).filter(
      (e) => e.type === "access.refused",
    );
    expect(refusals.map((e) => [e.actor, (e.payload as { action: string }).action])).toEqual([
      [`user:${ADVISOR}`, "audit.read"],
    ]);
  });

  it("dm-in-a-thread-keeps-context", async () => {
    const dm = "D0ALICE";
    const first = directMessageEvent({ user: ADVISOR, channel: dm, text: "rebalance the Okafor household" });
    expect((await h.sender.event(first)).status).toBe(200);
    await h.app.idle();
    const replies = h.slack.callsTo("chat.postMessage");
    expect(replies[0]?.args).toMatchObject({ channel: dm, thread_ts: first.ts });

    const followUp = directMessageEvent({
      user: ADVISOR,
      channel: dm,
      text: "and the Chen household?",
      threadTs: first.ts,
    });
    expect((await h.sender.event(followUp)).status).toBe(200);
    await h.app.idle();
    // A reply in a DM thread reaches the assistant surface: the thread's status line shows progress.
    expect(h.slack.callsTo("assistant.threads.setStatus")[0]?.args).toMatchObject({
      channel_id: dm,
      thread_ts: first.ts,
    });
    expect(postedCards(h.slack)[0]?.threadTs).toBe(first.ts);

    const key = slackThreadKey({ teamId: TEAM_ID, channel: dm, threadTs: first.ts });
    const conversation = await h.opened.conversations.open(key, null);
    const texts = (await h.opened.conversations.messages(conversation.id))
      .filter((m) => m.role === "user" && typeof m.content === "string")
      .map((m) => m.content);
    expect(texts).toEqual(["rebalance the Okafor household", "and the Chen household?"]);
    const events = await h.opened.audit.read(`conversation:${conversation.id}`);
    expect(events.filter((e) => e.type === "slack.request.received")).toHaveLength(2);
  });

  it("a redelivered event is answered once", async () => {
    const mention = mentionEvent({ user: ADVISOR, channel: CHANNEL, text: "rebalance the Okafor household" });
    const eventId = `Ev${nextTs().replace(".", "")}`;
    await h.sender.event(mention, { eventId });
    await h.sender.event(mention, { eventId });
    await h.app.idle();
    const progress = h.slack
      .callsTo("chat.postMessage")
      .filter((c) => String(c.args.text).includes("Working"));
    expect(progress).toHaveLength(1);
  });
});
