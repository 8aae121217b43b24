// End-of-day price files: columns found by name, dates read as the 16:00 New York close, timestamps
// kept, identical repeats dropped, and any unreadable row refusing the file with its line.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parsePriceCsv } from "../../src/market/csv-prices.ts";

const fixture = (name: string) => readFileSync(join(import.meta.dirname, "../fixtures/prices", name), "utf8");

describe("end-of-day price CSV", () => {
  it("reads symbol or CUSIP, a date as that day's close in New York, and the close", () => {
    const result = parsePriceCsv(fixture("closes-2026-11-19.csv"));
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.prices).toEqual([
      {
        symbol: "VTI",
        cusip: "922908769",
        price: "308.45",
        asOf: "2026-11-19T21:00:00.000Z",
        kind: "CLOSE",
        line: 2,
      },
      {
        symbol: "BND",
        cusip: null,
        price: "72.44",
        asOf: "2026-11-19T21:00:00.000Z",
        kind: "CLOSE",
        line: 3,
      },
      {
        symbol: null,
        cusip: "464287226",
        price: "98.33",
        asOf: "2026-11-19T21:00:00.000Z",
        kind: "CLOSE",
        line: 4,
      },
      {
        symbol: "ZZZZ",
        cusip: null,
        price: "10.05",
        asOf: "2026-11-19T21:00:00.000Z",
        kind: "CLOSE",
        line: 5,
      },
    ]);
    expect(result.value.duplicates).toBe(1);
    expect(result.value.warnings).toEqual([]);
  });

  it("keeps a timestamp's own instant, and the summer close is 20:00 UTC", () => {
    const stamped = parsePriceCsv(fixture("snapshot-2026-11-20-1959.csv"));
    expect(stamped.ok && stamped.value.prices[0]).toMatchObject({
      symbol: "AGG",
      asOf: "2026-11-20T19:59:20.000Z",
    });
    const summer = parsePriceCsv(
      "ticker,price date,price\nvti,07/02/2026,$1,000.50\n".replace("$1,000.50", '"$1,000.50"'),
    );
    expect(summer).toMatchObject({
      ok: true,
      value: { prices: [{ symbol: "VTI", price: "1000.5", asOf: "2026-07-02T20:00:00.000Z" }] },
    });
  });

  it("bad-row-refused-with-its-line: an unreadable close", () => {
    expect(parsePriceCsv(fixture("bad-close.csv"))).toEqual({
      ok: false,
      error: {
        line: 4,
        field: "close",
        message: 'line 4, close: "98.3.3" is not a price (a positive decimal number)',
      },
    });
  });

  it("refuses bad dates, timestamps without a zone, zero prices, rows naming no security, and conflicting repeats", () => {
    const refusal = (text: string) => {
      const result = parsePriceCsv(text);
      return result.ok ? "accepted" : result.error.message;
    };
    expect(refusal("symbol,date,close\nVTI,2026-02-30,1\n")).toBe(
      'line 2, date: "2026-02-30" is not a date (YYYY-MM-DD or MM/DD/YYYY)',
    );
    expect(refusal("symbol,timestamp,close\nVTI,2026-11-20 15:00,1\n")).toContain(
      "is not a timestamp with a zone",
    );
    expect(refusal("symbol,date,close\nVTI,2026-11-19,0\n")).toBe(
      'line 2, close: "0" is not a price (a positive decimal number)',
    );
    expect(refusal("symbol,date,close\n,2026-11-19,1\n")).toBe(
      "line 2 names no security (no symbol or cusip)",
    );
    expect(refusal("symbol,date,close\nVTI,2026-11-19,1\nVTI,2026-11-19,2\n")).toBe(
      "line 3 prices VTI at 2 as of 2026-11-19T21:00:00.000Z, but line 2 says 1",
    );
    expect(refusal("cusip,date,close\nABC,2026-11-19,1\n")).toBe(
      'line 2: "ABC" is not a CUSIP (9 letters and digits)',
    );
    expect(refusal("symbol,date,close\nVTI,2026-11-19\n")).toContain("the row is cut short");
    expect(refusal("symbol,date,close\n=cmd(),2026-11-19,1\n")).toContain("spreadsheet formula");
  });

  it("refuses files without the columns it needs, or without prices", () => {
    const refusal = (text: string) => {
      const result = parsePriceCsv(text);
      return result.ok ? "accepted" : result.error.message;
    };
    expect(refusal("symbol,date,volume\nVTI,2026-11-19,10\n")).toContain("no header row with a close");
    expect(refusal("name,date,close\nx,2026-11-19,1\n")).toBe(
      "the header (line 1) has no symbol or cusip column",
    );
    expect(refusal("symbol,close\nVTI,1\n")).toBe("the header (line 1) has no date or timestamp column");
    expect(refusal("symbol,date,close\n\n")).toBe("the file has a header but no prices");
  });

  it("reports columns it does not know", () => {
    const result = parsePriceCsv("symbol,date,close,exchange\nVTI,2026-11-19,308.45,ARCA\n");
    expect(result.ok && result.value.warnings).toEqual([
      { line: 1, message: 'unknown column "exchange" ignored' },
    ]);
  });
});
