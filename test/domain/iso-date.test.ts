import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  addDays,
  addYears,
  daysBetween,
  fromDayNumber,
  isoDate,
  parseIsoDate,
  toDayNumber,
} from "../../src/domain/iso-date.ts";

describe("calendar dates", () => {
  it.each([
    ["2024-02-29", true],
    ["2023-02-29", false],
    ["1900-02-29", false],
    ["2000-02-29", true],
    ["2026-04-31", false],
    ["2026-13-01", false],
    ["2026-1-01", false],
    ["2026-11-20T00:00:00Z", false],
    ["", false],
  ])("parseIsoDate(%s) accepts only real calendar dates -> %s", (text, valid) => {
    expect(parseIsoDate(text) !== undefined).toBe(valid);
  });

  it("counts days across leap days and year ends", () => {
    expect(daysBetween(isoDate("2024-02-28"), isoDate("2024-03-01"))).toBe(2);
    expect(daysBetween(isoDate("2023-02-28"), isoDate("2023-03-01"))).toBe(1);
    expect(addDays(isoDate("2025-12-31"), 1)).toBe("2026-01-01");
    expect(addDays(isoDate("2026-11-20"), -30)).toBe("2026-10-21");
    expect(toDayNumber(isoDate("1970-01-01"))).toBe(0);
  });

  it("adds years on the calendar; Feb 29 falls back to Feb 28", () => {
    expect(addYears(isoDate("2024-03-15"), 1)).toBe("2025-03-15");
    expect(addYears(isoDate("2024-02-29"), 1)).toBe("2025-02-28");
    expect(addYears(isoDate("2024-02-29"), 4)).toBe("2028-02-29");
  });

  it("day numbers and dates are inverse (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: -200_000, max: 200_000 }), (n) => {
        const date = fromDayNumber(n);
        expect(parseIsoDate(date)).toBe(date);
        expect(toDayNumber(date)).toBe(n);
        expect(addDays(date, 1) > date).toBe(true);
      }),
    );
  });
});
