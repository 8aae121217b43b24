// Secrets never reach the append-only audit log, however deep they sit in a payload and wherever
// they appear in its text.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyChain } from "../../src/audit/chain.ts";
import { scrubSecrets } from "../../src/audit/scrub-secrets.ts";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { withCredentialSomewhere } from "../support/secret-arbitraries.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

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

  it("scrubs a token pasted into the advisor's text (was kept: only keys were checked)", () => {
    expect(scrubSecrets({ text: "my token is xoxp-1234-5678-abcd, rebalance the Chen household" })).toEqual({
      text: "my token is [redacted], rebalance the Chen household",
    });
  });

  it("scrubs an API key inside a model error's message", () => {
    expect(
      scrubSecrets({ status: 401, message: "invalid x-api-key: sk-ant-api03-abc123", retryable: false }),
    ).toEqual({ status: 401, message: "invalid x-api-key: [redacted]", retryable: false });
  });

  it("keeps token usage: counts of tokens are not credentials", () => {
    const usage = { input_tokens: 412, output_tokens: 58, cache_read_input_tokens: 0 };
    expect(scrubSecrets({ usage })).toEqual({ usage });
  });

  it("no credential planted anywhere in a JSON payload survives", () => {
    fc.assert(
      fc.property(withCredentialSomewhere(), ({ value, secret }) => {
        const payload = JSON.parse(JSON.stringify(value)) as unknown;
        expect(JSON.stringify(scrubSecrets(payload))).not.toContain(secret);
      }),
    );
  });
});

describe(`a pasted token in the stored audit log (${BACKEND})`, () => {
  let db: TestDatabase;
  const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db?.close());

  it("is stored scrubbed, and the chain over the scrubbed payload verifies", async () => {
    const audit = createPrismaAuditLog(db.prisma, clock);
    await audit.append({
      stream: "conversation:pasted",
      type: "message.received",
      actor: "user:U0ADVISOR1",
      payload: { text: "my token is xoxp-1234-5678-abcd", headers: { authorization: "Bearer xoxb-9-8-7" } },
    });
    const rows = await db.prisma.auditEvent.findMany({ where: { stream: "conversation:pasted" } });
    expect(rows.map((row) => row.payload)).toEqual([
      { text: "my token is [redacted]", headers: { authorization: "[redacted]" } },
    ]);
    expect(verifyChain(await audit.read("conversation:pasted"))).toEqual([]);
  });
});
