// Greedy lot selection vs an optimiser (part of `npm run bench`; BENCH_ONLY=sells runs it alone).
// For every overweight class of the synthetic households, the engine's greedy order (losses,
// tax-advantaged, long-term by basis, short-term last) is compared with the HiGHS MILP that
// minimises estimated tax for the same amount over the same sellable units (whole shares where the
// custodian has no fractions). The MILP knows only tax rates, not the "short-term last" rule, so
// the gap it finds is what that rule costs. Bench code: floats are fine here, never in the engine.
import * as highsModule from "highs";
import { Decimal, ZERO } from "../src/domain/decimal.ts";
import { computeDrift } from "../src/engine/planning/compute-drift.ts";
import { DEFAULT_PLAN_SETTINGS, sellContextOf } from "../src/engine/planning/draft-plan.ts";
import { PlanWorkspace } from "../src/engine/planning/plan-workspace.ts";
import { type SellUnit, selectSells, sellUnits } from "../src/engine/planning/select-sells.ts";
import { setClassGoals } from "../src/engine/planning/set-class-goals.ts";
import { buildFamilies } from "../src/engine/substantially-identical.ts";
import { buildMarket, generateBook } from "./synthetic-book.ts";

const { shortTermRate, longTermRate } = DEFAULT_PLAN_SETTINGS;
const rate = (term: "short" | "long" | null) =>
  term === null ? ZERO : term === "short" ? shortTermRate : longTermRate;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Shares of unit i in an optimal solution. */
function primal(solution: { Columns: Record<string, unknown> }, i: number): number {
  return (solution.Columns[`x${i}`] as { Primal?: number } | undefined)?.Primal ?? 0;
}

/** Tax per share sold. */
const taxPerShare = (u: SellUnit, price: Decimal) => u.gainPerDollar.times(price).times(rate(u.term));

/**
 * CPLEX LP text: minimise the cost of the shares sold, raising at least `amount`. With `ruled`, the
 * cost puts the domain order first (a rank weighs more than any tax per dollar), so the optimum
 * is the best plan the rule allows.
 */
function milp(
  units: readonly SellUnit[],
  prices: readonly Decimal[],
  amount: Decimal,
  ruled: boolean,
): string {
  const term = (coefficient: Decimal, i: number) =>
    `${coefficient.isNegative() ? "-" : "+"} ${coefficient.abs().toFixed(6)} x${i}`;
  const cost = units.map((u, i) => {
    const price = prices[i] as Decimal;
    return term(taxPerShare(u, price).plus(ruled ? price.times(u.rank) : ZERO), i);
  });
  const raise = units.map((_, i) => term(prices[i] as Decimal, i));
  const available = units.reduce((sum, u, i) => sum.plus(u.quantity.times(prices[i] as Decimal)), ZERO);
  const target = Decimal.min(amount, available);
  // Whole shares unless the custodian has fractions (a fractional DRIP lot may still be sold whole).
  const integers = units.flatMap((u, i) =>
    u.account.fractionalShares || !u.quantity.isInteger() ? [] : [`x${i}`],
  );
  return [
    "Minimize",
    ` obj: ${cost.join(" ")}`,
    "Subject To",
    ` raise: ${raise.join(" ")} >= ${target.toFixed(6)}`,
    // No more than one share over, as the greedy: selling extra losses would "save" tax by overselling.
    ` cap: ${raise.join(" ")} <= ${target.plus(Decimal.max(...prices)).toFixed(6)}`,
    "Bounds",
    ...units.map((u, i) => ` 0 <= x${i} <= ${u.quantity.toFixed(6)}`),
    ...(integers.length > 0 ? ["General", ` ${integers.join(" ")}`] : []),
    "End",
  ].join("\n");
}

export async function benchSellSelection(): Promise<void> {
  const households = Number(process.env.BENCH_SELL_HOUSEHOLDS ?? 1_000);
  // The package is CommonJS with ESM types: its default export is the loader.
  const highs = await (highsModule.default as unknown as typeof highsModule.default.default)();
  const market = buildMarket();
  const families = buildFamilies(
    market.policy,
    [...market.securities.values()].map((s) => ({ symbol: s.symbol, trackedIndex: s.trackedIndex })),
  );
  const book = generateBook(households, { market });
  let classes = 0;
  let cheaper = 0;
  let greedyTax = ZERO;
  let milpTax = 0;
  let milpShortTermGain = 0;
  let ruledTax = 0;
  const greedyMs: number[] = [];
  const milpMs: number[] = [];
  for (const { book: household, model } of book.households) {
    const drift = computeDrift(household, model);
    if (!drift.outOfBand) continue;
    const ctx = sellContextOf(household, families);
    for (const [classId, delta] of setClassGoals(drift, model, household.cashClassId)) {
      if (classId === household.cashClassId || !delta.isNegative()) continue;
      const amount = delta.negated();
      const ws = new PlanWorkspace(household, families, DEFAULT_PLAN_SETTINGS, ZERO);
      const units = sellUnits(
        new PlanWorkspace(household, families, DEFAULT_PLAN_SETTINGS, ZERO),
        classId,
        ctx,
      );
      if (units.length === 0) continue;
      let start = performance.now();
      selectSells(ws, classId, amount, ctx);
      greedyMs.push(performance.now() - start);
      let tax = ZERO;
      for (const trade of ws.trades.values()) {
        for (const sale of trade.lots)
          if (sale.gainLoss) tax = tax.plus(sale.gainLoss.times(rate(sale.term)));
      }
      const prices = units.map((u) => household.prices.get(u.securityId) as Decimal);
      start = performance.now();
      const solution = highs.solve(milp(units, prices, amount, false));
      milpMs.push(performance.now() - start);
      const ruled = highs.solve(milp(units, prices, amount, true));
      for (const s of [solution, ruled]) {
        if (s.Status !== "Optimal") throw new Error(`${household.householdId} ${classId}: ${s.Status}`);
      }
      ruledTax += units.reduce(
        (sum, u, i) => sum + primal(ruled, i) * taxPerShare(u, prices[i] as Decimal).toNumber(),
        0,
      );
      classes += 1;
      greedyTax = greedyTax.plus(tax);
      milpTax += solution.ObjectiveValue;
      if (tax.toNumber() - solution.ObjectiveValue > 1) cheaper += 1;
      units.forEach((u, i) => {
        const sold = primal(solution, i);
        if (u.term === "short" && u.gainPerDollar.isPositive() && sold > 0) {
          milpShortTermGain += sold * u.gainPerDollar.times(prices[i] as Decimal).toNumber();
        }
      });
    }
  }
  const money = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
  const label = (text: string) => `  ${text.padEnd(48)}`;
  console.log(
    `sell selection, greedy vs HiGHS MILP, ${classes.toLocaleString("en-US")} overweight classes in ${households.toLocaleString("en-US")} households:`,
  );
  console.log(`${label("estimated tax, greedy (domain order)")}${money(greedyTax.toNumber())}`);
  console.log(
    `${label("estimated tax, MILP (tax only)")}${money(milpTax)} (${cheaper} classes cheaper by over $1)`,
  );
  console.log(`${label("short-term gains the MILP realises")}${money(milpShortTermGain)}`);
  console.log(`${label("estimated tax, MILP held to the domain order")}${money(ruledTax)}`);
  console.log(
    `${label("time per class, greedy / MILP (median)")}${median(greedyMs).toFixed(2)} ms / ${median(milpMs).toFixed(2)} ms`,
  );
}
