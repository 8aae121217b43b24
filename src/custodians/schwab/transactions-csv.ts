// schwab.com "Transactions" CSV: a title ("Transactions  for account XXXX-1234 as of 11/15/2020
// 18:00:21 ET", two spaces), the header (Date, Action, Symbol, Description, Quantity, Price,
// Fees & Comm, Amount, maybe a trailing comma), rows, and a "Transactions Total" footer.
// Multi-account exports repeat title, header and footer per account; newer exports may start at
// the header. There is no transaction id: re-imports are recognised by content (import-statement).
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
  StatementWarning,
} from "../statement.ts";
import { accountRefFromFileName, parseSchwabTitle, type SchwabTitle } from "./title.ts";
import { mapTransactionRows, type TransactionRow } from "./transaction-rows.ts";

export const TRANSACTIONS_FORMAT = "schwab.transactions-csv";

const COLUMNS = {
  date: { aliases: ["Date"], required: true },
  action: { aliases: ["Action"], required: true },
  symbol: { aliases: ["Symbol"], required: true },
  description: { aliases: ["Description"] },
  quantity: { aliases: ["Quantity", "Qty"] },
  price: { aliases: ["Price"] },
  fees: { aliases: ["Fees & Comm", "Fees & Commissions", "Fees"] },
  amount: { aliases: ["Amount"], required: true },
} satisfies Record<string, ColumnSpec>;
type Column = keyof typeof COLUMNS;

const TITLE = /^Transactions\b/i;
const FOOTER = /^transactions total$/i;

function detect(text: string): boolean {
  const lines = firstLines(text, 6);
  if (lines.some((line) => /^"?Transactions\s+for account\b/i.test(line))) return true;
  return lines.some((line) => {
    const cells = line.split(",").map((cell) => cell.replace(/"/g, "").trim());
    return ["Date", "Action", "Symbol", "Quantity", "Price", "Fees & Comm", "Amount"].every((name) =>
      cells.includes(name),
    );
  });
}

function titleOf(row: CsvRow): SchwabTitle | null {
  const cells = filledCells(row);
  return cells.length === 1 ? parseSchwabTitle(cells[0] as string, TITLE) : null;
}

function parse(text: string, fileName: string): Result<Statement, ImportError> {
  return catchImportFailure(() => {
    const rows = readCsv(text);
    const warnings: StatementWarning[] = [];
    const accounts: StatementAccount[] = [];
    const seen = new Set<string>();
    let title: SchwabTitle | null = null;
    let r = 0;
    while (r < rows.length) {
      const row = rows[r] as CsvRow;
      if (isBlankRow(row)) {
        r += 1;
        continue;
      }
      const found = titleOf(row);
      if (found) {
        title = found;
        r += 1;
        continue;
      }
      const header = headerAt(rows, COLUMNS, r);
      if (!header) {
        warnings.push({
          line: row.line,
          message: `line ${row.line} is outside any transactions table; ignored`,
        });
        r += 1;
        continue;
      }
      for (const warning of unknownColumnWarnings(row, COLUMNS, [])) {
        if (!seen.has(warning.message)) warnings.push(warning);
        seen.add(warning.message);
      }
      const block = readBlock(rows, header, title !== null, warnings);
      const mapped = mapTransactionRows(block.rows);
      warnings.push(...mapped.warnings);
      accounts.push({
        accountRef: title?.accountRef ?? accountRefFromFileName(fileName) ?? "",
        asOf: title?.asOf ?? null,
        cash: null,
        positions: [],
        lots: [],
        transactions: mapped.transactions,
      });
      title = null;
      r = block.next;
    }
    if (accounts.length === 0) {
      fail(null, null, "no transactions table found (a header row with Date, Action, Symbol and Amount)");
    }
    return { custodian: "schwab", format: TRANSACTIONS_FORMAT, accounts, warnings } satisfies Statement;
  });
}

function readBlock(
  rows: readonly CsvRow[],
  header: Header<Column>,
  titled: boolean,
  warnings: StatementWarning[],
): { rows: TransactionRow[]; next: number } {
  const out: TransactionRow[] = [];
  const name = (key: Column) => header.columns[key]?.name ?? key;
  const columns = {
    date: name("date"),
    quantity: name("quantity"),
    price: name("price"),
    fees: name("fees"),
    amount: name("amount"),
  };
  const headerFirstCell = (rows[header.rowIndex]?.cells[0] ?? "").trim();
  let r = header.rowIndex + 1;
  for (; r < rows.length; r++) {
    const row = rows[r] as CsvRow;
    if (isBlankRow(row)) continue;
    const first = (row.cells[0] ?? "").trim();
    if (FOOTER.test(first)) return { rows: out, next: r + 1 };
    // The next account's title or header ends this block when a footer is missing.
    if (first === headerFirstCell && headerAt(rows, COLUMNS, r)) break;
    if (/^transactions\s/i.test(first) && titleOf(row)) break;
    const record = new CsvRecord(row, header);
    out.push({
      line: row.line,
      at: `line ${row.line}`,
      date: record.requiredText("date"),
      action: record.requiredText("action"),
      symbol: record.text("symbol"),
      description: record.text("description"),
      quantity: record.text("quantity"),
      price: record.text("price"),
      fees: record.text("fees"),
      amount: record.text("amount"),
      columns,
    });
  }
  if (titled) {
    fail(
      rows[r - 1]?.line ?? null,
      null,
      `the transactions table that starts on line ${header.line} has no "Transactions Total" row: the file is truncated`,
    );
  }
  warnings.push({
    line: header.line,
    message: `the transactions table on line ${header.line} has no "Transactions Total" row; check the file is complete`,
  });
  return { rows: out, next: r };
}

export const schwabTransactionsCsv: StatementParser = {
  format: TRANSACTIONS_FORMAT,
  custodian: "schwab",
  detect: (text) => detect(text),
  parse,
};
