// IBKR's value formats: every date format a Flex query can be set to, date-time separators,
// thousands separators and null markers, Y/N booleans.
import { describe, expect, it } from "vitest";
import {
  flexBoolean,
  flexDateOnly,
  flexDateTime,
  flexDecimal,
} from "../../../src/custodians/ibkr/flex-values.ts";

describe("IBKR Flex values", () => {
  it("reads every date format: yyyyMMdd, yyyy-MM-dd, MM/dd/yyyy, MM/dd/yy, dd-MMM-yy", () => {
    expect(
      ["20261119", "2026-11-19", "11/19/2026", "11/19/26", "19-Nov-26", "08-AUG-11", "31-Dec-99"].map(
        flexDateOnly,
      ),
    ).toEqual([
      "2026-11-19",
      "2026-11-19",
      "2026-11-19",
      "2026-11-19",
      "2026-11-19",
      "2011-08-08",
      "1999-12-31",
    ]);
    expect(["2026-02-30", "19/11/2026", "19-Foo-26", "2026119", ""].map(flexDateOnly)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("reads date-times with ';' (the default), ',', ' ', 'T' with an offset, or no separator", () => {
    const time = { hour: 13, minute: 44, second: 13 };
    expect(flexDateTime("2011-08-08;134413")).toEqual({ date: "2011-08-08", time });
    expect(flexDateTime("20110808,134413")).toEqual({ date: "2011-08-08", time });
    expect(flexDateTime("20110808, 13:44:13")).toEqual({ date: "2011-08-08", time });
    expect(flexDateTime("08/08/2011 13:44:13")).toEqual({ date: "2011-08-08", time });
    expect(flexDateTime("2011-08-08T13:44:13-0400")).toEqual({ date: "2011-08-08", time });
    expect(flexDateTime("08-Oct-11;134413")).toEqual({ date: "2011-10-08", time });
    expect(flexDateTime("20110808134413")).toEqual({ date: "2011-08-08", time });
    expect(flexDateTime("2015-10-06")).toEqual({ date: "2015-10-06", time: null });
    expect(flexDateTime("2011-08-08;254413")).toBeUndefined();
    expect(flexDateTime("MULTI")).toBeUndefined();
  });

  it("reads numbers with thousands separators and a sign; null markers are null; the rest is unreadable", () => {
    expect(
      ["1,234.50", "-3440.5", "+12", "0.0000", "-0", "", "--", "N/A", "-"].map((v) => flexDecimal(v)),
    ).toEqual(["1234.5", "-3440.5", "12", "0", "0", null, null, null, null]);
    expect(flexDecimal(undefined)).toBeNull();
    expect(["1e5", "12a", "NaN", "1.2.3"].map((v) => flexDecimal(v))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it("reads Y/N booleans", () => {
    expect(["Y", "N", "Yes", "no", "", "maybe"].map((v) => flexBoolean(v))).toEqual([
      true,
      false,
      true,
      false,
      null,
      undefined,
    ]);
  });
});
