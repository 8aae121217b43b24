// How much each asset class should change (docs/trade-drafting.md, step 3; domain-rules.md "Drift
// and bands": rebalance to target, or to the band edge, as a setting). Out-of-band classes move to
// their goal; the difference is spread over the classes short of target (net sells) or the in-band
// classes over it (net buys), so sells fund buys. The cash class takes what is left.
import { type Decimal, sumDecimals, ZERO } from "../../domain/decimal.ts";
import type { ModelVersionSpec } from "../../domain/household-book.ts";
import type { ClassDrift, HouseholdDrift } from "./compute-drift.ts";

/** Change in value per asset class (negative: sell), cash class included. */
export function setClassGoals(
  drift: HouseholdDrift,
  model: ModelVersionSpec,
  cashClassId: string,
): Map<string, Decimal> {
  const total = drift.totalValue;
  const deltas = new Map<string, Decimal>();
  const targetValue = (c: ClassDrift) => c.targetWeight.times(total);
  for (const c of drift.classes) {
    if (!c.outOfBand) continue;
    const over = c.actualWeight.greaterThan(c.targetWeight);
    const goalWeight =
      model.rebalanceTo === "TARGET" || !c.inModel ? c.targetWeight : over ? c.upperBand : c.lowerBand;
    deltas.set(c.assetClassId, goalWeight.times(total).minus(c.value));
  }
  const net = sumDecimals(deltas.values());
  if (net.isZero()) return deltas;
  // Net sells fill every class still below target after its goal (so proceeds are invested, not
  // piled up in cash); net buys draw only on in-band classes above target, cash included (so an
  // overweight class is not sold past its goal). In proportion to the gap, never past target; cash
  // takes what is left.
  const sign = net.isNegative() ? 1 : -1;
  const gaps = drift.classes
    .filter((c) => net.isNegative() || !c.outOfBand)
    .map((c) => {
      const goal = c.value.plus(deltas.get(c.assetClassId) ?? ZERO);
      return { id: c.assetClassId, gap: targetValue(c).minus(goal).times(sign) };
    })
    .filter((g) => g.gap.greaterThan(ZERO));
  const amount = net.abs();
  const totalGap = sumDecimals(gaps.map((g) => g.gap));
  let moved = ZERO;
  for (const { id, gap } of gaps) {
    const share = amount.greaterThanOrEqualTo(totalGap) ? gap : amount.times(gap).dividedBy(totalGap);
    deltas.set(id, (deltas.get(id) ?? ZERO).plus(share.times(sign)));
    moved = moved.plus(share);
  }
  const rest = amount.minus(moved);
  if (rest.greaterThan(ZERO)) {
    deltas.set(cashClassId, (deltas.get(cashClassId) ?? ZERO).plus(rest.times(sign)));
  }
  return deltas;
}
