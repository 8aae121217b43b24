// Slack wants every request acknowledged within 3 s: the HTTP 200 goes out before the model, the
// approval or the custodians run, even with Bolt holding responses until listeners return
// (processBeforeResponse). And the model path: the real SDK against the fake Messages API, the
// progress message naming each tool as it runs, the reply, then the card from the stored plan.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { text, toolUse } from "../support/fake-anthropic.ts";
import { blockActions, mentionEvent, nextTs } from "../support/fake-slack.ts";
import { BACKEND } from "../support/test-database.ts";
import {
  ADVISOR,
  APPROVER,
  blocksOf,
  CHANNEL,
  must,
  openSlackHarness,
  postedCards,
  type SlackHarness,
  textOf,
} from "./harness.ts";

const CHEN_REPLY =
  "I drafted a plan for the Chen Household with 11 trades; it realises $60,119.60 of long-term gains.";
const SLOW_MS = 4_000;

describe(`acknowledging and the model path (${BACKEND})`, () => {
  let h: SlackHarness;
  let decisions = 0;

  beforeAll(async () => {
    h = await openSlackHarness({
      model: true,
      processBeforeResponse: true,
      override: (real) => ({
        // A slow approval service: the click must still be acknowledged at once.
        decide: async (request) => {
          decisions += 1;
          await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
          return real.decide(request);
        },
      }),
    });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.slack.reset();
  });

  it("ack-comes-before-slow-work: a mention answered by a slow model is acknowledged at once", async () => {
    h.anthropic?.enqueue(
      { status: 200, body: toolUse("find_household", { query: "Chen" }), delayMs: SLOW_MS },
      toolUse("draft_trades", { householdId: "hh-chen" }),
      text(CHEN_REPLY),
    );
    const sent = Date.now();
    const response = await h.sender.event(
      mentionEvent({ user: ADVISOR, channel: CHANNEL, text: "rebalance the Chen household" }),
    );
    expect(response.status).toBe(200);
    expect(response.at - sent).toBeLessThan(1_500);
    // Nothing was answered yet when Slack got its 200: the model alone takes SLOW_MS.
    expect(postedCards(h.slack)).toHaveLength(0);

    await h.app.idle();
    expect(Date.now() - sent).toBeGreaterThanOrEqual(SLOW_MS);
    expect(postedCards(h.slack)).toHaveLength(1);
  });

  it("model-path: progress names each tool, the reply passes the guard, the card is the stored plan", async () => {
    h.anthropic?.enqueue(
      toolUse("find_household", { query: "Chen" }),
      toolUse("get_positions", { householdId: "hh-chen" }),
      toolUse("draft_trades", { householdId: "hh-chen" }),
      text(CHEN_REPLY),
    );
    const mention = mentionEvent({ user: ADVISOR, channel: CHANNEL, text: "rebalance the Chen household" });
    await h.sender.event(mention);
    await h.app.idle();
    const progress = h.slack.callsTo("chat.postMessage")[0];
    expect(String(progress?.args.text)).toContain("Working on it");
    const edits = h.slack.callsTo("chat.update").filter((c) => c.args.ts === progress?.response?.ts);
    const shown = edits.map((c) => String(c.args.text)).join("\n");
    expect(shown).toContain("Finding the household (find_household)");
    expect(shown).toContain("Reading positions and prices (get_positions)");
    expect(shown).toContain("Drafting the trades (draft_trades)");
    // The progress message ends as the model's reply (it passed the number guard).
    const reply = must(edits.at(-1), "the reply");
    expect(textOf(reply)).toContain("$60,119.60");
    expect(textOf(reply)).not.toContain("rules engine alone");
    const card = must(postedCards(h.slack)[0], "the card");
    expect(card.threadTs).toBe(mention.ts);
    expect(textOf(card.call)).toContain("SELL 577 VTI");
  });

  it("a model reply that pings the channel is posted inert", async () => {
    h.anthropic?.enqueue(text("<!channel> Which household do you mean? <https://evil.example|click>"));
    await h.sender.event(mentionEvent({ user: ADVISOR, channel: CHANNEL, text: "rebalance" }));
    await h.app.idle();
    const posted = h.slack.callsTo("chat.update").map(textOf).join("\n");
    expect(posted).toContain("&lt;!channel&gt;");
    expect(posted).not.toContain("<!channel>");
  });

  it("ack-comes-before-slow-work: an Approve click is acknowledged before the approval service answers", async () => {
    h.anthropic?.enqueue(toolUse("draft_trades", { householdId: "hh-chen" }), text(CHEN_REPLY));
    await h.sender.event(
      mentionEvent({ user: ADVISOR, channel: CHANNEL, text: "rebalance the Chen household" }),
    );
    await h.app.idle();
    const card = must(postedCards(h.slack)[0], "the card");
    const before = decisions;
    const sent = Date.now();
    const response = await h.sender.interaction(
      blockActions({
        user: APPROVER,
        channel: CHANNEL,
        message: { ts: card.ts, thread_ts: card.threadTs, blocks: blocksOf(card.call) },
        actionId: "approve_plan",
      }),
    );
    expect(response.status).toBe(200);
    expect(response.at - sent).toBeLessThan(1_500);
    // The clicker is resolved to a principal first, then the (slow) approval service is called.
    await vi.waitFor(() => expect(decisions).toBe(before + 1), { timeout: 2_000 });
    expect(await h.db.prisma.approval.count()).toBe(0);
    await h.app.idle();
    expect(await h.db.prisma.approval.count()).toBe(1);
    expect(await h.db.prisma.order.count()).toBe(11);
  });

  it("the assistant surface: a new thread is greeted with prompts, a message shows its status", async () => {
    const dm = "D0ASSIST";
    const threadTs = nextTs();
    await h.sender.event({
      type: "assistant_thread_started",
      assistant_thread: { user_id: ADVISOR, context: {}, channel_id: dm, thread_ts: threadTs },
    });
    await h.app.idle();
    expect(h.slack.callsTo("chat.postMessage")[0]?.args).toMatchObject({ channel: dm, thread_ts: threadTs });
    expect(h.slack.callsTo("assistant.threads.setSuggestedPrompts")[0]?.args).toMatchObject({
      channel_id: dm,
      thread_ts: threadTs,
    });

    h.anthropic?.enqueue(
      toolUse("find_household", { query: "Okafor" }),
      text("The Okafor household is within its bands."),
    );
    await h.sender.event({
      type: "message",
      channel_type: "im",
      channel: dm,
      user: ADVISOR,
      text: "How far has the Okafor household drifted?",
      ts: nextTs(),
      thread_ts: threadTs,
    });
    await h.app.idle();
    const statuses = h.slack.callsTo("assistant.threads.setStatus").map((c) => String(c.args.status));
    expect(statuses[0]).toBe("is working on it…");
    expect(statuses).toContain("is finding the household (find_household)…");
    const reply = must(h.slack.callsTo("chat.postMessage").at(-1), "the reply");
    expect(reply.args).toMatchObject({ channel: dm, thread_ts: threadTs });
    expect(textOf(reply)).toContain("within its bands");
  });
});
