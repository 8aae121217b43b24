// The "prices_refresh" job: `lotwise prices refresh` on a schedule: quotes for every held security
// from the real-time provider, recorded with the provider's own timestamps. Without QUOTES_API_KEY
// it logs what is missing and does nothing; a provider that fails fails the job (the queue retries
// it); quotes the price store refuses (a different price for one already recorded) are logged.
import type { Config } from "../../config.ts";
import { createHttpQuotes } from "../../market/http-quotes.ts";
import { refreshHeldPrices } from "../../market/refresh-held-prices.ts";
import type { Clock } from "../../ports/clock.ts";
import type { PriceSource, PriceStore } from "../../ports/price-source.ts";
import type { TaskHandler } from "../start-workers.ts";

export interface RefreshPricesDeps {
  prices: PriceStore;
  quotes: Config["quotes"];
  clock: Clock;
}

export function refreshPricesTask(deps: RefreshPricesDeps): TaskHandler {
  return async ({ log }) => {
    const provider = quoteProvider(deps);
    if (!provider) {
      log.warn({ missing: ["QUOTES_API_KEY"] }, "quotes are not configured; nothing to refresh");
      return;
    }
    const refreshed = await refreshHeldPrices(deps.prices, provider);
    if (!refreshed.ok) {
      if (refreshed.error.stage === "quotes") throw new Error(`${provider.name}: ${refreshed.error.message}`);
      log.error({ problem: refreshed.error }, "quotes refused; nothing recorded");
      return;
    }
    const { symbols, quotes, recorded } = refreshed.value;
    const quoted = new Set(quotes.map((q) => q.symbol));
    log.info(
      {
        source: provider.name,
        held: symbols.length,
        quoted: quotes.length,
        inserted: recorded.inserted,
        alreadyPresent: recorded.alreadyPresent,
        stale: quotes.filter((q) => q.stale).map((q) => q.symbol),
        missing: symbols.filter((symbol) => !quoted.has(symbol)),
      },
      "prices refreshed",
    );
  };
}

function quoteProvider(deps: RefreshPricesDeps): PriceSource | null {
  const { url, apiKey } = deps.quotes;
  if (!apiKey) return null;
  return createHttpQuotes({ baseUrl: url, apiKey, now: () => deps.clock.now() });
}
