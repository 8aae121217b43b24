// The logger never writes a credential: not under a secret key at any depth or in any case, not in
// the message, not inside an error's message or stack, not in a child's bindings.
import { Writable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createLogger, maskAccountNumber, redactUrl } from "../src/logger.ts";
import { withCredentialSomewhere } from "./support/secret-arbitraries.ts";

function capture(level: "info" | "trace" = "info") {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return {
    logger: createLogger({ level, pretty: false }, stream),
    text: () => lines.join(""),
    entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe("logger redaction", () => {
  it.each([
    [{ token: "xoxb-123" }],
    [{ slack: { botToken: "xoxb-123" } }],
    [{ anthropic: { apiKey: "sk-ant-123" } }],
    [{ req: { headers: { authorization: "Bearer sk-ant-123" } } }],
    [{ account: { accountNumber: "12345678" } }],
    [{ a: { b: { clientSecret: "s3cret-123" } } }],
    [{ a: { b: { c: { d: { Password: "s3cret-123" } } } } }],
    [{ headers: { Authorization: "s3cret-123", COOKIE: "session=s3cret-123" } }],
    [{ database: { DATABASE_URL: "postgres://lotwise:s3cret-123@db:5432/lotwise" } }],
    [{ url: "postgres://lotwise:s3cret-123@db:5432/lotwise" }],
  ])("never writes the secret in %j", (fields) => {
    const { logger, text } = capture();
    logger.info(fields, "event");
    expect(text()).not.toMatch(/xoxb-123|sk-ant-123|12345678|s3cret-123/);
    expect(text()).toContain("[redacted]");
  });

  it("a bot token three levels down in the config is redacted (was written in clear)", () => {
    const { logger, entries } = capture();
    logger.info({ config: { slack: { bot: { botToken: "xoxb-900-800-configToken" } } } });
    expect(entries()[0]).toMatchObject({ config: { slack: { bot: { botToken: "[redacted]" } } } });
  });

  it("an upper-case ANTHROPIC_API_KEY in the environment is redacted (was written in clear)", () => {
    const { logger, text, entries } = capture();
    logger.info({ env: { ANTHROPIC_API_KEY: "sk-ant-api03-envKey", LOG_LEVEL: "info" } }, "environment");
    expect(entries()[0]).toMatchObject({ env: { ANTHROPIC_API_KEY: "[redacted]", LOG_LEVEL: "info" } });
    expect(text()).not.toContain("sk-ant-api03-envKey");
  });

  it("a token inside an error's message is redacted in err.message, err.stack and msg (was written in clear)", () => {
    const { logger, text, entries } = capture();
    logger.error({ err: new Error("call failed with xoxb-123-456-abc") });
    logger.error(new Error("socket refused xapp-1-A01-222-abc"));
    expect(text()).not.toMatch(/xoxb-123-456-abc|xapp-1-A01-222-abc/);
    const [first, second] = entries();
    expect(first).toMatchObject({
      msg: "call failed with [redacted]",
      err: { type: "Error", message: "call failed with [redacted]" },
    });
    expect((first?.err as { stack?: string } | undefined)?.stack).toMatch(
      /^Error: call failed with \[redacted\]\n/,
    );
    expect(second).toMatchObject({
      msg: "socket refused [redacted]",
      err: { message: "socket refused [redacted]" },
    });
  });

  it("scrubs the message and its format arguments", () => {
    const { logger, text } = capture();
    logger.warn("token xoxp-1234-5678-abcd was refused for %s", "sk-ant-api03-arg");
    expect(text()).not.toMatch(/xoxp-1234-5678-abcd|sk-ant-api03-arg/);
    expect(text()).toContain('"msg":"token [redacted] was refused for [redacted]"');
  });

  it("redacts a child's bindings, and its children's", () => {
    const { logger, text } = capture();
    logger.child({ slackToken: "xoxb-child-1" }).child({ note: "pasted xoxp-9-8-7" }).info("event");
    expect(text()).not.toMatch(/xoxb-child-1|xoxp-9-8-7/);
    expect(text()).toContain('"slackToken":"[redacted]"');
  });

  it("keeps what is not a secret: token counts, masked numbers, the message", () => {
    const { logger, entries } = capture();
    logger.info(
      { usage: { input_tokens: 412, output_tokens: 58 }, accountNumberMasked: "****4821" },
      "model answered",
    );
    expect(entries()[0]).toMatchObject({
      usage: { input_tokens: 412, output_tokens: 58 },
      accountNumberMasked: "****4821",
      msg: "model answered",
    });
  });

  it("a cycle, or a field that throws when read, does not crash the caller", () => {
    const { logger, text } = capture();
    const cyclic: Record<string, unknown> = { token: "xoxb-cyc-1" };
    cyclic.self = cyclic;
    const hostile = {
      get boom(): string {
        throw new Error("xoxb-getter-1");
      },
    };
    expect(() => logger.info({ cyclic }, "cyclic")).not.toThrow();
    expect(() => logger.info({ hostile }, "hostile")).not.toThrow();
    expect(text()).not.toMatch(/xoxb-cyc-1|xoxb-getter-1/);
    expect(text()).toContain('"self":"[circular]"');
  });

  it("no credential planted anywhere in a logged structure reaches the output", () => {
    fc.assert(
      fc.property(withCredentialSomewhere(), ({ value, secret }) => {
        const { logger, text } = capture();
        logger.info({ value }, "event");
        logger.info(value, "event");
        expect(text()).not.toContain(secret);
      }),
      { numRuns: 200 },
    );
  });

  it("masks account numbers to their last four", () => {
    expect(maskAccountNumber("1234-5678-9012")).toBe("****9012");
  });

  it("removes the password from a database URL", () => {
    expect(redactUrl("postgres://lotwise:hunter2@db:5432/lotwise")).toBe(
      "postgres://lotwise:****@db:5432/lotwise",
    );
  });
});
