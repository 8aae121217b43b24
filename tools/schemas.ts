// Building blocks for tool schemas and results: what the model may send (decimal strings with
// limits, never JS numbers) and what it gets back (money to the cent, weights as 6-place fractions).
import { z } from "zod";
import { type Decimal, formatFixed } from "../src/domain/decimal.ts";
import type { ToolOutcome } from "./tool.ts";

// Up to ten digits before the point: more than any household holds, so anything larger is a typo.
const AMOUNT = /^(0|[1-9]\d{0,9})(\.\d{1,2})?$/;
const QUANTITY = /^(0|[1-9]\d{0,9})(\.\d{1,8})?$/;

export const householdIdInput = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .describe('The household id from find_household, e.g. "hh-chen".');

/** A dollar amount the advisor gave, as a plain decimal string: "20000" or "20000.00". */
export function amountInput(description: string) {
  return z
    .string()
    .regex(AMOUNT, 'a non-negative dollar amount as a plain decimal string, like "20000" or "1500.50"')
    .describe(description);
}

export const quantityInput = z
  .string()
  .regex(QUANTITY, 'a positive number of shares as a plain decimal string, like "100" or "12.5"')
  .refine((text) => /[1-9]/.test(text), "the quantity must be more than zero")
  .describe('Number of shares as a decimal string, e.g. "100" or "12.5".');

export const symbolInput = z
  .string()
  .trim()
  .min(1)
  .max(12)
  .toUpperCase()
  .describe('Ticker symbol, e.g. "VTI".');

export const moneyOutput = z.string().regex(/^-?\d+\.\d{2}$/);
export const weightOutput = z.string().regex(/^-?\d+\.\d{6}$/);
export const decimalOutput = z.string().regex(/^-?\d+(\.\d+)?$/);
export const dateOutput = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const termOutput = z.enum(["short", "long"]);

export const findingOutput = z.object({
  code: z.string(),
  message: z.string(),
  accountId: z.string().optional(),
  symbol: z.string().optional(),
  lotKey: z.string().optional(),
  assetClassId: z.string().optional(),
  from: dateOutput.optional(),
});

export const money = (value: Decimal) => formatFixed(value, 2);
export const weight = (value: Decimal) => formatFixed(value, 6);

export function success<O>(value: O): ToolOutcome<O> {
  return { ok: true, value };
}

export function refuse<O>(code: string, message: string): ToolOutcome<O> {
  return { ok: false, code, message };
}
