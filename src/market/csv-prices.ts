// End-of-day price files (CSV): one row per security and day, the security named by symbol and/or
// CUSIP, the day as a date (the close is taken at 16:00 New York) or as a timestamp with a zone, and
// the closing price. The header is found by searching for it and columns are matched by name
// (aliases below). A row that cannot be read refuses the whole file, naming its line; a security
// priced twice for the same instant at two different prices does too.

import {
  catchImportFailure,
  easternToInstant,
  fail,
  parseApiInstant,
  parseCalendarDate,
} from "../custodians/normalise.ts";
import {
  type ColumnSpec,
  CsvRecord,
  findHeader,
  isBlankRow,
  readCsv,
  unknownColumnWarnings,
} from "../custodians/read-csv.ts";
import type { ImportError, StatementWarning } from "../custodians/statement.ts";
import { parseDecimal } from "../domain/decimal.ts";
import { err, ok, type Result } from "../domain/result.ts";
import type { PriceInput } from "../ports/price-source.ts";

type Column = "symbol" | "cusip" | "date" | "timestamp" | "close";

const COLUMNS: Record<Column, ColumnSpec> = {
  symbol: { aliases: ["symbol", "ticker", "sym"] },
  cusip: { aliases: ["cusip"] },
  date: { aliases: ["date", "trade date", "price date", "close date", "as of", "as of date", "asof"] },
  timestamp: { aliases: ["timestamp", "datetime", "date time", "as of time"] },
  close: { aliases: ["close", "close price", "closing price", "price", "nav"], required: true },
};

const IGNORED = [
  "open",
  "high",
  "low",
  "volume",
  "adj close",
  "adjusted close",
  "name",
  "description",
  "currency",
];

export interface PriceFile {
  prices: PriceInput[];
  warnings: StatementWarning[];
  /** Identical repeated rows, dropped. */
  duplicates: number;
}

export function parsePriceCsv(text: string): Result<PriceFile, ImportError> {
  const parsed = catchImportFailure(() => readPrices(text));
  return parsed.ok ? ok(parsed.value) : err(parsed.error);
}

function readPrices(text: string): PriceFile {
  const rows = readCsv(text);
  const header = findHeader(rows, COLUMNS);
  if (!header) {
    fail(
      null,
      null,
      "no header row with a close (or price) column: expected symbol or cusip, date or timestamp, close",
    );
  }
  const { columns } = header;
  if (!columns.symbol && !columns.cusip)
    fail(header.line, null, `the header (line ${header.line}) has no symbol or cusip column`);
  if (!columns.date && !columns.timestamp) {
    fail(header.line, null, `the header (line ${header.line}) has no date or timestamp column`);
  }
  const warnings = unknownColumnWarnings(rows[header.rowIndex] as (typeof rows)[number], COLUMNS, IGNORED);
  const prices: PriceInput[] = [];
  const seen = new Map<string, PriceInput>();
  let duplicates = 0;
  for (const row of rows.slice(header.rowIndex + 1)) {
    if (isBlankRow(row)) continue;
    const record = new CsvRecord(row, header);
    const symbol = record.text("symbol")?.toUpperCase() ?? null;
    const cusip = record.text("cusip")?.toUpperCase() ?? null;
    if (symbol === null && cusip === null)
      fail(row.line, null, `line ${row.line} names no security (no symbol or cusip)`);
    if (cusip !== null && !/^[0-9A-Z]{8}[0-9]$/.test(cusip)) {
      fail(
        row.line,
        record.columnName("cusip"),
        `line ${row.line}: "${cusip}" is not a CUSIP (9 letters and digits)`,
      );
    }
    const asOf = asOfOf(record);
    const closeText = record.requiredText("close").replace(/^\$/, "").replace(/,/g, "");
    const close = parseDecimal(closeText);
    if (!close?.greaterThan(0)) {
      fail(
        row.line,
        record.columnName("close"),
        `line ${row.line}, ${record.columnName("close")}: "${record.text("close")}" is not a price (a positive decimal number)`,
      );
    }
    const price: PriceInput = { symbol, cusip, price: close.toFixed(), asOf, kind: "CLOSE", line: row.line };
    const key = `${cusip ?? symbol}|${asOf}`;
    const earlier = seen.get(key);
    if (earlier) {
      if (earlier.price !== price.price) {
        fail(
          row.line,
          record.columnName("close"),
          `line ${row.line} prices ${symbol ?? cusip} at ${price.price} as of ${asOf}, but line ${earlier.line} says ${earlier.price}`,
        );
      }
      duplicates += 1;
      continue;
    }
    seen.set(key, price);
    prices.push(price);
  }
  if (prices.length === 0) fail(null, null, "the file has a header but no prices");
  return { prices, warnings, duplicates };
}

/** A timestamp with a zone as is; a date as that day's 16:00 New York close. */
function asOfOf(record: CsvRecord<Column>): string {
  const timestamp = record.text("timestamp");
  if (timestamp !== null) {
    const instant = parseApiInstant(timestamp);
    if (!instant) {
      fail(
        record.line,
        record.columnName("timestamp"),
        `line ${record.line}, ${record.columnName("timestamp")}: "${timestamp}" is not a timestamp with a zone (e.g. 2026-11-19T21:00:00Z)`,
      );
    }
    return instant;
  }
  const text = record.requiredText("date");
  const instant = parseApiInstant(text);
  if (instant) return instant;
  const date = parseCalendarDate(text, ["YYYY-MM-DD", "MM/DD/YYYY", "YYYYMMDD"]);
  if (!date) {
    fail(
      record.line,
      record.columnName("date"),
      `line ${record.line}, ${record.columnName("date")}: "${text}" is not a date (YYYY-MM-DD or MM/DD/YYYY)`,
    );
  }
  return easternToInstant(date, 16);
}
