// The 5-minute freshness gate (domain-rules.md, "Data quality gates").
import { describe, expect, it } from "vitest";
import { instantMillis } from "../../../src/domain/instant.ts";
import { assessFreshness } from "../../../src/engine/planning/assess-freshness.ts";

const NOW = "2026-11-20T20:00:00.000Z";
const input = (label: string, asOf: string) => ({ label, asOf, source: "test" });

describe("assessFreshness", () => {
  it("fresh-data-passes: everything within five minutes", () => {
    const freshness = assessFreshness(
      [input("account a", "2026-11-20T19:58:00.000Z"), input("price of VTI", "2026-11-20T19:59:00Z")],
      NOW,
      300,
    );
    expect(freshness).toEqual({
      stale: false,
      maxAgeSeconds: 300,
      staleInputs: [],
      oldestAsOf: "2026-11-20T19:58:00.000Z",
    });
  });

  it("patel-nightly-files-are-stale: 20 hours old, oldest first, with ages", () => {
    const freshness = assessFreshness(
      [
        input("account ibkr", "2026-11-20T00:00:00.000Z"),
        input("account vanguard", "2026-11-19T23:00:00.000Z"),
        input("price of VTI", "2026-11-20T19:59:00.000Z"),
      ],
      NOW,
      300,
    );
    expect(freshness.stale).toBe(true);
    expect(freshness.staleInputs.map((s) => [s.label, s.ageSeconds])).toEqual([
      ["account vanguard", 75_600],
      ["account ibkr", 72_000],
    ]);
    expect(freshness.oldestAsOf).toBe("2026-11-19T23:00:00.000Z");
  });

  it("exactly at the limit is still fresh; one second over is stale", () => {
    expect(assessFreshness([input("a", "2026-11-20T19:55:00.000Z")], NOW, 300).stale).toBe(false);
    expect(assessFreshness([input("a", "2026-11-20T19:54:59.000Z")], NOW, 300).stale).toBe(true);
  });

  it("an unreadable time counts as stale and is listed first", () => {
    const freshness = assessFreshness(
      [input("b", "2026-11-19T00:00:00Z"), input("a", "yesterday"), input("c", "2026-11-19T00:00:00Z")],
      NOW,
      300,
    );
    expect(freshness.staleInputs.map((s) => s.label)).toEqual(["a", "b", "c"]);
  });

  it("no inputs: nothing is stale, and a bad `now` is a bug", () => {
    expect(assessFreshness([], NOW, 300)).toMatchObject({ stale: false, oldestAsOf: null });
    expect(() => assessFreshness([], "now", 300)).toThrow(/not a UTC ISO instant/);
  });
});

describe("instantMillis", () => {
  it.each([
    ["1970-01-01T00:00:00Z", 0],
    ["2026-11-20T20:00:00.000Z", Date.UTC(2026, 10, 20, 20, 0, 0)],
    ["2024-02-29T23:59:59.5Z", Date.UTC(2024, 1, 29, 23, 59, 59, 500)],
    ["2026-11-20T20:00:00.123456Z", Date.UTC(2026, 10, 20, 20, 0, 0, 123)],
  ])("reads %s like Date.parse", (text, millis) => {
    expect(instantMillis(text)).toBe(millis);
  });

  it.each([
    "2026-11-20",
    "2026-11-20T20:00:00+01:00",
    "2026-02-30T00:00:00Z",
    "2026-11-20T24:00:00Z",
    "2026-11-20T20:60:00Z",
  ])("refuses %s", (text) => {
    expect(instantMillis(text)).toBeUndefined();
  });
});

describe("assessFreshness ordering", () => {
  it("inputs of the same age are listed by label", () => {
    const freshness = assessFreshness(
      [
        input("b", "2026-11-19T00:00:00Z"),
        input("a", "2026-11-19T00:00:00Z"),
        input("a", "2026-11-19T00:00:00Z"),
      ],
      NOW,
      300,
    );
    expect(freshness.staleInputs.map((s) => s.label)).toEqual(["a", "a", "b"]);
  });
});
