import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvariantError } from "../../src/domain/assert.ts";
import {
  allocateCents,
  formatCents,
  formatFixedPoint,
  minFixed,
  parseFixed,
  proRataCents,
} from "../../src/domain/fixed-point.ts";

const f = (text: string) => parseFixed(text) as bigint;

describe("fixed-point decimals", () => {
  it.each([
    ["1234.5", 123_450_000_000n],
    ["-0.00000001", -1n],
    [".5", 50_000_000n],
    ["7.", 700_000_000n],
    [" 10 ", 1_000_000_000n],
    ["0", 0n],
  ])("parses %j exactly", (text, units) => {
    expect(parseFixed(text)).toBe(units);
  });

  it.each(["1e3", "1,000", "", "-", ".", "1.123456789", "abc", "--1"])("refuses %j", (text) => {
    expect(parseFixed(text)).toBeUndefined();
  });

  it("formats without trailing zeros, and money to cents half-even", () => {
    expect(formatFixedPoint(f("1.50"))).toBe("1.5");
    expect(formatFixedPoint(f("-0.25"))).toBe("-0.25");
    expect(formatFixedPoint(f("100"))).toBe("100");
    expect(formatCents(f("2.345"))).toBe("2.34");
    expect(formatCents(f("2.355"))).toBe("2.36");
    expect(formatCents(f("-2.355"))).toBe("-2.36");
    expect(formatCents(f("-0.004"))).toBe("0.00"); // no negative zero
    expect(formatCents(f("0.05"))).toBe("0.05");
    expect(formatCents(f("-1234.5"))).toBe("-1234.50");
  });

  it("text round-trips through fixed-point (property)", () => {
    const units = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n });
    fc.assert(
      fc.property(units, (n) => {
        expect(parseFixed(formatFixedPoint(n))).toBe(n);
      }),
    );
  });

  it("pro-rates to the cent, exactly the whole amount for the whole", () => {
    expect(proRataCents(f("10.00"), f("1"), f("3"))).toBe(f("3.33"));
    expect(proRataCents(f("-10.00"), f("2"), f("3"))).toBe(f("-6.67"));
    expect(proRataCents(f("10.005"), f("3"), f("3"))).toBe(f("10.005"));
    expect(proRataCents(0n, f("1"), f("3"))).toBe(0n);
  });

  it("allocates to the cent with the remainder on the last piece, always summing to the amount", () => {
    expect(allocateCents(f("10.00"), [f("1"), f("1"), f("1")])).toEqual([f("3.33"), f("3.33"), f("3.34")]);
    const cents = fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }).map((n) => n * 1_000_000n);
    const weights = fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(cents, weights, (amount, ws) => {
        expect(allocateCents(amount, ws).reduce((a, b) => a + b, 0n)).toBe(amount);
      }),
    );
  });

  it("refuses to allocate over no weight: a broken invariant", () => {
    expect(() => allocateCents(1n, [])).toThrow(InvariantError);
  });

  it("picks the smaller", () => {
    expect(minFixed(1n, 2n)).toBe(1n);
    expect(minFixed(3n, 2n)).toBe(2n);
  });
});
