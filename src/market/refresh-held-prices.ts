// `lotwise prices refresh` and the scheduled price refresh: a quote for every held security from
// the real-time provider, recorded with the provider's own timestamps (all or nothing).
import type { Problem, Result } from "../domain/result.ts";
import type { PriceSource, PriceStore, PriceWriteOutcome, Quote } from "../ports/price-source.ts";

export interface HeldPricesRefresh {
  source: string;
  /** The held symbols asked for. */
  symbols: string[];
  quotes: Quote[];
  recorded: PriceWriteOutcome;
}

/** A failure says where: the provider's answer, or the store refusing what it answered. */
export type RefreshProblem = Problem & { stage: "quotes" | "record" };

export async function refreshHeldPrices(
  store: PriceStore,
  provider: PriceSource,
  onStep: (label: string) => void = () => {},
): Promise<Result<HeldPricesRefresh, RefreshProblem>> {
  const symbols = await store.heldSymbols();
  onStep(`asking ${provider.name} for ${symbols.length} quotes`);
  const quotes = await provider.quotes(symbols);
  if (!quotes.ok) return { ok: false, error: { ...quotes.error, stage: "quotes" } };
  onStep(`recording ${quotes.value.length} quotes`);
  const recorded = await store.record({
    source: provider.name,
    prices: quotes.value.map((q) => ({
      symbol: q.symbol,
      cusip: null,
      price: q.price,
      asOf: q.asOf,
      kind: q.kind,
      line: null,
    })),
    file: null,
  });
  if (!recorded.ok) return { ok: false, error: { ...recorded.error, stage: "record" } };
  return {
    ok: true,
    value: { source: provider.name, symbols, quotes: quotes.value, recorded: recorded.value },
  };
}
