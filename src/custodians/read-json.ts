// JSON with every number kept exactly: the Schwab API sends money and quantities as JSON numbers
// (71.38722), and JSON.parse would turn them into binary floats. Numbers are read as their source
// text (a string), so they reach Decimal unchanged.
import { fail } from "./normalise.ts";

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

/** Parses JSON, numbers as strings of their source text. Malformed JSON stops the import with its line. */
export function readJsonExact(text: string): unknown {
  const out: string[] = [];
  let i = 0;
  let start = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i] as string;
    if (ch === '"') {
      // Skip the string, honouring escapes.
      i += 1;
      while (i < n && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      i += 1;
      continue;
    }
    if (ch === "-" || (ch >= "0" && ch <= "9")) {
      let j = i + 1;
      while (j < n && /[0-9eE.+-]/.test(text[j] as string)) j += 1;
      out.push(text.slice(start, i), `"${text.slice(i, j)}"`);
      start = j;
      i = j;
      continue;
    }
    i += 1;
  }
  out.push(text.slice(start));
  try {
    JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? lineAt(text, n) : lineAt(text, Number(position));
    fail(
      line,
      null,
      `the JSON is malformed (${message.replace(/^.*?: /, "")}): the file is truncated or damaged`,
    );
  }
  return JSON.parse(out.join("")) as unknown;
}

/** A plain JSON object, or undefined. */
export function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A string field (numbers read by readJsonExact are strings too), or null when absent. */
export function stringField(record: Record<string, unknown>, key: string): string | null {
  const value = record[key];
  return typeof value === "string" ? value : null;
}
