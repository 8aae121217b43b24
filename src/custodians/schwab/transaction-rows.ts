// schwab.com transaction rows (the CSV and the JSON download share them: Date, Action, Symbol,
// Description, Quantity, Price, Fees & Comm, Amount) to statement transactions. The Action list is
// open-ended (design §2b): known trade, income, fee and cash actions are mapped; corporate actions
// and option events lotwise does not model are skipped with a warning (the lots are then checked by
// reconciliation); unknown actions too. A "Cancel <action>" row removes the row it cancels.
import { fail, parseAsOfDate, parseMoney, parseQuantity } from "../normalise.ts";
import type {
  StatementInstrument,
  StatementTransaction,
  StatementTransactionType,
  StatementWarning,
} from "../statement.ts";

type ActionRule =
  | { kind: "trade"; type: "BUY" | "SELL" | "DIVIDEND_REINVEST" }
  | { kind: "income"; type: "DIVIDEND" | "INTEREST" }
  | { kind: "fee" }
  | { kind: "cash" }
  | { kind: "shares" }
  | { kind: "skip"; why: string };

const CORPORATE = "a corporate action or option event lotwise does not record; check the lots";

const RULES: Record<string, ActionRule> = {};
const rule = (rule: ActionRule, ...actions: string[]) => {
  for (const action of actions) RULES[action] = rule;
};
rule({ kind: "trade", type: "BUY" }, "buy", "buy to open", "buy to close");
rule({ kind: "trade", type: "SELL" }, "sell", "sell to open", "sell to close", "sell short");
rule({ kind: "trade", type: "DIVIDEND_REINVEST" }, "reinvest shares");
rule(
  { kind: "income", type: "DIVIDEND" },
  "reinvest dividend",
  "qualified dividend",
  "non-qualified div",
  "cash dividend",
  "special dividend",
  "special qual div",
  "qual div reinvest",
  "pr yr div reinvest",
  "pr yr cash div",
  "pr yr special div",
  "pr yr non-qual div",
  "pr yr qualified div",
  "long term cap gain",
  "short term cap gain",
  "long term cap gain reinvest",
  "short term cap gain reinvest",
  "cash in lieu",
  "div adjustment",
);
rule(
  { kind: "income", type: "INTEREST" },
  "bank interest",
  "credit interest",
  "bond interest",
  "interest adj",
);
rule(
  { kind: "fee" },
  "margin interest",
  "foreign tax paid",
  "adr mgmt fee",
  "service fee",
  "wire funds adj",
  "nra tax adj",
  "nra withholding",
);
rule(
  { kind: "cash" },
  "journal",
  "moneylink deposit",
  "moneylink transfer",
  "wire funds",
  "wire funds received",
  "wire sent",
  "funds received",
  "funds paid",
  "misc cash entry",
  "promotional award",
  "bank transfer",
);
rule({ kind: "shares" }, "journaled shares", "security transfer", "stock plan activity", "internal transfer");
rule(
  { kind: "skip", why: CORPORATE },
  "expired",
  "assigned",
  "exchange or exercise",
  "stock split",
  "reverse split",
  "stock merger",
  "spin-off",
  "name change",
  "mandatory reorg exc",
  "mandatory reorg",
  "tender",
);

export interface TransactionRow {
  line: number;
  /** "line 12" for CSV, "record 3" for JSON. */
  at: string;
  date: string;
  action: string;
  symbol: string | null;
  description: string | null;
  quantity: string | null;
  price: string | null;
  fees: string | null;
  amount: string | null;
  /** Column names for messages (as the file spells them). */
  columns: { date: string; quantity: string; price: string; fees: string; amount: string };
}

const CUSIP = /^[0-9]{3}[0-9A-Z]{5}[0-9]$/;

function instrumentOf(symbol: string | null, description: string | null): StatementInstrument | null {
  if (symbol === null || /^no number$/i.test(symbol)) return null;
  if (CUSIP.test(symbol) && /[0-9]{6}/.test(symbol)) return { symbol: null, cusip: symbol, description };
  return { symbol, cusip: null, description };
}

function number(row: TransactionRow, value: string | null, column: string, money: boolean): string | null {
  if (value === null) return null;
  const parsed = money ? parseMoney(value) : parseQuantity(value);
  if (!parsed.ok) {
    fail(
      row.line,
      column,
      `${row.at}, ${column}: ${JSON.stringify(value)} is not ${money ? "an amount" : "a quantity"}`,
    );
  }
  return parsed.value;
}

// The values are canonical decimal strings (parseMoney/parseQuantity), so signs are textual.
const abs = (value: string) => (value.startsWith("-") ? value.slice(1) : value);
const neg = (value: string) => (value === "0" ? "0" : `-${abs(value)}`);
const sign = (value: string | null) => (value === null || value === "0" ? 0 : value.startsWith("-") ? -1 : 1);

/**
 * Maps rows (in file order) to transactions, with warnings for rows skipped. Bad values refuse
 * the file, naming the row and the column.
 */
export function mapTransactionRows(rows: readonly TransactionRow[]): {
  transactions: StatementTransaction[];
  warnings: StatementWarning[];
} {
  const warnings: StatementWarning[] = [];
  const parsed = rows.map((row) => {
    const dates = parseAsOfDate(row.date);
    if (!dates) {
      fail(
        row.line,
        row.columns.date,
        `${row.at}, ${row.columns.date}: ${JSON.stringify(row.date)} is not a date (MM/DD/YYYY or "MM/DD/YYYY as of MM/DD/YYYY")`,
      );
    }
    return {
      row,
      dates,
      quantity: number(row, row.quantity, row.columns.quantity, false),
      price: number(row, row.price, row.columns.price, true),
      fees: number(row, row.fees, row.columns.fees, true),
      amount: number(row, row.amount, row.columns.amount, true),
    };
  });

  // Cancellations: "Cancel Sell" removes the Sell with the same symbol, quantity and price.
  const dropped = new Set<number>();
  for (const [i, item] of parsed.entries()) {
    const cancelled = /^cancel\s+(.+)$/i.exec(item.row.action.trim());
    if (!cancelled) continue;
    dropped.add(i);
    const target = parsed.findIndex(
      (other, j) =>
        j !== i &&
        !dropped.has(j) &&
        other.row.action.trim().toLowerCase() === (cancelled[1] as string).toLowerCase() &&
        other.row.symbol === item.row.symbol &&
        (other.quantity === null ? "" : abs(other.quantity)) ===
          (item.quantity === null ? "" : abs(item.quantity)) &&
        other.price === item.price,
    );
    if (target >= 0) {
      dropped.add(target);
      warnings.push({
        line: item.row.line,
        message: `${item.row.at} ("${item.row.action}") cancels ${(parsed[target] as (typeof parsed)[number]).row.at}: neither is recorded`,
      });
    } else {
      warnings.push({
        line: item.row.line,
        message: `${item.row.at} ("${item.row.action}") cancels a row that is not in this file: not recorded; check the account's transactions`,
      });
    }
  }

  const transactions: StatementTransaction[] = [];
  for (const [i, { row, dates, quantity, price, fees, amount }] of parsed.entries()) {
    if (dropped.has(i)) continue;
    const what = `${row.at}: "${row.action}"${row.symbol ? ` (${row.symbol})` : ""}`;
    const found = RULES[row.action.trim().toLowerCase()];
    const instrument = instrumentOf(row.symbol, row.description);
    const base = {
      externalId: null,
      rawAction: row.action.trim(),
      tradeDate: dates.effective,
      settleDate: null,
      price,
      amount,
      fees,
      line: row.line,
    };
    if (!found) {
      warnings.push({ line: row.line, message: `${what} is an action lotwise does not know; skipped` });
      continue;
    }
    if (found.kind === "skip") {
      warnings.push({ line: row.line, message: `${what} is ${found.why}; skipped` });
      continue;
    }
    // A share movement with no quantity is a cash movement (an ACAT of cash: "Security Transfer").
    const effective: ActionRule =
      found.kind === "shares" && (quantity === null || sign(quantity) === 0) ? { kind: "cash" } : found;
    let type: StatementTransactionType;
    let signed: string | null = null;
    switch (effective.kind) {
      case "trade":
        if (instrument === null || quantity === null) {
          fail(
            row.line,
            row.columns.quantity,
            `${what} has no ${instrument === null ? "symbol" : "quantity"}`,
          );
        }
        type = effective.type;
        signed = type === "SELL" ? neg(quantity) : abs(quantity);
        break;
      case "shares":
        if (instrument === null) fail(row.line, null, `${what} moves shares but names no security`);
        type = sign(quantity) < 0 ? "TRANSFER_OUT" : "TRANSFER_IN";
        signed = quantity;
        break;
      case "income":
        type = effective.type;
        break;
      case "fee":
        type = "FEE";
        break;
      default:
        type = sign(amount) < 0 ? "WITHDRAWAL" : "DEPOSIT";
    }
    transactions.push({
      ...base,
      type,
      instrument: effective.kind === "cash" && found.kind === "cash" ? null : instrument,
      quantity: signed,
    });
  }
  return { transactions, warnings };
}
