// schwab.com "Realized Gain/Loss" CSV (closed lots): an unquoted title ("Realized Gain/Loss for
// ...234 for 08/29/2021 to 09/28/2021 as of Tue Sep 28  23:17:11 EDT 2021"), then one row per
// closed lot (2021 layout: Symbol, Name, Closed Date, Quantity, Proceeds, CostBasis, Total
// Gain/Loss ($), ...; 2025 layouts add Opened Date, Cost Basis (CB), Gain/Loss ($), ...). Rows of
// the same security closed on the same day are one sale: they become one SELL carrying the
// reported realised gain or loss, which is what the wash-sale rule needs from past sales.
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
  StatementParser,
  StatementTransaction,
  StatementWarning,
} from "../statement.ts";
import { accountRefFromFileName, parseSchwabTitle } from "./title.ts";

export const REALIZED_GAIN_LOSS_FORMAT = "schwab.realized-gain-loss-csv";

const COLUMNS = {
  symbol: { aliases: ["Symbol"], required: true },
  name: { aliases: ["Name", "Description"] },
  closedDate: { aliases: ["Closed Date"], required: true },
  openedDate: { aliases: ["Opened Date"] },
  quantity: { aliases: ["Quantity"], required: true },
  proceeds: { aliases: ["Proceeds"], required: true },
  costBasis: { aliases: ["CostBasis", "Cost Basis (CB)", "Cost Basis"] },
  gainLoss: { aliases: ["Total Gain/Loss ($)", "Gain/Loss ($)"] },
} satisfies Record<string, ColumnSpec>;
type Column = keyof typeof COLUMNS;

const IGNORED = [
  "Total Gain/Loss (%)",
  "Gain/Loss (%)",
  "Long Term Gain/Loss ($)",
  "Long Term Gain/Loss (%)",
  "Short Term Gain/Loss ($)",
  "Short Term Gain/Loss (%)",
  "Long Term Gain/Loss",
  "Short Term Gain/Loss",
  "Long Term (LT) Gain/Loss ($)",
  "Short Term (ST) Gain/Loss ($)",
  "Wash Sale?",
  "Disallowed Loss",
  "Transaction Closed Date",
  "Transaction Cost Basis",
  "Total Transaction Gain/Loss ($)",
  "Total Transaction Gain/Loss (%)",
  "LT Transaction Gain/Loss ($)",
  "LT Transaction Gain/Loss (%)",
  "ST Transaction Gain/Loss ($)",
  "ST Transaction Gain/Loss (%)",
  "Closing Price",
  "Cost Basis Method",
  "Proceeds Per Share",
  "Cost Per Share",
  "Term",
  "Unadjusted Cost Basis",
];

const TITLE = /^Realized Gain\/Loss\b/i;

function detect(text: string): boolean {
  const lines = firstLines(text, 6);
  if (lines.some((line) => /^"?Realized Gain\/Loss for /i.test(line))) return true;
  return lines.some(
    (line) => /Closed Date/.test(line) && /Proceeds/.test(line) && /CostBasis|Cost Basis \(CB\)/.test(line),
  );
}

interface Sale {
  line: number;
  symbol: string;
  name: string | null;
  date: string;
  quantity: Decimal;
  proceeds: Decimal;
  gainLoss: Decimal | null;
}

function parse(text: string, fileName: string): Result<Statement, ImportError> {
  return catchImportFailure(() => {
    const rows = readCsv(text);
    const warnings: StatementWarning[] = [];
    const titleRow = rows.find((row) => !isBlankRow(row));
    const title = titleRow ? parseSchwabTitle(filledCells(titleRow).join(","), TITLE) : null;
    const header = findHeader(rows, COLUMNS);
    if (!header)
      fail(null, null, "no realised gain/loss table found (Symbol, Closed Date, Quantity, Proceeds)");
    warnings.push(...unknownColumnWarnings(rows[header.rowIndex] as CsvRow, COLUMNS, IGNORED));
    const sales = new Map<string, Sale>();
    for (const row of rows.slice(header.rowIndex + 1)) {
      if (isBlankRow(row)) continue;
      const record = new CsvRecord<Column>(row, header);
      const symbol = record.requiredText("symbol");
      if (/^total/i.test(symbol)) break;
      const date = record.date("closedDate");
      const quantity = new Decimal(record.requiredQuantity("quantity")).abs();
      const proceeds = record.money("proceeds");
      if (proceeds === null)
        fail(row.line, record.columnName("proceeds"), `line ${row.line}: Proceeds is empty`);
      const basis = record.money("costBasis");
      const reported = record.money("gainLoss");
      const gainLoss =
        reported !== null
          ? new Decimal(reported)
          : basis !== null
            ? new Decimal(proceeds).minus(basis)
            : null;
      const key = `${symbol}|${date}`;
      const sale = sales.get(key);
      if (sale) {
        sale.quantity = sale.quantity.plus(quantity);
        sale.proceeds = sale.proceeds.plus(proceeds);
        sale.gainLoss = sale.gainLoss === null || gainLoss === null ? null : sale.gainLoss.plus(gainLoss);
      } else {
        sales.set(key, {
          line: row.line,
          symbol,
          name: record.text("name"),
          date,
          quantity,
          proceeds: new Decimal(proceeds),
          gainLoss,
        });
      }
    }
    const transactions: StatementTransaction[] = [...sales.values()].map((sale) => ({
      externalId: null,
      type: "SELL",
      rawAction: "Realized Gain/Loss",
      tradeDate: sale.date,
      settleDate: null,
      instrument: { symbol: sale.symbol, cusip: null, description: sale.name },
      quantity: sale.quantity.neg().toFixed(),
      price: null,
      amount: sale.proceeds.toFixed(),
      fees: null,
      realizedGainLoss: sale.gainLoss === null ? null : sale.gainLoss.toFixed(),
      line: sale.line,
    }));
    return {
      custodian: "schwab",
      format: REALIZED_GAIN_LOSS_FORMAT,
      accounts: [
        {
          accountRef: title?.accountRef ?? accountRefFromFileName(fileName) ?? "",
          asOf: title?.asOf ?? null,
          cash: null,
          positions: [],
          lots: [],
          transactions,
        },
      ],
      warnings,
    } satisfies Statement;
  });
}

export const schwabRealizedGainLossCsv: StatementParser = {
  format: REALIZED_GAIN_LOSS_FORMAT,
  custodian: "schwab",
  detect: (text) => detect(text),
  parse,
};
