// A demo household as the planning engine sees it, straight from the demo book (no database).

import { buildDemoBook } from "../../src/demo/demo-book.ts";
import type { DemoBook, DemoTransaction } from "../../src/demo/types.ts";
import { isTaxable } from "../../src/domain/book.ts";
import { Decimal } from "../../src/domain/decimal.ts";
import type { HouseholdBook, ModelVersionSpec } from "../../src/domain/household-book.ts";
import { type IsoDate, isoDate } from "../../src/domain/iso-date.ts";
import {
  buildFamilies,
  type Families,
  type IdenticalPolicy,
} from "../../src/engine/substantially-identical.ts";

export const DEMO_ANCHOR = isoDate("2026-11-20");
export const demoBook: DemoBook = buildDemoBook({ anchorDate: DEMO_ANCHOR, now: "2026-11-20T20:00:00.000Z" });

const d = (value: string) => new Decimal(value);

export function demoHousehold(householdId: string, asOf: IsoDate = DEMO_ANCHOR): HouseholdBook {
  const household = demoBook.households.find((h) => h.id === householdId);
  if (!household) throw new Error(`no demo household ${householdId}`);
  const quotes = demoBook.prices.filter((p) => p.kind === "QUOTE");
  return {
    householdId,
    asOf,
    accounts: household.accounts.map((a) => ({
      id: a.id,
      name: a.nickname,
      type: a.type,
      taxable: isTaxable(a.type),
      tradeable: a.tradeable,
      cash: d(a.snapshot.cash),
      cashReserve: d(a.cashReserve),
      fractionalShares: a.fractionalShares,
    })),
    positions: household.accounts.flatMap((a) =>
      a.snapshot.positions.map((p) => ({
        accountId: a.id,
        securityId: p.securityId,
        quantity: d(p.quantity),
        reportedCostBasis: p.reportedCostBasis === null ? null : d(p.reportedCostBasis),
      })),
    ),
    lots: household.accounts.flatMap((a) =>
      a.snapshot.lots.map((l) => ({
        lotKey: l.lotKey,
        accountId: a.id,
        securityId: l.securityId,
        tradeDate: l.tradeDate,
        acquiredDate: l.acquiredDate,
        quantity: d(l.quantity),
        costBasis: l.costBasis === null ? null : d(l.costBasis),
      })),
    ),
    securities: new Map(
      demoBook.securities.map((s) => [
        s.id,
        { ...s, expenseRatio: s.expenseRatio === null ? null : d(s.expenseRatio) },
      ]),
    ),
    cashClassId: "cash",
    prices: new Map(quotes.map((p) => [p.securityId, d(p.price)])),
    transactions: household.accounts.flatMap((a) =>
      a.transactions
        .filter((t) => t.type === "BUY" || t.type === "DIVIDEND_REINVEST" || t.type === "SELL")
        .map((t) => ({
          id: t.id,
          accountId: a.id,
          securityId: t.securityId as string,
          kind:
            t.type === "SELL"
              ? ("sell" as const)
              : t.type === "BUY"
                ? ("buy" as const)
                : ("dividend-reinvest" as const),
          status:
            t.status === "SCHEDULED"
              ? ("scheduled" as const)
              : t.status === "PENDING"
                ? ("pending" as const)
                : ("settled" as const),
          tradeDate: t.tradeDate,
          quantity: t.quantity === null ? null : d(t.quantity),
          ...(t.lotKeys[0] ? { lotKey: t.lotKeys[0] } : {}),
          ...(t.type === "SELL" ? { realizedGainLoss: realizedOf(t, a.transactions) } : {}),
        })),
    ),
    restrictions: household.restrictions.map((r) => ({
      kind: r.kind,
      accountId: r.accountId,
      securityId: r.securityId,
      reason: r.reason,
    })),
  };
}

export function demoModel(householdId: string): ModelVersionSpec {
  const household = demoBook.households.find((h) => h.id === householdId);
  const model = demoBook.models.find((m) => m.versions.some((v) => v.id === household?.modelVersionId));
  const version = model?.versions.find((v) => v.id === household?.modelVersionId);
  if (!model || !version) throw new Error(`${householdId} has no model`);
  return {
    id: version.id,
    name: model.name,
    version: version.version,
    bandAbsolute: d(version.bandAbsolute),
    bandRelative: d(version.bandRelative),
    rebalanceTo: version.rebalanceTo,
    targets: version.targets.map((t) => ({
      assetClassId: t.assetClassId,
      weight: d(t.weight),
      bandAbsolute: t.bandAbsolute === null ? null : d(t.bandAbsolute),
      bandRelative: t.bandRelative === null ? null : d(t.bandRelative),
      primarySecurityId: t.primarySecurityId,
      alternateSecurityIds: t.alternateSecurityIds,
    })),
  };
}

export function demoPolicy(): IdenticalPolicy {
  const symbolOf = new Map(demoBook.securities.map((s) => [s.id, s.symbol]));
  return {
    version: `si-policy-v${demoBook.policy.version}`,
    sameIndexIsIdentical: demoBook.policy.sameIndexIsIdentical,
    groups: demoBook.policy.groups.map((g) => ({
      name: g.name,
      symbols: g.securityIds.map((id) => symbolOf.get(id) as string),
    })),
  };
}

export function demoFamilies(): Families {
  return buildFamilies(
    demoPolicy(),
    demoBook.securities.map((s) => ({ symbol: s.symbol, trackedIndex: s.trackedIndex })),
  );
}

/** A demo sale's realised gain or loss: proceeds minus the basis of the lot it names. */
function realizedOf(sale: DemoTransaction, history: readonly DemoTransaction[]): Decimal | null {
  const buy = history.find((t) => t.type === "BUY" && t.lotKeys[0] === sale.lotKeys[0]);
  if (!buy?.quantity || !sale.quantity) return null;
  const basis = d(buy.amount).abs().times(d(sale.quantity)).dividedBy(d(buy.quantity));
  return d(sale.amount).abs().minus(basis);
}
