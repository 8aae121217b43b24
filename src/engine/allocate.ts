// Splits an amount pro rata. Every piece but the last is rounded to cents (half-even); the last
// takes the remainder, so the pieces always add up to the amount exactly (domain-rules.md, "Lot
// relief": rounding only at cents, the remainder kept on the open part).
import { assert } from "../domain/assert.ts";
import { type Decimal, toCents, ZERO } from "../domain/decimal.ts";

export function allocate(amount: Decimal, weights: readonly Decimal[]): Decimal[] {
  const total = weights.reduce((sum, weight) => sum.plus(weight), ZERO);
  assert(total.greaterThan(0), "allocate needs at least one positive weight");
  const pieces: Decimal[] = [];
  let given = ZERO;
  for (let i = 0; i < weights.length - 1; i++) {
    const piece = toCents(amount.times(weights[i] as Decimal).dividedBy(total));
    pieces.push(piece);
    given = given.plus(piece);
  }
  pieces.push(amount.minus(given));
  return pieces;
}

/** The part of `amount` that belongs to `part` of `whole` shares, to the cent; all of it when part = whole. */
export function proRata(amount: Decimal, part: Decimal, whole: Decimal): Decimal {
  return part.equals(whole) ? amount : toCents(amount.times(part).dividedBy(whole));
}
