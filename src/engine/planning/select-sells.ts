// Sells for an overweight class at the least tax (domain-rules.md, "Trade drafting"; step 4 of
// docs/trade-drafting.md): taxable losses first, then tax-advantaged accounts, then long-term
// gains from the highest basis, short-term gains last or never. Specific lots, named.

import { assert } from "../../domain/assert.ts";
import { type Decimal, ZERO } from "../../domain/decimal.ts";
import type { PlanningAccount, PlanningLot } from "../../domain/household-book.ts";
import { type IsoDate, maxIsoDate } from "../../domain/iso-date.ts";
import { type Term, termOf } from "../holding-period.ts";
import { type CheckAccount, checkWashSales, type KnownAcquisition } from "../wash-sale-check.ts";
import {
  byText,
  type LotSale,
  minDecimal,
  type PlanWorkspace,
  roundShares,
  sharesFor,
} from "./plan-workspace.ts";

/** Something that can be sold: a taxable lot, or a whole position in a tax-advantaged account. */
export interface SellUnit {
  rank: 0 | 1 | 2 | 3;
  account: PlanningAccount;
  securityId: string;
  symbol: string;
  /** Taxable lots: the lot; tax-advantaged: its lots first in, first out. */
  lots: PlanningLot[];
  quantity: Decimal;
  value: Decimal;
  /** Taxable lots only: gain (+) or loss (-) per dollar sold, and term. */
  gainPerDollar: Decimal;
  term: Term | null;
  tieKey: string;
}

export interface SellContext {
  /** Positions whose lots do not add up to the reported quantity, or lack basis ("account/security"). */
  unreconciled: ReadonlySet<string>;
  /** Known purchases by family, for the wash-sale check on loss lots. */
  acquisitionsByFamily: ReadonlyMap<string, KnownAcquisition[]>;
  checkAccounts: ReadonlyMap<string, CheckAccount>;
}

export function selectSells(
  ws: PlanWorkspace,
  assetClassId: string,
  amount: Decimal,
  ctx: SellContext,
): void {
  const units = sellUnits(ws, assetClassId, ctx);
  let remaining = amount;
  const { settings } = ws;
  for (const unit of units) {
    if (!remaining.greaterThan(ZERO)) break;
    const price = ws.price(unit.securityId) as Decimal;
    let quantity = unit.value.lessThanOrEqualTo(remaining)
      ? unit.quantity
      : minDecimal(sharesFor(remaining, price, unit.account.fractionalShares, true), unit.quantity);
    const taxableGain = unit.term !== null && !unit.gainPerDollar.isNegative();
    if (taxableGain && settings.gainBudget?.mode === "hard") {
      const room = settings.gainBudget.limit.minus(ws.yearToDate).minus(ws.realized);
      const gainPerShare = unit.gainPerDollar.times(price);
      if (!gainPerShare.isZero() && gainPerShare.times(quantity).greaterThan(room)) {
        const fits = room.isNegative()
          ? ZERO
          : roundShares(room.dividedBy(gainPerShare), unit.account.fractionalShares, false);
        ws.block(assetClassId, {
          code: "sell.gain-budget",
          message: `the ${settings.gainBudget.limit.toFixed(2)} realised-gain budget for the year stops further gains (${unit.symbol} lot ${unit.tieKey})`,
          accountId: unit.account.id,
          symbol: unit.symbol,
        });
        ws.warnOnce({
          code: "plan.gain-budget-reached",
          message: `the hard realised-gain budget of ${settings.gainBudget.limit.toFixed(2)} for the year is reached: sales at a gain were cut or skipped`,
        });
        // Fewer shares than planned: their gain is over the room left.
        quantity = fits;
        if (quantity.isZero()) continue;
      }
    }
    const sales = takeFromLots(ws, unit, quantity, price);
    const proceeds = quantity.times(price);
    ws.addSale(unit.account, ws.security(unit.securityId), sales, "rebalance");
    remaining = remaining.minus(proceeds);
  }
  if (remaining.greaterThan(ZERO)) {
    ws.block(assetClassId, {
      code: "sell.nothing-left",
      message: `${remaining.toFixed(2)} of ${assetClassId} could not be sold from what the household may sell`,
      assetClassId,
    });
  }
}

/** Sells `quantity` from a unit's lots in order, splitting basis pro rata. */
function takeFromLots(ws: PlanWorkspace, unit: SellUnit, quantity: Decimal, price: Decimal): LotSale[] {
  const sales: LotSale[] = [];
  let left = quantity;
  for (const lot of unit.lots) {
    if (!left.greaterThan(ZERO)) break;
    const take = minDecimal(lot.quantity, left);
    left = left.minus(take);
    const proceeds = take.times(price);
    if (!unit.account.taxable) {
      sales.push({ lot, quantity: take, proceeds, basis: null, gainLoss: null, term: null });
      continue;
    }
    const basis = (lot.costBasis as Decimal).times(take).dividedBy(lot.quantity);
    sales.push({
      lot,
      quantity: take,
      proceeds,
      basis,
      gainLoss: proceeds.minus(basis),
      term: termOf(lot.acquiredDate, ws.book.asOf),
    });
  }
  // Only reconciled positions are sold, so their lots hold every share.
  assert(left.isZero(), `sold more ${unit.symbol} than the lots of ${unit.account.id} hold`);
  return sales;
}

/** What the class may sell, cheapest tax first (the order of docs/trade-drafting.md, step 4). */
export function sellUnits(ws: PlanWorkspace, assetClassId: string, ctx: SellContext): SellUnit[] {
  const { book, settings } = ws;
  const units: SellUnit[] = [];
  for (const position of book.positions) {
    const security = book.securities.get(position.securityId);
    if (!security || security.assetClassId !== assetClassId) continue;
    const price = book.prices.get(position.securityId);
    if (!price || position.quantity.isZero()) continue;
    const account = ws.accounts.get(position.accountId) as PlanningAccount;
    const where = { accountId: account.id, symbol: security.symbol, assetClassId };
    if (!account.tradeable) {
      ws.block(assetClassId, {
        code: "sell.held-away",
        message: `${security.symbol} in ${account.name} is held away and cannot be traded`,
        ...where,
      });
      continue;
    }
    const restriction = ws.restriction(account.id, security.id, "sell");
    if (restriction) {
      ws.block(assetClassId, {
        code: "sell.restricted",
        message: `${security.symbol} in ${account.name}: ${restriction.kind === "DO_NOT_TRADE" ? "do not trade" : "do not sell"} (${restriction.reason})`,
        ...where,
      });
      continue;
    }
    if (ctx.unreconciled.has(`${account.id}/${security.id}`)) {
      ws.block(assetClassId, {
        code: "sell.unreconciled",
        message: `${security.symbol} in ${account.name}: its lots do not reconcile with the custodian's position, so it is not sold`,
        ...where,
      });
      continue;
    }
    const lots = book.lots
      .filter((lot) => lot.accountId === account.id && lot.securityId === security.id)
      .sort((a, b) => byText(`${a.acquiredDate}/${a.lotKey}`, `${b.acquiredDate}/${b.lotKey}`));
    if (!account.taxable) {
      units.push({
        rank: 1,
        account,
        securityId: security.id,
        symbol: security.symbol,
        lots,
        quantity: position.quantity,
        value: position.quantity.times(price),
        gainPerDollar: ZERO,
        term: null,
        tieKey: `${account.id}/${security.symbol}`,
      });
      continue;
    }
    for (const lot of lots) {
      const value = lot.quantity.times(price);
      const gain = value.minus(lot.costBasis as Decimal);
      const term = termOf(lot.acquiredDate, book.asOf);
      const lotWhere = { ...where, lotKey: lot.lotKey };
      if (gain.isNegative()) {
        const safeFrom = washSafeFrom(ws, ctx, account, security.symbol, lot, gain);
        if (safeFrom) {
          ws.block(assetClassId, {
            code: "sell.wash-sale",
            message: `${security.symbol} lot ${lot.lotKey} is at a loss that a recent or expected purchase would wash; it can be sold from ${safeFrom}`,
            ...lotWhere,
            from: safeFrom,
          });
          continue;
        }
      } else if (term === "short" && settings.shortTermGains === "never") {
        ws.block(assetClassId, {
          code: "sell.short-term-gain",
          message: `${security.symbol} lot ${lot.lotKey} would realise a short-term gain, which the settings never allow`,
          ...lotWhere,
        });
        continue;
      }
      units.push({
        rank: gain.isNegative() ? 0 : term === "long" ? 2 : 3,
        account,
        securityId: security.id,
        symbol: security.symbol,
        lots: [lot],
        quantity: lot.quantity,
        value,
        gainPerDollar: gain.dividedBy(value),
        term,
        tieKey: lot.lotKey,
      });
    }
  }
  return units.sort(compareUnits);
}

function compareUnits(a: SellUnit, b: SellUnit): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  const byCost = a.rank === 1 ? b.value.comparedTo(a.value) : a.gainPerDollar.comparedTo(b.gainPerDollar);
  return byCost || byText(a.tieKey, b.tieKey);
}

/** When selling this losing lot would be washed by a known purchase, the date it stops being so. */
function washSafeFrom(
  ws: PlanWorkspace,
  ctx: SellContext,
  account: PlanningAccount,
  symbol: string,
  lot: PlanningLot,
  gain: Decimal,
): IsoDate | null {
  const acquisitions = ctx.acquisitionsByFamily.get(ws.families.familyOf(symbol)) ?? [];
  if (acquisitions.length === 0) return null;
  const conflicts = checkWashSales({
    tradeDate: ws.book.asOf,
    accounts: ctx.checkAccounts,
    familyOf: (s) => ws.families.familyOf(s),
    acquisitions,
    realisedLosses: [],
    trades: [
      {
        accountId: account.id,
        symbol,
        side: "sell",
        quantity: lot.quantity,
        expectedGainLoss: gain,
        lots: [{ lotKey: lot.lotKey, quantity: lot.quantity }],
      },
    ],
  });
  if (conflicts.length === 0) return null;
  // Only known purchases are checked here, and each has a date it clears.
  return conflicts.map((c) => c.safeFrom as IsoDate).reduce(maxIsoDate);
}
