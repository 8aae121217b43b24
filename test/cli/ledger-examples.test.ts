// `lotwise ledger` against published worked examples (IRS publications, Treasury regulations, a revenue
// ruling). Each fixture in test/fixtures/ledger holds the example's transactions as ledger input and only
// the output fields the publication itself determines; test/fixtures/ledger-invalid holds inputs the
// command must refuse with exit 2 and one line naming the offending transaction.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runInProcess } from "../support/cli.ts";

type Row = Record<string, unknown>;

/** Expected rows: a plain list is matched in order; `unordered` or `match: "by-lot"` in any order. */
type ExpectedRows = Row[] | { unordered?: boolean; match?: "by-lot"; rows: Row[] };

interface ExampleFixture {
  source: string;
  description: string;
  input: unknown;
  expect: {
    totals?: Row;
    sales?: ExpectedRows;
    openLots?: ExpectedRows;
  };
}

interface InvalidFixture {
  description: string;
  input: unknown;
  error: string;
}

const FIXTURES = join(import.meta.dirname, "../fixtures");

function load<T>(folder: string): { file: string; fixture: T }[] {
  const dir = join(FIXTURES, folder);
  return readdirSync(dir)
    .filter((file) => file.endsWith(".json"))
    .sort()
    .map((file) => ({ file, fixture: JSON.parse(readFileSync(join(dir, file), "utf8")) as T }));
}

const examples = load<ExampleFixture>("ledger");
const invalid = load<InvalidFixture>("ledger-invalid");

const workDir = mkdtempSync(join(tmpdir(), "lotwise-ledger-examples-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

async function runLedger(file: string, input: unknown) {
  const path = join(workDir, file);
  writeFileSync(path, JSON.stringify(input, null, 2));
  return runInProcess(["ledger", "--in", path]);
}

/** True when every field of `expected` is present in `actual` with an equal value (recursively for objects). */
function isSubset(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== "object") return Object.is(actual, expected);
  if (actual === null || typeof actual !== "object") return false;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, i) => isSubset(actual[i], item))
    );
  }
  const record = actual as Record<string, unknown>;
  return Object.entries(expected).every(([key, value]) => key in record && isSubset(record[key], value));
}

function checkRows(label: string, actual: unknown, expected: ExpectedRows): void {
  const rows = Array.isArray(expected) ? expected : expected.rows;
  const anyOrder = !Array.isArray(expected) && (expected.unordered === true || expected.match === "by-lot");
  expect(Array.isArray(actual), `${label} is an array`).toBe(true);
  const actualRows = actual as Row[];
  expect(actualRows, `${label}: number of rows`).toHaveLength(rows.length);
  if (!anyOrder) {
    rows.forEach((row, i) => {
      expect(actualRows[i], `${label}[${i}]`).toMatchObject(row);
    });
    return;
  }
  const unused = new Set(actualRows.keys());
  for (const row of rows) {
    const found = [...unused].find((i) => isSubset(actualRows[i], row));
    if (found === undefined) {
      expect.fail(`${label}: no row matches ${JSON.stringify(row)} among ${JSON.stringify(actualRows)}`);
    }
    unused.delete(found);
  }
}

describe("lotwise ledger reproduces published worked examples", () => {
  it("has fixtures to run", () => {
    expect(examples.length).toBeGreaterThan(0);
    expect(invalid.length).toBeGreaterThan(0);
  });

  for (const { file, fixture } of examples) {
    it(`${fixture.source}: ${fixture.description}`, async () => {
      const run = await runLedger(file, fixture.input);
      expect(run.code, `exit code (stderr: ${run.stderr})`).toBe(0);
      const output = JSON.parse(run.stdout) as Record<string, unknown>;
      if (fixture.expect.totals) expect(output.totals, "totals").toMatchObject(fixture.expect.totals);
      if (fixture.expect.sales) checkRows("sales", output.sales, fixture.expect.sales);
      if (fixture.expect.openLots) checkRows("openLots", output.openLots, fixture.expect.openLots);
    });
  }
});

describe("lotwise ledger refuses invalid input", () => {
  for (const { file, fixture } of invalid) {
    it(`${fixture.description} (${file})`, async () => {
      const run = await runLedger(file, fixture.input);
      expect(run.code, "exit code").toBe(2);
      expect(run.stdout, "nothing partial is printed").toBe("");
      const lines = run.stderr.trim().split("\n");
      expect(lines, "one line on stderr").toHaveLength(1);
      expect(run.stderr).toContain(fixture.error);
      expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    });
  }
});
