// Planning inputs across a worker boundary: structured clone keeps neither Decimal nor its
// prototype, so Decimals travel as strings and Maps as entry lists (bench/scan.ts's experiment).
import { Decimal } from "../src/domain/decimal.ts";

export function encodeInputs(value: unknown): unknown {
  if (value instanceof Decimal) return { $d: value.toString() };
  if (value instanceof Map) return { $m: [...value].map(([k, v]) => [k, encodeInputs(v)]) };
  if (Array.isArray(value)) return value.map(encodeInputs);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeInputs(v)]));
  }
  return value;
}

export function decodeInputs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeInputs);
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (typeof record.$d === "string") return new Decimal(record.$d);
    if (Array.isArray(record.$m)) {
      return new Map((record.$m as [string, unknown][]).map(([k, v]) => [k, decodeInputs(v)]));
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, decodeInputs(v)]));
  }
  return value;
}
