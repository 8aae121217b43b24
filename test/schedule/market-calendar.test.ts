import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isoDate } from "../../src/domain/iso-date.ts";
import { isNyseHoliday, isTradingDay, listNyseHolidays } from "../../src/schedule/market-calendar.ts";

const d = isoDate;

// NYSE holidays and trading hours (nyse.com/markets/hours-calendars), as published.
const PUBLISHED: Record<number, [string, string][]> = {
  2025: [
    ["2025-01-01", "New Year's Day"],
    ["2025-01-20", "Martin Luther King, Jr. Day"],
    ["2025-02-17", "Washington's Birthday"],
    ["2025-04-18", "Good Friday"],
    ["2025-05-26", "Memorial Day"],
    ["2025-06-19", "Juneteenth National Independence Day"],
    ["2025-07-04", "Independence Day"],
    ["2025-09-01", "Labor Day"],
    ["2025-11-27", "Thanksgiving Day"],
    ["2025-12-25", "Christmas Day"],
  ],
  2026: [
    ["2026-01-01", "New Year's Day"],
    ["2026-01-19", "Martin Luther King, Jr. Day"],
    ["2026-02-16", "Washington's Birthday"],
    ["2026-04-03", "Good Friday"],
    ["2026-05-25", "Memorial Day"],
    ["2026-06-19", "Juneteenth National Independence Day"],
    ["2026-07-03", "Independence Day (observed)"],
    ["2026-09-07", "Labor Day"],
    ["2026-11-26", "Thanksgiving Day"],
    ["2026-12-25", "Christmas Day"],
  ],
  2027: [
    ["2027-01-01", "New Year's Day"],
    ["2027-01-18", "Martin Luther King, Jr. Day"],
    ["2027-02-15", "Washington's Birthday"],
    ["2027-03-26", "Good Friday"],
    ["2027-05-31", "Memorial Day"],
    ["2027-06-18", "Juneteenth National Independence Day (observed)"],
    ["2027-07-05", "Independence Day (observed)"],
    ["2027-09-06", "Labor Day"],
    ["2027-11-25", "Thanksgiving Day"],
    ["2027-12-24", "Christmas Day (observed)"],
  ],
};

function weekday(date: string): number {
  return new Date(`${date}T12:00:00Z`).getUTCDay();
}

describe("NYSE holidays", () => {
  it.each([2025, 2026, 2027])("%i matches NYSE's published list exactly", (year) => {
    const expected = (PUBLISHED[year] ?? []).map(([date, name]) => ({ date, name }));
    expect(listNyseHolidays(year)).toEqual(expected);
  });

  it("does not move New Year's Day on a Saturday back into the old year (NYSE Rule 7.2)", () => {
    expect(weekday("2022-01-01")).toBe(6);
    expect(listNyseHolidays(2022).map((h) => h.date)).not.toContain("2022-01-01");
    expect(listNyseHolidays(2021).map((h) => h.date)).not.toContain("2021-12-31");
    expect(isNyseHoliday(d("2021-12-31"))).toBe(false);
    expect(isTradingDay(d("2021-12-31"))).toBe(true);
    // 2028-01-01 is also a Saturday.
    expect(isTradingDay(d("2027-12-31"))).toBe(true);
  });

  it("observes New Year's Day on a Sunday on the Monday after", () => {
    expect(listNyseHolidays(2023)[0]).toEqual({ date: "2023-01-02", name: "New Year's Day (observed)" });
  });

  it("observes Juneteenth from 2022 on, and not before", () => {
    expect(listNyseHolidays(2021).map((h) => h.name)).not.toContain("Juneteenth National Independence Day");
    expect(isNyseHoliday(d("2022-06-20"))).toBe(true);
    expect(isTradingDay(d("2021-06-18"))).toBe(true);
  });

  it.each([
    [2000, "2000-04-21"],
    [2008, "2008-03-21"],
    [2011, "2011-04-22"],
    [2019, "2019-04-19"],
    [2024, "2024-03-29"],
    [2038, "2038-04-23"],
    [2285, "2285-03-20"],
  ])("puts Good Friday %i on %s (Easter by the Gregorian computus)", (year, date) => {
    expect(listNyseHolidays(year).find((h) => h.name === "Good Friday")?.date).toBe(date);
  });

  it("lists ten weekday closures a year from 2022, nine when New Year's Day is a Saturday", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2022, max: 2400 }), (year) => {
        const holidays = listNyseHolidays(year);
        const dates = holidays.map((h) => h.date);
        expect(holidays).toHaveLength(weekday(`${year}-01-01`) === 6 ? 9 : 10);
        expect([...dates].sort()).toEqual(dates);
        expect(new Set(dates).size).toBe(dates.length);
        for (const date of dates) {
          expect(date.startsWith(`${year}-`)).toBe(true);
          expect([1, 2, 3, 4, 5]).toContain(weekday(date));
          expect(isNyseHoliday(date)).toBe(true);
          expect(isTradingDay(date)).toBe(false);
        }
      }),
    );
  });
});

describe("trading days", () => {
  it.each([
    ["2026-11-25", true],
    ["2026-11-26", false],
    ["2026-11-27", true],
    ["2026-11-28", false],
    ["2026-11-29", false],
    ["2026-12-24", true],
    ["2026-12-25", false],
    ["2026-07-03", false],
    ["2026-07-06", true],
  ])("%s is a trading day: %s", (date, trading) => {
    expect(isTradingDay(d(date))).toBe(trading);
  });

  it("a trading day is a weekday that is not a holiday", () => {
    const days = fc.integer({ min: 0, max: 365 * 30 }).map((n) => {
      const date = new Date(Date.UTC(2020, 0, 1 + n));
      return isoDate(date.toISOString().slice(0, 10));
    });
    fc.assert(
      fc.property(days, (date) => {
        const weekend = weekday(date) === 0 || weekday(date) === 6;
        expect(isTradingDay(date)).toBe(!weekend && !isNyseHoliday(date));
      }),
    );
  });
});
