// Fidelity account history CSV, four layouts (custodian-formats.md §3):
// - 2021 "Accounts_History.csv": blank lines, "Brokerage", then Run Date, Account, Action, Symbol,
//   Security Description, Security Type, Quantity, Price ($), Commission ($), Fees ($), Accrued
//   Interest ($), Amount ($), Settlement Date; cells with leading spaces; Account is a label ending
//   in the number ("MY TACTICAL (taxable) X00000000").
// - 2023 per account "History_for_Account_X....csv": rows of bare commas, the same header without
//   Account (the account is in the file name), a disclaimer footer ending "Date downloaded ...".
// - a variant with Description, Type, ..., Cash Balance ($).
// - Dec-2025 "Accounts_History.csv": Run Date, Account, Account Number, Action, Symbol, Description,
//   Type, Exchange Quantity, Exchange Currency, Currency, Price, Quantity, Exchange Rate, Commission,
//   Fees, Accrued Interest, Amount, Settlement Date; plain numbers.
// Actions are free text classified by prefix (history-actions.ts). Sell quantities are negative;
// rows are not date-sorted and carry no id (re-imports are recognised by content).
import { Decimal } from "../../domain/decimal.ts";
import { fail, parseUsDate } from "../normalise.ts";
import { parseTotally } from "../ofx/parse-guard.ts";
import { WarningLog } from "../ofx/warnings.ts";
import {
  type ColumnSpec,
  CsvRecord,
  type CsvRow,
  findHeader,
  firstLines,
  type Header,
  isBlankRow,
  readCsv,
  unknownColumnWarnings,
} from "../read-csv.ts";
import type {
  Statement,
  StatementAccount,
  StatementParser,
  StatementTransaction,
  StatementTransactionType,
} from "../statement.ts";
import { accountFromFileName, fidelityInstrument, findDownloadedAt } from "./fidelity-csv-common.ts";
import { classifyAction } from "./history-actions.ts";

export const FIDELITY_HISTORY_FORMAT = "fidelity.history-csv";

const COLUMNS = {
  runDate: { aliases: ["Run Date"], required: true },
  account: { aliases: ["Account"] },
  accountNumber: { aliases: ["Account Number"] },
  action: { aliases: ["Action"], required: true },
  symbol: { aliases: ["Symbol"] },
  description: { aliases: ["Security Description", "Description"] },
  quantity: { aliases: ["Quantity"] },
  price: { aliases: ["Price ($)", "Price"] },
  commission: { aliases: ["Commission ($)", "Commission"] },
  fees: { aliases: ["Fees ($)", "Fees"] },
  amount: { aliases: ["Amount ($)", "Amount"], required: true },
  settlementDate: { aliases: ["Settlement Date"] },
  currency: { aliases: ["Currency"] },
} satisfies Record<string, ColumnSpec>;
type Column = keyof typeof COLUMNS;

const IGNORED = [
  "Security Type",
  "Type",
  "Accrued Interest ($)",
  "Accrued Interest",
  "Cash Balance ($)",
  "Exchange Quantity",
  "Exchange Currency",
  "Exchange Rate",
];

const IN_TYPES = new Set<StatementTransactionType>(["BUY", "DIVIDEND_REINVEST", "TRANSFER_IN"]);
const OUT_TYPES = new Set<StatementTransactionType>(["SELL", "TRANSFER_OUT"]);
const TRADES = new Set<StatementTransactionType>(["BUY", "SELL", "DIVIDEND_REINVEST"]);

function detect(text: string): boolean {
  return firstLines(text, 12).some(
    (line) => /\bRun Date\b/i.test(line) && /\bAction\b/i.test(line) && /\bAmount\b/i.test(line),
  );
}

/** The account a row belongs to: Account Number, the number ending the Account label, or the file name's. */
function accountOf(record: CsvRecord<Column>, fromFileName: string | null): string {
  const number = record.text("accountNumber");
  if (number !== null) return number;
  const label = record.text("account");
  if (label !== null) return /([A-Z]*\d[A-Z0-9]{5,})\s*$/i.exec(label)?.[1]?.toUpperCase() ?? label;
  if (fromFileName !== null) return fromFileName;
  return fail(
    record.line,
    "Account",
    "the file has no Account column and its name does not carry the account (History_for_Account_<number>.csv)",
  );
}

function signed(quantity: string | null, type: StatementTransactionType): string | null {
  if (quantity === null || new Decimal(quantity).isZero()) return null;
  const units = new Decimal(quantity).abs();
  if (IN_TYPES.has(type)) return units.toFixed();
  if (OUT_TYPES.has(type)) return units.negated().toFixed();
  return null;
}

function settlementDate(record: CsvRecord<Column>, warnings: WarningLog): string | null {
  const text = record.text("settlementDate");
  if (text === null) return null;
  const date = parseUsDate(text);
  if (!date) warnings.add(record.line, `Settlement Date ${JSON.stringify(text)} is not a date; left empty`);
  return date ?? null;
}

function readRow(record: CsvRecord<Column>, warnings: WarningLog): StatementTransaction | null {
  const action = record.requiredText("action");
  const symbol = record.text("symbol");
  const currency = record.text("currency");
  if (currency !== null && currency.toUpperCase() !== "USD") {
    fail(
      record.line,
      record.columnName("currency"),
      `line ${record.line}: amounts in ${currency} are not supported (USD only)`,
    );
  }
  const classified = classifyAction(action);
  if (classified === null) {
    warnings.add(record.line, `unrecognised action ${JSON.stringify(action)} is not imported`);
    return null;
  }
  if (classified.kind === "skip") {
    warnings.add(record.line, `${JSON.stringify(action)} (${classified.reason}) is not imported`);
    return null;
  }
  if (symbol?.startsWith("-")) {
    warnings.add(record.line, `option ${symbol} is not imported: options are not supported`);
    return null;
  }
  const quantity = record.quantity("quantity");
  const amount = record.money("amount");
  let type: StatementTransactionType;
  if (classified.kind === "type") type = classified.type;
  else if (symbol !== null && quantity !== null && !new Decimal(quantity).isZero()) {
    type = new Decimal(quantity).isNegative() ? "TRANSFER_OUT" : "TRANSFER_IN";
  } else type = amount !== null && new Decimal(amount).isNegative() ? classified.cashOut : classified.cashIn;
  const signedQuantity = signed(quantity, type);
  if (TRADES.has(type) && signedQuantity === null) {
    fail(
      record.line,
      record.columnName("quantity"),
      `line ${record.line}: ${JSON.stringify(action)} has no quantity`,
    );
  }
  const commission = record.money("commission");
  const fees = record.money("fees");
  return {
    externalId: null,
    type,
    rawAction: action,
    tradeDate: record.date("runDate"),
    settleDate: settlementDate(record, warnings),
    instrument: symbol === null ? null : fidelityInstrument(symbol, record.text("description")),
    quantity: signedQuantity,
    price: record.money("price"),
    amount,
    fees:
      commission === null && fees === null
        ? null
        : new Decimal(commission ?? "0").plus(fees ?? "0").toFixed(),
    line: record.line,
  };
}

function readTable(
  rows: readonly CsvRow[],
  header: Header<Column>,
  fromFileName: string | null,
  accounts: Map<string, StatementTransaction[]>,
  warnings: WarningLog,
): number {
  let r = header.rowIndex + 1;
  for (; r < rows.length; r++) {
    const row = rows[r];
    if (!row || isBlankRow(row)) break;
    const record = new CsvRecord(row, header);
    const accountRef = accountOf(record, fromFileName);
    const transactions = accounts.get(accountRef) ?? [];
    accounts.set(accountRef, transactions);
    const transaction = readRow(record, warnings);
    if (transaction) transactions.push(transaction);
  }
  return r;
}

function parse(text: string, fileName: string): Statement {
  const rows = readCsv(text);
  const warnings = new WarningLog();
  const fromFileName = accountFromFileName(fileName);
  const accounts = new Map<string, StatementTransaction[]>();
  let header = findHeader(rows, COLUMNS);
  if (!header) fail(null, null, "no Fidelity history header (Run Date, Action, Amount) was found");
  let end = header.rowIndex;
  while (header) {
    for (const warning of unknownColumnWarnings(
      rows[header.rowIndex] ?? { line: 0, cells: [] },
      COLUMNS,
      IGNORED,
    )) {
      warnings.once(warning.line, warning.message);
    }
    end = readTable(rows, header, fromFileName, accounts, warnings);
    header = findHeader(rows, COLUMNS, end);
  }
  const imported = [...accounts].filter(([, transactions]) => transactions.length > 0);
  if (imported.length === 0) {
    fail(
      null,
      null,
      accounts.size === 0
        ? "the history table has no rows: nothing to import"
        : "no row of the history could be imported (see the actions above): nothing to import",
    );
  }
  const downloaded = findDownloadedAt(rows, end);
  if (downloaded?.instant === null)
    warnings.add(downloaded.line, 'the "Date downloaded" footer could not be read');
  const statementAccounts: StatementAccount[] = imported.map(([accountRef, transactions]) => ({
    accountRef,
    asOf: downloaded?.instant ?? null,
    cash: null,
    positions: [],
    lots: [],
    transactions,
  }));
  return {
    custodian: "fidelity",
    format: FIDELITY_HISTORY_FORMAT,
    accounts: statementAccounts,
    warnings: warnings.warnings,
  };
}

export const fidelityHistoryCsvParser: StatementParser = {
  format: FIDELITY_HISTORY_FORMAT,
  custodian: "fidelity",
  detect: (text) => detect(text),
  parse: (text, fileName) => parseTotally(() => parse(text, fileName)),
};
