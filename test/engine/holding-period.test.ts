// IRS Pub 550, "Holding Period": long-term only if held more than one year, by calendar dates.
import { describe, expect, it } from "vitest";
import { isoDate } from "../../src/domain/iso-date.ts";
import { longTermFrom, tackedAcquiredDate, termOf } from "../../src/engine/holding-period.ts";

describe("holding period", () => {
  it.each([
    ["2024-03-15", "2025-03-15", "short"], // the anniversary is still short-term
    ["2024-03-15", "2025-03-16", "long"],
    ["2024-02-29", "2025-02-28", "short"],
    ["2024-02-29", "2025-03-01", "long"],
    ["2023-03-01", "2024-03-01", "short"], // across a leap day: 366 days, still the anniversary
    ["2023-03-01", "2024-03-02", "long"],
  ])("acquired %s, sold %s: %s-term", (acquired, sold, term) => {
    expect(termOf(isoDate(acquired), isoDate(sold))).toBe(term);
  });

  it("names the first long-term sale date", () => {
    expect(longTermFrom(isoDate("2024-03-15"))).toBe("2025-03-16");
    expect(longTermFrom(isoDate("2024-02-29"))).toBe("2025-03-01");
  });

  it("tacks the sold shares' holding period onto the replacement (Pub 550 example: 61 days)", () => {
    expect(tackedAcquiredDate(isoDate("2014-07-05"), isoDate("2014-05-01"), isoDate("2014-07-01"))).toBe(
      "2014-05-05",
    );
  });
});
