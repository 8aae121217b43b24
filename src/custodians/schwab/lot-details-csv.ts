// schwab.com per-symbol "Lot Details" CSV, the only retail open-lot export: a title
// ("SCHA Lot Details for XXXX-4321 as of 02:45 AM ET, 10/25/2020"), a blank line, the header
// (Open Date, Quantity, Price, Cost/Share, Market Value, Cost Basis, Gain/Loss $, Gain/Loss %,
// Holding Period,), one row per open lot (Open Date is "MM/DD/YYYY HH:mm:ss", Eastern) and a
// "Total" row. The file covers one security: the account's other holdings are carried forward.
import { Decimal } from "../../domain/decimal.ts";
import type { Result } from "../../domain/result.ts";
import { catchImportFailure, fail } from "../normalise.ts";
import {
  type ColumnSpec,
  CsvRecord,
  type CsvRow,
  filledCells,
  findHeader,
  firstLines,
  isBlankRow,
  readCsv,
  unknownColumnWarnings,
} from "../read-csv.ts";
import type {
  ImportError,
  Statement,
  StatementLot,
  StatementParser,
  StatementWarning,
} from "../statement.ts";
import { parseSchwabTitle } from "./title.ts";

export const LOT_DETAILS_FORMAT = "schwab.lot-details-csv";

const COLUMNS = {
  openDate: { aliases: ["Open Date", "Date Acquired", "Acquired Date"], required: true },
  quantity: { aliases: ["Quantity", "Qty"], required: true },
  price: { aliases: ["Price"] },
  costPerShare: { aliases: ["Cost/Share", "Cost Per Share"] },
  marketValue: { aliases: ["Market Value", "Mkt Val"] },
  costBasis: { aliases: ["Cost Basis", "Cost Basis (CB)"], required: true },
} satisfies Record<string, ColumnSpec>;

const IGNORED = ["Gain/Loss $", "Gain/Loss %", "Holding Period", "Term", "Wash Sale?", "Disallowed Loss"];

const TITLE = /^(\S+) Lot Details\b/i;

function detect(text: string): boolean {
  const lines = firstLines(text, 6);
  if (lines.some((line) => /^"?\S+ Lot Details for /i.test(line))) return true;
  return lines.some(
    (line) => /Open Date/.test(line) && /Cost\/Share/.test(line) && /Holding Period/.test(line),
  );
}

function symbolFromFileName(fileName: string): string | null {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return (
    (
      /^lot-details-([A-Za-z.]{1,8})-/i.exec(base)?.[1] ??
      /^([A-Z][A-Z.]{0,7})\.csv$/i.exec(base)?.[1] ??
      null
    )?.toUpperCase() ?? null
  );
}

function parse(text: string, fileName: string): Result<Statement, ImportError> {
  return catchImportFailure(() => {
    const rows = readCsv(text);
    const warnings: StatementWarning[] = [];
    const titleRow = rows.find((row) => !isBlankRow(row));
    const titleText = titleRow ? (filledCells(titleRow)[0] ?? "") : "";
    const title = parseSchwabTitle(titleText, TITLE);
    const symbol = (title ? TITLE.exec(titleText.trim())?.[1] : undefined) ?? symbolFromFileName(fileName);
    if (!symbol) {
      fail(
        1,
        null,
        'cannot tell which security the lots are for: no "<SYMBOL> Lot Details for ..." title line',
      );
    }
    const header = findHeader(rows, COLUMNS);
    if (!header)
      fail(null, null, "no lot table found (a header row with Open Date, Quantity and Cost Basis)");
    warnings.push(...unknownColumnWarnings(rows[header.rowIndex] as CsvRow, COLUMNS, IGNORED));
    const lots: StatementLot[] = [];
    let total: CsvRecord<keyof typeof COLUMNS> | null = null;
    for (const row of rows.slice(header.rowIndex + 1)) {
      if (isBlankRow(row)) continue;
      const record = new CsvRecord(row, header);
      if (/^total$/i.test((row.cells[0] ?? "").trim())) {
        total = record;
        break;
      }
      lots.push({
        instrument: { symbol, cusip: null, description: null },
        lotId: null,
        acquiredDate: record.date("openDate"),
        quantity: record.requiredQuantity("quantity"),
        costBasis: record.money("costBasis"),
        line: row.line,
      });
    }
    if (!total) {
      fail(rows.at(-1)?.line ?? null, null, 'the lot table has no "Total" row: the file is truncated');
    }
    checkTotal(total, lots, warnings);
    return {
      custodian: "schwab",
      format: LOT_DETAILS_FORMAT,
      accounts: [
        {
          accountRef: title?.accountRef ?? "",
          asOf: title?.asOf ?? null,
          cash: null,
          positions: [],
          lots,
          transactions: [],
          partial: true,
        },
      ],
      warnings,
    } satisfies Statement;
  });
}

/** The Total row should be the lots' sum; when it is not, say so (the lots are what is kept). */
function checkTotal(
  total: CsvRecord<keyof typeof COLUMNS>,
  lots: readonly StatementLot[],
  warnings: StatementWarning[],
): void {
  const quantity = total.quantity("quantity");
  const sum = lots.reduce((acc, lot) => acc.plus(lot.quantity), new Decimal(0));
  if (quantity !== null && !sum.equals(quantity)) {
    warnings.push({
      line: total.line,
      message: `line ${total.line}: the Total row says ${quantity} shares but the lots add up to ${sum.toFixed()}; the lots are imported as listed`,
    });
  }
  const basis = total.money("costBasis");
  if (basis !== null && lots.every((lot) => lot.costBasis !== null)) {
    const basisSum = lots.reduce((acc, lot) => acc.plus(lot.costBasis ?? 0), new Decimal(0));
    if (!basisSum.equals(basis)) {
      warnings.push({
        line: total.line,
        message: `line ${total.line}: the Total row's cost basis ${basis} differs from the lots' ${basisSum.toFixed()}`,
      });
    }
  }
}

export const schwabLotDetailsCsv: StatementParser = {
  format: LOT_DETAILS_FORMAT,
  custodian: "schwab",
  detect: (text) => detect(text),
  parse,
};
