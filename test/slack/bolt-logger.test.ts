// Bolt logs through pino as objects (not JSON strings), so the same redaction sees every key; its
// string messages (Bolt logs whole request bodies at debug) are scrubbed too.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.ts";
import { boltLogger } from "../../src/slack/bolt-logger.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const bolt = boltLogger(createLogger({ level: "debug", pretty: false }, stream));
  return {
    bolt,
    text: () => lines.join(""),
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe("boltLogger", () => {
  it("hands pino the objects Bolt logs, so credentials under their keys are redacted", () => {
    const { bolt, text, entries } = capture();
    bolt.warn(
      "http request failed",
      { headers: { Authorization: "Bearer xoxb-111-222-boltHeader" }, config: { appToken: "opaque-app" } },
      42,
    );
    expect(text()).not.toMatch(/xoxb-111-222-boltHeader|opaque-app/);
    expect(entries()[0]).toMatchObject({
      level: 40,
      component: "slack",
      msg: "http request failed",
      parts: [{ headers: { Authorization: "[redacted]" }, config: { appToken: "[redacted]" } }, 42],
    });
  });

  it("puts an Error under err, its message and stack redacted", () => {
    const { bolt, text, entries } = capture();
    bolt.error("listener failed:", new Error("An API error occurred: invalid_auth xoxb-333-444-boltErr"));
    expect(text()).not.toContain("xoxb-333-444-boltErr");
    expect(entries()[0]).toMatchObject({
      level: 50,
      msg: "listener failed: An API error occurred: invalid_auth [redacted]",
      err: { type: "Error", message: "An API error occurred: invalid_auth [redacted]" },
    });
  });

  it("scrubs a request body Bolt logs as a JSON string: its token field and a pasted token", () => {
    const { bolt, text, entries } = capture();
    const body = {
      token: "verificationTokenValue",
      event: { type: "app_mention", text: "my token is xoxp-1234-5678-abcd, rebalance Chen" },
    };
    bolt.debug(JSON.stringify(body));
    expect(text()).not.toMatch(/verificationTokenValue|xoxp-1234-5678-abcd/);
    expect(JSON.parse(String(entries()[0]?.msg))).toEqual({
      token: "[redacted]",
      event: { type: "app_mention", text: "my token is [redacted], rebalance Chen" },
    });
  });

  it("logs plain messages as they are", () => {
    const { bolt, entries } = capture();
    bolt.info("Now connected to Slack");
    expect(entries()[0]).toMatchObject({ level: 30, component: "slack", msg: "Now connected to Slack" });
    expect(entries()[0]).not.toHaveProperty("parts");
  });
});
