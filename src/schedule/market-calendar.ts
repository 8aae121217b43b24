// NYSE full-day market holidays, by rule (NYSE Rule 7.2; nyse.com/markets/hours-calendars).
// The rules as they stand today: years before a rule took effect (other than Juneteenth, from 2022)
// are not a faithful history. Unscheduled closures, such as national days of mourning (2025-01-09),
// follow no rule and are not here.
import { addDays, daysInMonth, type IsoDate, isoDate, toDayNumber } from "../domain/iso-date.ts";

export interface MarketHoliday {
  date: IsoDate;
  name: string;
}

const SUNDAY = 0;
const MONDAY = 1;
const THURSDAY = 4;
const SATURDAY = 6;

function dateOf(year: number, month: number, day: number): IsoDate {
  return isoDate(
    `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
  );
}

/** 0 = Sunday … 6 = Saturday. */
function weekdayOf(date: IsoDate): number {
  // 1970-01-01 (day 0) was a Thursday.
  return (((toDayNumber(date) + THURSDAY) % 7) + 7) % 7;
}

function nthWeekday(year: number, month: number, weekday: number, n: number): IsoDate {
  const first = dateOf(year, month, 1);
  return addDays(first, ((weekday - weekdayOf(first) + 7) % 7) + 7 * (n - 1));
}

function lastWeekday(year: number, month: number, weekday: number): IsoDate {
  const last = dateOf(year, month, daysInMonth(year, month));
  return addDays(last, -((weekdayOf(last) - weekday + 7) % 7));
}

// Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
function easterSunday(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return dateOf(year, month, day);
}

// NYSE Rule 7.2: a holiday on Saturday closes the Friday before, on Sunday the Monday after.
function observe(name: string, date: IsoDate): MarketHoliday {
  const weekday = weekdayOf(date);
  if (weekday === SATURDAY) return { date: addDays(date, -1), name: `${name} (observed)` };
  if (weekday === SUNDAY) return { date: addDays(date, 1), name: `${name} (observed)` };
  return { date, name };
}

/** The weekdays the NYSE is closed for a holiday in `year`, in date order. */
export function listNyseHolidays(year: number): MarketHoliday[] {
  const holidays: MarketHoliday[] = [];
  const newYear = dateOf(year, 1, 1);
  // NYSE Rule 7.2: New Year's Day on a Saturday is not observed on the Friday before (it is in the prior year).
  if (weekdayOf(newYear) !== SATURDAY) holidays.push(observe("New Year's Day", newYear));
  holidays.push(
    { date: nthWeekday(year, 1, MONDAY, 3), name: "Martin Luther King, Jr. Day" },
    { date: nthWeekday(year, 2, MONDAY, 3), name: "Washington's Birthday" },
    { date: addDays(easterSunday(year), -2), name: "Good Friday" },
    { date: lastWeekday(year, 5, MONDAY), name: "Memorial Day" },
  );
  if (year >= 2022) holidays.push(observe("Juneteenth National Independence Day", dateOf(year, 6, 19)));
  holidays.push(
    observe("Independence Day", dateOf(year, 7, 4)),
    { date: nthWeekday(year, 9, MONDAY, 1), name: "Labor Day" },
    { date: nthWeekday(year, 11, THURSDAY, 4), name: "Thanksgiving Day" },
    observe("Christmas Day", dateOf(year, 12, 25)),
  );
  return holidays;
}

const holidaysByYear = new Map<number, ReadonlySet<IsoDate>>();

function holidayDates(year: number): ReadonlySet<IsoDate> {
  let dates = holidaysByYear.get(year);
  if (!dates) {
    dates = new Set(listNyseHolidays(year).map((holiday) => holiday.date));
    holidaysByYear.set(year, dates);
  }
  return dates;
}

export function isNyseHoliday(date: IsoDate): boolean {
  return holidayDates(Number(date.slice(0, 4))).has(date);
}

function isWeekend(date: IsoDate): boolean {
  const weekday = weekdayOf(date);
  return weekday === SATURDAY || weekday === SUNDAY;
}

/** A weekday on which the NYSE is not closed for a holiday. */
export function isTradingDay(date: IsoDate): boolean {
  return !isWeekend(date) && !isNyseHoliday(date);
}
