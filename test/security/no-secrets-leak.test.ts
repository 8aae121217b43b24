// Secrets never leave: the real Bolt app on a real database, configured with recognisable fake
// credentials, handles a flow that meets every one of them (the configuration logged whole, a
// model error whose message quotes the API key, a Slack error quoting the bot token, an advisor
// pasting a token into a mention, Bolt's own debug logs of request bodies), and then neither the
// captured log output nor any audit_event row holds any of them.
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import {
  ADVISOR,
  CHANNEL,
  openSlackHarness,
  postedCards,
  SIGNING_SECRET,
  type SlackHarness,
} from "../slack/harness.ts";
import { apiError, text, toolUse } from "../support/fake-anthropic.ts";
import { mentionEvent } from "../support/fake-slack.ts";
import { BACKEND } from "../support/test-database.ts";

const BOT_TOKEN = "xoxb-7001-8002-LeakCanaryBotToken";
const APP_TOKEN = "xapp-1-A0LEAK-9003-LeakCanaryAppToken";
const ANTHROPIC_API_KEY = "sk-ant-api03-LeakCanaryAnthropicKey-0042";
const DATABASE_PASSWORD = "LeakCanaryDatabasePassword";
const SCHWAB_ACCESS_TOKEN = "LeakCanarySchwabAccessToken";
const PASTED_TOKEN = "xoxp-1234-5678-LeakCanaryPastedToken";

const ENV = {
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_APP_TOKEN: APP_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  ANTHROPIC_API_KEY,
  DATABASE_URL: `postgres://lotwise:${DATABASE_PASSWORD}@db.internal:5432/lotwise`,
  SCHWAB_ACCESS_TOKEN,
};
const SECRETS = {
  BOT_TOKEN,
  APP_TOKEN,
  SIGNING_SECRET,
  ANTHROPIC_API_KEY,
  DATABASE_PASSWORD,
  SCHWAB_ACCESS_TOKEN,
  PASTED_TOKEN,
};

// The model quotes the pasted token back: the reply goes to Slack (logged at debug by the Web API
// client) and into the audit log.
const CHEN_REPLY = `I drafted a plan for the Chen Household with 11 trades; it realises $60,119.60 of long-term gains. Please revoke ${PASTED_TOKEN} and never paste tokens into Slack.`;

function leaksIn(haystack: string): string[] {
  return Object.entries(SECRETS)
    .filter(([, secret]) => haystack.includes(secret))
    .map(([name]) => name);
}

describe(`no secret reaches the logs or the audit log (${BACKEND})`, () => {
  let h: SlackHarness;
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });

  beforeAll(async () => {
    h = await openSlackHarness({ model: true, env: ENV, logDestination: logStream });
  });
  afterAll(async () => {
    await h?.close();
  });

  it("a mention handled end to end leaves every credential out of the log output and every audit_event row", async () => {
    const anthropic = h.anthropic;
    if (!anthropic) throw new Error("expected the fake Messages API");
    // A careless debug line: the whole configuration and the environment.
    const config = loadConfig({ ...ENV, ANTHROPIC_BASE_URL: anthropic.url }, { isTty: false });
    h.deps.logger.debug({ config, env: ENV }, "configuration");
    // The model API fails once, quoting the key; the retry goes through.
    anthropic.enqueue(
      apiError(500, "api_error", `upstream refused x-api-key ${ANTHROPIC_API_KEY}`, {
        "retry-after-ms": "0",
      }),
      toolUse("find_household", { query: "Chen" }),
      toolUse("draft_trades", { householdId: "hh-chen" }),
      text(CHEN_REPLY),
    );
    // Slack refuses one progress edit with an error that quotes the bot token.
    h.slack.failWith("chat.update", `invalid_auth for ${BOT_TOKEN}`, 1);

    const mention = mentionEvent({
      user: ADVISOR,
      channel: CHANNEL,
      text: `rebalance the Chen household; my token is ${PASTED_TOKEN}`,
    });
    expect((await h.sender.event(mention)).status).toBe(200);
    await h.app.idle();

    // The flow really ran on these credentials.
    expect(postedCards(h.slack)).toHaveLength(1);
    // The failed call, two tool turns, the reply, and the guard's re-ask: the reply quoted digits of a
    // token the model was never sent (the advisor's text is redacted before it is stored or sent).
    expect(anthropic.requests.length).toBe(5);
    // The advisor's message reached the model redacted (the scripted reply quotes the token itself).
    expect(JSON.stringify(anthropic.requests[0]?.body)).toContain("my token is [redacted]");
    expect(JSON.stringify(anthropic.requests[0]?.body)).not.toContain(PASTED_TOKEN);
    expect(anthropic.requests[0]?.headers.authorization).toBe(`Bearer ${ANTHROPIC_API_KEY}`);
    expect(h.slack.calls.some((call) => call.authorization === `Bearer ${BOT_TOKEN}`)).toBe(true);

    const logText = lines.join("");
    const rows = await h.db.prisma.auditEvent.findMany({ orderBy: { globalSeq: "asc" } });
    const auditText = JSON.stringify(rows, (_key, value) =>
      typeof value === "bigint" ? value.toString() : value,
    );

    // And met each one: redacted where it was, not dropped.
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.find((e) => e.msg === "configuration")).toMatchObject({
      config: { slack: { botToken: "[redacted]", appToken: "[redacted]", signingSecret: "[redacted]" } },
      env: { ANTHROPIC_API_KEY: "[redacted]", DATABASE_URL: "[redacted]" },
    });
    expect(entries.find((e) => e.msg === "could not update the progress message")).toMatchObject({
      err: { message: "An API error occurred: invalid_auth for [redacted]" },
    });
    // The model's reply quoting the token is recorded redacted, and never posted: its digits are in no
    // tool result or (redacted) advisor message, so the number guard stops it.
    expect(auditText).toContain("Please revoke [redacted] and never paste tokens");
    expect(rows.some((row) => row.type === "guard.failed")).toBe(true);
    const payloads = rows.map((row) => ({ type: row.type, payload: row.payload }));
    expect(payloads).toContainEqual({
      type: "model.error",
      payload: expect.objectContaining({ message: "upstream refused x-api-key [redacted]" }),
    });
    expect(payloads).toContainEqual({
      type: "message.received",
      payload: expect.objectContaining({ text: "rebalance the Chen household; my token is [redacted]" }),
    });

    expect(leaksIn(logText)).toEqual([]);
    expect(leaksIn(auditText)).toEqual([]);
  });
});
