// The household wash-sale check (IRC §1091; Pub 550; Rev. Rul. 2008-5) on a stored plan's trades,
// against the household as it is now: settled purchases in the last 30 days, pending orders,
// scheduled investments and losses realised in the last 30 days, in every account (spouse and
// IRAs included), and the plan's trades against each other.
import { Decimal } from "../domain/decimal.ts";
import { knownAcquisitions, realisedLosses } from "../engine/planning/household-wash-inputs.ts";
import type { PlanTrade } from "../engine/planning/plan.ts";
import { buildFamilies } from "../engine/substantially-identical.ts";
import { checkWashSales, type ProposedTrade, type WashConflict } from "../engine/wash-sale-check.ts";
import type { PlanningInputs } from "../ports/book-store.ts";

type Policy = NonNullable<PlanningInputs["policy"]>;

export function washConflictsOf(
  inputs: PlanningInputs,
  policy: Policy,
  trades: readonly PlanTrade[],
): WashConflict[] {
  const { book } = inputs;
  const families = buildFamilies(
    policy,
    [...book.securities.values()].map((s) => ({ symbol: s.symbol, trackedIndex: s.trackedIndex })),
  );
  return checkWashSales({
    tradeDate: book.asOf,
    accounts: new Map(book.accounts.map((a) => [a.id, { id: a.id, taxable: a.taxable }])),
    familyOf: (symbol) => families.familyOf(symbol),
    acquisitions: knownAcquisitions(book),
    realisedLosses: realisedLosses(book),
    trades: trades.map(proposedTrade),
  });
}

function proposedTrade(trade: PlanTrade): ProposedTrade {
  return {
    accountId: trade.accountId,
    symbol: trade.symbol,
    side: trade.side,
    quantity: new Decimal(trade.quantity),
    expectedGainLoss: trade.realized
      ? new Decimal(trade.realized.shortTerm).plus(trade.realized.longTerm)
      : null,
    lots: trade.lots.map((lot) => ({ lotKey: lot.lotKey, quantity: new Decimal(lot.quantity) })),
  };
}
