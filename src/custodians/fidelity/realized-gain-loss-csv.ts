// Fidelity "Realized Gain/Loss" CSV (Realized_Gain_Loss_Account_X12345678.csv): closed lots, one row
// each: Symbol(CUSIP) as `VEA(100000000)`, Security Description, Quantity, Date Acquired, Date Sold,
// Proceeds, Cost Basis, Short Term Gain/Loss, Long Term Gain/Loss; money as `"$12.00 "` (trailing
// space). The account is in the file name only.
// Decision (as for Schwab's realised file): the lots of one security sold on one day are one sale,
// imported as one SELL (quantity and proceeds summed) carrying the reported realised gain or loss
// (short + long term), which is what the wash-sale rule needs from past sales. The file has no
// open lots and no holdings, so nothing else is imported from it.
import { Decimal } from "../../domain/decimal.ts";
import { fail, parseUsDate } from "../normalise.ts";
import { isValidCusip } from "../ofx/cusip.ts";
import { parseTotally } from "../ofx/parse-guard.ts";
import { WarningLog } from "../ofx/warnings.ts";
import {
  type ColumnSpec,
  CsvRecord,
  findHeader,
  firstLines,
  isBlankRow,
  readCsv,
  unknownColumnWarnings,
} from "../read-csv.ts";
import type { Statement, StatementInstrument, StatementParser, StatementTransaction } from "../statement.ts";
import { accountFromFileName, findDownloadedAt } from "./fidelity-csv-common.ts";

export const FIDELITY_REALIZED_FORMAT = "fidelity.realized-gain-loss-csv";

const COLUMNS = {
  symbol: { aliases: ["Symbol(CUSIP)", "Symbol (CUSIP)", "Symbol"], required: true },
  description: { aliases: ["Security Description", "Description"] },
  quantity: { aliases: ["Quantity"], required: true },
  acquired: { aliases: ["Date Acquired"], required: true },
  sold: { aliases: ["Date Sold"], required: true },
  proceeds: { aliases: ["Proceeds"], required: true },
  costBasis: { aliases: ["Cost Basis"] },
  shortTerm: { aliases: ["Short Term Gain/Loss"] },
  longTerm: { aliases: ["Long Term Gain/Loss"] },
} satisfies Record<string, ColumnSpec>;
type Column = keyof typeof COLUMNS;

const SYMBOL_CUSIP = /^([^()]*)\(([0-9A-Z*@#]{9})\)$/i;

function detect(text: string): boolean {
  return firstLines(text, 8).some(
    (line) => /\bDate Acquired\b/i.test(line) && /\bDate Sold\b/i.test(line) && /\bProceeds\b/i.test(line),
  );
}

function instrumentOf(
  cell: string,
  description: string | null,
  line: number,
  warnings: WarningLog,
): StatementInstrument {
  const match = SYMBOL_CUSIP.exec(cell.replace(/\s+/g, ""));
  const symbol = (match ? match[1] : cell)?.trim().toUpperCase() || null;
  let cusip = match?.[2]?.toUpperCase() ?? null;
  if (cusip !== null && !isValidCusip(cusip)) {
    warnings.once(
      line,
      `${cusip} (for ${symbol ?? "a security"}) fails the CUSIP check digit; only the symbol is kept`,
    );
    cusip = symbol === null ? cusip : null;
  }
  return { symbol, cusip, description };
}

interface Sale {
  line: number;
  instrument: StatementInstrument;
  date: string;
  quantity: Decimal;
  proceeds: Decimal;
  gainLoss: Decimal | null;
}

function gainOf(record: CsvRecord<Column>, proceeds: string): Decimal | null {
  const shortTerm = record.money("shortTerm");
  const longTerm = record.money("longTerm");
  if (shortTerm !== null || longTerm !== null) return new Decimal(shortTerm ?? "0").plus(longTerm ?? "0");
  const basis = record.money("costBasis");
  return basis === null ? null : new Decimal(proceeds).minus(basis);
}

function parse(text: string, fileName: string): Statement {
  const rows = readCsv(text);
  const header = findHeader(rows, COLUMNS);
  if (!header) {
    fail(
      null,
      null,
      "no Fidelity realised gain/loss header (Symbol(CUSIP), Quantity, Date Acquired, Date Sold, Proceeds) was found",
    );
  }
  const accountRef = accountFromFileName(fileName);
  if (accountRef === null) {
    fail(
      null,
      null,
      "the account is not in the file name (Realized_Gain_Loss_Account_<number>.csv); the file itself does not say",
    );
  }
  const warnings = new WarningLog();
  for (const warning of unknownColumnWarnings(rows[header.rowIndex] ?? { line: 0, cells: [] }, COLUMNS, [])) {
    warnings.add(warning.line, warning.message);
  }
  const sales = new Map<string, Sale>();
  let r = header.rowIndex + 1;
  for (; r < rows.length; r++) {
    const row = rows[r];
    if (!row || isBlankRow(row)) break;
    const record = new CsvRecord(row, header);
    const cell = record.requiredText("symbol");
    if (/^total/i.test(cell)) break;
    const acquired = record.requiredText("acquired");
    if (!parseUsDate(acquired) && !/^various$/i.test(acquired)) {
      fail(
        row.line,
        record.columnName("acquired"),
        `line ${row.line}: ${JSON.stringify(acquired)} is not a date (MM/DD/YYYY)`,
      );
    }
    const instrument = instrumentOf(cell, record.text("description"), row.line, warnings);
    const date = record.date("sold");
    const quantity = new Decimal(record.requiredQuantity("quantity")).abs();
    const proceeds = record.money("proceeds");
    if (proceeds === null)
      fail(row.line, record.columnName("proceeds"), `line ${row.line}: Proceeds is empty`);
    const gainLoss = gainOf(record, proceeds);
    const key = `${instrument.symbol}|${instrument.cusip}|${date}`;
    const sale = sales.get(key);
    if (!sale) {
      sales.set(key, {
        line: row.line,
        instrument,
        date,
        quantity,
        proceeds: new Decimal(proceeds),
        gainLoss,
      });
      continue;
    }
    sale.quantity = sale.quantity.plus(quantity);
    sale.proceeds = sale.proceeds.plus(proceeds);
    sale.gainLoss = sale.gainLoss === null || gainLoss === null ? null : sale.gainLoss.plus(gainLoss);
  }
  if (sales.size === 0)
    fail(header.line, null, "the realised gain/loss table has no closed lots: nothing to import");
  const transactions: StatementTransaction[] = [...sales.values()].map((sale) => ({
    externalId: null,
    type: "SELL",
    rawAction: "Realized Gain/Loss",
    tradeDate: sale.date,
    settleDate: null,
    instrument: sale.instrument,
    quantity: sale.quantity.negated().toFixed(),
    price: null,
    amount: sale.proceeds.toFixed(),
    fees: null,
    realizedGainLoss: sale.gainLoss === null ? null : sale.gainLoss.toFixed(),
    line: sale.line,
  }));
  const downloaded = findDownloadedAt(rows, r);
  return {
    custodian: "fidelity",
    format: FIDELITY_REALIZED_FORMAT,
    accounts: [
      { accountRef, asOf: downloaded?.instant ?? null, cash: null, positions: [], lots: [], transactions },
    ],
    warnings: warnings.warnings,
  };
}

export const fidelityRealizedGainLossCsvParser: StatementParser = {
  format: FIDELITY_REALIZED_FORMAT,
  custodian: "fidelity",
  detect: (text) => detect(text),
  parse: (text, fileName) => parseTotally(() => parse(text, fileName)),
};
