// schwab.com "Transactions" JSON download: {"FromDate", "ToDate", "TotalTransactionsAmount",
// "BrokerageTransactions": [{"Date", "Action", "Symbol", "Description", "Quantity", "Price",
// "Fees & Comm", "Amount", ...}]}, every value a display string. Same rows as the CSV, so the same
// mapping (and the same content keys: a CSV and a JSON of the same period do not double up).
import type { Result } from "../../domain/result.ts";
import { catchImportFailure, fail, isFormulaInjection } from "../normalise.ts";
import { asObject, readJsonExact, stringField } from "../read-json.ts";
import type { ImportError, Statement, StatementParser } from "../statement.ts";
import { accountRefFromFileName } from "./title.ts";
import { mapTransactionRows, type TransactionRow } from "./transaction-rows.ts";

export const TRANSACTIONS_JSON_FORMAT = "schwab.transactions-json";

const KNOWN_KEYS = new Set([
  "Date",
  "Action",
  "Symbol",
  "Description",
  "Quantity",
  "Price",
  "Fees & Comm",
  "Amount",
  "ItemIssueId",
  "AcctgRuleCd",
]);

function detect(text: string): boolean {
  const head = text.slice(0, 4096);
  return /^\s*\{/.test(head.replace(/^\uFEFF/, "")) && head.includes('"BrokerageTransactions"');
}

function text(record: Record<string, unknown>, key: string, at: string, line: number): string | null {
  const value = stringField(record, key);
  if (value !== null && isFormulaInjection(value)) {
    fail(
      line,
      key,
      `${at}, ${key}: ${JSON.stringify(value.slice(0, 40))} is a spreadsheet formula, which a custodian export never contains`,
    );
  }
  const trimmed = value?.trim() ?? "";
  return trimmed === "" ? null : trimmed;
}

function parse(source: string, fileName: string): Result<Statement, ImportError> {
  return catchImportFailure(() => {
    const root = asObject(readJsonExact(source.replace(/^\uFEFF/, "")));
    const list = root?.BrokerageTransactions;
    if (!root || !Array.isArray(list)) fail(1, "BrokerageTransactions", "no BrokerageTransactions list");
    const warnings = [];
    const unknown = new Set<string>();
    const rows: TransactionRow[] = list.map((item, i) => {
      const at = `record ${i + 1}`;
      const record = asObject(item);
      if (!record) fail(i + 1, null, `${at} is not an object`);
      for (const key of Object.keys(record)) if (!KNOWN_KEYS.has(key)) unknown.add(key);
      const date = text(record, "Date", at, i + 1);
      const action = text(record, "Action", at, i + 1);
      if (date === null) fail(i + 1, "Date", `${at}: Date is empty`);
      if (action === null) fail(i + 1, "Action", `${at}: Action is empty`);
      return {
        line: i + 1,
        at,
        date,
        action,
        symbol: text(record, "Symbol", at, i + 1),
        description: text(record, "Description", at, i + 1),
        quantity: text(record, "Quantity", at, i + 1),
        price: text(record, "Price", at, i + 1),
        fees: text(record, "Fees & Comm", at, i + 1),
        amount: text(record, "Amount", at, i + 1),
        columns: {
          date: "Date",
          quantity: "Quantity",
          price: "Price",
          fees: "Fees & Comm",
          amount: "Amount",
        },
      };
    });
    for (const key of unknown) warnings.push({ line: null, message: `unknown field "${key}" ignored` });
    const mapped = mapTransactionRows(rows);
    return {
      custodian: "schwab",
      format: TRANSACTIONS_JSON_FORMAT,
      accounts: [
        {
          accountRef: accountRefFromFileName(fileName) ?? "",
          asOf: null,
          cash: null,
          positions: [],
          lots: [],
          transactions: mapped.transactions,
        },
      ],
      warnings: [...warnings, ...mapped.warnings],
    } satisfies Statement;
  });
}

export const schwabTransactionsJson: StatementParser = {
  format: TRANSACTIONS_JSON_FORMAT,
  custodian: "schwab",
  detect: (text) => detect(text),
  parse,
};
