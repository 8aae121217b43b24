// Compact histories for engine tests: tx("t1", "2014-05-01", "buy", "X", "100", "1000.00", { lotId: "L1" }).

import { ledgerJson } from "../../../src/cli/ledger/ledger-output.ts";
import type { LotReliefMethod } from "../../../src/domain/book.ts";
import { type Fixed, parseFixed } from "../../../src/domain/fixed-point.ts";
import { isoDate } from "../../../src/domain/iso-date.ts";
import { runLedger } from "../../../src/engine/tax-lots/run-ledger.ts";
import type {
  LedgerAccount,
  LedgerAction,
  LedgerResult,
  LedgerTransaction,
  WashSalePolicy,
} from "../../../src/engine/tax-lots/types.ts";

export function tx(
  id: string,
  date: string,
  action: LedgerAction,
  symbol: string,
  quantity: string,
  amount: string,
  options: { account?: string; lotId?: string; lots?: [string, string][] } = {},
): LedgerTransaction {
  return {
    id,
    date: isoDate(date),
    accountId: options.account ?? "taxable",
    action,
    symbol,
    quantity: fixed(quantity),
    amount: fixed(amount),
    ...(options.lotId ? { lotId: options.lotId } : {}),
    ...(options.lots ? { lots: options.lots.map(([lotId, q]) => ({ lotId, quantity: fixed(q) })) } : {}),
  };
}

export function fixed(text: string): Fixed {
  const value = parseFixed(text);
  if (value === undefined) throw new Error(`not a fixed-point decimal: ${text}`);
  return value;
}

export const ACCOUNTS: Record<string, LedgerAccount> = {
  taxable: { id: "taxable", taxable: true, method: "FIFO" },
  "spouse-taxable": { id: "spouse-taxable", taxable: true, method: "FIFO" },
  ira: { id: "ira", taxable: false, method: "FIFO" },
  "spouse-roth": { id: "spouse-roth", taxable: false, method: "FIFO" },
};

export interface LedgerOptions {
  method?: LotReliefMethod;
  groups?: string[][];
  policy?: WashSalePolicy;
  accounts?: Record<string, LedgerAccount>;
}

export function ledger(transactions: LedgerTransaction[], options: LedgerOptions = {}): LedgerResult {
  const result = runLedgerResult(transactions, options);
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

export function runLedgerResult(transactions: LedgerTransaction[], options: LedgerOptions = {}) {
  const accounts = new Map(
    Object.values(options.accounts ?? ACCOUNTS).map((a) => [
      a.id,
      { ...a, method: options.method ?? a.method },
    ]),
  );
  const familyOf = (symbol: string) => options.groups?.find((g) => g.includes(symbol))?.[0] ?? symbol;
  return runLedger({
    accounts,
    transactions,
    familyOf,
    ...(options.policy ? { policy: options.policy } : {}),
  });
}

/** The spec's JSON shape (money as 2-decimal strings), for readable expectations. */
export function json(result: LedgerResult) {
  return ledgerJson(result);
}
