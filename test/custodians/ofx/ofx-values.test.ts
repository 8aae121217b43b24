// OFX numbers (signed, zero-padded) and datetimes (zones in brackets, converted to the US/Eastern
// calendar date; zone-less times are New York wall time; midnight keeps its date).
import { describe, expect, it } from "vitest";
import { parseOfxNumber, readOfxDateTime } from "../../../src/custodians/ofx/ofx-values.ts";

describe("OFX values", () => {
  it.each([
    ["+0000000000100.00000", "100"],
    ["000000025.635000000", "25.635"],
    ["-00000000002571.4500", "-2571.45"],
    ["+00000000000000.0000", "0"],
    ["137.142857143", "137.142857143"],
    [" 18073.98 ", "18073.98"],
  ])("reads the number %s as %s", (raw, expected) => {
    expect(parseOfxNumber(raw)).toBe(expected);
  });

  it("reads null markers as null and refuses what is not a decimal", () => {
    expect(parseOfxNumber("--")).toBeNull();
    for (const raw of ["1e5", "4.55E+2", "12abc", "1.2.3", "NaN", "+-1"])
      expect(parseOfxNumber(raw), raw).toBeUndefined();
  });

  it("converts a zoned time to its instant and New York date", () => {
    expect(readOfxDateTime("20120908033034.000[-4:EDT]")).toEqual({
      date: "2012-09-08",
      instant: "2012-09-08T07:30:34.000Z",
    });
    expect(readOfxDateTime("20120908190849.317[-4:EDT]")?.instant).toBe("2012-09-08T23:08:49.317Z");
    // 00:30 GMT on the 29th is 19:30 on the 28th in New York.
    expect(readOfxDateTime("20231229003000.000[0:GMT]")).toEqual({
      date: "2023-12-28",
      instant: "2023-12-29T00:30:00.000Z",
    });
    expect(readOfxDateTime("20240101010000[+5.30:IST]")).toEqual({
      date: "2023-12-31",
      instant: "2023-12-31T19:30:00.000Z",
    });
  });

  it("reads a malformed offset by its zone name", () => {
    expect(readOfxDateTime("20091217162416.000[-:EST]")).toEqual({
      date: "2009-12-17",
      instant: "2009-12-17T21:24:16.000Z",
    });
  });

  it("keeps the written date for midnight in any zone", () => {
    expect(readOfxDateTime("20231215000000[0:GMT]")).toEqual({
      date: "2023-12-15",
      instant: "2023-12-15T00:00:00.000Z",
    });
    expect(readOfxDateTime("20120720000000.000[-4:EDT]")?.date).toBe("2012-07-20");
  });

  it("reads a bare date as that date at New York midnight (EST or EDT)", () => {
    expect(readOfxDateTime("20110727")).toEqual({ date: "2011-07-27", instant: "2011-07-27T04:00:00.000Z" });
    expect(readOfxDateTime("20110127")).toEqual({ date: "2011-01-27", instant: "2011-01-27T05:00:00.000Z" });
  });

  it("reads a zone-less time as New York wall time", () => {
    expect(readOfxDateTime("20171130000000")).toEqual({
      date: "2017-11-30",
      instant: "2017-11-30T05:00:00.000Z",
    });
    expect(readOfxDateTime("20171203121212")).toEqual({
      date: "2017-12-03",
      instant: "2017-12-03T17:12:12.000Z",
    });
    expect(readOfxDateTime("20240405230000[:XYZ]")).toEqual({
      date: "2024-04-05",
      instant: "2024-04-06T03:00:00.000Z",
    });
  });

  it("refuses what is not an OFX datetime", () => {
    for (const raw of [
      "2024-01-01",
      "20241301",
      "20240230",
      "20240101250000",
      "",
      "2024010",
      "20240101[x]",
    ]) {
      expect(readOfxDateTime(raw), raw).toBeUndefined();
    }
  });
});
