// Job schedules from the environment: LOTWISE_SCAN_CRON, LOTWISE_SYNC_CRON, LOTWISE_PRICES_CRON.
//
//   <minute> <hour> <day-of-month> <month> <day-of-week> [TZ=<IANA zone>]      or      off
//
// - The five fields are cron as croner reads them: numbers, *, ranges (1-5), lists (0,30), steps
//   (*/15), month and weekday names (JAN, MON-FRI), L for the last day of the month and # for the
//   nth weekday (MON#1). When both day fields are restricted a day matching either fires (as in
//   Vixie cron). No seconds field, no @nicknames, no "?".
// - Times are wall-clock times in the zone: America/New_York unless TZ= names another.
//   A time in the spring-forward gap runs an hour later that day (02:30 runs at 03:30); a time in
//   the repeated fall-back hour runs once, at its first occurrence.
// - Trading-days-only schedules (the scan) skip weekends and NYSE holidays, by the zone's date.
// - "off" disables the job. Unset or empty, a variable takes its default (SCHEDULE_VARIABLES).
//
// Examples: LOTWISE_SCAN_CRON="30 7 * * 1-5"   LOTWISE_SYNC_CRON="0 6,18 * * * TZ=America/Chicago"
import { Cron } from "croner";
import { addYears, type IsoDate, isoDate } from "../domain/iso-date.ts";
import { err, ok, type Result } from "../domain/result.ts";
import { isTradingDay } from "./market-calendar.ts";
import { MARKET_ZONE, type Schedule, SEARCH_YEARS } from "./next-run.ts";

/** The daily book scan: 07:30 New York time, Monday to Friday (holidays skipped). */
export const DEFAULT_SCAN_CRON = "30 7 * * 1-5";

export type ScheduleSetting = Required<Schedule> | "off";

export interface ScheduleOptions {
  tradingDaysOnly: boolean;
  /** The value an unset or empty variable stands for; "off" when absent. */
  whenUnset?: string;
}

export const SCHEDULE_VARIABLES = {
  LOTWISE_SCAN_CRON: { tradingDaysOnly: true, whenUnset: DEFAULT_SCAN_CRON },
  LOTWISE_SYNC_CRON: { tradingDaysOnly: false, whenUnset: "off" },
  LOTWISE_PRICES_CRON: { tradingDaysOnly: false, whenUnset: "off" },
} as const satisfies Record<string, ScheduleOptions>;

const FIELDS = [
  { name: "minute", allowed: "0-59" },
  { name: "hour", allowed: "0-23" },
  { name: "day-of-month", allowed: "1-31 or L" },
  { name: "month", allowed: "1-12 or JAN-DEC" },
  { name: "day-of-week", allowed: "0-7 or SUN-SAT, with #n or #L" },
] as const;

// Each field is checked on its own inside a pattern that is valid everywhere else, so a message
// can name the field croner refused.
const NEUTRAL_FIELDS = ["0", "0", "1", "1", "*"];

// Whether a schedule ever fires is asked from a fixed date after the calendar's last rule change
// (Juneteenth, 2022), so the answer does not depend on the clock.
const CHECK_FROM = new Date("2026-01-01T00:00:00Z");

export function parseSchedule(
  variable: string,
  value: string | undefined,
  options: ScheduleOptions,
): Result<ScheduleSetting, string> {
  const text = value?.trim() || options.whenUnset || "off";
  if (text.toLowerCase() === "off") return ok("off");

  const words = text.split(/\s+/);
  let zone = MARKET_ZONE;
  const last = words.at(-1) as string;
  if (/^TZ=/i.test(last)) {
    zone = last.slice(3);
    words.pop();
    if (!isKnownZone(zone)) {
      return err(`${variable}: unknown time zone "${zone}" (use an IANA name like America/New_York)`);
    }
  }
  if (words.some((word) => /^TZ=/i.test(word))) {
    return err(`${variable}: TZ=<zone> must come last, after the five cron fields, in "${text}"`);
  }
  if (words.length !== FIELDS.length) {
    return err(
      `${variable}: expected 5 cron fields (minute hour day-of-month month day-of-week) but found ${words.length} in "${text}"`,
    );
  }

  for (const [index, field] of FIELDS.entries()) {
    const word = words[index] as string;
    if (!isValidField(index, word)) {
      return err(`${variable}: bad ${field.name} field "${word}" in "${text}" (allowed: ${field.allowed})`);
    }
  }

  const days = matchDays(words);
  if (!days.nextRun(CHECK_FROM)) return err(`${variable}: "${text}" never fires (no date matches)`);
  if (options.tradingDaysOnly && !matchesATradingDay(days, CHECK_FROM)) {
    return err(`${variable}: "${text}" never fires on a trading day (none in ${SEARCH_YEARS} years)`);
  }
  return ok({ cron: words.join(" "), zone, tradingDaysOnly: options.tradingDaysOnly });
}

function isValidField(index: number, word: string): boolean {
  // croner replaces "?" with the time the pattern is read, which would make the schedule depend on
  // when the process started.
  if (word.includes("?")) return false;
  const pattern = NEUTRAL_FIELDS.map((neutral, i) => (i === index ? word : neutral)).join(" ");
  try {
    new Cron(pattern);
    return true;
  } catch {
    return false;
  }
}

// A run's local date is a date its day fields match, whatever the time fields and zone, so these
// walk dates only. utcOffset 0 makes croner's wall clock UTC's: no time-zone lookups per step.
function matchDays(fields: string[]): Cron {
  return new Cron(`0 0 ${fields.slice(2).join(" ")}`, { utcOffset: 0 });
}

function matchesATradingDay(days: Cron, from: Date): boolean {
  const until = addYears(isoDateOf(from), SEARCH_YEARS);
  for (let match = days.nextRun(from); match && isoDateOf(match) <= until; match = days.nextRun(match)) {
    if (isTradingDay(isoDateOf(match))) return true;
  }
  return false;
}

function isoDateOf(utcWallClock: Date): IsoDate {
  return isoDate(utcWallClock.toISOString().slice(0, 10));
}

function isKnownZone(zone: string): boolean {
  if (zone === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
