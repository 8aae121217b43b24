// Market value of holdings at given prices. Exact decimal arithmetic; a position without a price
// is reported, never valued at zero silently.
import { type Decimal, ZERO } from "../domain/decimal.ts";

export interface HoldingsToValue {
  cash: Decimal;
  positions: readonly { securityId: string; quantity: Decimal }[];
}

export interface Valuation {
  marketValue: Decimal;
  /** Securities held with no price: their value is not in marketValue. */
  unpriced: string[];
}

export function valueHoldings(holdings: HoldingsToValue, prices: ReadonlyMap<string, Decimal>): Valuation {
  let marketValue = holdings.cash;
  const unpriced: string[] = [];
  for (const position of holdings.positions) {
    const price = prices.get(position.securityId);
    if (price === undefined) unpriced.push(position.securityId);
    else marketValue = marketValue.plus(position.quantity.times(price));
  }
  return { marketValue, unpriced };
}

export function sumValuations(valuations: readonly Valuation[]): Valuation {
  return {
    marketValue: valuations.reduce((total, valuation) => total.plus(valuation.marketValue), ZERO),
    unpriced: [...new Set(valuations.flatMap((valuation) => valuation.unpriced))].sort(),
  };
}
