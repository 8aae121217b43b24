// Reads a `lotwise ledger` history file (../shared/specs/ledger-cli.md) into the engine's input.
// Any problem is one line naming the offending transaction; nothing is half-read.
import { z } from "zod";
import type { LotReliefMethod } from "../../domain/book.ts";
import { FIXED_PLACES, type Fixed, parseFixed } from "../../domain/fixed-point.ts";
import { parseIsoDate } from "../../domain/iso-date.ts";
import { err, ok, type Result } from "../../domain/result.ts";
import { buildFamilies } from "../../engine/substantially-identical.ts";
import type { LedgerAccount, LedgerInput, LedgerTransaction } from "../../engine/tax-lots/types.ts";

const METHODS = {
  FIFO: "FIFO",
  LIFO: "LIFO",
  HIFO: "HIFO",
  SpecificID: "SPECIFIC_ID",
  AverageCost: "AVERAGE_COST",
} as const;
const ACCOUNT_TYPES = ["taxable", "ira", "roth", "spouse-taxable", "spouse-ira", "spouse-roth"] as const;

const decimalText = z.string().transform((text, context): Fixed => {
  const value = parseFixed(text);
  if (value === undefined) {
    context.addIssue({
      code: "custom",
      message: `must be a decimal string like "100.25" (at most ${FIXED_PLACES} decimal places), not "${text}"`,
    });
    return z.NEVER;
  }
  return value;
});
const Method = z.enum(Object.keys(METHODS) as [keyof typeof METHODS, ...(keyof typeof METHODS)[]]);

export const HistoryTransaction = z.strictObject({
  id: z.string().min(1),
  date: z
    .string()
    .refine((text) => parseIsoDate(text) !== undefined, { message: "must be a calendar date YYYY-MM-DD" }),
  account: z.string().min(1),
  accountType: z.enum(ACCOUNT_TYPES),
  action: z.enum(["buy", "sell", "dividend-reinvest"]),
  symbol: z.string().min(1),
  quantity: decimalText,
  price: decimalText.optional(),
  amount: decimalText.optional(),
  lotId: z.string().min(1).optional(),
  lots: z
    .array(z.strictObject({ lotId: z.string().min(1), quantity: decimalText }))
    .min(1)
    .optional(),
});
export type HistoryTransaction = z.infer<typeof HistoryTransaction>;

export const HistoryFile = z.strictObject({
  method: Method.optional(),
  accountMethods: z.record(z.string(), Method).optional(),
  substantiallyIdentical: z.array(z.array(z.string().min(1)).min(1)).optional(),
  transactions: z.array(z.unknown()),
});
export type HistoryFile = z.infer<typeof HistoryFile>;

export function parseHistory(text: string): Result<LedgerInput, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return err(`the history is not valid JSON: ${(error as Error).message}`);
  }
  const file = HistoryFile.safeParse(json);
  if (!file.success) return err(`the history file is invalid: ${describeIssue(file.error.issues[0])}`);
  const { method = "FIFO", accountMethods = {}, substantiallyIdentical = [], transactions } = file.data;

  const accounts = new Map<string, LedgerAccount & { type: string }>();
  const seen = new Set<string>();
  const parsed: LedgerTransaction[] = [];
  for (const [index, raw] of transactions.entries()) {
    const result = HistoryTransaction.safeParse(raw);
    if (!result.success)
      return err(`${describeTransaction(raw, index)}: ${describeIssue(result.error.issues[0])}`);
    const tx = result.data;
    const label = `transaction ${tx.id}`;
    if (seen.has(tx.id)) return err(`${label}: the id "${tx.id}" is used by an earlier transaction`);
    seen.add(tx.id);
    const account = accounts.get(tx.account);
    if (account && account.type !== tx.accountType) {
      return err(`${label}: account "${tx.account}" was "${account.type}" earlier, "${tx.accountType}" here`);
    }
    if (!account) {
      accounts.set(tx.account, {
        id: tx.account,
        type: tx.accountType,
        taxable: tx.accountType === "taxable" || tx.accountType === "spouse-taxable",
        method: METHODS[accountMethods[tx.account] ?? method] as LotReliefMethod,
      });
    }
    const quantity = tx.quantity;
    if (quantity <= 0n) return err(`${label}: quantity must be greater than zero`);
    if (tx.amount === undefined && tx.price === undefined) return err(`${label}: needs an amount or a price`);
    if (tx.action !== "sell" && tx.lots) return err(`${label}: only a sell can name lots to sell`);
    if (tx.price !== undefined && tx.price < 0n) return err(`${label}: price must not be negative`);
    const amount = tx.amount !== undefined ? abs(tx.amount) : priceTimesQuantity(tx.price as Fixed, quantity);
    if (amount === undefined)
      return err(`${label}: price x quantity has more than ${FIXED_PLACES} decimal places; give the amount`);
    const lots = tx.lots;
    if (lots?.some((lot) => lot.quantity <= 0n))
      return err(`${label}: each named lot needs a quantity above zero`);
    const transaction: LedgerTransaction = {
      id: tx.id,
      date: tx.date as LedgerTransaction["date"],
      accountId: tx.account,
      action: tx.action,
      symbol: tx.symbol,
      quantity,
      amount,
    };
    if (tx.lotId !== undefined) transaction.lotId = tx.lotId;
    if (lots) transaction.lots = lots;
    parsed.push(transaction);
  }
  const families = buildFamilies({
    version: "history file",
    sameIndexIsIdentical: false,
    groups: substantiallyIdentical.map((symbols, i) => ({ name: `group ${i + 1}`, symbols })),
  });
  return ok({ accounts, transactions: parsed, familyOf: families.familyOf });
}

function abs(value: Fixed): Fixed {
  return value < 0n ? -value : value;
}

/** price x quantity in fixed-point, when the product is exact at 8 decimal places. */
function priceTimesQuantity(price: Fixed, quantity: Fixed): Fixed | undefined {
  const scale = 10n ** BigInt(FIXED_PLACES);
  const product = price * quantity;
  return product % scale === 0n ? product / scale : undefined;
}

function describeTransaction(raw: unknown, index: number): string {
  const id = typeof raw === "object" && raw !== null && "id" in raw ? (raw as { id: unknown }).id : undefined;
  return typeof id === "string" && id !== "" ? `transaction ${id}` : `transaction #${index + 1} (no id)`;
}

function describeIssue(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return "invalid";
  const path = issue.path.length > 0 ? `${issue.path.join(".")} ` : "";
  if (issue.code === "invalid_type" && issue.path.length > 0) {
    return `${path}must be a ${issue.expected === "string" ? "string" : issue.expected}${issue.expected === "string" && ["quantity", "price", "amount"].includes(String(issue.path.at(-1))) ? ' (decimal numbers are strings, e.g. "12.50")' : ""}`;
  }
  if (issue.code === "unrecognized_keys")
    return `unknown field ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_value" && "values" in issue) {
    return `${path}must be one of ${(issue.values as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return `${path}${issue.message}`;
}
