import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextRunAfter } from "../../src/schedule/next-run.ts";
import {
  DEFAULT_SCAN_CRON,
  parseSchedule,
  SCHEDULE_VARIABLES,
  type ScheduleOptions,
} from "../../src/schedule/parse-schedule.ts";

const SCAN = SCHEDULE_VARIABLES.LOTWISE_SCAN_CRON;
const SYNC = SCHEDULE_VARIABLES.LOTWISE_SYNC_CRON;
const scan = (value: string | undefined) => parseSchedule("LOTWISE_SCAN_CRON", value, SCAN);
const sync = (value: string | undefined) => parseSchedule("LOTWISE_SYNC_CRON", value, SYNC);

describe("parseSchedule", () => {
  it("defaults the scan to 07:30 New York time on weekdays, trading days only", () => {
    expect(DEFAULT_SCAN_CRON).toBe("30 7 * * 1-5");
    const expected = {
      ok: true,
      value: { cron: "30 7 * * 1-5", zone: "America/New_York", tradingDaysOnly: true },
    };
    expect(scan(undefined)).toEqual(expected);
    expect(scan("")).toEqual(expected);
    expect(scan("   ")).toEqual(expected);
  });

  it("leaves the sync and price refresh off unless configured", () => {
    expect(sync(undefined)).toEqual({ ok: true, value: "off" });
    expect(parseSchedule("LOTWISE_PRICES_CRON", "", SCHEDULE_VARIABLES.LOTWISE_PRICES_CRON)).toEqual({
      ok: true,
      value: "off",
    });
  });

  it.each(["off", "OFF", " off "])("reads %j as off", (value) => {
    expect(scan(value)).toEqual({ ok: true, value: "off" });
  });

  it.each([
    ["0 6,18 * * *", { cron: "0 6,18 * * *", zone: "America/New_York", tradingDaysOnly: false }],
    [
      "  */30   9-16 * * MON-FRI ",
      { cron: "*/30 9-16 * * MON-FRI", zone: "America/New_York", tradingDaysOnly: false },
    ],
    ["0 6 * * * TZ=America/Chicago", { cron: "0 6 * * *", zone: "America/Chicago", tradingDaysOnly: false }],
    ["0 6 L * * tz=Europe/London", { cron: "0 6 L * *", zone: "Europe/London", tradingDaysOnly: false }],
    ["0 6 * * 5#L", { cron: "0 6 * * 5#L", zone: "America/New_York", tradingDaysOnly: false }],
  ])("parses %j", (value, schedule) => {
    expect(sync(value)).toEqual({ ok: true, value: schedule });
  });

  it("makes a schedule trading-days-only when the options say so", () => {
    const options: ScheduleOptions = { tradingDaysOnly: true };
    expect(parseSchedule("LOTWISE_PRICES_CRON", "0 17 * * 1-5", options)).toEqual({
      ok: true,
      value: { cron: "0 17 * * 1-5", zone: "America/New_York", tradingDaysOnly: true },
    });
  });

  it("gives a schedule nextRunAfter can use", () => {
    const parsed = scan("30 7 * * 1-5 TZ=America/New_York");
    if (!parsed.ok || parsed.value === "off") throw new Error("expected a schedule");
    expect(nextRunAfter(parsed.value, new Date("2026-11-25T12:30:00Z")).toISOString()).toBe(
      "2026-11-27T12:30:00.000Z",
    );
  });

  it.each([
    [
      "30 7 * *",
      'LOTWISE_SCAN_CRON: expected 5 cron fields (minute hour day-of-month month day-of-week) but found 4 in "30 7 * *"',
    ],
    [
      "0 30 7 * * 1-5",
      'LOTWISE_SCAN_CRON: expected 5 cron fields (minute hour day-of-month month day-of-week) but found 6 in "0 30 7 * * 1-5"',
    ],
    [
      "@daily",
      'LOTWISE_SCAN_CRON: expected 5 cron fields (minute hour day-of-month month day-of-week) but found 1 in "@daily"',
    ],
    ["60 7 * * 1-5", 'LOTWISE_SCAN_CRON: bad minute field "60" in "60 7 * * 1-5" (allowed: 0-59)'],
    ["? 7 * * 1-5", 'LOTWISE_SCAN_CRON: bad minute field "?" in "? 7 * * 1-5" (allowed: 0-59)'],
    ["30 24 * * 1-5", 'LOTWISE_SCAN_CRON: bad hour field "24" in "30 24 * * 1-5" (allowed: 0-23)'],
    ["30 7-5 * * 1-5", 'LOTWISE_SCAN_CRON: bad hour field "7-5" in "30 7-5 * * 1-5" (allowed: 0-23)'],
    ["30 7 0 * *", 'LOTWISE_SCAN_CRON: bad day-of-month field "0" in "30 7 0 * *" (allowed: 1-31 or L)'],
    ["30 7 * 13 *", 'LOTWISE_SCAN_CRON: bad month field "13" in "30 7 * 13 *" (allowed: 1-12 or JAN-DEC)'],
    [
      "30 7 * * MON-FRIDAY",
      'LOTWISE_SCAN_CRON: bad day-of-week field "MON-FRIDAY" in "30 7 * * MON-FRIDAY" (allowed: 0-7 or SUN-SAT, with #n or #L)',
    ],
    [
      "30 7 * * 1-5 TZ=America/NewYork",
      'LOTWISE_SCAN_CRON: unknown time zone "America/NewYork" (use an IANA name like America/New_York)',
    ],
    ["30 7 * * 1-5 TZ=", 'LOTWISE_SCAN_CRON: unknown time zone "" (use an IANA name like America/New_York)'],
    [
      "TZ=UTC 30 7 * * 1-5",
      'LOTWISE_SCAN_CRON: TZ=<zone> must come last, after the five cron fields, in "TZ=UTC 30 7 * * 1-5"',
    ],
    ["30 7 30 2 *", 'LOTWISE_SCAN_CRON: "30 7 30 2 *" never fires (no date matches)'],
    ["30 7 * * 0,6", 'LOTWISE_SCAN_CRON: "30 7 * * 0,6" never fires on a trading day (none in 50 years)'],
    ["30 7 25 12 *", 'LOTWISE_SCAN_CRON: "30 7 25 12 *" never fires on a trading day (none in 50 years)'],
    ["30 7 * 1 MON#3", 'LOTWISE_SCAN_CRON: "30 7 * 1 MON#3" never fires on a trading day (none in 50 years)'],
  ])("refuses %j", (value, message) => {
    expect(scan(value)).toEqual({ ok: false, error: message });
  });

  it("lets a schedule that is not trading-days-only run on weekends and holidays", () => {
    expect(sync("0 9 * * 0,6").ok).toBe(true);
    expect(sync("0 9 25 12 *").ok).toBe(true);
  });

  it("answers every input with a schedule or a one-line message naming the variable", () => {
    const token = fc.constantFrom(
      ..."0 1 5 7 12 23 30 59 60 * */5 1-5 5-1 , L 5#L MON#3 JAN FRI ? @daily TZ=UTC TZ=Nowhere off".split(
        " ",
      ),
    );
    const value = fc.array(token, { maxLength: 8 }).map((tokens) => tokens.join(" "));
    fc.assert(
      fc.property(value, (text) => {
        const result = sync(text);
        if (!result.ok) {
          expect(result.error.startsWith("LOTWISE_SYNC_CRON: ")).toBe(true);
          expect(result.error).not.toContain("\n");
        }
      }),
    );
  });
});
