import { describe, expect, it } from "vitest";
import { Decimal, formatFixed, parseDecimal, sumDecimals, toCents } from "../../src/domain/decimal.ts";

describe("decimal", () => {
  it("is exact where floats are not", () => {
    expect(new Decimal("0.1").plus("0.2").equals("0.3")).toBe(true);
    expect(sumDecimals(["1000.10", "2000.20", "3000.30"].map((v) => new Decimal(v))).toFixed(2)).toBe(
      "6000.60",
    );
  });

  it.each([
    ["1234.5", "1234.5"],
    ["-0.25", "-0.25"],
    [" 10 ", "10"],
    [".5", "0.5"],
  ])("parses plain decimal text %s", (text, expected) => {
    expect(parseDecimal(text)?.toString()).toBe(expected);
  });

  it.each(["1e3", "1,234.50", "$10", "NaN", "Infinity", "", "-", "1.2.3"])("refuses %s", (text) => {
    expect(parseDecimal(text)).toBeUndefined();
  });

  it("rounds money half-even, only when asked", () => {
    expect(toCents(new Decimal("2.345")).toString()).toBe("2.34");
    expect(toCents(new Decimal("2.355")).toString()).toBe("2.36");
    expect(formatFixed(new Decimal("-0.005"), 2)).toBe("-0.00");
  });
});
