// schwab.com "Positions" CSV in its three header layouts (2020: 25 columns and a trailing comma;
// 2023: 17 columns; 2024+: "Qty (Quantity)", "Mkt Val (Market Value)"...), single-account or
// All-Accounts (one block per account: a "Brokerage XXXX-1234" line, header, rows, "Account Total").
// "Cash & Cash Investments" is the account's cash; "Account Total" ends a block (a block without it
// is a truncated file). Users can choose columns on the site, so columns are found by name.

import { Decimal } from "../../domain/decimal.ts";
import type { Result } from "../../domain/result.ts";
import { catchImportFailure, fail } from "../normalise.ts";
import {
  type ColumnSpec,
  CsvRecord,
  type CsvRow,
  filledCells,
  firstLines,
  type Header,
  headerAt,
  isBlankRow,
  readCsv,
  unknownColumnWarnings,
} from "../read-csv.ts";
import type {
  ImportError,
  Statement,
  StatementAccount,
  StatementParser,
  StatementPosition,
  StatementWarning,
} from "../statement.ts";
import { asOfFromFileName, parseSchwabTitle } from "./title.ts";

export const POSITIONS_FORMAT = "schwab.positions-csv";

const COLUMNS = {
  symbol: { aliases: ["Symbol"], required: true },
  description: { aliases: ["Description"] },
  quantity: { aliases: ["Quantity", "Qty (Quantity)", "Qty"], required: true },
  price: { aliases: ["Price"] },
  marketValue: { aliases: ["Market Value", "Mkt Val (Market Value)", "Mkt Val"], required: true },
  costBasis: { aliases: ["Cost Basis"] },
  securityType: { aliases: ["Security Type", "Asset Type"] },
} satisfies Record<string, ColumnSpec>;
type Column = keyof typeof COLUMNS;

/** Columns Schwab offers that lotwise does not need (not warned about). */
const IGNORED = [
  "Price Change $",
  "Price Change %",
  "Price Chng $ (Price Change $)",
  "Price Chng % (Price Change %)",
  "Day Change $",
  "Day Change %",
  "Day Chng $ (Day Change $)",
  "Day Chng % (Day Change %)",
  "Gain/Loss $",
  "Gain/Loss %",
  "Gain $ (Gain/Loss $)",
  "Gain % (Gain/Loss %)",
  "Ratings",
  "Reinvest Dividends?",
  "Reinvest?",
  "Capital Gains?",
  "Reinvest Capital Gains?",
  "% Of Account",
  "% of Acct (% of Account)",
  "Dividend Yield",
  "Last Dividend",
  "Ex-Dividend Date",
  "P/E Ratio",
  "52 Week Low",
  "52 Week High",
  "Volume",
  "Intrinsic Value",
  "In The Money",
  "Margin Requirement",
  "Cost/Share",
];

const TITLE = /^Positions\b/i;
const CASH_ROW = /^cash & cash investments$/i;
const TOTAL_ROW = /^account total$/i;

function isTitleRow(row: CsvRow): boolean {
  const cells = filledCells(row);
  return cells.length === 1 && TITLE.test(cells[0] as string) && /\bas of\b/i.test(cells[0] as string);
}

function detect(text: string, fileName: string): boolean {
  const rows = firstLines(text, 12);
  if (rows.some((line) => /^"?Positions for (account|All-Accounts)\b/i.test(line))) return true;
  const header = rows.find((line) => /"?Symbol"?,/.test(line));
  return (
    header !== undefined &&
    /Quantity|Qty/.test(header) &&
    /Market Value|Mkt Val/.test(header) &&
    /Security Type|Asset Type/.test(header) &&
    /position/i.test(fileName)
  );
}

function parse(text: string, fileName: string): Result<Statement, ImportError> {
  return catchImportFailure(() => {
    const rows = readCsv(text);
    const warnings: StatementWarning[] = [];
    const titleRow = rows.find((row) => !isBlankRow(row));
    const title =
      titleRow && isTitleRow(titleRow) ? parseSchwabTitle(filledCells(titleRow)[0] as string, TITLE) : null;
    const asOf = title?.asOf ?? asOfFromFileName(fileName);
    if (title && title.asOf === null) {
      warnings.push({ line: titleRow?.line ?? 1, message: "the title has no readable 'as of' time" });
    }
    const accounts: StatementAccount[] = [];
    const seenWarnings = new Set<string>();
    let label: string | null = null;
    let r = titleRow && title ? rows.indexOf(titleRow) + 1 : 0;
    while (r < rows.length) {
      const row = rows[r] as CsvRow;
      if (isBlankRow(row)) {
        r += 1;
        continue;
      }
      const header = headerAt(rows, COLUMNS, r);
      if (header) {
        for (const warning of unknownColumnWarnings(row, COLUMNS, IGNORED)) {
          if (!seenWarnings.has(warning.message)) warnings.push(warning);
          seenWarnings.add(warning.message);
        }
        const ref = label ?? title?.accountRef ?? "";
        const block = readBlock(rows, r + 1, header, ref, asOf, warnings);
        accounts.push(block.account);
        label = null;
        r = block.next;
        continue;
      }
      const cells = filledCells(row);
      if (cells.length === 1 && !TOTAL_ROW.test(cells[0] as string)) {
        // An All-Accounts block label: "Brokerage XXXX-1234".
        label = cells[0] as string;
      } else {
        warnings.push({
          line: row.line,
          message: `line ${row.line} is outside any positions table; ignored`,
        });
      }
      r += 1;
    }
    if (accounts.length === 0) {
      fail(null, null, "no positions table found (a header row with Symbol, Quantity and Market Value)");
    }
    return { custodian: "schwab", format: POSITIONS_FORMAT, accounts, warnings } satisfies Statement;
  });
}

function readBlock(
  rows: readonly CsvRow[],
  from: number,
  header: Header<Column>,
  accountRef: string,
  asOf: string | null,
  warnings: StatementWarning[],
): { account: StatementAccount; next: number } {
  const positions: StatementPosition[] = [];
  let cash: string | null = null;
  let r = from;
  for (; r < rows.length; r++) {
    const row = rows[r] as CsvRow;
    if (isBlankRow(row)) continue;
    if (headerAt(rows, COLUMNS, r) || isTitleRow(row)) break;
    const record = new CsvRecord(row, header);
    const first = (row.cells[0] ?? "").trim();
    if (TOTAL_ROW.test(first)) {
      checkTotal(record, positions, cash, warnings);
      return { account: { accountRef, asOf, cash, positions, lots: [], transactions: [] }, next: r + 1 };
    }
    if (CASH_ROW.test(first)) {
      cash = record.money("marketValue") ?? "0";
      continue;
    }
    const symbol = record.requiredText("symbol");
    const quantity = record.quantity("quantity");
    if (quantity === null) {
      warnings.push({ line: row.line, message: `line ${row.line}: ${symbol} has no quantity; skipped` });
      continue;
    }
    positions.push({
      instrument: { symbol, cusip: null, description: record.text("description") },
      quantity,
      price: record.money("price"),
      marketValue: record.money("marketValue"),
      costBasis: record.money("costBasis"),
      line: row.line,
    });
  }
  fail(
    rows[r - 1]?.line ?? null,
    null,
    `the positions table that starts on line ${header.line} has no "Account Total" row: the file is truncated`,
  );
}

/** Warns when the rows do not add up to the Account Total's market value (the file is then partial). */
function checkTotal(
  record: CsvRecord<Column>,
  positions: readonly StatementPosition[],
  cash: string | null,
  warnings: StatementWarning[],
): void {
  const reported = record.money("marketValue");
  if (reported === null || positions.some((p) => p.marketValue === null)) return;
  const sum = positions.reduce((total, p) => total.plus(p.marketValue ?? 0), new Decimal(cash ?? 0));
  if (!sum.equals(reported)) {
    warnings.push({
      line: record.line,
      message: `line ${record.line}: the Account Total market value ${reported} differs from the rows' sum ${sum.toFixed()}; the file may not list every position`,
    });
  }
}

export const schwabPositionsCsv: StatementParser = {
  format: POSITIONS_FORMAT,
  custodian: "schwab",
  detect,
  parse,
};
