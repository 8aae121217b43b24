import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvariantError } from "../../src/domain/assert.ts";
import { Decimal } from "../../src/domain/decimal.ts";
import { allocate, proRata } from "../../src/engine/allocate.ts";

const d = (v: string) => new Decimal(v);

describe("allocate", () => {
  it("rounds every piece but the last to cents and gives the last the remainder", () => {
    expect(allocate(d("10.00"), [d("1"), d("1"), d("1")]).map(String)).toEqual(["3.33", "3.33", "3.34"]);
  });

  it("always adds up to the amount (property)", () => {
    const cents = fc
      .bigInt({ min: 0n, max: 10n ** 12n })
      .map((n) => new Decimal(n.toString()).dividedBy(100));
    const weights = fc.array(
      fc.integer({ min: 1, max: 10_000 }).map((n) => new Decimal(n)),
      { minLength: 1, maxLength: 8 },
    );
    fc.assert(
      fc.property(cents, weights, (amount, ws) => {
        const pieces = allocate(amount, ws);
        expect(pieces.reduce((a, b) => a.plus(b), new Decimal(0)).equals(amount)).toBe(true);
      }),
    );
  });

  it("refuses to allocate over no weight: a broken invariant, not an outcome", () => {
    expect(() => allocate(d("1"), [])).toThrow(InvariantError);
  });

  it("proRata returns the whole amount for the whole quantity, exactly", () => {
    expect(proRata(d("10.005"), d("3"), d("3")).toString()).toBe("10.005");
    expect(proRata(d("10.00"), d("1"), d("3")).toString()).toBe("3.33");
  });
});
