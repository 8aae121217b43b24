// Household drift from the target model (domain-rules.md, "Drift and bands"): weights per asset
// class over every account, held-away ones included, at the book's prices; account cash counts in
// the cash class. A class is out of band when it is more than the absolute band (5 points) OR more
// than the relative band (25% of target) away: |actual - target| > min(absolute, relative x target).
import { type Decimal, ZERO } from "../../domain/decimal.ts";
import type { HouseholdBook, ModelTargetSpec, ModelVersionSpec } from "../../domain/household-book.ts";

export interface ClassDrift {
  assetClassId: string;
  /** false: held but not in the model (its target is zero). */
  inModel: boolean;
  value: Decimal;
  actualWeight: Decimal;
  targetWeight: Decimal;
  /** actual - target, in weight (0.05 = 5 points). */
  absoluteDrift: Decimal;
  /** (actual - target) / target; null when the target is zero. */
  relativeDrift: Decimal | null;
  /** The largest |actual - target| still in band. */
  tolerance: Decimal;
  lowerBand: Decimal;
  upperBand: Decimal;
  outOfBand: boolean;
}

export interface HouseholdDrift {
  modelVersionId: string;
  totalValue: Decimal;
  /** Value in accounts that cannot trade (held away). */
  heldAwayValue: Decimal;
  classes: ClassDrift[];
  outOfBand: boolean;
  /** Positions without a price or a known security: not in any weight. */
  unvalued: { accountId: string; securityId: string; reason: "no-price" | "unknown-security" }[];
}

export function computeDrift(book: HouseholdBook, model: ModelVersionSpec): HouseholdDrift {
  const valueByClass = new Map<string, Decimal>();
  const add = (classId: string, value: Decimal) =>
    valueByClass.set(classId, (valueByClass.get(classId) ?? ZERO).plus(value));
  const heldAway = new Set(
    book.accounts.filter((account) => !account.tradeable).map((account) => account.id),
  );
  let heldAwayValue = ZERO;
  for (const account of book.accounts) {
    add(book.cashClassId, account.cash);
    if (heldAway.has(account.id)) heldAwayValue = heldAwayValue.plus(account.cash);
  }
  const unvalued: HouseholdDrift["unvalued"] = [];
  for (const position of book.positions) {
    const security = book.securities.get(position.securityId);
    const price = book.prices.get(position.securityId);
    if (!security || !price) {
      unvalued.push({
        accountId: position.accountId,
        securityId: position.securityId,
        reason: security ? "no-price" : "unknown-security",
      });
      continue;
    }
    const value = position.quantity.times(price);
    add(security.assetClassId, value);
    if (heldAway.has(position.accountId)) heldAwayValue = heldAwayValue.plus(value);
  }
  const totalValue = [...valueByClass.values()].reduce((sum, value) => sum.plus(value), ZERO);

  const modelClasses = new Set(model.targets.map((target) => target.assetClassId));
  const extra = [...valueByClass.keys()]
    .filter((id) => !modelClasses.has(id) && !valueByClass.get(id)?.isZero())
    .sort();
  const classes = [
    ...model.targets.map((target) =>
      classDrift(model, target, valueByClass.get(target.assetClassId) ?? ZERO, totalValue),
    ),
    ...extra.map((id) =>
      classDrift(
        model,
        {
          assetClassId: id,
          weight: ZERO,
          bandAbsolute: null,
          bandRelative: null,
          primarySecurityId: "",
          alternateSecurityIds: [],
        },
        valueByClass.get(id) as Decimal,
        totalValue,
        false,
      ),
    ),
  ];
  return {
    modelVersionId: model.id,
    totalValue,
    heldAwayValue,
    classes,
    outOfBand: classes.some((c) => c.outOfBand),
    unvalued,
  };
}

function classDrift(
  model: ModelVersionSpec,
  target: ModelTargetSpec,
  value: Decimal,
  total: Decimal,
  inModel = true,
): ClassDrift {
  const actualWeight = total.isZero() ? ZERO : value.dividedBy(total);
  const absoluteDrift = actualWeight.minus(target.weight);
  const bandAbsolute = target.bandAbsolute ?? model.bandAbsolute;
  const bandRelative = target.bandRelative ?? model.bandRelative;
  const relativeTolerance = bandRelative.times(target.weight);
  const tolerance = bandAbsolute.lessThan(relativeTolerance) ? bandAbsolute : relativeTolerance;
  return {
    assetClassId: target.assetClassId,
    inModel,
    value,
    actualWeight,
    targetWeight: target.weight,
    absoluteDrift,
    relativeDrift: target.weight.isZero() ? null : absoluteDrift.dividedBy(target.weight),
    tolerance,
    lowerBand: target.weight.minus(tolerance),
    upperBand: target.weight.plus(tolerance),
    outOfBand: !total.isZero() && absoluteDrift.abs().greaterThan(tolerance),
  };
}
