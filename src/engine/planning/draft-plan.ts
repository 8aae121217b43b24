// A household's rebalance and harvest plan (domain-rules.md, "Trade drafting"; the steps are in
// docs/trade-drafting.md). Pure: the book, model, policy and settings come in, a plan comes out,
// and the same inputs give the same plan, byte for byte once serialised.
import { Decimal, formatFixed, ZERO } from "../../domain/decimal.ts";
import type {
  HouseholdBook,
  ModelVersionSpec,
  PlanningAccount,
  PlanningPosition,
} from "../../domain/household-book.ts";
import { addDays, type IsoDate } from "../../domain/iso-date.ts";
import { ok, type Problem, problem, type Result } from "../../domain/result.ts";
import { buildFamilies, type Families, type IdenticalPolicy } from "../substantially-identical.ts";
import type { KnownAcquisition } from "../wash-sale-check.ts";
import { type ClassDrift, computeDrift, type HouseholdDrift } from "./compute-drift.ts";
import {
  findHarvestableLots,
  type HarvestCandidate,
  unreconciledPositions,
} from "./find-harvestable-lots.ts";
import { knownAcquisitions } from "./household-wash-inputs.ts";
import { pairHarvests } from "./pair-harvests.ts";
import { placeBuys } from "./place-buys.ts";
import {
  PLAN_SCHEMA,
  type Plan,
  type PlanClassDrift,
  type PlanFinding,
  type PlanInputRefs,
  type PlanSettings,
  type PlanTrade,
} from "./plan.ts";
import { byText, PlanWorkspace, type TradeDraft } from "./plan-workspace.ts";
import { type SellContext, selectSells } from "./select-sells.ts";
import { setClassGoals } from "./set-class-goals.ts";

export interface PlanRequest {
  book: HouseholdBook;
  model: ModelVersionSpec | null;
  policy: IdenticalPolicy;
  settings: PlanSettings;
  inputs: PlanInputRefs;
  /** Inputs older than the freshness limit; a plan drafted with any is marked stale. */
  staleInputs: readonly { label: string; asOf: string; ageSeconds: number | null }[];
  /** Families under the policy, when the caller has them already (they depend only on the policy). */
  families?: Families;
}

const d = (value: string) => new Decimal(value);

export const DEFAULT_PLAN_SETTINGS: PlanSettings = {
  minLossAmount: d("500"),
  minLossFraction: d("0.05"),
  shortTermRate: d("0.37"),
  longTermRate: d("0.20"),
  shortTermGains: "last",
  gainBudget: null,
  minTradeAmount: d("100"),
  harvestWhenInBand: false,
  maxDataAgeSeconds: 300,
};

export function draftPlan(request: PlanRequest): Result<Plan, Problem> {
  const { book, model, settings } = request;
  if (!model) {
    return problem(
      "plan.no-model",
      `${book.householdId} has no model version in force on ${book.asOf}; no plan`,
    );
  }
  const families =
    request.families ??
    buildFamilies(
      request.policy,
      [...book.securities.values()].map((s) => ({ symbol: s.symbol, trackedIndex: s.trackedIndex })),
    );
  const ws = new PlanWorkspace(book, families, settings, yearToDateGains(book));
  for (const input of request.staleInputs) {
    ws.warnings.push({
      code: "data.stale",
      message: `${input.label} is ${input.ageSeconds === null ? "of unknown age" : `${input.ageSeconds} s old`} (as of ${input.asOf}; the limit is ${settings.maxDataAgeSeconds} s)`,
    });
  }
  const unreconciled = unreconciledPositions(book);
  for (const key of [...unreconciled].sort()) {
    const [accountId, securityId] = key.split("/") as [string, string];
    const symbol = symbolOf(book, securityId);
    ws.warnings.push({
      code: "data.unreconciled",
      message: `${symbol} in ${(ws.accounts.get(accountId) as PlanningAccount).name}: lots do not reconcile with the custodian's position or lack basis; not sold or harvested`,
      accountId,
      symbol,
    });
  }

  const before = computeDrift(book, model);
  for (const u of before.unvalued) {
    ws.warnings.push({
      code: "data.no-price",
      message: `${u.securityId} in ${u.accountId} has ${u.reason === "no-price" ? "no price" : "no security record"} and is left out of the weights`,
      accountId: u.accountId,
    });
  }
  const harvestScan = findHarvestableLots(book, families, settings, unreconciled);
  const rebalancing = before.outOfBand;

  if (rebalancing) {
    const deltas = setClassGoals(before, model, book.cashClassId);
    const sellCtx = sellContextOf(book, families, unreconciled);
    const byNeed = (sign: 1 | -1) =>
      [...deltas.entries()]
        .filter(([id, delta]) => id !== book.cashClassId && delta.times(sign).greaterThan(ZERO))
        .sort(([a, x], [b, y]) => y.abs().comparedTo(x.abs()) || byText(a, b));
    for (const [classId, delta] of byNeed(-1)) selectSells(ws, classId, delta.negated(), sellCtx);
    dropSmallSells(ws);
    pairHarvests(ws, harvestScan.candidates, model, request.policy.version);
    const buyCtx = { recentLossFamilies: recentLossFamilies(book, families) };
    for (const [classId, delta] of byNeed(1)) placeBuys(ws, classId, delta, model, buyCtx);
  } else if (settings.harvestWhenInBand) {
    pairHarvests(ws, harvestScan.candidates, model, request.policy.version);
  } else {
    ws.reasons.push({
      code: "plan.in-band",
      message: "every asset class is within its band: nothing to rebalance",
    });
    if (harvestScan.candidates.length > 0) {
      const value = harvestScan.candidates.reduce((sum, c) => sum.plus(c.estimatedTaxValue), ZERO);
      ws.reasons.push({
        code: "harvest.in-band",
        message: `${harvestScan.candidates.length} harvestable loss(es) worth about ${formatFixed(value, 2)} in tax are not harvested because the household is in band; allow harvesting in band to take them`,
      });
    }
  }
  recordHarvestedSells(ws, harvestScan.candidates);

  const trades = renderTrades(ws);
  const afterBook = applyTrades(book, trades);
  const after = computeDrift(afterBook, model);
  explainOutOfBand(ws, after);
  const { shortTerm, longTerm } = realizedByTerm(trades);
  if (settings.gainBudget?.mode === "soft") {
    const total = ws.yearToDate.plus(shortTerm).plus(longTerm);
    if (total.greaterThan(settings.gainBudget.limit)) {
      ws.warnings.push({
        code: "plan.gain-budget-exceeded",
        message: `realised gains for the year would be ${formatFixed(total, 2)}, over the soft budget of ${formatFixed(settings.gainBudget.limit, 2)}`,
      });
    }
  }
  const cashAfter = new Map(afterBook.accounts.map((a) => [a.id, a.cash]));
  return ok({
    schema: PLAN_SCHEMA,
    householdId: book.householdId,
    asOf: book.asOf,
    model: { versionId: model.id, name: model.name, version: model.version, rebalanceTo: model.rebalanceTo },
    inputs: request.inputs,
    settings: settingsRecord(settings),
    stale: request.staleInputs.length > 0,
    status: trades.length > 0 ? "proposed" : "empty",
    trades,
    drift: { totalValue: money(before.totalValue), before: renderDrift(before), after: renderDrift(after) },
    realized: {
      yearToDate: money(ws.yearToDate),
      shortTerm: money(shortTerm),
      longTerm: money(longTerm),
      total: money(shortTerm.plus(longTerm)),
      estimatedTax: money(
        shortTerm.times(settings.shortTermRate).plus(longTerm.times(settings.longTermRate)),
      ),
    },
    harvested: ws.harvested
      .map((h) => ({
        lotKey: h.lot.lotKey,
        accountId: h.lot.accountId,
        symbol: h.symbol,
        loss: money(h.loss),
        term: h.term,
        estimatedTaxValue: money(h.estimatedTaxValue),
        rebuyFrom: h.rebuyFrom,
        replacement: h.replacement,
      }))
      .sort((a, b) => byText(a.lotKey, b.lotKey)),
    notHarvested: harvestScan.skipped
      .filter((s) => !ws.soldFromLot.has(s.lotKey))
      .map((s) => ({
        code: s.code,
        message: s.message,
        accountId: s.accountId,
        symbol: s.symbol,
        lotKey: s.lotKey,
        ...(s.harvestableFrom ? { from: s.harvestableFrom } : {}),
      })),
    cash: book.accounts.map((a) => ({
      accountId: a.id,
      before: money(a.cash),
      after: money(cashAfter.get(a.id) as Decimal),
      reserve: money(a.cashReserve),
    })),
    warnings: ws.warnings,
    reasons: ws.reasons,
  });
}

const money = (value: Decimal) => formatFixed(value, 2);
const weight = (value: Decimal) => formatFixed(value, 6);

/** The settings as plain JSON values, in a fixed order (what the plan records and its id hashes). */
export function settingsRecord(settings: PlanSettings): Plan["settings"] {
  return {
    minLossAmount: settings.minLossAmount.toString(),
    minLossFraction: settings.minLossFraction.toString(),
    shortTermRate: settings.shortTermRate.toString(),
    longTermRate: settings.longTermRate.toString(),
    shortTermGains: settings.shortTermGains,
    gainBudgetLimit: settings.gainBudget ? settings.gainBudget.limit.toString() : null,
    gainBudgetMode: settings.gainBudget ? settings.gainBudget.mode : null,
    minTradeAmount: settings.minTradeAmount.toString(),
    harvestWhenInBand: settings.harvestWhenInBand,
    maxDataAgeSeconds: settings.maxDataAgeSeconds,
  };
}

/** A security's symbol, or its id when the security master does not know it. */
function symbolOf(book: HouseholdBook, securityId: string): string {
  return book.securities.get(securityId)?.symbol ?? securityId;
}

/** Net gains realised this calendar year in taxable accounts before the plan. */
function yearToDateGains(book: HouseholdBook): Decimal {
  const taxable = new Set(book.accounts.filter((a) => a.taxable).map((a) => a.id));
  const yearStart = `${book.asOf.slice(0, 4)}-01-01`;
  let total = ZERO;
  for (const tx of book.transactions) {
    if (tx.kind !== "sell" || tx.status !== "settled" || !taxable.has(tx.accountId)) continue;
    if (tx.tradeDate < yearStart || tx.tradeDate > book.asOf || !tx.realizedGainLoss) continue;
    total = total.plus(tx.realizedGainLoss);
  }
  return total;
}

/** What the sell step needs to know about the household beyond the workspace. */
export function sellContextOf(
  book: HouseholdBook,
  families: Families,
  unreconciled: ReadonlySet<string> = unreconciledPositions(book),
): SellContext {
  return {
    unreconciled,
    acquisitionsByFamily: groupAcquisitions(book, families),
    checkAccounts: new Map(book.accounts.map((a) => [a.id, { id: a.id, taxable: a.taxable }])),
  };
}

function groupAcquisitions(book: HouseholdBook, families: Families): Map<string, KnownAcquisition[]> {
  const byFamily = new Map<string, KnownAcquisition[]>();
  for (const acquisition of knownAcquisitions(book)) {
    const family = families.familyOf(acquisition.symbol);
    byFamily.set(family, [...(byFamily.get(family) ?? []), acquisition]);
  }
  return byFamily;
}

/** Families with a loss realised in a taxable account in the last 30 days (domain-rules.md). */
function recentLossFamilies(book: HouseholdBook, families: Families): Map<string, IsoDate> {
  const taxable = new Set(book.accounts.filter((a) => a.taxable).map((a) => a.id));
  const from = addDays(book.asOf, -30);
  const latest = new Map<string, IsoDate>();
  for (const tx of book.transactions) {
    if (tx.kind !== "sell" || tx.status !== "settled" || !taxable.has(tx.accountId)) continue;
    if (!tx.realizedGainLoss?.isNegative() || tx.tradeDate < from || tx.tradeDate > book.asOf) continue;
    const family = families.familyOf(symbolOf(book, tx.securityId));
    const previous = latest.get(family);
    if (!previous || tx.tradeDate > previous) latest.set(family, tx.tradeDate);
  }
  return latest;
}

/** Sell trades under the minimum are not drafted; their lots go back. */
function dropSmallSells(ws: PlanWorkspace): void {
  // Only sales exist at this point.
  for (const [key, trade] of ws.trades) {
    const amount = trade.quantity.times(trade.price);
    if (!amount.lessThan(ws.settings.minTradeAmount)) continue;
    ws.undoSale(key);
    ws.block(trade.security.assetClassId, {
      code: "trade.below-minimum",
      message: `a sale of ${trade.security.symbol} worth ${money(amount)} in ${trade.account.name} is under the ${money(ws.settings.minTradeAmount)} minimum`,
      accountId: trade.account.id,
      symbol: trade.security.symbol,
    });
  }
}

/** Harvestable lots sold while rebalancing count as harvested (no replacement: the class shrinks). */
function recordHarvestedSells(ws: PlanWorkspace, candidates: readonly HarvestCandidate[]): void {
  const byLot = new Map(candidates.map((c) => [c.lotKey, c]));
  const harvested = new Set(ws.harvested.map((h) => h.lot.lotKey));
  for (const trade of ws.trades.values()) {
    for (const sale of trade.lots) {
      const candidate = byLot.get(sale.lot.lotKey);
      if (!candidate || harvested.has(candidate.lotKey)) continue;
      const fraction = sale.quantity.dividedBy(sale.lot.quantity);
      ws.harvested.push({
        lot: sale.lot,
        symbol: candidate.symbol,
        loss: candidate.loss.times(fraction),
        term: candidate.term,
        estimatedTaxValue: candidate.estimatedTaxValue.times(fraction),
        rebuyFrom: candidate.rebuyFrom,
        replacement: null,
      });
    }
  }
}

function renderTrades(ws: PlanWorkspace): PlanTrade[] {
  const drafts = [...ws.trades.values()].filter((t) => t.quantity.greaterThan(ZERO));
  // Sells first (they fund the buys), then by account and symbol.
  const sortKey = (t: TradeDraft) => `${t.side === "sell" ? 0 : 1}/${t.account.id}/${t.security.symbol}`;
  drafts.sort((a, b) => byText(sortKey(a), sortKey(b)));
  return drafts.map((t, index) => {
    const taxableSell = t.side === "sell" && t.account.taxable;
    const byTerm = (term: "short" | "long") =>
      t.lots.reduce((sum, s) => (s.term === term && s.gainLoss ? sum.plus(s.gainLoss) : sum), ZERO);
    return {
      index,
      accountId: t.account.id,
      accountName: t.account.name,
      taxable: t.account.taxable,
      side: t.side,
      securityId: t.security.id,
      symbol: t.security.symbol,
      assetClassId: t.security.assetClassId,
      quantity: t.quantity.toString(),
      price: t.price.toString(),
      amount: money(t.quantity.times(t.price)),
      purposes: (["rebalance", "harvest", "replacement"] as const).filter((p) => t.purposes.has(p)),
      lots: t.lots.map((s) => ({
        lotKey: s.lot.lotKey,
        acquiredDate: s.lot.acquiredDate,
        quantity: s.quantity.toString(),
        basis: s.basis === null ? null : money(s.basis),
        proceeds: money(s.proceeds),
        gainLoss: s.gainLoss === null ? null : money(s.gainLoss),
        term: s.term,
      })),
      realized: taxableSell ? { shortTerm: money(byTerm("short")), longTerm: money(byTerm("long")) } : null,
      replaces: t.replaces,
    };
  });
}

function realizedByTerm(trades: readonly PlanTrade[]): { shortTerm: Decimal; longTerm: Decimal } {
  let shortTerm = ZERO;
  let longTerm = ZERO;
  for (const trade of trades) {
    if (!trade.realized) continue;
    shortTerm = shortTerm.plus(trade.realized.shortTerm);
    longTerm = longTerm.plus(trade.realized.longTerm);
  }
  return { shortTerm, longTerm };
}

/** The household after the trades, at the same prices: cash moves by exactly what is traded. */
export function applyTrades(book: HouseholdBook, trades: readonly PlanTrade[]): HouseholdBook {
  const cash = new Map(book.accounts.map((a) => [a.id, a.cash]));
  const positions = new Map<string, PlanningPosition>(
    book.positions.map((p) => [`${p.accountId}\u0000${p.securityId}`, p]),
  );
  for (const trade of trades) {
    const quantity = d(trade.quantity);
    const amount = quantity.times(d(trade.price));
    const signed = trade.side === "buy" ? quantity : quantity.negated();
    cash.set(
      trade.accountId,
      (cash.get(trade.accountId) as Decimal).minus(trade.side === "buy" ? amount : amount.negated()),
    );
    const key = `${trade.accountId}\u0000${trade.securityId}`;
    const held = positions.get(key);
    positions.set(key, {
      accountId: trade.accountId,
      securityId: trade.securityId,
      quantity: (held?.quantity ?? ZERO).plus(signed),
      reportedCostBasis: held?.reportedCostBasis ?? null,
    });
  }
  return {
    ...book,
    accounts: book.accounts.map((a) => ({ ...a, cash: cash.get(a.id) as Decimal })),
    positions: [...positions.values()],
  };
}

function renderDrift(drift: HouseholdDrift): PlanClassDrift[] {
  return drift.classes.map((c: ClassDrift) => ({
    assetClassId: c.assetClassId,
    inModel: c.inModel,
    value: money(c.value),
    targetWeight: weight(c.targetWeight),
    actualWeight: weight(c.actualWeight),
    absoluteDrift: weight(c.absoluteDrift),
    lowerBand: weight(c.lowerBand),
    upperBand: weight(c.upperBand),
    outOfBand: c.outOfBand,
  }));
}

/** Every class still out of band after the plan says why (domain-rules.md: "the reasons for
 * anything the plan could not fix"). */
function explainOutOfBand(ws: PlanWorkspace, after: HouseholdDrift): void {
  for (const c of after.classes) {
    if (!c.outOfBand) continue;
    const blockers = ws.blockers.get(c.assetClassId) ?? [];
    const summary: PlanFinding = {
      code: "rebalance.out-of-band",
      message: `${c.assetClassId} stays out of band at ${formatFixed(c.actualWeight.times(100), 2)}% (target ${formatFixed(c.targetWeight.times(100), 2)}%)${blockers.length === 0 ? ": whole-share rounding and the minimum trade size leave it just outside" : ""}`,
      assetClassId: c.assetClassId,
    };
    ws.reasons.push(summary, ...blockers.map((b) => ({ ...b, assetClassId: c.assetClassId })));
  }
}
