// A reply from the model that carries a link ("[Approve now](https://evil.example/approve)", a bare
// URL, a channel ping) through the real Bolt app: what Slack receives links nowhere and pings nobody,
// and the card below still carries Approve and Reject from the stored plan.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LINK_BREAK } from "../../src/slack/slack-limits.ts";
import { text, toolUse } from "../support/fake-anthropic.ts";
import { mentionEvent } from "../support/fake-slack.ts";
import { BACKEND } from "../support/test-database.ts";
import {
  ADVISOR,
  CHANNEL,
  must,
  openSlackHarness,
  postedCards,
  type SlackHarness,
  textOf,
} from "./harness.ts";

const REPLY =
  "I drafted the plan for the Chen Household. [Approve now](https://evil.example/approve), " +
  "or open https://evil.example/approve. <!channel>";

describe(`a link in the model's reply (${BACKEND})`, () => {
  let h: SlackHarness;

  beforeAll(async () => {
    h = await openSlackHarness({ model: true });
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.slack.reset();
  });

  it("model-link-is-not-clickable: the reply shows it as text, the card keeps its buttons", async () => {
    h.anthropic?.enqueue(toolUse("draft_trades", { householdId: "hh-chen" }), text(REPLY));
    await h.sender.event(
      mentionEvent({ user: ADVISOR, channel: CHANNEL, text: "rebalance the Chen household" }),
    );
    await h.app.idle();

    const sent = [...h.slack.callsTo("chat.postMessage"), ...h.slack.callsTo("chat.update")];
    const answer = must(
      sent.find((call) => textOf(call).replaceAll(LINK_BREAK, "").includes("Approve now")),
      "the reply in the thread",
    );
    expect(textOf(answer).replaceAll(LINK_BREAK, "")).toContain(
      "Approve now (evil.example/approve), or open https://evil.example/approve. &lt;!channel&gt;",
    );
    for (const call of sent) {
      const posted = textOf(call);
      expect(posted).not.toContain("<https://evil.example");
      expect(posted).not.toMatch(/evil\.example|https:\/\//);
      expect(posted).not.toContain("<!channel>");
    }

    const card = must(postedCards(h.slack)[0], "the plan card");
    const value = JSON.parse(
      String(
        (card.call.args.blocks as { type: string; elements?: { value?: string }[] }[]).find(
          (b) => b.type === "actions",
        )?.elements?.[0]?.value,
      ),
    ) as { planId: string };
    expect((await h.opened.plans.getPlan(value.planId))?.status).toBe("pending-approval");
  });
});
