// The shared normalisers: display numbers to exact decimals, custodian dates to ISO dates in New
// York, bytes to text (UTF-8 only), CSV with its quirks, and the hostile-content checks.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  accountDigits,
  apiInstantToDate,
  checkXmlSafety,
  decodeFileText,
  easternToInstant,
  firstInvalidUtf8Byte,
  isFormulaInjection,
  newYorkDate,
  parseApiInstant,
  parseAsOfDate,
  parseCalendarDate,
  parseClockTime,
  parseMoney,
  parseOfxDateTime,
  parsePercent,
  parseQuantity,
  parseUsDate,
} from "../../src/custodians/normalise.ts";
import {
  CsvRecord,
  findHeader,
  normaliseHeader,
  readCsv,
  unknownColumnWarnings,
} from "../../src/custodians/read-csv.ts";
import { readJsonExact } from "../../src/custodians/read-json.ts";
import { parseSchwabTimestamp, parseSchwabTitle } from "../../src/custodians/schwab/title.ts";
import { isoDate } from "../../src/domain/iso-date.ts";

const value = (parsed: ReturnType<typeof parseMoney>) => (parsed.ok ? parsed.value : "REFUSED");

describe("display numbers become exact decimal strings", () => {
  it.each([
    ["$24,040.00", "24040"],
    ["-$21.63", "-21.63"],
    ["+$11,945.20", "11945.2"],
    ["$-50.00", "-50"],
    ["($10.96)", "-10.96"],
    ["$12.00 ", "12"],
    ["  $1,234.56  ", "1234.56"],
    ["+0000000000100.00000", "100"],
    ["000000025.635000000", "25.635"],
    ["-0000000000002.50000", "-2.5"],
    ["431,291", "431291"],
    ["1253", "1253"],
    [".5", "0.5"],
    ["$0.00", "0"],
    ["-$0.00", "0"],
    ["0.000000001", "0.000000001"],
    ["123456789012.123456789", "123456789012.123456789"],
  ])("parseMoney(%j) = %s", (text, expected) => {
    expect(value(parseMoney(text))).toBe(expected);
  });

  it.each(["--", "", "  ", "n/a", "N/A", "-"])("parseMoney(%j) is no value (null)", (text) => {
    expect(value(parseMoney(text))).toBeNull();
  });

  it.each([
    "1e5",
    "NaN",
    "Infinity",
    "1.2.3",
    "$$1",
    "12-3",
    "1,23",
    "1.234,56",
    "--5",
    "+-5",
    "(-5)",
    "five",
    "$",
    "12O.5",
    "0x10",
  ])("parseMoney(%j) is refused", (text) => {
    expect(parseMoney(text).ok).toBe(false);
  });

  it("quantities take no currency sign; percentages drop the %", () => {
    expect(value(parseQuantity("10.5"))).toBe("10.5");
    expect(value(parseQuantity("1,000"))).toBe("1000");
    expect(value(parseQuantity("-1"))).toBe("-1");
    expect(parseQuantity("$5").ok).toBe(false);
    expect(value(parsePercent("+2.68%"))).toBe("2.68");
    expect(value(parsePercent("(1.38%)"))).toBe("-1.38");
  });

  it("any decimal written in any display style reads back exactly (property)", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.integer({ min: 0, max: 8 }),
        fc.constantFrom("plain", "dollar", "paren", "grouped", "padded"),
        (units, scale, style) => {
          const negative = units < 0n;
          const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
          const whole = digits.slice(0, digits.length - scale);
          const frac = digits.slice(digits.length - scale);
          const plain = `${whole}${scale > 0 ? `.${frac}` : ""}`;
          const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (scale > 0 ? `.${frac}` : "");
          const text = {
            plain: `${negative ? "-" : ""}${plain}`,
            dollar: `${negative ? "-" : ""}$${grouped}`,
            paren: negative ? `($${grouped})` : `$${grouped}`,
            grouped: `${negative ? "-" : "+"}${grouped}`,
            padded: `${negative ? "-" : "+"}${plain.padStart(20, "0")}`,
          }[style];
          const parsed = parseMoney(text);
          const expected =
            Number(units) === 0
              ? "0"
              : `${negative ? "-" : ""}${plain}`.replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
          return parsed.ok && parsed.value === expected;
        },
      ),
    );
  });
});

describe("dates are calendar dates in New York", () => {
  it("reads MM/DD/YYYY, M/D/YYYY and refuses impossible dates", () => {
    expect(parseUsDate("09/24/2020")).toBe("2020-09-24");
    expect(parseUsDate("9/3/2020")).toBe("2020-09-03");
    expect(parseUsDate("02/29/2024")).toBe("2024-02-29");
    expect(parseUsDate("02/29/2023")).toBeUndefined();
    expect(parseUsDate("13/01/2020")).toBeUndefined();
    expect(parseUsDate("2020-09-24")).toBeUndefined();
  });

  it("reads Schwab's 'as of' dates: posted, then effective (the trade date)", () => {
    expect(parseAsOfDate("09/16/2020 as of 09/15/2020")).toEqual({
      posted: "2020-09-16",
      effective: "2020-09-15",
    });
    expect(parseAsOfDate("11/20/2020")).toEqual({ posted: "2020-11-20", effective: "2020-11-20" });
    expect(parseAsOfDate("11/20/2020 as of soon")).toBeUndefined();
  });

  it("reads the other layouts custodians use", () => {
    expect(parseCalendarDate("2023/04/23", ["YYYY/MM/DD"])).toBe("2023-04-23");
    expect(parseCalendarDate("20110727", ["YYYYMMDD"])).toBe("2011-07-27");
    expect(parseCalendarDate("08-Aug-11", ["DD-MMM-YY"])).toBe("2011-08-08");
    expect(parseCalendarDate("Feb-18-2026", ["MMM-DD-YYYY"])).toBe("2026-02-18");
    expect(parseCalendarDate("2024-05-06")).toBe("2024-05-06");
  });

  it("turns ET wall-clock times into UTC instants across daylight saving", () => {
    expect(easternToInstant(isoDate("2023-04-23"), 12, 52)).toBe("2023-04-23T16:52:00.000Z");
    expect(easternToInstant(isoDate("2020-11-15"), 18, 0, 21)).toBe("2020-11-15T23:00:21.000Z");
    // The night the clocks change: 01:30 on 2024-11-03 is read as the first (EDT) one.
    expect(easternToInstant(isoDate("2024-03-10"), 12, 0)).toBe("2024-03-10T16:00:00.000Z");
    expect(easternToInstant(isoDate("2024-03-09"), 12, 0)).toBe("2024-03-09T17:00:00.000Z");
  });

  it("reads clock times with or without AM/PM, a 24-hour hour winning over a wrong AM", () => {
    expect(parseClockTime("12:52 PM")).toEqual({ hour: 12, minute: 52, second: 0 });
    expect(parseClockTime("12:05 AM")).toEqual({ hour: 0, minute: 5, second: 0 });
    expect(parseClockTime("02:21:05 PM")).toEqual({ hour: 14, minute: 21, second: 5 });
    expect(parseClockTime("22:00:26 AM")).toEqual({ hour: 22, minute: 0, second: 26 });
    expect(parseClockTime("7:04 p.m")).toEqual({ hour: 19, minute: 4, second: 0 });
    expect(parseClockTime("25:00")).toBeUndefined();
  });

  it("reads the Schwab API's instants strictly (offset without a colon) and gives the New York date", () => {
    expect(parseApiInstant("2024-05-06T04:00:00+0000")).toBe("2024-05-06T04:00:00.000Z");
    expect(parseApiInstant("2024-05-06T00:00:00-04:00")).toBe("2024-05-06T04:00:00.000Z");
    expect(parseApiInstant("2024-05-06T04:00:00.123Z")).toBe("2024-05-06T04:00:00.123Z");
    expect(apiInstantToDate("2024-05-06T04:00:00+0000")).toBe("2024-05-06");
    expect(apiInstantToDate("2023-12-15T05:00:00+0000")).toBe("2023-12-15");
    // 23:40 UTC is still the same day in New York; 02:00 UTC is the day before.
    expect(apiInstantToDate("2024-03-21T23:40:15+0000")).toBe("2024-03-21");
    expect(apiInstantToDate("2024-03-22T02:00:00+0000")).toBe("2024-03-21");
    expect(parseApiInstant("2024-05-06 04:00:00")).toBeUndefined();
    expect(parseApiInstant("2024-02-30T04:00:00+0000")).toBeUndefined();
    expect(newYorkDate("2024-01-01T04:59:59.000Z")).toBe("2023-12-31");
  });

  it("reads OFX date-times: the calendar date as written, the instant by offset or zone name", () => {
    expect(parseOfxDateTime("20120908190849.317[-4:EDT]")).toEqual({
      date: "2012-09-08",
      instant: "2012-09-08T23:08:49.317Z",
    });
    expect(parseOfxDateTime("20110727")).toEqual({ date: "2011-07-27", instant: "2011-07-27T00:00:00.000Z" });
    expect(parseOfxDateTime("20091217162416.000[-:EST]")).toEqual({
      date: "2009-12-17",
      instant: "2009-12-17T21:24:16.000Z",
    });
    expect(parseOfxDateTime("20110727000000[0:GMT]")?.date).toBe("2011-07-27");
    expect(parseOfxDateTime("20100230")).toBeUndefined();
    expect(parseOfxDateTime("2012-09-08")).toBeUndefined();
  });

  it("reads Schwab titles: account and export time", () => {
    expect(
      parseSchwabTitle(
        "Positions for account Individual ...234 as of 12:52 PM ET, 2023/04/23",
        /^Positions\b/i,
      ),
    ).toEqual({
      accountRef: "Individual ...234",
      asOf: "2023-04-23T16:52:00.000Z",
    });
    expect(
      parseSchwabTitle("Positions for All-Accounts as of 06:04 PM ET, 11/15/2020", /^Positions\b/i),
    ).toEqual({
      accountRef: null,
      asOf: "2020-11-15T23:04:00.000Z",
    });
    expect(
      parseSchwabTitle(
        "Transactions  for account XXXX-1234 as of 11/15/2020 18:00:21 ET",
        /^Transactions\b/i,
      ),
    ).toEqual({ accountRef: "XXXX-1234", asOf: "2020-11-15T23:00:21.000Z" });
    expect(
      parseSchwabTitle(
        "Realized Gain/Loss for ...234 for 08/29/2021 to 09/28/2021 as of Tue Sep 28  23:17:11 EDT 2021",
        /^Realized Gain\/Loss\b/i,
      ),
    ).toEqual({ accountRef: "...234", asOf: "2021-09-29T03:17:11.000Z" });
    expect(parseSchwabTimestamp("whenever")).toBeUndefined();
  });

  it("takes the trailing digits of account references", () => {
    expect(accountDigits("XXXX-4321")).toBe("4321");
    expect(accountDigits("Individual ...234")).toBe("234");
    expect(accountDigits("*****0120")).toBe("0120");
    expect(accountDigits("General Investing ...XXX")).toBe("");
  });
});

describe("file bytes become text, or are refused with the reason", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);

  it("reads UTF-8 with or without a BOM, and UTF-16 with a BOM", () => {
    expect(decodeFileText(bytes("a,b\n"))).toEqual({ ok: true, value: "a,b\n" });
    expect(decodeFileText(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes("a,b")]))).toEqual({
      ok: true,
      value: "a,b",
    });
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from("Symbol,Qty", "utf16le")]);
    expect(decodeFileText(utf16)).toEqual({ ok: true, value: "Symbol,Qty" });
  });

  it("refuses empty, binary, BOM-less UTF-16 and invalid UTF-8, naming the line", () => {
    expect(decodeFileText(new Uint8Array())).toMatchObject({
      ok: false,
      error: { message: "the file is empty" },
    });
    expect(decodeFileText(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01, 0x02]))).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("binary") },
    });
    expect(decodeFileText(new Uint8Array(Buffer.from("Symbol,Quantity\r\n", "utf16le")))).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("UTF-16 without a byte-order mark") },
    });
    const latin1 = Buffer.from("Symbol,Description\nVEA,Soci\xe9t\xe9 G\xe9n\xe9rale\n", "latin1");
    expect(decodeFileText(new Uint8Array(latin1))).toMatchObject({
      ok: false,
      error: { line: 2, message: expect.stringContaining("not valid UTF-8 (byte 0xe9") },
    });
    expect(decodeFileText(bytes("a,b\n\u0007c,d\n"))).toMatchObject({ ok: false, error: { line: 2 } });
  });

  it("reads a file that declares Windows-1252 (OFX CHARSET:1252) as such", () => {
    const ofx = Buffer.from("OFXHEADER:100\r\nCHARSET:1252\r\n<MEMO>Caf\xe9\r\n", "latin1");
    expect(decodeFileText(new Uint8Array(ofx))).toEqual({
      ok: true,
      value: "OFXHEADER:100\r\nCHARSET:1252\r\n<MEMO>Café\r\n",
    });
  });

  it("validates UTF-8 strictly: overlongs, surrogates and cut sequences are invalid", () => {
    expect(firstInvalidUtf8Byte(bytes("héllo €𝄞"))).toBe(-1);
    expect(firstInvalidUtf8Byte(new Uint8Array([0x41, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8Byte(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0);
    expect(firstInvalidUtf8Byte(new Uint8Array([0x41, 0xe2, 0x82]))).toBe(1);
  });

  it("refuses XML entity and DTD declarations", () => {
    expect(checkXmlSafety('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><x/>')).toMatchObject({
      line: 2,
    });
    expect(checkXmlSafety('<?xml version="1.0"?><x a="1"/>')).toBeNull();
    expect(checkXmlSafety("<!DOCTYPE html>\n<html><body>Log in</body></html>")?.message).toContain(
      "this is a web page (HTML), not an export",
    );
  });
});

describe("CSV as custodians write it", () => {
  it("reads quotes, doubled quotes, quoted newlines, BOM, CRLF and trailing commas, with start lines", () => {
    const rows = readCsv('\uFEFF"a","b ""c""",\r\n"multi\nline",2\r\n\r\nlast');
    expect(rows).toEqual([
      { line: 1, cells: ["a", 'b "c"', ""] },
      { line: 2, cells: ["multi\nline", "2"] },
      { line: 4, cells: [""] },
      { line: 5, cells: ["last"] },
    ]);
  });

  it("refuses a quote that never ends and text after a closing quote", () => {
    expect(() => readCsv('a,"b\nc,d')).toThrow(/starts on line 1 never ends/);
    expect(() => readCsv('a,"b"x,c')).toThrow(/after a closing quote on line 1/);
  });

  it.each([
    "=cmd|' /C calc'!A0",
    '+HYPERLINK("http://x")',
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1:A2)",
    "\t=1+1",
    " =1+1",
    "-SNDK;calc",
  ])("refuses the formula cell %j", (cell) => {
    expect(isFormulaInjection(cell)).toBe(true);
    expect(() => readCsv(`Symbol,Description\nX,"${cell.replaceAll('"', '""')}"\n`)).toThrow(
      /line 2, column 2 holds a spreadsheet formula/,
    );
  });

  it.each([
    "-$21.63",
    "+$11,945.20",
    "+2.68%",
    "--",
    "-",
    "-1",
    "(1.38%)",
    " -SNDK270917C1500",
    "Sell",
    "A-B",
  ])("accepts %j (a number, a null marker or a name)", (cell) => {
    expect(isFormulaInjection(cell)).toBe(false);
  });

  it("finds the header by searching, maps columns by alias, and warns about unknown ones", () => {
    const rows = readCsv(
      '"Title line"\n\n"Symbol","Qty (Quantity)","Mkt Val (Market Value)","Esg"\n"VTI","1,000","$1.00","x"',
    );
    const specs = {
      symbol: { aliases: ["Symbol"], required: true },
      quantity: { aliases: ["Quantity", "Qty (Quantity)"], required: true },
      marketValue: { aliases: ["Market Value", "Mkt Val (Market Value)"] },
    };
    const header = findHeader(rows, specs);
    expect(header?.line).toBe(3);
    expect(normaliseHeader("Qty (Quantity)")).toBe("qty quantity");
    expect(unknownColumnWarnings(rows[2] as (typeof rows)[number], specs, [])).toEqual([
      { line: 3, message: 'unknown column "Esg" ignored' },
    ]);
    const record = new CsvRecord(rows[3] as (typeof rows)[number], header as NonNullable<typeof header>);
    expect(record.quantity("quantity")).toBe("1000");
    expect(record.money("marketValue")).toBe("1");
    const short = new CsvRecord({ line: 9, cells: ["VTI"] }, header as NonNullable<typeof header>);
    expect(() => short.quantity("quantity")).toThrow(/line 9 has 1 cells but the header \(line 3\) has 4/);
  });
});

describe("JSON numbers are kept exact", () => {
  it("reads numbers as their source text", () => {
    expect(
      readJsonExact('{"a": 71.38722, "b": [0.1, -2e3, 12345678901234567890], "c": "1.0", "d": true}'),
    ).toEqual({
      a: "71.38722",
      b: ["0.1", "-2e3", "12345678901234567890"],
      c: "1.0",
      d: true,
    });
    expect(readJsonExact('{"s": "x\\"1.5"}')).toEqual({ s: 'x"1.5' });
  });

  it("refuses malformed JSON with the line", () => {
    expect(() => readJsonExact('{\n"a": 1,\n"b": \n')).toThrow(/JSON is malformed/);
  });
});
