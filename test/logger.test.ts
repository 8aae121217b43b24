import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger, maskAccountNumber, redactUrl } from "../src/logger.ts";

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger({ level: "info", pretty: false }, stream), text: () => lines.join("") };
}

describe("logger redaction", () => {
  it.each([
    [{ token: "xoxb-123" }],
    [{ slack: { botToken: "xoxb-123" } }],
    [{ anthropic: { apiKey: "sk-ant-123" } }],
    [{ req: { headers: { authorization: "Bearer sk-ant-123" } } }],
    [{ account: { accountNumber: "12345678" } }],
    [{ a: { b: { clientSecret: "s3cret-123" } } }],
  ])("never writes the secret in %j", (fields) => {
    const { logger, text } = capture();
    logger.info(fields, "event");
    expect(text()).not.toMatch(/xoxb-123|sk-ant-123|12345678|s3cret-123/);
    expect(text()).toContain("[redacted]");
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
