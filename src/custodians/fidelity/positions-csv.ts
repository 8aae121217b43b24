// Fidelity "Portfolio Positions" CSV (Portfolio_Positions_Mmm-dd-yyyy.csv): a UTF-8 BOM, CRLF, data
// rows with one more (empty) cell than the header, the 2021-2024 headers ("Account Number", "Last
// Price", "Cost Basis Total") and the 2025 lower-case ones ("Account number", "Last price"), plus the
// pre-2021 "Account Name/Number" and "Cost Basis Per Share". The table ends at the first blank line;
// the disclaimer footer below it ends with "Date downloaded ...", the as-of time.
// Money-market rows (SPAXX**, FCASH**, CORE**, USD***) and "Pending Activity" are the account's
// cash; options (" -SNDK270917C1500") and rows without a symbol (the BrokerageLink wrapper) are left
// out with a warning. The same security in the Cash and Margin sub-accounts is one position.
import { Decimal } from "../../domain/decimal.ts";
import { fail } from "../normalise.ts";
import { parseTotally } from "../ofx/parse-guard.ts";
import { WarningLog } from "../ofx/warnings.ts";
import {
  type ColumnSpec,
  CsvRecord,
  findHeader,
  firstLines,
  type Header,
  isBlankRow,
  readCsv,
  unknownColumnWarnings,
} from "../read-csv.ts";
import type { Statement, StatementAccount, StatementParser, StatementPosition } from "../statement.ts";
import { fidelityInstrument, findDownloadedAt } from "./fidelity-csv-common.ts";

export const FIDELITY_POSITIONS_FORMAT = "fidelity.positions-csv";

const COLUMNS = {
  account: { aliases: ["Account Number", "Account Name/Number"], required: true },
  symbol: { aliases: ["Symbol"], required: true },
  description: { aliases: ["Description"] },
  quantity: { aliases: ["Quantity"], required: true },
  price: { aliases: ["Last Price"] },
  currentValue: { aliases: ["Current Value"], required: true },
  costBasisTotal: { aliases: ["Cost Basis Total", "Cost Basis"] },
  costPerShare: { aliases: ["Average Cost Basis", "Cost Basis Per Share"] },
} satisfies Record<string, ColumnSpec>;
type Column = keyof typeof COLUMNS;

/** Columns Fidelity sends that lotwise does not need (not warned about). */
const IGNORED = [
  "Account Name",
  "Last Price Change",
  "Today's Gain/Loss Dollar",
  "Today's Gain/Loss Percent",
  "Total Gain/Loss Dollar",
  "Total Gain/Loss Percent",
  "Percent Of Account",
  "Type",
];

const CASH_SYMBOL = /^[A-Z0-9]+\*{2,3}$/i;
const PENDING = /^pending activity$/i;
const OPTION = /^-[A-Z]/i;

function detect(text: string): boolean {
  return firstLines(text, 6).some(
    (line) =>
      /\bAccount (Number|Name\/Number)\b/i.test(line) &&
      /\bSymbol\b/i.test(line) &&
      /\bCurrent Value\b/i.test(line) &&
      !/\bRun Date\b/i.test(line),
  );
}

interface AccountRows {
  accountRef: string;
  cash: Decimal | null;
  positions: Map<string, StatementPosition>;
}

function readPosition(record: CsvRecord<Column>, symbol: string): StatementPosition {
  const quantity = record.requiredQuantity("quantity");
  let costBasis = record.money("costBasisTotal");
  const perShare = costBasis === null ? record.money("costPerShare") : null;
  if (perShare !== null) costBasis = new Decimal(perShare).times(new Decimal(quantity).abs()).toFixed();
  return {
    instrument: fidelityInstrument(symbol, record.text("description")),
    quantity,
    price: record.money("price"),
    marketValue: record.money("currentValue"),
    costBasis,
    line: record.line,
  };
}

function addPosition(account: AccountRows, position: StatementPosition, warnings: WarningLog): void {
  const key = `${position.instrument.symbol ?? ""}|${position.instrument.cusip ?? ""}`;
  const earlier = account.positions.get(key);
  if (!earlier) {
    account.positions.set(key, position);
    return;
  }
  warnings.add(
    position.line ?? null,
    `${position.instrument.symbol ?? position.instrument.cusip} appears twice in account ${account.accountRef} ` +
      "(Cash and Margin): the rows are added into one position",
  );
  const add = (a: string | null, b: string | null) =>
    a === null || b === null ? null : new Decimal(a).plus(b).toFixed();
  account.positions.set(key, {
    ...earlier,
    quantity: new Decimal(earlier.quantity).plus(position.quantity).toFixed(),
    price: earlier.price === position.price ? earlier.price : null,
    marketValue: add(earlier.marketValue, position.marketValue),
    costBasis: add(earlier.costBasis, position.costBasis),
  });
}

function readTable(
  rows: ReturnType<typeof readCsv>,
  header: Header<Column>,
  warnings: WarningLog,
): { accounts: Map<string, AccountRows>; end: number } {
  const accounts = new Map<string, AccountRows>();
  let r = header.rowIndex + 1;
  for (; r < rows.length; r++) {
    const row = rows[r];
    if (!row || isBlankRow(row)) break;
    const record = new CsvRecord(row, header);
    const accountRef = record.requiredText("account");
    const account = accounts.get(accountRef) ?? { accountRef, cash: null, positions: new Map() };
    accounts.set(accountRef, account);
    const symbol = record.text("symbol") ?? "";
    if (CASH_SYMBOL.test(symbol) || PENDING.test(symbol)) {
      const value = record.money("currentValue");
      if (value !== null) account.cash = (account.cash ?? new Decimal(0)).plus(value);
      if (PENDING.test(symbol)) {
        warnings.add(
          row.line,
          `Pending Activity (${value ?? "no value"}) in account ${accountRef} is counted as cash`,
        );
      }
    } else if (symbol === "") {
      warnings.add(
        row.line,
        `a row without a symbol (${record.text("description") ?? "no description"}) is not imported`,
      );
    } else if (OPTION.test(symbol)) {
      warnings.add(row.line, `option ${symbol} is not imported: options are not supported`);
    } else {
      addPosition(account, readPosition(record, symbol), warnings);
    }
  }
  return { accounts, end: r };
}

function parse(text: string, fileName: string): Statement {
  const rows = readCsv(text);
  const header = findHeader(rows, COLUMNS);
  if (!header) {
    fail(
      null,
      null,
      "no Fidelity positions header (Account Number, Symbol, Quantity, Current Value) was found",
    );
  }
  const warnings = new WarningLog();
  for (const warning of unknownColumnWarnings(
    rows[header.rowIndex] ?? { line: 0, cells: [] },
    COLUMNS,
    IGNORED,
  )) {
    warnings.add(warning.line, warning.message);
  }
  const { accounts, end } = readTable(rows, header, warnings);
  if (accounts.size === 0) fail(header.line + 1, null, "the positions table has no rows: nothing to import");
  const downloaded = findDownloadedAt(rows, end);
  if (!downloaded)
    warnings.add(null, `no "Date downloaded" footer in ${fileName || "the file"}: the as-of time is unknown`);
  else if (downloaded.instant === null)
    warnings.add(downloaded.line, 'the "Date downloaded" footer could not be read');
  const asOf = downloaded?.instant ?? null;
  const statementAccounts: StatementAccount[] = [...accounts.values()].map((account) => ({
    accountRef: account.accountRef,
    asOf,
    cash: account.cash === null ? null : account.cash.toFixed(),
    positions: [...account.positions.values()],
    lots: [],
    transactions: [],
  }));
  return {
    custodian: "fidelity",
    format: FIDELITY_POSITIONS_FORMAT,
    accounts: statementAccounts,
    warnings: warnings.warnings,
  };
}

export const fidelityPositionsCsvParser: StatementParser = {
  format: FIDELITY_POSITIONS_FORMAT,
  custodian: "fidelity",
  detect: (text) => detect(text),
  parse: (text, fileName) => parseTotally(() => parse(text, fileName)),
};
