// Socket Mode (SLACK_APP_TOKEN): the app opens its connection through apps.connections.open (on
// SLACK_API_URL) with the app token, and the same listeners answer envelopes over the WebSocket:
// each acknowledged at once, the work done after.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockActions, eventEnvelope, mentionEvent } from "../support/fake-slack.ts";
import { BACKEND } from "../support/test-database.ts";
import {
  ADVISOR,
  APP_TOKEN,
  APPROVER,
  blocksOf,
  CHANNEL,
  must,
  openSlackHarness,
  postedCards,
  type SlackHarness,
} from "./harness.ts";

describe(`Socket Mode (${BACKEND})`, () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await openSlackHarness({ socket: true });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("connects with the app token and answers a mention and an approval over the socket", async () => {
    const open = must(h.slack.callsTo("apps.connections.open")[0], "apps.connections.open");
    expect(open.authorization).toBe(`Bearer ${APP_TOKEN}`);
    expect(h.slack.socket.connections).toBe(1);

    const mention = mentionEvent({ user: ADVISOR, channel: CHANNEL, text: "rebalance the Chen household" });
    const ack = await h.slack.socket.send("events_api", eventEnvelope(mention));
    expect(ack.envelope_id).toMatch(/^env-/);
    await h.app.idle();
    const card = must(postedCards(h.slack)[0], "the card");
    expect(card.threadTs).toBe(mention.ts);
    expect(card.call.authorization).toBe("Bearer xoxb-test-token");

    const click = blockActions({
      user: APPROVER,
      channel: CHANNEL,
      message: { ts: card.ts, thread_ts: card.threadTs, blocks: blocksOf(card.call) },
      actionId: "approve_plan",
    });
    await h.slack.socket.send("interactive", click);
    await h.app.idle();
    expect(await h.db.prisma.approval.count()).toBe(1);
    expect(await h.db.prisma.order.count({ where: { status: "FILLED" } })).toBe(11);
  });
});
