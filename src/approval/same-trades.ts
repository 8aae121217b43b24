// Whether a re-drafted plan would trade exactly what the stored plan trades: the same accounts,
// sides, securities and quantities, selling the same lots. Prices, amounts, snapshot ids and
// timestamps may differ (a feed re-stamps snapshots; quotes move): only what would be sent counts.
import { Decimal } from "../domain/decimal.ts";
import type { PlanTrade } from "../engine/planning/plan.ts";

export function sameTrades(stored: readonly PlanTrade[], redrafted: readonly PlanTrade[]): boolean {
  const keys = (trades: readonly PlanTrade[]) => trades.map(tradeKey).sort();
  const [a, b] = [keys(stored), keys(redrafted)];
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

function tradeKey(trade: PlanTrade): string {
  const lots = trade.lots
    .map((lot) => `${lot.lotKey}=${quantity(lot.quantity)}`)
    .sort()
    .join(",");
  return [trade.accountId, trade.side, trade.securityId, quantity(trade.quantity), lots].join("|");
}

/** "10.50" and "10.5" are the same quantity. */
function quantity(text: string): string {
  return new Decimal(text).toString();
}
