// A local stand-in for Tradier's quotes API (GET /v1/markets/quotes?symbols=A,B&greeks=false,
// documentation.tradier.com): bearer-token auth (401 "Invalid Access Token" otherwise), JSON only
// when asked for, one quote as an object and several as an array, unknown symbols under
// "unmatched_symbols", and "quotes":"null"-style emptiness. Prices are written into the body as
// given (raw number text). Tests script failures (5xx, slow answers) for the coming requests.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeQuote {
  /** JSON number text, e.g. "310.12". */
  last: string;
  /** Milliseconds since the epoch (Tradier's trade_date). */
  tradeDate: number;
}

export type QuoteScript = { kind: "status"; status: number } | { kind: "slow"; ms: number };

export interface FakeQuotes {
  /** The API base to configure (…/v1). */
  url: string;
  apiKey: string;
  quotes: Map<string, FakeQuote>;
  /** What the coming requests do instead of answering normally, first in first out. */
  script: QuoteScript[];
  requests: {
    path: string;
    symbols: string[];
    authorization: string | undefined;
    accept: string | undefined;
  }[];
  close(): Promise<void>;
}

export async function startFakeQuotes(
  options: { apiKey?: string; quotes?: Record<string, FakeQuote> } = {},
): Promise<FakeQuotes> {
  const state = {
    apiKey: options.apiKey ?? "quotes-test-key",
    quotes: new Map(Object.entries(options.quotes ?? {})),
    script: [] as QuoteScript[],
    requests: [] as FakeQuotes["requests"],
  };
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const symbols = (url.searchParams.get("symbols") ?? "").split(",").filter((s) => s !== "");
    state.requests.push({
      path: url.pathname,
      symbols,
      authorization: req.headers.authorization,
      accept: req.headers.accept,
    });
    const step = state.script.shift();
    const answer = () => {
      if (step?.kind === "status") {
        res.writeHead(step.status, { "content-type": "text/plain" });
        res.end(step.status === 503 ? "Service Unavailable" : "Internal Server Error");
        return;
      }
      if (req.headers.authorization !== `Bearer ${state.apiKey}`) {
        res.writeHead(401, { "content-type": "text/plain" });
        res.end("Invalid Access Token");
        return;
      }
      if (url.pathname !== "/v1/markets/quotes" || req.headers.accept !== "application/json") {
        res.writeHead(url.pathname === "/v1/markets/quotes" ? 406 : 404, { "content-type": "text/plain" });
        res.end("the fake answers JSON quotes only");
        return;
      }
      const found = symbols.filter((s) => state.quotes.has(s));
      const unmatched = symbols.filter((s) => !state.quotes.has(s));
      const quoteJson = found.map((symbol) => {
        const q = state.quotes.get(symbol) as FakeQuote;
        return `{"symbol":"${symbol}","description":"${symbol} FUND","exch":"P","type":"etf","last":${q.last},"change":0.12,"volume":1000,"open":null,"high":null,"low":null,"close":null,"bid":${q.last},"ask":${q.last},"trade_date":${q.tradeDate},"prevclose":${q.last},"bid_date":${q.tradeDate},"ask_date":${q.tradeDate}}`;
      });
      const parts: string[] = [];
      if (quoteJson.length === 1) parts.push(`"quote":${quoteJson[0]}`);
      if (quoteJson.length > 1) parts.push(`"quote":[${quoteJson.join(",")}]`);
      if (unmatched.length === 1) parts.push(`"unmatched_symbols":{"symbol":"${unmatched[0]}"}`);
      if (unmatched.length > 1) parts.push(`"unmatched_symbols":{"symbol":${JSON.stringify(unmatched)}}`);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(parts.length === 0 ? '{"quotes":"null"}' : `{"quotes":{${parts.join(",")}}}`);
    };
    if (step?.kind === "slow") {
      const timer = setTimeout(() => {
        timers.delete(timer);
        answer();
      }, step.ms);
      timers.add(timer);
    } else answer();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
