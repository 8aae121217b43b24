// Buys for an underweight class (step 6 of docs/trade-drafting.md): largest available cash first,
// never below an account's reserve (domain-rules.md, "Trade drafting"), in the model's securities
// for the class, skipping any purchase that would wash a loss realised by the plan or in the last
// 30 days (IRC §1091; the household-wide reading of Pub 550 and Rev. Rul. 2008-5).
import type { Security } from "../../domain/book.ts";
import { type Decimal, ZERO } from "../../domain/decimal.ts";
import type { ModelTargetSpec, ModelVersionSpec, PlanningAccount } from "../../domain/household-book.ts";
import type { IsoDate } from "../../domain/iso-date.ts";
import { byText, type PlanWorkspace, sharesFor } from "./plan-workspace.ts";
import { compareCandidates } from "./suggest-replacements.ts";

export interface BuyContext {
  /** Families with a loss realised in a taxable account in the last 30 days, and when it was. */
  recentLossFamilies: ReadonlyMap<string, IsoDate>;
}

export function placeBuys(
  ws: PlanWorkspace,
  assetClassId: string,
  amount: Decimal,
  model: ModelVersionSpec,
  ctx: BuyContext,
): void {
  const candidates = buyCandidates(ws, assetClassId, model);
  const { minTradeAmount } = ws.settings;
  let remaining = amount;
  const accounts = [...ws.accounts.values()]
    .filter((a) => a.tradeable && ws.available(a.id).greaterThan(ZERO))
    .sort((a, b) => ws.available(b.id).comparedTo(ws.available(a.id)) || byText(a.id, b.id));
  for (const account of accounts) {
    if (!remaining.greaterThan(ZERO)) break;
    const security = chooseSecurity(ws, account, assetClassId, candidates, ctx);
    if (!security) continue;
    const price = ws.price(security.id) as Decimal;
    const available = ws.available(account.id);
    const spend = remaining.lessThan(available) ? remaining : available;
    if (spend.lessThan(minTradeAmount)) {
      ws.block(assetClassId, {
        code: "trade.below-minimum",
        message: `a buy of ${spend.toFixed(2)} in ${account.name} would be under the ${minTradeAmount.toFixed(2)} minimum`,
        accountId: account.id,
        assetClassId,
      });
      continue;
    }
    const up = sharesFor(spend, price, account.fractionalShares, true);
    const quantity = up.times(price).lessThanOrEqualTo(available)
      ? up
      : sharesFor(spend, price, account.fractionalShares, false);
    if (quantity.isZero() || quantity.times(price).lessThan(minTradeAmount)) continue;
    ws.addBuy(account, security, quantity, "rebalance");
    remaining = remaining.minus(quantity.times(price));
  }
  if (
    remaining.greaterThan(ZERO) &&
    !ws.blockers.get(assetClassId)?.some((b) => b.code === "buy.no-security")
  ) {
    ws.block(assetClassId, {
      code: "buy.no-cash",
      message: `${remaining.toFixed(2)} of ${assetClassId} could not be bought: no account has cash above its reserve for it`,
      assetClassId,
    });
  }
}

/** The model's primary and alternates for the class, then the rest of the class by expense ratio. */
function buyCandidates(ws: PlanWorkspace, assetClassId: string, model: ModelVersionSpec): Security[] {
  // Only model classes are bought (a class outside the model has a target of zero).
  const target = model.targets.find((t) => t.assetClassId === assetClassId) as ModelTargetSpec;
  const modelOrder = [target.primarySecurityId, ...target.alternateSecurityIds];
  return [...ws.book.securities.values()]
    .filter((s) => s.assetClassId === assetClassId && ws.price(s.id) !== undefined)
    .sort((a, b) => compareCandidates(a, b, modelOrder));
}

function chooseSecurity(
  ws: PlanWorkspace,
  account: PlanningAccount,
  assetClassId: string,
  candidates: readonly Security[],
  ctx: BuyContext,
): Security | undefined {
  for (const security of candidates) {
    if (ws.restriction(account.id, security.id, "buy")) continue;
    const family = ws.families.familyOf(security.symbol);
    if (ws.lossFamilies.has(family) || ctx.recentLossFamilies.has(family)) {
      const recent = ctx.recentLossFamilies.get(family);
      ws.block(assetClassId, {
        code: "buy.wash-sale",
        message: recent
          ? `${security.symbol} is not bought: it would wash the loss realised on its family on ${recent}`
          : `${security.symbol} is not bought: it would wash a loss this plan realises`,
        symbol: security.symbol,
        assetClassId,
      });
      continue;
    }
    return security;
  }
  ws.block(assetClassId, {
    code: "buy.no-security",
    message: `nothing in ${assetClassId} can be bought in ${account.name} without a restriction or a wash sale`,
    accountId: account.id,
    assetClassId,
  });
  return undefined;
}
