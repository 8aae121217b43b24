// Harvest sales paired with replacement buys in the same account (domain-rules.md, "Tax-loss
// harvesting"; step 5 of docs/trade-drafting.md). The replacement keeps the exposure; it is never
// substantially identical, and no buy in the plan may wash the loss (IRC §1091).
import type { Decimal } from "../../domain/decimal.ts";
import type { ModelVersionSpec, PlanningAccount, PlanningLot } from "../../domain/household-book.ts";
import type { HarvestCandidate } from "./find-harvestable-lots.ts";
import { byText, type PlanWorkspace, sharesFor } from "./plan-workspace.ts";
import { suggestReplacements } from "./suggest-replacements.ts";

export function pairHarvests(
  ws: PlanWorkspace,
  candidates: readonly HarvestCandidate[],
  model: ModelVersionSpec,
  policyVersion: string,
): void {
  const ordered = [...candidates].sort(
    (a, b) => b.estimatedTaxValue.comparedTo(a.estimatedTaxValue) || byText(a.lotKey, b.lotKey),
  );
  const lotByKey = new Map(ws.book.lots.map((lot) => [lot.lotKey, lot]));
  for (const candidate of ordered) {
    const lot = lotByKey.get(candidate.lotKey) as PlanningLot;
    // Sold already while rebalancing its class.
    if (!ws.soldQuantity(lot).isZero()) continue;
    const account = ws.accounts.get(candidate.accountId) as PlanningAccount;
    const security = ws.security(candidate.securityId);
    const where = { accountId: account.id, symbol: candidate.symbol, lotKey: candidate.lotKey };
    const skip = (code: string, message: string) => ws.reasons.push({ code, message, ...where });
    const family = ws.families.familyOf(candidate.symbol);
    if (ws.boughtFamilies.has(family)) {
      skip(
        "harvest.buy-in-plan",
        `${candidate.symbol} lot ${candidate.lotKey} is not harvested: this plan buys ${candidate.symbol} or a substantially identical fund, which would wash the loss`,
      );
      continue;
    }
    const search = suggestReplacements(ws.book, ws.families, policyVersion, security.id, model);
    const replacement = search.replacements.find((r) => {
      if (ws.restriction(account.id, r.securityId, "buy")) return false;
      if (ws.lossFamilies.has(ws.families.familyOf(r.symbol))) return false;
      return ws.price(r.securityId) !== undefined;
    });
    if (!replacement) {
      skip(
        "harvest.no-replacement",
        `${candidate.symbol} lot ${candidate.lotKey} is not harvested: no replacement in its asset class can be bought without a wash sale or a restriction`,
      );
      continue;
    }
    const replacementSecurity = ws.security(replacement.securityId);
    const replacementPrice = ws.price(replacement.securityId) as Decimal;
    const buyQuantity = sharesFor(candidate.marketValue, replacementPrice, account.fractionalShares, false);
    const buyAmount = buyQuantity.times(replacementPrice);
    if (
      candidate.marketValue.lessThan(ws.settings.minTradeAmount) ||
      buyAmount.lessThan(ws.settings.minTradeAmount)
    ) {
      skip(
        "trade.below-minimum",
        `${candidate.symbol} lot ${candidate.lotKey} is not harvested: the trades would be under the ${ws.settings.minTradeAmount.toFixed(2)} minimum`,
      );
      continue;
    }
    ws.addSale(
      account,
      security,
      [
        {
          lot,
          quantity: lot.quantity,
          proceeds: candidate.marketValue,
          basis: candidate.basis,
          gainLoss: candidate.loss.negated(),
          term: candidate.term,
        },
      ],
      "harvest",
    );
    ws.addBuy(account, replacementSecurity, buyQuantity, "replacement", {
      symbol: candidate.symbol,
      allowedBecause: replacement.allowedBecause,
    });
    ws.harvested.push({
      lot,
      symbol: candidate.symbol,
      loss: candidate.loss,
      term: candidate.term,
      estimatedTaxValue: candidate.estimatedTaxValue,
      rebuyFrom: candidate.rebuyFrom,
      replacement: replacement.symbol,
    });
  }
}
