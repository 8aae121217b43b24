import { Decimal as DecimalJs } from "decimal.js";

// One configured decimal type for money, quantities and prices: 40 significant digits (exact for
// anything NUMERIC(20,8) can hold, and for products of two such values), banker's rounding.
export const Decimal = DecimalJs.clone({
  precision: 40,
  rounding: DecimalJs.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Decimal = DecimalJs;

const DECIMAL_STRING = /^-?(?:\d+\.?\d*|\.\d+)$/;

/** Parses a plain decimal string ("1234.5", "-0.25"); anything else (exponents, commas, NaN) is refused. */
export function parseDecimal(text: string): Decimal | undefined {
  const trimmed = text.trim();
  return DECIMAL_STRING.test(trimmed) ? new Decimal(trimmed) : undefined;
}

export const ZERO = new Decimal(0);

/** Rounds to cents, half-even (used only when printing or settling money). */
export function toCents(value: Decimal): Decimal {
  return value.toDecimalPlaces(2, DecimalJs.ROUND_HALF_EVEN);
}

/** Fixed-point text with exactly `places` decimals, half-even. */
export function formatFixed(value: Decimal, places: number): string {
  return value.toFixed(places, DecimalJs.ROUND_HALF_EVEN);
}

export function sumDecimals(values: Iterable<Decimal>): Decimal {
  let total = ZERO;
  for (const value of values) total = total.plus(value);
  return total;
}
