import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/domain/decimal.ts";
import { sumValuations, valueHoldings } from "../../src/engine/value-holdings.ts";

const d = (v: string) => new Decimal(v);

describe("valueHoldings", () => {
  it("values positions at their prices plus cash, exactly", () => {
    const valuation = valueHoldings(
      {
        cash: d("1000.01"),
        positions: [
          { securityId: "a", quantity: d("10.5") },
          { securityId: "b", quantity: d("3") },
        ],
      },
      new Map([
        ["a", d("100.10")],
        ["b", d("0.1")],
      ]),
    );
    expect(valuation.marketValue.toString()).toBe("2051.36");
    expect(valuation.unpriced).toEqual([]);
  });

  it("reports positions it cannot price instead of valuing them at zero", () => {
    const valuation = valueHoldings(
      { cash: d("5"), positions: [{ securityId: "x", quantity: d("1") }] },
      new Map(),
    );
    expect(valuation).toEqual({ marketValue: d("5"), unpriced: ["x"] });
  });

  it("household value is the sum of its accounts' values in any order (property)", () => {
    const amount = fc
      .bigInt({ min: -(10n ** 14n), max: 10n ** 14n })
      .map((n) => new Decimal(n.toString()).dividedBy(100));
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 12 }), (cashes) => {
        const valuations = cashes.map((cash) => valueHoldings({ cash, positions: [] }, new Map()));
        const forward = sumValuations(valuations).marketValue;
        const backward = sumValuations([...valuations].reverse()).marketValue;
        expect(forward.equals(backward)).toBe(true);
        expect(forward.equals(cashes.reduce((a, b) => a.plus(b), new Decimal(0)))).toBe(true);
      }),
    );
  });
});
