// The conformance suite every custodian adapter runs: call runConformance(parser, fixtures) from
// the adapter's test file. It checks, for each adapter and the same way:
//   - detection: the adapter claims its files, and the registry picks exactly it for them;
//   - decimal exactness: every number is a plain decimal string, and totals match to the last digit;
//   - dates: trade, settle and lot dates are ISO calendar dates; as-of times are ISO UTC instants;
//   - determinism and idempotence: the same bytes give the same statement and the same keys, and
//     line endings or a byte-order mark change nothing;
//   - bad input: truncated, garbage, formula-injection and malformed files are refused with an
//     ImportError (naming the line wherever there is one), through `lotwise import`'s own reader;
//   - robustness: no input (cut-off files, junk) makes the parser throw.
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { describe, expect, it } from "vitest";
import { readStatement } from "../../src/cli/commands/import.ts";
import { detectFormat } from "../../src/custodians/detect-format.ts";
import { contentKey } from "../../src/custodians/import-statement.ts";
import { NOT_STATEMENTS, PARSERS } from "../../src/custodians/parsers.ts";
import type { Statement, StatementParser } from "../../src/custodians/statement.ts";
import { Decimal } from "../../src/domain/decimal.ts";
import { parseIsoDate } from "../../src/domain/iso-date.ts";

export interface Totals {
  count: number;
  /** Sums, as decimal strings; compared exactly. */
  quantity?: string;
  amount?: string;
  marketValue?: string;
  costBasis?: string;
}

export interface GoodFixture {
  /** Absolute path. */
  file: string;
  expect: {
    accounts: number;
    /** The accounts' references as the file names them, in order. */
    accountRefs?: string[];
    /** Per account, the as-of instant (or null). */
    asOf?: (string | null)[];
    /** Sum of the accounts' cash (null: no account reports cash). */
    cash?: string | null;
    positions?: Totals;
    lots?: Totals;
    transactions?: Totals;
    warnings?: number;
  };
}

export interface BadFixture {
  file: string;
  kind: "truncated" | "garbage" | "formula" | "bad-value" | "hostile";
  /** What the refusal must say. */
  reason: RegExp;
  /** The line it must name (null: no line applies). Omit to require just some line. */
  line?: number | null;
}

export interface ConformanceFixtures {
  good: GoodFixture[];
  bad: BadFixture[];
}

const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function parseFile(parser: StatementParser, file: string, text?: string): Statement {
  const result = parser.parse(text ?? readFileSync(file, "utf8"), basename(file));
  if (!result.ok) throw new Error(`${basename(file)}: ${JSON.stringify(result.error)}`);
  return result.value;
}

function numbersOf(statement: Statement): [string, string | null][] {
  return statement.accounts.flatMap((account) => [
    ["cash", account.cash] as [string, string | null],
    ...account.positions.flatMap((p) => [
      ["position.quantity", p.quantity] as [string, string | null],
      ["position.price", p.price] as [string, string | null],
      ["position.marketValue", p.marketValue] as [string, string | null],
      ["position.costBasis", p.costBasis] as [string, string | null],
    ]),
    ...account.lots.flatMap((l) => [
      ["lot.quantity", l.quantity] as [string, string | null],
      ["lot.costBasis", l.costBasis] as [string, string | null],
    ]),
    ...account.transactions.flatMap((t) => [
      ["transaction.quantity", t.quantity] as [string, string | null],
      ["transaction.price", t.price] as [string, string | null],
      ["transaction.amount", t.amount] as [string, string | null],
      ["transaction.fees", t.fees] as [string, string | null],
      ["transaction.realizedGainLoss", t.realizedGainLoss ?? null] as [string, string | null],
    ]),
  ]);
}

function sum(values: (string | null)[]): string {
  return values.reduce((total, value) => total.plus(value ?? 0), new Decimal(0)).toFixed();
}

function checkTotals(label: string, rows: Record<string, string | null>[], totals: Totals | undefined): void {
  if (!totals) return;
  expect(rows.length, `${label} count`).toBe(totals.count);
  for (const key of ["quantity", "amount", "marketValue", "costBasis"] as const) {
    const wanted = totals[key];
    if (wanted === undefined) continue;
    const got = sum(rows.map((row) => row[key] ?? null));
    expect(new Decimal(got).equals(wanted), `${label} ${key}: got ${got}, expected ${wanted}`).toBe(true);
  }
}

/** Content keys as the importer derives them, numbered within the account (must be stable). */
function keysOf(statement: Statement): string[][] {
  return statement.accounts.map((account) => {
    const seen = new Map<string, number>();
    return account.transactions.map((tx) => {
      if (tx.externalId !== null) return `id:${tx.externalId}`;
      const key = contentKey(statement.custodian, tx);
      const n = (seen.get(key) ?? 0) + 1;
      seen.set(key, n);
      return `${key}#${n}`;
    });
  });
}

const withoutLines = (statement: Statement) =>
  JSON.parse(JSON.stringify(statement, (key, value) => (key === "line" ? undefined : value)));

export function runConformance(parser: StatementParser, fixtures: ConformanceFixtures): void {
  const registry = { parsers: PARSERS, notStatements: NOT_STATEMENTS };

  describe(`conformance: ${parser.format}`, () => {
    it("is registered, and detection picks exactly this parser for its files", () => {
      expect(PARSERS).toContain(parser);
      for (const { file } of fixtures.good) {
        const text = readFileSync(file, "utf8");
        expect(parser.detect(text, basename(file)), basename(file)).toBe(true);
        const detected = detectFormat(text, basename(file), registry);
        expect(detected.ok ? detected.value.format : detected.error.message, basename(file)).toBe(
          parser.format,
        );
      }
    });

    it("reads every number as an exact decimal string, and the totals match to the last digit", () => {
      for (const { file, expect: wanted } of fixtures.good) {
        const statement = parseFile(parser, file);
        expect(statement.format).toBe(parser.format);
        expect(statement.custodian).toBe(parser.custodian);
        for (const [field, value] of numbersOf(statement)) {
          if (value !== null) expect(value, `${basename(file)} ${field}`).toMatch(DECIMAL);
        }
        expect(statement.accounts.length, basename(file)).toBe(wanted.accounts);
        if (wanted.accountRefs)
          expect(statement.accounts.map((a) => a.accountRef)).toEqual(wanted.accountRefs);
        if (wanted.asOf) expect(statement.accounts.map((a) => a.asOf)).toEqual(wanted.asOf);
        if (wanted.cash !== undefined) {
          const cash = statement.accounts.map((a) => a.cash);
          expect(cash.every((c) => c === null) ? null : sum(cash)).toBe(wanted.cash);
        }
        const all = <T>(pick: (a: Statement["accounts"][number]) => T[]) => statement.accounts.flatMap(pick);
        checkTotals(
          `${basename(file)} positions`,
          all((a) => a.positions).map((p) => ({
            quantity: p.quantity,
            marketValue: p.marketValue,
            costBasis: p.costBasis,
          })),
          wanted.positions,
        );
        checkTotals(
          `${basename(file)} lots`,
          all((a) => a.lots).map((l) => ({ quantity: l.quantity, costBasis: l.costBasis })),
          wanted.lots,
        );
        checkTotals(
          `${basename(file)} transactions`,
          all((a) => a.transactions).map((t) => ({ quantity: t.quantity, amount: t.amount })),
          wanted.transactions,
        );
        if (wanted.warnings !== undefined) expect(statement.warnings.length).toBe(wanted.warnings);
      }
    });

    it("gives ISO calendar dates for trades and lots, and ISO UTC instants for as-of times", () => {
      for (const { file } of fixtures.good) {
        const statement = parseFile(parser, file);
        for (const account of statement.accounts) {
          if (account.asOf !== null) expect(account.asOf).toMatch(INSTANT);
          for (const lot of account.lots)
            expect(parseIsoDate(lot.acquiredDate), lot.acquiredDate).toBeDefined();
          for (const tx of account.transactions) {
            expect(parseIsoDate(tx.tradeDate), tx.tradeDate).toBeDefined();
            if (tx.settleDate !== null) expect(parseIsoDate(tx.settleDate), tx.settleDate).toBeDefined();
          }
        }
      }
    });

    it("is deterministic: the same bytes give the same statement and the same keys; line endings and a BOM change nothing", () => {
      for (const { file } of fixtures.good) {
        const text = readFileSync(file, "utf8");
        const first = parseFile(parser, file, text);
        const second = parseFile(parser, file, text);
        expect(second).toEqual(first);
        expect(keysOf(second)).toEqual(keysOf(first));
        const keys = keysOf(first).flat();
        expect(new Set(keys).size, "keys are unique within the file").toBe(keys.length);
        const lf = text.replace(/\r\n/g, "\n");
        const crlf = lf.replace(/\n/g, "\r\n");
        expect(withoutLines(parseFile(parser, file, lf))).toEqual(withoutLines(first));
        expect(withoutLines(parseFile(parser, file, crlf))).toEqual(withoutLines(first));
        expect(withoutLines(parseFile(parser, file, `\uFEFF${text}`))).toEqual(withoutLines(first));
      }
    });

    it.each(fixtures.bad.map((bad) => [basename(bad.file), bad] as const))(
      "refuses %s with the reason and line, through lotwise import's reader",
      (_name, bad) => {
        const bytes = readFileSync(bad.file);
        const read = readStatement(bytes, basename(bad.file));
        expect(read.ok, "refused").toBe(false);
        if (read.ok) return;
        expect(read.error.message).toMatch(bad.reason);
        if (bad.line === undefined) expect(read.error.line).not.toBeNull();
        else expect(read.error.line).toBe(bad.line);
        // Forced through this parser (--format), it is refused too, never thrown.
        const forced = readStatement(bytes, basename(bad.file), { format: parser.format });
        expect(forced.ok).toBe(false);
      },
    );

    it("never throws: cut-off copies of its files and junk are read or refused, nothing else", () => {
      const junk = [
        "",
        "\n\n\n",
        ",,,,\n,,,",
        '"',
        "{",
        "[]",
        "{}",
        "null",
        '[{"a":1}]',
        "Symbol,Quantity\nX,1",
        "\u0000\u0001",
        "é".repeat(50),
      ];
      for (const text of junk) {
        expect(() => parser.parse(text, "junk.txt")).not.toThrow();
      }
      for (const { file } of fixtures.good) {
        const text = readFileSync(file, "utf8");
        for (let cut = 0; cut < text.length; cut += Math.max(1, Math.floor(text.length / 40))) {
          const prefix = text.slice(0, cut);
          let result: ReturnType<StatementParser["parse"]> | undefined;
          expect(
            () => {
              result = parser.parse(prefix, basename(file));
            },
            `${basename(file)} cut at ${cut}`,
          ).not.toThrow();
          if (result && !result.ok) expect(result.error.message.length).toBeGreaterThan(0);
        }
      }
    });
  });
}
