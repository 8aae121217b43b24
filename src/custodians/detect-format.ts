// Format auto-detection: which registered parser reads this file. Exactly one must claim it; none
// means the file is refused with what it looks like (a known non-statement, or its first line), two
// or more means the file is ambiguous and --format must choose. --format and --custodian narrow the
// choice. The registry is passed in (src/custodians/parsers.ts holds the real one).
import { err, ok, type Result } from "../domain/result.ts";
import type { CustodianId, ImportError, StatementParser } from "./statement.ts";

/** A file that is recognisably not a statement (an order, a request): the refusal names it. */
export interface KnownNonStatement {
  custodian: CustodianId;
  /** What the file is, e.g. "a Schwab Trader API order (GET /orders/{id})". */
  what: string;
  detect(text: string, fileName: string): boolean;
}

export interface ParserRegistry {
  parsers: readonly StatementParser[];
  notStatements: readonly KnownNonStatement[];
}

export interface DetectOptions {
  /** A format id ("schwab.positions-csv"): skips detection. */
  format?: string;
  /** Only this custodian's parsers (and the custodian-neutral OFX ones). */
  custodian?: string;
}

function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

function firstLine(text: string): string {
  const line = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/, 1)[0] ?? "";
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}

export function detectFormat(
  text: string,
  fileName: string,
  registry: ParserRegistry,
  options: DetectOptions = {},
): Result<StatementParser, ImportError> {
  const formats = registry.parsers.map((parser) => parser.format);
  if (options.format !== undefined) {
    const chosen = registry.parsers.find((parser) => parser.format === options.format);
    if (!chosen) {
      return err({
        line: null,
        field: null,
        message: `unknown format "${options.format}"; lotwise reads ${formats.join(", ")}`,
      });
    }
    if (
      options.custodian !== undefined &&
      chosen.custodian !== options.custodian &&
      chosen.custodian !== "ofx"
    ) {
      return err({
        line: null,
        field: null,
        message: `format ${chosen.format} is a ${chosen.custodian} format, not ${options.custodian}`,
      });
    }
    return ok(chosen);
  }
  const custodians = new Set(registry.parsers.map((parser) => parser.custodian));
  if (options.custodian !== undefined && !custodians.has(options.custodian as CustodianId)) {
    return err({
      line: null,
      field: null,
      message: `lotwise has no importer for custodian "${options.custodian}"; it reads ${[...custodians].join(", ")}`,
    });
  }
  const candidates = registry.parsers.filter(
    (parser) =>
      options.custodian === undefined || parser.custodian === options.custodian || parser.custodian === "ofx",
  );
  const matches = candidates.filter((parser) => safely(() => parser.detect(text, fileName)));
  if (matches.length === 1) return ok(matches[0] as StatementParser);
  if (matches.length > 1) {
    return err({
      line: null,
      field: null,
      message: `the file could be ${matches.map((parser) => parser.format).join(" or ")}; choose one with --format`,
    });
  }
  const known = registry.notStatements.find((candidate) => safely(() => candidate.detect(text, fileName)));
  if (known) {
    return err({
      line: null,
      field: null,
      message: `this is ${known.what}, not a statement: it holds no positions, lots or transactions to import`,
    });
  }
  return err({
    line: 1,
    field: null,
    message: `not a format lotwise recognises (it starts ${JSON.stringify(firstLine(text))}); lotwise reads ${formats.join(", ")}`,
  });
}
