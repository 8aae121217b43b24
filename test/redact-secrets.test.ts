// The one redaction behind the logger and the audit log: credentials by key at any depth and in any
// case, credential shapes inside any string, nothing else touched.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isSecretKey, REDACTED, redactSecrets, redactText } from "../src/redact-secrets.ts";
import { withCredentialSomewhere } from "./support/secret-arbitraries.ts";

describe("isSecretKey", () => {
  it.each([
    "token",
    "Token",
    "botToken",
    "SLACK_BOT_TOKEN",
    "accessToken",
    "refresh_token",
    "secret",
    "clientSecret",
    "SLACK_SIGNING_SECRET",
    "signingSecret",
    "password",
    "PASSWORD",
    "passwd",
    "apiKey",
    "api_key",
    "API-KEY",
    "x-api-key",
    "ANTHROPIC_API_KEY",
    "Authorization",
    "proxy-authorization",
    "cookie",
    "Set-Cookie",
    "x-slack-signature",
    "DATABASE_URL",
    "databaseUrl",
    "connectionString",
    "accountNumber",
    "account_number",
    "acctNo",
    "credentials",
    "privateKey",
  ])("%s names a credential", (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each([
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "max_tokens",
    "tokenizer",
    "accountNumberMasked",
    "threadKey",
    "keyId",
    "householdId",
    "text",
    "url",
  ])("%s does not", (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});

describe("redactText", () => {
  it.each([
    ["call failed with xoxb-123-456-abc", "call failed with [redacted]"],
    ["my token is xoxp-1234-5678-abcd", "my token is [redacted]"],
    ["socket: xapp-1-A0123-456-def", "socket: [redacted]"],
    ["invalid x-api-key sk-ant-api03-Zx_9-aa", "invalid x-api-key [redacted]"],
    ["pasted:xoxb-1-2-3,then", "pasted:[redacted],then"],
    ["Authorization: Bearer abc.def-123", "Authorization: [redacted]"],
    ["sent with bearer eyJhbGciOi.J9-x", "sent with bearer [redacted]"],
    [
      '{"token":"v3rif","input_tokens":412,"password":null}',
      '{"token":"[redacted]","input_tokens":412,"password":null}',
    ],
    ["postgres://lotwise:hunter2@db:5432/lotwise", "postgres://lotwise:[redacted]@db:5432/lotwise"],
    ["DATABASE_URL=postgres://lotwise:hunter2@db:5432/lotwise", "DATABASE_URL=[redacted]"],
    ["GET /files?token=abc123&id=7", "GET /files?token=[redacted]&id=7"],
    ["api key: 12345, account no: 98765432", "api key: [redacted], account no: [redacted]"],
  ])("%s", (text, expected) => {
    expect(redactText(text)).toBe(expected);
  });

  it.each([
    "rebalance the Chen household",
    "used 412 input tokens and 58 output tokens",
    "the bearer instruments. Bearer of bad news",
    "https://docs.firm.com/plans?id=7",
    "SELL 577 VTI (lot 2019-03-04)",
  ])("leaves %s alone", (text) => {
    expect(redactText(text)).toBe(text);
  });
});

describe("redactSecrets", () => {
  it("redacts by key at any depth and in any case, and keeps everything else", () => {
    const value = {
      config: { slack: { bot: { botToken: "xoxb-1", signingSecret: "s3cret" } } },
      env: { ANTHROPIC_API_KEY: "k", DATABASE_URL: "postgres://u:p@h/d", LOG_LEVEL: "info" },
      req: { headers: { Authorization: "Basic dXNlcjpwYXNz", accept: "json" } },
      account: { accountNumber: 12345678, accountNumberMasked: "****5678" },
      usage: { input_tokens: 412, output_tokens: 58 },
      password: null,
      tokenValid: true,
      list: [{ apiKey: { nested: "object" } }],
    };
    expect(redactSecrets(value)).toEqual({
      config: { slack: { bot: { botToken: REDACTED, signingSecret: REDACTED } } },
      env: { ANTHROPIC_API_KEY: REDACTED, DATABASE_URL: REDACTED, LOG_LEVEL: "info" },
      req: { headers: { Authorization: REDACTED, accept: "json" } },
      account: { accountNumber: REDACTED, accountNumberMasked: "****5678" },
      usage: { input_tokens: 412, output_tokens: 58 },
      password: null,
      tokenValid: true,
      list: [{ apiKey: REDACTED }],
    });
  });

  it("redacts token shapes inside strings and keys", () => {
    expect(redactSecrets({ text: ["see xoxb-9-9-z"], "xoxp-1-2-3": 1 })).toEqual({
      text: ["see [redacted]"],
      [REDACTED]: 1,
    });
  });

  it("returns the same value when there is nothing to redact, and leaves the input untouched", () => {
    const clean = { a: 1, b: ["x", { c: "rebalance" }], d: new Date(0), e: null };
    expect(redactSecrets(clean)).toBe(clean);
    const dirty = { keep: { same: true }, token: "xoxb-1-2-3" };
    const out = redactSecrets(dirty) as typeof dirty;
    expect(out.keep).toBe(dirty.keep);
    expect(dirty.token).toBe("xoxb-1-2-3");
  });

  it("survives cycles, and a cycle never leads back to the unredacted original", () => {
    const value: Record<string, unknown> = { token: "xoxb-1-2-3", list: [] };
    value.self = value;
    (value.list as unknown[]).push(value);
    const out = redactSecrets(value);
    expect(JSON.stringify(out)).toBe('{"token":"[redacted]","list":["[circular]"],"self":"[circular]"}');
  });

  it("serialises an Error with its message, stack, fields and cause redacted", () => {
    const cause = new Error("upstream said sk-ant-api03-xyz");
    const error = Object.assign(new Error("call failed with xoxb-123-456-abc", { cause }), {
      data: { ok: false, error: "invalid_auth", token: "xoxb-123-456-abc" },
    });
    const out = redactSecrets({ err: error }) as { err: Record<string, unknown> };
    expect(out.err).toMatchObject({
      type: "Error",
      message: "call failed with [redacted]",
      data: { ok: false, error: "invalid_auth", token: REDACTED },
      cause: { type: "Error", message: "upstream said [redacted]" },
    });
    expect(String(out.err.stack)).toMatch(/^Error: call failed with \[redacted\]\n {4}at /);
    expect(JSON.stringify(out)).not.toMatch(/xoxb-|sk-ant-/);
  });

  it("writes what JSON would for objects with toJSON, redacted (a URL with a password)", () => {
    expect(redactSecrets({ db: new URL("postgres://lotwise:hunter2@db/lotwise") })).toEqual({
      db: "postgres://lotwise:[redacted]@db/lotwise",
    });
  });

  it("replaces containers deeper than maxDepth by a marker, never by the original", () => {
    const deep = { a: { b: { c: { token: "xoxb-1-2-3", text: "x" } } } };
    expect(redactSecrets(deep, { maxDepth: 2 })).toEqual({ a: { b: "[too deep]" } });
  });

  it("copies a __proto__ key as a field, not as the prototype", () => {
    const value = JSON.parse('{"__proto__":{"token":"x"},"secret":"s"}') as object;
    const out = redactSecrets(value) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"token":"[redacted]"},"secret":"[redacted]"}');
  });
});

describe("redactSecrets properties", () => {
  it("a credential embedded anywhere in a random nested structure never survives", () => {
    fc.assert(
      fc.property(withCredentialSomewhere(), ({ value, secret }) => {
        const planted = JSON.stringify(value, (_key, v) => (v instanceof Error ? v.message : v));
        expect(planted).toContain(secret);
        expect(JSON.stringify(redactSecrets(value))).not.toContain(secret);
      }),
      { numRuns: 300 },
    );
  });

  it("a structure with no credential comes back as the same value", () => {
    const word = fc.stringMatching(/^[A-Za-z0-9 ,.]{0,12}$/);
    const key = fc.constantFrom("householdId", "symbol", "quantity", "text", "lots", "warnings", "drift");
    const { tree } = fc.letrec<{ tree: unknown }>((tie) => ({
      tree: fc.oneof(
        { depthSize: "small" },
        fc.oneof(word, fc.integer(), fc.boolean(), fc.constant(null)),
        fc.array(tie("tree"), { maxLength: 4 }),
        fc.dictionary(key, tie("tree"), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(tree, (value) => {
        expect(redactSecrets(value)).toBe(value);
      }),
    );
  });

  it("redacting twice changes nothing more", () => {
    fc.assert(
      fc.property(withCredentialSomewhere(), ({ value }) => {
        const once = redactSecrets(value);
        expect(redactSecrets(once)).toEqual(once);
      }),
    );
  });
});
