// What a tool returned, as the rest of the app (grounding guard, plan card, evals) sees it.
import type { ToolOutcome } from "../../tools/tool.ts";
import { fenceOutcome, unfence } from "./fence-custodian-text.ts";

/**
 * One tool run that produced a validated outcome: `ok: true` with the tool's output, or `ok: false`
 * with the tool's refusal `{ code, message }`. Calls rejected before or after running (unknown tool,
 * bad input, a throw, output failing its schema) are not records: they hold no figures to quote.
 */
export interface ToolResultRecord {
  toolUseId: string;
  name: string;
  input: unknown;
  ok: boolean;
  output: unknown;
}

/**
 * The tool_result text the model reads: the outcome as JSON, `{ ok: true, value }` or
 * `{ ok: false, code, message }`, with custodian text fenced as data (see fence-custodian-text.ts);
 * without the tool's name every tool's fields are fenced.
 */
export function encodeOutcome(outcome: ToolOutcome<unknown>, toolName?: string): string {
  return JSON.stringify(fenceOutcome(outcome, toolName));
}

export function recordOf(toolUseId: string, name: string, input: unknown, outcome: ToolOutcome<unknown>) {
  const output = outcome.ok ? outcome.value : { code: outcome.code, message: outcome.message };
  return { toolUseId, name, input, ok: outcome.ok, output } satisfies ToolResultRecord;
}

/** Reads back an outcome written by encodeOutcome, fences removed; null for anything else. */
export function decodeOutcome(content: unknown): ToolOutcome<unknown> | null {
  if (typeof content !== "string") return null;
  let parsed: unknown;
  try {
    parsed = unfence(JSON.parse(content));
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null || !("ok" in parsed)) return null;
  if (parsed.ok === true && "value" in parsed) return { ok: true, value: parsed.value };
  if (
    parsed.ok === false &&
    "code" in parsed &&
    typeof parsed.code === "string" &&
    "message" in parsed &&
    typeof parsed.message === "string"
  ) {
    return { ok: false, code: parsed.code, message: parsed.message };
  }
  return null;
}
