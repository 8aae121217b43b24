// Readers for API payloads parsed by readJsonExact (numbers arrive as their source text). They never
// throw: an absent or mistyped field reads as undefined, and the mapping decides what that means.
import { Decimal } from "../../domain/decimal.ts";
import { catchImportFailure } from "../normalise.ts";
import { readJsonExact } from "../read-json.ts";

export type JsonRecord = Record<string, unknown>;

/** JSON text to a value, numbers kept exact; an error message instead of a throw. */
export function parseJsonReply(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  const parsed = catchImportFailure(() => readJsonExact(text));
  return parsed.ok ? parsed : { ok: false, message: parsed.error.message };
}

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function field(value: unknown, key: string): unknown {
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

export function stringField(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === "string" ? found : undefined;
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** A number field as a plain, exact decimal string (exponents expanded, "-0" as "0"). */
export function decimalField(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  if (typeof found !== "string" || !JSON_NUMBER.test(found.trim())) return undefined;
  const decimal = new Decimal(found.trim());
  return decimal.isZero() ? "0" : decimal.toFixed();
}

/** An id sent as a number or a string, as text (every digit kept). */
export function idField(value: unknown, key: string): string | undefined {
  const found = field(value, key);
  return typeof found === "string" && found !== "" ? found : undefined;
}

export function arrayField(value: unknown, key: string): unknown[] {
  const found = field(value, key);
  return Array.isArray(found) ? found : [];
}
