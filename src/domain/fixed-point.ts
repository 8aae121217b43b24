// Exact fixed-point decimals as bigint counts of 10^-8 (the database's NUMERIC(20,8) scale), for
// hot paths such as the tax-lot ledger: each operation is one bigint operation, with no rounding
// anywhere except where a rule says "round to cents" (half-even, computed exactly). Text converts
// straight to and from it, without a decimal.js round trip.
import { assert } from "./assert.ts";

export type Fixed = bigint;

export const FIXED_PLACES = 8;
const UNITS_PER_CENT = 10n ** BigInt(FIXED_PLACES - 2);
const PLAIN_DECIMAL = /^(-?)(\d*)(?:\.(\d*))?$/;

/** "1234.5" -> 123450000000n; undefined for anything else or more than 8 decimal places. */
export function parseFixed(text: string): Fixed | undefined {
  const match = PLAIN_DECIMAL.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole = "", fraction = ""] = match;
  if ((whole === "" && fraction === "") || fraction.length > FIXED_PLACES) return undefined;
  const units = BigInt(`${whole || "0"}${fraction.padEnd(FIXED_PLACES, "0")}`);
  return sign === "-" ? -units : units;
}

/** Plain decimal text with trailing zeros removed: 150000000n -> "1.5". */
export function formatFixedPoint(value: Fixed): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(FIXED_PLACES + 1, "0");
  const whole = digits.slice(0, -FIXED_PLACES);
  const fraction = digits.slice(-FIXED_PLACES).replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? `.${fraction}` : ""}`;
}

/** Money text rounded half-even to cents, always two decimals: 12345000000n -> "123.45". */
export function formatCents(value: Fixed): string {
  const cents =
    value % UNITS_PER_CENT === 0n ? value / UNITS_PER_CENT : divideHalfEven(value, UNITS_PER_CENT);
  const negative = cents < 0n;
  const digits = (negative ? -cents : cents).toString().padStart(3, "0");
  return `${negative ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** numerator / denominator rounded half-even to an integer (denominator > 0). */
function divideHalfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  if (twice < denominator || (twice === denominator && quotient % 2n === 0n)) return quotient;
  return numerator < 0n ? quotient - 1n : quotient + 1n;
}

/** amount x part / whole, rounded half-even to cents; exactly `amount` when part is the whole. */
export function proRataCents(amount: Fixed, part: Fixed, whole: Fixed): Fixed {
  if (part === whole || amount === 0n) return amount;
  return divideHalfEven(amount * part, whole * UNITS_PER_CENT) * UNITS_PER_CENT;
}

/**
 * Splits `amount` in proportion to `weights`: every piece but the last rounded to cents
 * (half-even), the last taking the remainder, so the pieces add up to the amount exactly.
 */
export function allocateCents(amount: Fixed, weights: readonly Fixed[]): Fixed[] {
  assert(weights.length > 0, "allocateCents needs at least one weight");
  if (weights.length === 1) return [amount];
  let total = 0n;
  for (const weight of weights) total += weight;
  const pieces: Fixed[] = [];
  let given = 0n;
  for (let i = 0; i < weights.length - 1; i++) {
    const piece = proRataCents(amount, weights[i] as Fixed, total);
    pieces.push(piece);
    given += piece;
  }
  pieces.push(amount - given);
  return pieces;
}

export function minFixed(a: Fixed, b: Fixed): Fixed {
  return a < b ? a : b;
}
