// The job schedules in the configuration: the scan on trading days at 07:30 New York time unless
// LOTWISE_SCAN_CRON says otherwise, the sync and the price refresh off unless set, and a bad value
// refused at start with the variable's name and the reason.
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.ts";

const load = (env: NodeJS.ProcessEnv) => loadConfig(env, { isTty: false });

describe("loadConfig: job schedules", () => {
  it("scans at 07:30 New York time on trading days by default; sync and prices are off", () => {
    expect(load({}).schedules).toEqual({
      scan: { cron: "30 7 * * 1-5", zone: "America/New_York", tradingDaysOnly: true },
      sync: "off",
      prices: "off",
    });
    expect(load({ LOTWISE_SCAN_CRON: "", LOTWISE_SYNC_CRON: "" }).schedules.scan).not.toBe("off");
  });

  it("reads each variable, with a zone or off", () => {
    const { schedules } = load({
      LOTWISE_SCAN_CRON: "off",
      LOTWISE_SYNC_CRON: "0 6,18 * * * TZ=America/Chicago",
      LOTWISE_PRICES_CRON: "*/15 9-16 * * 1-5",
    });
    expect(schedules).toEqual({
      scan: "off",
      sync: { cron: "0 6,18 * * *", zone: "America/Chicago", tradingDaysOnly: false },
      prices: { cron: "*/15 9-16 * * 1-5", zone: "America/New_York", tradingDaysOnly: false },
    });
  });

  it.each([
    [{ LOTWISE_SCAN_CRON: "30 7 * *" }, "LOTWISE_SCAN_CRON", "expected 5 cron fields"],
    [{ LOTWISE_SCAN_CRON: "30 7 * * SAT,SUN" }, "LOTWISE_SCAN_CRON", "never fires on a trading day"],
    [{ LOTWISE_SYNC_CRON: "0 25 * * *" }, "LOTWISE_SYNC_CRON", 'bad hour field "25"'],
    [
      { LOTWISE_PRICES_CRON: "0 6 * * * TZ=Mars/Olympus" },
      "LOTWISE_PRICES_CRON",
      'unknown time zone "Mars/Olympus"',
    ],
  ])("refuses %j naming the variable and the reason", (env, name, reason) => {
    expect(() => load(env)).toThrow(ConfigError);
    let message = "";
    try {
      load(env);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^invalid environment:\\n  ${name}: `));
    expect(message).toContain(reason);
    expect(message).not.toContain(`${name}: ${name}`);
  });

  it("names every bad schedule at once", () => {
    expect(() => load({ LOTWISE_SCAN_CRON: "nope", LOTWISE_SYNC_CRON: "0 6 * * * TZ=" })).toThrow(
      /LOTWISE_SCAN_CRON: .*\n {2}LOTWISE_SYNC_CRON: /,
    );
  });
});
