// A real-time quote provider over HTTP, following Tradier's market data API (documentation.tradier.com,
// "Get quotes"; custodian-formats.md §6 for its JSON quirks):
//   GET {base}/markets/quotes?symbols=VTI,BND&greeks=false
//   Authorization: Bearer <API key>, Accept: application/json
//   -> {"quotes":{"quote":[{symbol, last, trade_date (ms since the epoch), bid, ask, close, ...}],
//                 "unmatched_symbols":{"symbol":"XYZ"}}}
// Quirks handled: one quote comes back as an object, not a one-element array (likewise one
// unmatched symbol); no quotes at all is "quotes":"null" or {"unmatched_symbols":…} alone.
// Prices are JSON numbers, read exactly from the text. Each quote is dated by its own trade_date,
// and flagged stale when that is older than the freshness limit. 5xx answers and timeouts are
// retried; a 401 is a clear error about the API key.

import { describeUrl, type HttpOptions, httpGet } from "../custodians/sync/http-get.ts";
import {
  decimalField,
  field,
  isRecord,
  parseJsonReply,
  stringField,
} from "../custodians/sync/json-fields.ts";
import { Decimal } from "../domain/decimal.ts";
import { ok, type Problem, problem, type Result } from "../domain/result.ts";
import type { PriceSource, Quote } from "../ports/price-source.ts";

export const DEFAULT_QUOTES_URL = "https://api.tradier.com/v1";

export interface HttpQuotesOptions {
  /** The provider's API base, e.g. https://api.tradier.com/v1 (sandbox: https://sandbox.tradier.com/v1). */
  baseUrl: string;
  apiKey: string;
  /** Recorded as each price's source (default "tradier"). */
  name?: string;
  now?: () => Date;
  /** A quote older than this when it arrives is flagged stale (default 300 s, the plans' rule). */
  maxAgeSeconds?: number;
  /** Symbols per request (default 100). */
  batchSize?: number;
  http?: HttpOptions;
}

export function createHttpQuotes(options: HttpQuotesOptions): PriceSource {
  const name = options.name ?? "tradier";
  const base = options.baseUrl.endsWith("/") ? options.baseUrl : `${options.baseUrl}/`;
  const now = options.now ?? (() => new Date());
  const maxAgeMs = (options.maxAgeSeconds ?? 300) * 1000;
  const batchSize = options.batchSize ?? 100;
  return {
    name,
    async quotes(symbols) {
      const unique = [
        ...new Set(symbols.map((symbol) => symbol.trim().toUpperCase()).filter((s) => s !== "")),
      ];
      const quotes: Quote[] = [];
      for (let start = 0; start < unique.length; start += batchSize) {
        const batch = unique.slice(start, start + batchSize);
        const url = new URL("markets/quotes", base);
        url.searchParams.set("symbols", batch.join(","));
        url.searchParams.set("greeks", "false");
        const reply = await httpGet(
          url,
          { Authorization: `Bearer ${options.apiKey}`, Accept: "application/json" },
          options.http,
        );
        if (!reply.ok) return problem(reply.error.code, `quotes: ${reply.error.message}`);
        const { status, text } = reply.value;
        if (status === 401 || status === 403) {
          return problem(
            "quotes.unauthorized",
            `the quote provider refused the API key (${status}): check QUOTES_API_KEY (and QUOTES_URL: a sandbox key only works on the sandbox)`,
          );
        }
        if (status < 200 || status > 299) {
          return problem(
            "quotes.http-error",
            `the quote provider answered ${status} to ${describeUrl(url)}: ${text.replace(/\s+/g, " ").trim().slice(0, 200)}`,
          );
        }
        const parsed = readQuotes(text, batch, now().getTime(), maxAgeMs);
        if (!parsed.ok) return parsed;
        quotes.push(...parsed.value);
      }
      return ok(quotes);
    },
  };
}

function readQuotes(
  text: string,
  asked: readonly string[],
  nowMs: number,
  maxAgeMs: number,
): Result<Quote[], Problem> {
  const parsed = parseJsonReply(text);
  if (!parsed.ok)
    return problem("quotes.bad-response", `the quote provider's reply is not JSON: ${parsed.message}`);
  const container = field(parsed.value, "quotes");
  if (container === "null" || container === null) return ok([]);
  if (!isRecord(container)) return problem("quotes.bad-response", 'the reply has no "quotes" object');
  const raw = field(container, "quote");
  const rows = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const wanted = new Set(asked);
  const quotes: Quote[] = [];
  for (const row of rows) {
    const symbol = stringField(row, "symbol")?.toUpperCase();
    const price = decimalField(row, "last");
    const tradeDate = decimalField(row, "trade_date");
    // No trade yet (a new listing, a fund without a NAV) or a symbol nobody asked for: no quote.
    if (!symbol || !wanted.has(symbol) || price === undefined || tradeDate === undefined) continue;
    if (!/^\d{10,16}$/.test(tradeDate) || !new Decimal(price).greaterThan(0)) continue;
    const asOfMs = Number(tradeDate);
    quotes.push({
      symbol,
      price,
      asOf: new Date(asOfMs).toISOString(),
      kind: "QUOTE",
      stale: nowMs - asOfMs > maxAgeMs,
    });
  }
  // unmatched_symbols ({"symbol": "X"} or {"symbol": ["X","Y"]}) needs no handling: absent is absent.
  return ok(quotes);
}
