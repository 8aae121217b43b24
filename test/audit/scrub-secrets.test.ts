// Secrets never reach the append-only audit log, however deep they sit in a payload.
import { describe, expect, it } from "vitest";
import { scrubSecrets } from "../../src/audit/scrub-secrets.ts";

describe("scrubSecrets", () => {
  it("replaces credentials at any depth and keeps everything else", () => {
    expect(
      scrubSecrets({
        apiKey: "sk-ant-123",
        headers: { Authorization: "Bearer xoxb-1", "x-slack-signature": "v0=abc", accept: "json" },
        nested: [{ botToken: "xoxb-2", password: null, quantity: "577" }],
        text: "rebalance the Chen household",
      }),
    ).toEqual({
      apiKey: "[redacted]",
      headers: { Authorization: "[redacted]", "x-slack-signature": "[redacted]", accept: "json" },
      nested: [{ botToken: "[redacted]", password: null, quantity: "577" }],
      text: "rebalance the Chen household",
    });
  });
});
