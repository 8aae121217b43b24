// The real quote provider (Tradier's API, or QUOTES_URL), when QUOTES_API_KEY is set; skipped otherwise.
import { describe, expect, it } from "vitest";
import { createHttpQuotes, DEFAULT_QUOTES_URL } from "../../src/market/http-quotes.ts";

describe("live quotes (read-only)", () => {
  it.skipIf(!process.env.QUOTES_API_KEY)(
    "quotes VTI and BND with their own timestamps",
    async () => {
      const provider = createHttpQuotes({
        baseUrl: process.env.QUOTES_URL || DEFAULT_QUOTES_URL,
        apiKey: process.env.QUOTES_API_KEY as string,
      });
      const result = await provider.quotes(["VTI", "BND"]);
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.map((q) => q.symbol).sort()).toEqual(["BND", "VTI"]);
      for (const quote of result.value) {
        expect(quote.price).toMatch(/^\d+(\.\d+)?$/);
        expect(Number.isNaN(Date.parse(quote.asOf))).toBe(false);
      }
    },
    60_000,
  );
});
