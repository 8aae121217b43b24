// When a scheduled job next runs. croner matches the cron fields against wall-clock time in the
// schedule's zone; this module adds the trading-day filter and keeps every answer after `after`.
import { Cron } from "croner";
import { type IsoDate, isoDate } from "../domain/iso-date.ts";
import { isTradingDay } from "./market-calendar.ts";

/** The zone US markets keep their hours and holidays in. */
export const MARKET_ZONE = "America/New_York";

export interface Schedule {
  /** Five cron fields (minute hour day-of-month month day-of-week), read by croner. */
  cron: string;
  /** IANA time zone the cron fields are wall-clock times in; MARKET_ZONE when absent. */
  zone?: string;
  /** Skip runs whose local date (in `zone`) is a weekend or an NYSE holiday. */
  tradingDaysOnly: boolean;
}

/** How far ahead a run is looked for: a trading-days-only schedule whose matches all fall on closed
 * days would otherwise be searched forever. No schedule that fires goes this long between runs. */
export const SEARCH_YEARS = 50;
const SEARCH_HORIZON_MS = SEARCH_YEARS * 366 * 24 * 60 * 60 * 1000;

/** The first run strictly after `after`; throws if the schedule never fires. */
export function nextRunAfter(schedule: Schedule, after: Date): Date {
  const run = findNextRun(schedule, after);
  if (!run) {
    const days = schedule.tradingDaysOnly ? " on a trading day" : "";
    throw new Error(
      `schedule "${schedule.cron}" never fires${days} within ${SEARCH_YEARS} years of ${after.toISOString()}`,
    );
  }
  return run;
}

/** The first run strictly after `after`, or undefined when the schedule never fires. */
export function findNextRun(schedule: Schedule, after: Date): Date | undefined {
  const zone = schedule.zone ?? MARKET_ZONE;
  const cron = new Cron(schedule.cron, { timezone: zone });
  const horizon = after.getTime() + SEARCH_HORIZON_MS;
  let from = after;
  for (;;) {
    const run = nextMatch(cron, from);
    if (!run || run.getTime() > horizon) return undefined;
    if (!schedule.tradingDaysOnly || isTradingDay(localDate(run, zone))) return run;
    from = lastInstantOfLocalDay(run, zone);
  }
}

/** The runs in (from, to], in order. */
export function runsBetween(schedule: Schedule, from: Date, to: Date): Date[] {
  const runs: Date[] = [];
  for (let run = findNextRun(schedule, from); run && run <= to; run = findNextRun(schedule, run)) {
    runs.push(run);
  }
  return runs;
}

/** The next `count` runs after `after` (fewer if the schedule stops firing). */
export function listNextRuns(schedule: Schedule, after: Date, count: number): Date[] {
  const runs: Date[] = [];
  for (let run = findNextRun(schedule, after); run && runs.length < count; run = findNextRun(schedule, run)) {
    runs.push(run);
  }
  return runs;
}

function localDate(instant: Date, zone: string): IsoDate {
  const parts = Object.fromEntries(
    dateFormatter(zone)
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return isoDate(`${parts.year}-${parts.month}-${parts.day}`);
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>();

function dateFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = dateFormatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    dateFormatters.set(zone, formatter);
  }
  return formatter;
}

// croner 9.0.0 resolves a wall-clock time in the repeated fall-back hour to its first occurrence,
// so from inside the second occurrence nextRun can answer an instant already passed: step on.
// It also reads `from` into the zone by re-parsing a locale string in the process's own zone, so a
// wall time inside the process zone's DST gap is read an hour late; run the process in UTC.
function nextMatch(cron: Cron, from: Date): Date | undefined {
  let run = cron.nextRun(from);
  while (run && run <= from) run = cron.nextRun(run);
  return run ?? undefined;
}

function lastInstantOfLocalDay(instant: Date, zone: string): Date {
  const midnight = nextMatch(new Cron("0 0 * * *", { timezone: zone }), instant);
  if (!midnight) throw new Error(`no midnight after ${instant.toISOString()} in ${zone}`);
  return new Date(midnight.getTime() - 1);
}
