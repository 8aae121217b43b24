import { Cron } from "croner";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, type IsoDate, isoDate } from "../../src/domain/iso-date.ts";
import { isTradingDay } from "../../src/schedule/market-calendar.ts";
import {
  findNextRun,
  listNextRuns,
  nextRunAfter,
  runsBetween,
  type Schedule,
} from "../../src/schedule/next-run.ts";
import { DEFAULT_SCAN_CRON } from "../../src/schedule/parse-schedule.ts";

const SCAN: Schedule = { cron: DEFAULT_SCAN_CRON, zone: "America/New_York", tradingDaysOnly: true };
const at = (iso: string) => new Date(iso);
const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

const newYorkParts = new Intl.DateTimeFormat("en-US", {
  timeZone: "America/New_York",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** New York's wall clock at an instant, as "YYYY-MM-DD HH:MM:SS.mmm". */
function newYorkClock(instant: Date): string {
  const p = Object.fromEntries(newYorkParts.formatToParts(instant).map((part) => [part.type, part.value]));
  const ms = String(instant.getUTCMilliseconds()).padStart(3, "0");
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}.${ms}`;
}

/** The instant of 07:30 New York time on `date`: 11:30Z under EDT, 12:30Z under EST. */
function scanTimeOn(date: IsoDate): Date {
  const candidates = [at(`${date}T11:30:00Z`), at(`${date}T12:30:00Z`)];
  const match = candidates.find((instant) => newYorkClock(instant) === `${date} 07:30:00.000`);
  if (!match) throw new Error(`no 07:30 in New York on ${date}`);
  return match;
}

describe("the default scan schedule", () => {
  it("runs at 07:30 New York time across the March DST switch (12:30Z in EST, 11:30Z in EDT)", () => {
    const friday = nextRunAfter(SCAN, at("2026-03-06T00:00:00Z"));
    expect(friday.toISOString()).toBe("2026-03-06T12:30:00.000Z");
    expect(nextRunAfter(SCAN, friday).toISOString()).toBe("2026-03-09T11:30:00.000Z");
  });

  it("runs at 07:30 New York time across the November DST switch (11:30Z in EDT, 12:30Z in EST)", () => {
    const friday = nextRunAfter(SCAN, at("2026-10-30T00:00:00Z"));
    expect(friday.toISOString()).toBe("2026-10-30T11:30:00.000Z");
    expect(nextRunAfter(SCAN, friday).toISOString()).toBe("2026-11-02T12:30:00.000Z");
  });

  it("skips Thanksgiving and runs the day after, which is a trading day", () => {
    expect(nextRunAfter(SCAN, at("2026-11-25T12:30:00Z")).toISOString()).toBe("2026-11-27T12:30:00.000Z");
  });

  it("runs Monday after Friday", () => {
    expect(nextRunAfter(SCAN, at("2026-11-27T12:30:00Z")).toISOString()).toBe("2026-11-30T12:30:00.000Z");
  });

  it("skips Christmas and the weekend after it", () => {
    expect(nextRunAfter(SCAN, at("2026-12-24T12:30:00Z")).toISOString()).toBe("2026-12-28T12:30:00.000Z");
  });

  it("is strictly after `after`, to the millisecond", () => {
    expect(nextRunAfter(SCAN, at("2026-12-23T12:29:59.999Z")).toISOString()).toBe("2026-12-23T12:30:00.000Z");
    expect(nextRunAfter(SCAN, at("2026-12-23T12:30:00.000Z")).toISOString()).toBe("2026-12-24T12:30:00.000Z");
    expect(nextRunAfter(SCAN, at("2026-12-23T12:30:00.001Z")).toISOString()).toBe("2026-12-24T12:30:00.000Z");
  });

  it("lists runs in (from, to] and the next few runs", () => {
    expect(iso(runsBetween(SCAN, at("2026-12-23T12:30:00Z"), at("2026-12-29T12:30:00Z")))).toEqual([
      "2026-12-24T12:30:00.000Z",
      "2026-12-28T12:30:00.000Z",
      "2026-12-29T12:30:00.000Z",
    ]);
    expect(iso(listNextRuns(SCAN, at("2026-12-31T13:00:00Z"), 5))).toEqual([
      "2027-01-04T12:30:00.000Z",
      "2027-01-05T12:30:00.000Z",
      "2027-01-06T12:30:00.000Z",
      "2027-01-07T12:30:00.000Z",
      "2027-01-08T12:30:00.000Z",
    ]);
  });
});

describe("trading days are judged by the schedule's zone", () => {
  it("skips a Tokyo run whose Tokyo date is Thanksgiving, though New York is still on the day before", () => {
    const tokyo: Schedule = { cron: "0 8 * * *", zone: "Asia/Tokyo", tradingDaysOnly: true };
    // 2026-11-26 08:00 in Tokyo is 2026-11-25T23:00Z, the evening of Nov 25 in New York.
    expect(nextRunAfter(tokyo, at("2026-11-25T12:00:00Z")).toISOString()).toBe("2026-11-26T23:00:00.000Z");
  });

  it("uses New York when the zone is left out", () => {
    expect(nextRunAfter({ cron: "30 7 * * *", tradingDaysOnly: true }, at("2026-11-25T13:00:00Z"))).toEqual(
      at("2026-11-27T12:30:00Z"),
    );
  });

  it("runs on holidays and weekends when not trading-days-only", () => {
    const daily: Schedule = { cron: "0 6 * * *", zone: "America/New_York", tradingDaysOnly: false };
    expect(iso(runsBetween(daily, at("2026-11-25T12:00:00Z"), at("2026-11-28T12:00:00Z")))).toEqual([
      "2026-11-26T11:00:00.000Z",
      "2026-11-27T11:00:00.000Z",
      "2026-11-28T11:00:00.000Z",
    ]);
  });
});

describe("DST edges, as croner 9.0.0 resolves them", () => {
  const nightly: Schedule = { cron: "30 2 * * *", zone: "America/New_York", tradingDaysOnly: false };
  const halfPastOne: Schedule = { cron: "30 1 * * *", zone: "America/New_York", tradingDaysOnly: false };
  const quarterly: Schedule = { cron: "*/15 * * * *", zone: "America/New_York", tradingDaysOnly: false };

  it("runs 02:30 on the spring-forward day at 03:30 EDT: the missing local time moves forward by the gap", () => {
    // croner's minitz.fromTZ returns "the adjusted time" for a wall time skipped by a DST switch
    // (its doc: 00:01:01 in a skipped hour comes back as 01:01:01) rather than dropping the run.
    expect(iso(runsBetween(nightly, at("2026-03-07T00:00:00Z"), at("2026-03-09T12:00:00Z")))).toEqual([
      "2026-03-07T07:30:00.000Z", // 02:30 EST
      "2026-03-08T07:30:00.000Z", // 03:30 EDT: 02:30 does not exist that night
      "2026-03-09T06:30:00.000Z", // 02:30 EDT
    ]);
  });

  it("runs sub-hourly schedules once at 03:00 EDT for the missing 02:xx slots, then on as usual", () => {
    expect(iso(runsBetween(quarterly, at("2026-03-08T06:30:00Z"), at("2026-03-08T07:30:00Z")))).toEqual([
      "2026-03-08T06:45:00.000Z", // 01:45 EST
      "2026-03-08T07:00:00.000Z", // 03:00 EDT (02:00 moved forward; 02:15-02:45 are gone)
      "2026-03-08T07:15:00.000Z",
      "2026-03-08T07:30:00.000Z",
    ]);
  });

  it("runs a time in the repeated fall-back hour once, at its first (EDT) occurrence", () => {
    expect(iso(runsBetween(halfPastOne, at("2026-10-31T12:00:00Z"), at("2026-11-02T12:00:00Z")))).toEqual([
      "2026-11-01T05:30:00.000Z", // 01:30 EDT; 01:30 EST (06:30Z) does not run
      "2026-11-02T06:30:00.000Z",
    ]);
    expect(iso(runsBetween(quarterly, at("2026-11-01T05:30:00Z"), at("2026-11-01T07:15:00Z")))).toEqual([
      "2026-11-01T05:45:00.000Z", // 01:45 EDT; the second pass of 01:00-01:59 (EST) has no runs
      "2026-11-01T07:00:00.000Z", // 02:00 EST
      "2026-11-01T07:15:00.000Z",
    ]);
  });

  it("never answers an instant already passed from inside the repeated hour, though croner alone does", () => {
    const from = at("2026-11-01T06:10:00Z"); // 01:10 EST, the second 01:10 of the night
    const raw = new Cron("*/15 * * * *", { timezone: "America/New_York" }).nextRun(from);
    expect(raw?.toISOString()).toBe("2026-11-01T05:15:00.000Z"); // 01:15 EDT, 55 minutes earlier
    expect(nextRunAfter(quarterly, from).toISOString()).toBe("2026-11-01T07:00:00.000Z");
    expect(nextRunAfter(halfPastOne, from).toISOString()).toBe("2026-11-02T06:30:00.000Z");
  });
});

describe("schedules that never fire", () => {
  it("have no next run", () => {
    const february30: Schedule = { cron: "0 7 30 2 *", tradingDaysOnly: false };
    expect(findNextRun(february30, at("2026-01-01T00:00:00Z"))).toBeUndefined();
    expect(runsBetween(february30, at("2026-01-01T00:00:00Z"), at("2030-01-01T00:00:00Z"))).toEqual([]);
    expect(() => nextRunAfter(february30, at("2026-01-01T00:00:00Z"))).toThrow(/never fires/);
  });

  it("include trading-days-only schedules that only match closed days", () => {
    const christmas: Schedule = { cron: "30 7 25 12 *", tradingDaysOnly: true };
    expect(() => nextRunAfter(christmas, at("2026-01-01T00:00:00Z"))).toThrow(/never fires on a trading day/);
  });
});

describe("properties", () => {
  const START = Date.UTC(2024, 0, 1);
  const END = Date.UTC(2031, 0, 1);
  const randomInstant = fc.integer({ min: START, max: END - 1 }).map((ms) => new Date(ms));
  // Instants at and around a scan time, where off-by-one mistakes live.
  const nearScanTime = fc
    .tuple(
      fc.integer({ min: 0, max: Math.floor((END - START) / 86_400_000) - 1 }),
      fc.constantFrom(0, 1, -1, 1000, -1000, 60_000, -60_000, 3_600_000, -3_600_000),
    )
    .map(([day, offset]) => {
      const date = isoDate(new Date(START + day * 86_400_000).toISOString().slice(0, 10));
      return new Date(scanTimeOn(date).getTime() + offset);
    });

  it("the scan runs at the first trading day's 07:30 New York time strictly after `after`", () => {
    fc.assert(
      fc.property(fc.oneof(randomInstant, nearScanTime), (after) => {
        const run = nextRunAfter(SCAN, after);
        expect(run.getTime()).toBeGreaterThan(after.getTime());

        const [runDate, runTime] = newYorkClock(run).split(" ") as [IsoDate, string];
        expect(runTime).toBe("07:30:00.000");
        expect(isTradingDay(runDate)).toBe(true);

        for (
          let date = newYorkClock(after).slice(0, 10) as IsoDate;
          date < runDate;
          date = addDays(date, 1)
        ) {
          if (!isTradingDay(date)) continue;
          const missed = scanTimeOn(date);
          expect(missed.getTime() > after.getTime() && missed < run).toBe(false);
        }
      }),
    );
  });

  it("no schedule answers an instant at or before `after`, even on DST nights", () => {
    // The twelve hours from 04:00Z on the second Sunday of March and the first Sunday of November,
    // 2024-2030, which hold New York's DST switches (06:00Z and 07:00Z).
    const dstNight = fc
      .tuple(fc.integer({ min: 2024, max: 2030 }), fc.boolean(), fc.integer({ min: 0, max: 12 * 3_600_000 }))
      .map(([year, spring, offset]) => {
        const first = new Date(Date.UTC(year, spring ? 2 : 10, 1));
        const firstSunday = 1 + ((7 - first.getUTCDay()) % 7);
        const sunday = Date.UTC(year, spring ? 2 : 10, spring ? firstSunday + 7 : firstSunday, 4);
        return new Date(sunday + offset);
      });
    const cron = fc.constantFrom("*/15 * * * *", "30 1 * * *", "30 2 * * *", "0 * * * *", "59 23 * * *");
    fc.assert(
      fc.property(dstNight, cron, fc.boolean(), (after, pattern, tradingDaysOnly) => {
        const schedule: Schedule = { cron: pattern, zone: "America/New_York", tradingDaysOnly };
        const runs = listNextRuns(schedule, after, 6);
        expect(runs).toHaveLength(6);
        let previous = after;
        for (const run of runs) {
          expect(run.getTime()).toBeGreaterThan(previous.getTime());
          if (tradingDaysOnly) expect(isTradingDay(newYorkClock(run).slice(0, 10) as IsoDate)).toBe(true);
          previous = run;
        }
      }),
    );
  });
});
