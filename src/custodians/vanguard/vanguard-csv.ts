// Vanguard "OfxDownload.csv". ASSUMED LAYOUT: no real, licensed export was found, so this follows
// what the public parsers expect (hledger's rules, markliederbach/finna, reds; custodian-formats.md
// §4) and must be confirmed against a real download:
// - two CSVs concatenated. Holdings first: `Account Number, Investment Name, Symbol, Shares, Share
//   Price, Total Value,` (trailing comma), one block per account separated by blank lines; then 2-3
//   blank lines; then transactions: `Account Number, Trade Date, Settlement Date, Transaction Type,
//   Transaction Description, Investment Name, Symbol, Shares, Share Price, Principal Amount,
//   Commissions and Fees, Net Amount, Accrued Interest, Account Type,`.
// - aliases: `Commission Fees` for `Commissions and Fees`; an `Investment Type` column may appear;
//   the older 529 layout (`Fund Account Number, Fund Name, Price, Shares, Total Value`) has no
//   Symbol, so its holdings cannot be matched to securities: it is recognised and refused.
// - dates are MM/DD/YYYY or YYYY-MM-DD; numbers are plain (no `$`); rows are not sorted.
// - direction comes from Transaction Type, not from the sign of Shares.
// - the settlement fund (VMFXX) is the account's cash: its holding is cash; buys, sells and sweeps
//   of it are internal moves that are not imported; its dividends, deposits and fees are cash
//   movements with no security.
// The file says nothing about when it was made, so accounts have no as-of time.
import { Decimal } from "../../domain/decimal.ts";
import { fail, parseCalendarDate } from "../normalise.ts";
import { isValidCusip } from "../ofx/cusip.ts";
import { parseTotally } from "../ofx/parse-guard.ts";
import { WarningLog } from "../ofx/warnings.ts";
import {
  type ColumnSpec,
  CsvRecord,
  type CsvRow,
  firstLines,
  type Header,
  headerAt,
  isBlankRow,
  readCsv,
  unknownColumnWarnings,
} from "../read-csv.ts";
import type {
  Statement,
  StatementAccount,
  StatementInstrument,
  StatementParser,
  StatementTransaction,
  StatementTransactionType,
} from "../statement.ts";
import { classifyVanguardType } from "./vanguard-csv-types.ts";

export const VANGUARD_CSV_FORMAT = "vanguard.csv";

const HOLDINGS = {
  account: { aliases: ["Account Number", "Fund Account Number"], required: true },
  name: { aliases: ["Investment Name", "Fund Name"], required: true },
  symbol: { aliases: ["Symbol"] },
  shares: { aliases: ["Shares"], required: true },
  price: { aliases: ["Share Price", "Price"], required: true },
  value: { aliases: ["Total Value"], required: true },
} satisfies Record<string, ColumnSpec>;
type HoldingColumn = keyof typeof HOLDINGS;

const TRANSACTIONS = {
  account: { aliases: ["Account Number"], required: true },
  tradeDate: { aliases: ["Trade Date"], required: true },
  settlementDate: { aliases: ["Settlement Date"] },
  type: { aliases: ["Transaction Type"], required: true },
  description: { aliases: ["Transaction Description"] },
  name: { aliases: ["Investment Name"] },
  symbol: { aliases: ["Symbol"] },
  shares: { aliases: ["Shares"] },
  price: { aliases: ["Share Price"] },
  fees: { aliases: ["Commissions and Fees", "Commission Fees", "Commissions & Fees"] },
  net: { aliases: ["Net Amount"], required: true },
} satisfies Record<string, ColumnSpec>;
type TransactionColumn = keyof typeof TRANSACTIONS;

const IGNORED = ["Principal Amount", "Accrued Interest", "Account Type", "Investment Type"];
const SETTLEMENT_FUNDS = new Set(["VMFXX"]);
const DATE_FORMATS = ["MM/DD/YYYY", "YYYY-MM-DD"] as const;
const IN_TYPES = new Set<StatementTransactionType>(["BUY", "DIVIDEND_REINVEST", "TRANSFER_IN"]);
const OUT_TYPES = new Set<StatementTransactionType>(["SELL", "TRANSFER_OUT"]);

function detect(text: string): boolean {
  return firstLines(text, 6).some(
    (line) =>
      (/\bAccount Number\b/i.test(line) &&
        /\bInvestment Name\b/i.test(line) &&
        (/\bShare Price\b/i.test(line) || /\bTrade Date\b/i.test(line))) ||
      (/\bFund Account Number\b/i.test(line) && /\bFund Name\b/i.test(line)),
  );
}

interface AccountData {
  cash: Decimal | null;
  positions: StatementAccount["positions"];
  transactions: StatementTransaction[];
}

function instrumentOf(symbol: string | null, name: string | null): StatementInstrument | null {
  const text = symbol?.trim().toUpperCase() ?? "";
  if (text === "") return null;
  if (/\d/.test(text) && isValidCusip(text)) return { symbol: null, cusip: text, description: name };
  return { symbol: text, cusip: null, description: name };
}

function isSettlementFund(instrument: StatementInstrument | null, name: string | null): boolean {
  return SETTLEMENT_FUNDS.has(instrument?.symbol ?? "") || /\bsettlement fund\b/i.test(name ?? "");
}

function readHolding(record: CsvRecord<HoldingColumn>, account: AccountData, warnings: WarningLog): void {
  const name = record.text("name");
  const instrument = instrumentOf(record.text("symbol"), name);
  if (isSettlementFund(instrument, name)) {
    const value = record.money("value");
    if (value !== null) account.cash = (account.cash ?? new Decimal(0)).plus(value);
    return;
  }
  if (!instrument) {
    warnings.add(
      record.line,
      `holding ${JSON.stringify(name ?? "")} has no symbol to identify it; not imported`,
    );
    return;
  }
  account.positions.push({
    instrument,
    quantity: record.requiredQuantity("shares"),
    price: record.money("price"),
    marketValue: record.money("value"),
    costBasis: null,
    line: record.line,
  });
}

function dateOf(
  record: CsvRecord<TransactionColumn>,
  key: TransactionColumn,
  required: boolean,
): string | null {
  const text = required ? record.requiredText(key) : record.text(key);
  if (text === null) return null;
  const date = parseCalendarDate(text, DATE_FORMATS);
  if (!date) {
    fail(
      record.line,
      record.columnName(key),
      `line ${record.line}, ${record.columnName(key)}: ${JSON.stringify(text)} is not a date (MM/DD/YYYY or YYYY-MM-DD)`,
    );
  }
  return date;
}

function transactionType(
  record: CsvRecord<TransactionColumn>,
  shares: string | null,
  net: string | null,
  warnings: WarningLog,
): StatementTransactionType | null {
  const raw = record.requiredText("type");
  const kind = classifyVanguardType(raw);
  if (kind === null) {
    warnings.add(record.line, `unrecognised Transaction Type ${JSON.stringify(raw)} is not imported`);
    return null;
  }
  if (kind.kind === "skip") {
    warnings.add(record.line, `${JSON.stringify(raw)} (${kind.reason}) is not imported`);
    return null;
  }
  if (kind.kind === "type") return kind.type;
  const movesShares = shares !== null && !new Decimal(shares).isZero();
  if (kind.kind === "transfer") return movesShares ? kind.securities : kind.cash;
  const cash = net !== null && !new Decimal(net).isZero() ? new Decimal(net) : null;
  if (cash) return cash.isNegative() ? "BUY" : "SELL";
  if (movesShares) return new Decimal(shares).isNegative() ? "SELL" : "BUY";
  return fail(
    record.line,
    record.columnName("type"),
    `line ${record.line}: an Exchange with neither shares nor amount`,
  );
}

function readTransaction(
  record: CsvRecord<TransactionColumn>,
  account: AccountData,
  warnings: WarningLog,
): void {
  const shares = record.quantity("shares");
  const net = record.money("net");
  const type = transactionType(record, shares, net, warnings);
  if (type === null) return;
  const name = record.text("name");
  let instrument = instrumentOf(record.text("symbol"), name);
  const trade = IN_TYPES.has(type) || OUT_TYPES.has(type);
  if (isSettlementFund(instrument, name)) {
    // The settlement fund is cash: trading it moves cash within the account; its income,
    // deposits, withdrawals and fees are cash movements with no security.
    if (trade) {
      warnings.add(
        record.line,
        `${record.requiredText("type")} of the settlement fund (cash) is an internal move; not imported`,
      );
      return;
    }
    instrument = null;
  }
  const units = shares === null || new Decimal(shares).isZero() ? null : new Decimal(shares).abs();
  if (trade && (units === null || instrument === null)) {
    fail(
      record.line,
      record.columnName("shares"),
      `line ${record.line}: a ${type} needs a symbol and shares`,
    );
  }
  const price = trade ? record.money("price") : null;
  account.transactions.push({
    externalId: null,
    type,
    rawAction: [record.requiredText("type"), record.text("description")]
      .filter((part) => part !== null)
      .join(": "),
    tradeDate: dateOf(record, "tradeDate", true) as string,
    settleDate: dateOf(record, "settlementDate", false),
    instrument,
    quantity: units === null || !trade ? null : (OUT_TYPES.has(type) ? units.negated() : units).toFixed(),
    price: price !== null && new Decimal(price).isZero() ? null : price,
    amount: net,
    fees: record.money("fees"),
    line: record.line,
  });
}

type Section =
  | { kind: "holdings"; header: Header<HoldingColumn> }
  | { kind: "transactions"; header: Header<TransactionColumn> };

function sectionAt(rows: readonly CsvRow[], r: number): Section | null {
  const holdings = headerAt(rows, HOLDINGS, r);
  if (holdings) return { kind: "holdings", header: holdings };
  const transactions = headerAt(rows, TRANSACTIONS, r);
  return transactions ? { kind: "transactions", header: transactions } : null;
}

function parse(text: string): Statement {
  const rows = readCsv(text);
  const warnings = new WarningLog();
  const accounts = new Map<string, AccountData>();
  const accountFor = (accountRef: string): AccountData => {
    const account = accounts.get(accountRef) ?? { cash: null, positions: [], transactions: [] };
    accounts.set(accountRef, account);
    return account;
  };
  let section: Section | null = null;
  for (const [r, row] of rows.entries()) {
    if (isBlankRow(row)) continue;
    const next = sectionAt(rows, r);
    if (next) {
      if (next.kind === "holdings" && next.header.columns.symbol === undefined) {
        fail(
          row.line,
          "Symbol",
          "the holdings have no Symbol column (the older 529-plan layout): they cannot be matched to securities",
        );
      }
      section = next;
      const specs: Record<string, ColumnSpec> = next.kind === "holdings" ? HOLDINGS : TRANSACTIONS;
      for (const warning of unknownColumnWarnings(row, specs, IGNORED))
        warnings.once(warning.line, warning.message);
    } else if (section === null) {
      fail(row.line, null, `line ${row.line} comes before any Vanguard holdings or transactions header`);
    } else if (section.kind === "holdings") {
      const record = new CsvRecord(row, section.header);
      readHolding(record, accountFor(record.requiredText("account")), warnings);
    } else {
      const record = new CsvRecord(row, section.header);
      readTransaction(record, accountFor(record.requiredText("account")), warnings);
    }
  }
  if (section === null) fail(null, null, "no Vanguard holdings or transactions header was found");
  const imported = [...accounts].filter(
    ([, data]) => data.positions.length > 0 || data.transactions.length > 0 || data.cash !== null,
  );
  if (imported.length === 0)
    fail(null, null, "the file has no holdings or transactions that can be imported");
  if (imported.some(([, data]) => data.positions.length > 0 || data.cash !== null)) {
    warnings.add(null, "a Vanguard CSV does not say when it was downloaded: the holdings have no as-of time");
  }
  return {
    custodian: "vanguard",
    format: VANGUARD_CSV_FORMAT,
    accounts: imported.map(([accountRef, data]) => ({
      accountRef,
      asOf: null,
      cash: data.cash === null ? null : data.cash.toFixed(),
      positions: data.positions,
      lots: [],
      transactions: data.transactions,
    })),
    warnings: warnings.warnings,
  };
}

export const vanguardCsvParser: StatementParser = {
  format: VANGUARD_CSV_FORMAT,
  custodian: "vanguard",
  detect: (text) => detect(text),
  parse: (text) => parseTotally(() => parse(text)),
};
