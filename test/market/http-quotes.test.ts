// The real-time quote provider (Tradier's quotes API shape) against a local fake: quotes dated by
// their own timestamps and flagged stale, exact prices, the one-object quirk, unknown symbols,
// retries on 5xx and timeouts, and a refused key.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHttpQuotes } from "../../src/market/http-quotes.ts";
import { type FakeQuotes, startFakeQuotes } from "../support/fake-quotes.ts";

const NOW = new Date("2026-11-20T20:03:00.000Z");
const at = (iso: string) => Date.parse(iso);

describe("HTTP quotes (Tradier shape, fake)", () => {
  let fake: FakeQuotes;

  beforeEach(async () => {
    fake = await startFakeQuotes({
      quotes: {
        VTI: { last: "310.1234567890123456", tradeDate: at("2026-11-20T20:02:30.000Z") },
        BND: { last: "72.5", tradeDate: at("2026-11-20T19:40:00.000Z") },
      },
    });
  });
  afterEach(() => fake.close());

  const provider = (
    overrides: { apiKey?: string; timeoutMs?: number; retries?: number; batchSize?: number } = {},
  ) =>
    createHttpQuotes({
      baseUrl: fake.url,
      apiKey: overrides.apiKey ?? fake.apiKey,
      now: () => NOW,
      ...(overrides.batchSize ? { batchSize: overrides.batchSize } : {}),
      http: { retries: overrides.retries ?? 2, retryDelayMs: 1, timeoutMs: overrides.timeoutMs ?? 2000 },
    });

  it("stale-quote-flagged by its own timestamp; fresh ones not; unknown symbols absent; prices exact", async () => {
    const result = await provider().quotes(["VTI", "bnd", "NOPE"]);
    expect(result).toEqual({
      ok: true,
      value: [
        {
          symbol: "VTI",
          price: "310.1234567890123456",
          asOf: "2026-11-20T20:02:30.000Z",
          kind: "QUOTE",
          stale: false,
        },
        { symbol: "BND", price: "72.5", asOf: "2026-11-20T19:40:00.000Z", kind: "QUOTE", stale: true },
      ],
    });
    expect(fake.requests[0]).toMatchObject({
      path: "/v1/markets/quotes",
      symbols: ["VTI", "BND", "NOPE"],
      authorization: `Bearer ${fake.apiKey}`,
      accept: "application/json",
    });
  });

  it('one quote comes back as an object, and none as "null"', async () => {
    expect(await provider().quotes(["VTI"])).toMatchObject({ ok: true, value: [{ symbol: "VTI" }] });
    expect(await provider().quotes(["NOPE", "ZZZ"])).toEqual({ ok: true, value: [] });
  });

  it("5xx-is-retried: two failures, then the quotes", async () => {
    fake.script.push({ kind: "status", status: 503 }, { kind: "status", status: 502 });
    const result = await provider().quotes(["VTI"]);
    expect(result.ok).toBe(true);
    expect(fake.requests).toHaveLength(3);
  });

  it("5xx on every attempt is an error after the retries", async () => {
    fake.script.push(
      { kind: "status", status: 500 },
      { kind: "status", status: 500 },
      { kind: "status", status: 500 },
    );
    const result = await provider().quotes(["VTI"]);
    expect(result).toEqual({
      ok: false,
      error: {
        code: "quotes.http-error",
        message: `the quote provider answered 500 to ${fake.url}/markets/quotes: Internal Server Error`,
      },
    });
    expect(fake.requests).toHaveLength(3);
  });

  it("a slow answer times out and is retried", async () => {
    fake.script.push({ kind: "slow", ms: 1000 });
    const result = await provider({ timeoutMs: 100 }).quotes(["VTI"]);
    expect(result.ok).toBe(true);
    expect(fake.requests).toHaveLength(2);
    fake.script.push({ kind: "slow", ms: 1000 });
    const never = await provider({ timeoutMs: 100, retries: 0 }).quotes(["VTI"]);
    expect(never).toEqual({
      ok: false,
      error: {
        code: "http.timeout",
        message: `quotes: ${fake.url}/markets/quotes did not answer within 100 ms (after 1 attempts)`,
      },
    });
  });

  it("a refused API key is a clear error, not retried", async () => {
    const result = await provider({ apiKey: "wrong" }).quotes(["VTI"]);
    expect(result).toEqual({
      ok: false,
      error: {
        code: "quotes.unauthorized",
        message:
          "the quote provider refused the API key (401): check QUOTES_API_KEY (and QUOTES_URL: a sandbox key only works on the sandbox)",
      },
    });
    expect(fake.requests).toHaveLength(1);
  });

  it("many symbols are asked in batches", async () => {
    const result = await provider({ batchSize: 1 }).quotes(["VTI", "BND"]);
    expect(result.ok && result.value.map((q) => q.symbol)).toEqual(["VTI", "BND"]);
    expect(fake.requests.map((r) => r.symbols)).toEqual([["VTI"], ["BND"]]);
  });
});
