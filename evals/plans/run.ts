// Golden-plan evals (evals/plans/README.md): runs `draftPlan` on every household in
// evals/plans/households and scores its plan against the hand-worked plan in evals/plans/golden.
//
//   npx tsx evals/plans/run.ts [--json] [--verbose] [--household NAME]... [--help]
//
// Trades are matched by (account, side, symbol); a matched trade agrees when its quantity is within
// the tolerance (and, where the golden names lots, it sells exactly those lots). Exit 1 when the
// overall agreement is under 95% or a fixture or golden cannot be read.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { Decimal, parseDecimal } from "../../src/domain/decimal.ts";
import { DEFAULT_PLAN_SETTINGS, draftPlan } from "../../src/engine/planning/draft-plan.ts";
import type { Plan } from "../../src/engine/planning/plan.ts";
import { type LoadedHousehold, loadHouseholdFile } from "./load-household.ts";

const TARGET_AGREEMENT = 0.95;
const TOLERANCE_TEXT = "max(1 share, 2% of the expected quantity)";
const HERE = import.meta.dirname;
const HOUSEHOLDS_DIR = join(HERE, "households");
const GOLDEN_DIR = join(HERE, "golden");

const HELP = `Scores the planning engine against the golden plans in evals/plans/golden.

Usage: npx tsx evals/plans/run.ts [options]     (or: npm run evals:plans -- [options])

Options:
  --json              print the results as JSON (machine-readable) instead of tables
  --verbose           also print every trade the engine drafted
  --household NAME    score only this household (repeatable); NAME is the fixture file name
  --help              show this help

Trades are matched by (account, side, symbol). A matched trade agrees when
|actual - expected| <= ${TOLERANCE_TEXT}, unless the golden states a tighter
tolerance for that trade, and, where the golden lists the lots a sale must name, the sale names
exactly those lots. Per household: agreeing trades / (expected and actual trade keys together).
A golden refusal agrees only if the engine refuses with that code; an expected empty plan agrees
only if the plan is empty. Exit code 1 when the overall agreement is under ${TARGET_AGREEMENT * 100}%.`;

// ---------------------------------------------------------------------------------------------
// Golden files
// ---------------------------------------------------------------------------------------------

const quantityText = z.string().transform((text, context): Decimal => {
  const value = parseDecimal(text);
  if (value === undefined || value.isNegative()) {
    context.addIssue({ code: "custom", message: `must be a non-negative decimal string, not "${text}"` });
    return z.NEVER;
  }
  return value;
});

const GoldenTrade = z.strictObject({
  accountId: z.string().min(1),
  side: z.enum(["buy", "sell"]),
  symbol: z.string().min(1),
  quantity: quantityText,
  /** Sells: the lots the sale must name (order does not matter). */
  lots: z.array(z.string().min(1)).optional(),
  /** A tighter tolerance in shares than the default, where the exact quantity is the point. */
  tolerance: quantityText.optional(),
  note: z.string().optional(),
});
type GoldenTrade = z.infer<typeof GoldenTrade>;

const Golden = z.strictObject({
  household: z.string().min(1),
  reasoning: z.array(z.string().min(1)).min(1),
  expect: z.union([
    z.strictObject({ refused: z.string().min(1) }),
    z.strictObject({
      trades: z.array(GoldenTrade),
      harvestedLots: z.array(z.string().min(1)),
      outOfBandAfter: z.array(z.string().min(1)),
    }),
  ]),
});
type Golden = z.infer<typeof Golden>;

function readGolden(path: string): { ok: true; golden: Golden } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    return { ok: false, error: `${path}: not readable JSON: ${(error as Error).message}` };
  }
  const parsed = Golden.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(file)"}: ${i.message}`);
    return { ok: false, error: `${path}:\n  ${issues.join("\n  ")}` };
  }
  return { ok: true, golden: parsed.data };
}

// ---------------------------------------------------------------------------------------------
// Scoring
// ---------------------------------------------------------------------------------------------

interface TradeLine {
  accountId: string;
  side: "buy" | "sell";
  symbol: string;
  quantity: Decimal;
  lots: string[];
}

interface KeyResult {
  key: string;
  expected: string | null;
  actual: string | null;
  agrees: boolean;
  /** Why it disagrees: missing, unexpected, quantity off, lots differ. */
  problem: string | null;
}

interface Check {
  name: "harvestedLots" | "outOfBandAfter";
  ok: boolean;
  expected: string[];
  actual: string[];
}

export interface HouseholdScore {
  household: string;
  source: "demo" | "synthetic";
  description: string;
  expected: string;
  actual: string;
  agreed: number;
  union: number;
  percent: number;
  keys: KeyResult[];
  disagreements: string[];
  checks: Check[];
  /** The engine threw, or returned something unreadable. */
  error: string | null;
}

type Outcome = { kind: "plan"; plan: Plan } | { kind: "refused"; code: string; message: string };

function keyOf(t: { accountId: string; side: string; symbol: string }): string {
  return `${t.accountId} ${t.side} ${t.symbol}`;
}

/** Trades with one key merge (a replacement and a rebalance buy of one security in one account). */
function mergeByKey(lines: readonly TradeLine[]): Map<string, TradeLine> {
  const merged = new Map<string, TradeLine>();
  for (const line of lines) {
    const key = keyOf(line);
    const previous = merged.get(key);
    merged.set(
      key,
      previous
        ? {
            ...previous,
            quantity: previous.quantity.plus(line.quantity),
            lots: [...previous.lots, ...line.lots],
          }
        : { ...line, lots: [...line.lots] },
    );
  }
  return merged;
}

function toleranceFor(trade: GoldenTrade): Decimal {
  if (trade.tolerance !== undefined) return trade.tolerance;
  const relative = trade.quantity.times("0.02");
  return relative.greaterThan(1) ? relative : new Decimal(1);
}

function summarise(lines: readonly TradeLine[]): string {
  const sells = lines.filter((l) => l.side === "sell").length;
  const buys = lines.length - sells;
  return lines.length === 0 ? "empty plan" : `${lines.length} trades (${sells} sells, ${buys} buys)`;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((value, i) => value === right[i]);
}

function score(
  household: LoadedHousehold,
  golden: Golden,
  outcome: Outcome | { kind: "error"; error: string },
) {
  const base = { household: household.name, source: household.source, description: household.description };
  const expect = golden.expect;

  if ("refused" in expect) {
    const agrees = outcome.kind === "refused" && outcome.code === expect.refused;
    const actual =
      outcome.kind === "refused"
        ? `refused (${outcome.code})`
        : outcome.kind === "plan"
          ? `plan: ${summarise(planLines(outcome.plan))}`
          : `error: ${outcome.error}`;
    return {
      ...base,
      expected: `refused (${expect.refused})`,
      actual,
      agreed: agrees ? 1 : 0,
      union: 1,
      percent: agrees ? 100 : 0,
      keys: [],
      disagreements: agrees ? [] : [`expected a refusal with code ${expect.refused}; got ${actual}`],
      checks: [],
      error: outcome.kind === "error" ? outcome.error : null,
    } satisfies HouseholdScore;
  }

  const expectedLines: TradeLine[] = expect.trades.map((t) => ({
    accountId: t.accountId,
    side: t.side,
    symbol: t.symbol,
    quantity: t.quantity,
    lots: t.lots ?? [],
  }));
  const goldenByKey = new Map(expect.trades.map((t) => [keyOf(t), t]));
  const expectedByKey = mergeByKey(expectedLines);

  if (outcome.kind !== "plan") {
    const actual =
      outcome.kind === "refused"
        ? `refused (${outcome.code}: ${outcome.message})`
        : `error: ${outcome.error}`;
    const union = Math.max(1, expectedByKey.size);
    return {
      ...base,
      expected: summarise(expectedLines),
      actual,
      agreed: 0,
      union,
      percent: 0,
      keys: [...expectedByKey.values()].map((line) => ({
        key: keyOf(line),
        expected: line.quantity.toString(),
        actual: null,
        agrees: false,
        problem: "missing",
      })),
      disagreements: [`expected ${summarise(expectedLines)}; got ${actual}`],
      checks: [],
      error: outcome.kind === "error" ? outcome.error : null,
    } satisfies HouseholdScore;
  }

  const plan = outcome.plan;
  const actualLines = planLines(plan);
  const actualByKey = mergeByKey(actualLines);
  const keys = [...new Set([...expectedByKey.keys(), ...actualByKey.keys()])].sort();
  const results: KeyResult[] = keys.map((key) => {
    const expected = expectedByKey.get(key);
    const actual = actualByKey.get(key);
    if (!expected || !actual) {
      return {
        key,
        expected: expected?.quantity.toString() ?? null,
        actual: actual?.quantity.toString() ?? null,
        agrees: false,
        problem: expected ? "missing" : "unexpected",
      };
    }
    const golden = goldenByKey.get(key);
    const tolerance = golden ? toleranceFor(golden) : new Decimal(1);
    const off = actual.quantity.minus(expected.quantity).abs();
    const quantityOk = off.lessThanOrEqualTo(tolerance);
    const lotsOk = expected.lots.length === 0 || sameSet(expected.lots, actual.lots);
    const problems = [
      quantityOk ? null : `quantity off by ${off.toString()} (tolerance ${tolerance.toString()})`,
      lotsOk
        ? null
        : `lots differ: expected [${expected.lots.join(", ")}], actual [${actual.lots.join(", ")}]`,
    ].filter((p): p is string => p !== null);
    return {
      key,
      expected: expected.quantity.toString(),
      actual: actual.quantity.toString(),
      agrees: quantityOk && lotsOk,
      problem: problems.length > 0 ? problems.join("; ") : null,
    };
  });

  const bothEmpty = keys.length === 0;
  const agreed = bothEmpty ? 1 : results.filter((r) => r.agrees).length;
  const union = bothEmpty ? 1 : keys.length;
  const harvested = plan.harvested.map((h) => h.lotKey);
  const outAfter = plan.drift.after.filter((c) => c.outOfBand).map((c) => c.assetClassId);
  const checks: Check[] = [
    {
      name: "harvestedLots",
      ok: sameSet(expect.harvestedLots, harvested),
      expected: expect.harvestedLots,
      actual: harvested,
    },
    {
      name: "outOfBandAfter",
      ok: sameSet(expect.outOfBandAfter, outAfter),
      expected: expect.outOfBandAfter,
      actual: outAfter,
    },
  ];
  return {
    ...base,
    expected: summarise(expectedLines),
    actual: summarise(actualLines),
    agreed,
    union,
    percent: (agreed / union) * 100,
    keys: results,
    disagreements: results
      .filter((r) => !r.agrees)
      .map((r) =>
        r.problem === "missing"
          ? `missing: ${r.key} ${r.expected} (the engine drafted no such trade)`
          : r.problem === "unexpected"
            ? `unexpected: ${r.key} ${r.actual} (not in the golden plan)`
            : `${r.key}: expected ${r.expected}, actual ${r.actual}: ${r.problem}`,
      ),
    checks,
    error: null,
  } satisfies HouseholdScore;
}

function planLines(plan: Plan): TradeLine[] {
  return plan.trades.map((t) => ({
    accountId: t.accountId,
    side: t.side,
    symbol: t.symbol,
    quantity: new Decimal(t.quantity),
    lots: t.lots.map((lot) => lot.lotKey),
  }));
}

function runEngine(household: LoadedHousehold): Outcome | { kind: "error"; error: string } {
  try {
    const result = draftPlan({
      book: household.book,
      model: household.model,
      policy: household.policy,
      settings: household.settings,
      inputs: {
        snapshots: [],
        modelVersionId: household.model?.id ?? null,
        policyVersion: household.policy.version,
        settingsId: "evals",
      },
      staleInputs: [],
    });
    return result.ok
      ? { kind: "plan", plan: result.value }
      : { kind: "refused", code: result.error.code, message: result.error.message };
  } catch (error) {
    return { kind: "error", error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function printTable(scores: readonly HouseholdScore[], overall: { agreed: number; union: number }) {
  const nameWidth = Math.max(9, ...scores.map((s) => s.household.length));
  const expWidth = Math.max(8, ...scores.map((s) => s.expected.length));
  const actWidth = Math.min(48, Math.max(6, ...scores.map((s) => s.actual.length)));
  const header = `${pad("household", nameWidth)}  ${pad("expected", expWidth)}  ${pad("actual", actWidth)}  agreed      %  checks`;
  console.log(header);
  console.log("-".repeat(header.length + 6));
  for (const s of scores) {
    const actual = s.actual.length > actWidth ? `${s.actual.slice(0, actWidth - 1)}~` : s.actual;
    const checks = s.checks.length === 0 ? "-" : s.checks.every((c) => c.ok) ? "ok" : "FAIL";
    console.log(
      `${pad(s.household, nameWidth)}  ${pad(s.expected, expWidth)}  ${pad(actual, actWidth)}  ${pad(`${s.agreed}/${s.union}`, 6, true)}  ${pad(s.percent.toFixed(1), 5, true)}  ${checks}`,
    );
  }
  console.log("-".repeat(header.length + 6));
  const percent = overall.union === 0 ? 100 : (overall.agreed / overall.union) * 100;
  console.log(
    `${pad("overall", nameWidth)}  ${pad("", expWidth)}  ${pad("", actWidth)}  ${pad(`${overall.agreed}/${overall.union}`, 6, true)}  ${pad(percent.toFixed(1), 5, true)}`,
  );
}

function printDisagreements(scores: readonly HouseholdScore[]) {
  const withTrades = scores.filter((s) => s.disagreements.length > 0);
  console.log(`\nTrade disagreements (${withTrades.reduce((n, s) => n + s.disagreements.length, 0)}):`);
  if (withTrades.length === 0) console.log("  none");
  for (const s of withTrades) {
    console.log(`  ${s.household}:`);
    for (const line of s.disagreements) console.log(`    - ${line}`);
    if (s.error) console.log(`    engine error: ${s.error.split("\n").slice(0, 6).join("\n      ")}`);
  }
  const failedChecks = scores.flatMap((s) => s.checks.filter((c) => !c.ok).map((c) => ({ s, c })));
  console.log(`\nOther checks not met (not in the agreement score) (${failedChecks.length}):`);
  if (failedChecks.length === 0) console.log("  none");
  for (const { s, c } of failedChecks) {
    console.log(
      `  ${s.household}: ${c.name} expected [${c.expected.join(", ")}], actual [${c.actual.join(", ")}]`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

interface Options {
  json: boolean;
  verbose: boolean;
  only: string[];
}

function parseArgs(argv: readonly string[]): Options | { help: true } | { error: string } {
  const options: Options = { json: false, verbose: false, only: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === "--help" || arg === "-h") return { help: true };
    if (arg === "--json") options.json = true;
    else if (arg === "--verbose") options.verbose = true;
    else if (arg === "--household") {
      const name = argv[i + 1];
      if (name === undefined || name.startsWith("--")) return { error: "--household needs a household name" };
      options.only.push(name.replace(/\.json$/, ""));
      i += 1;
    } else return { error: `unknown option ${arg} (see --help)` };
  }
  return options;
}

function main(): number {
  const parsed = parseArgs(process.argv.slice(2));
  if ("help" in parsed) {
    console.log(HELP);
    return 0;
  }
  if ("error" in parsed) {
    console.error(parsed.error);
    return 2;
  }
  const options = parsed;
  const names = readdirSync(HOUSEHOLDS_DIR)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.replace(/\.json$/, ""))
    .sort();
  const goldenNames = new Set(
    readdirSync(GOLDEN_DIR)
      .filter((file) => file.endsWith(".json"))
      .map((file) => file.replace(/\.json$/, "")),
  );
  const problems: string[] = [];
  for (const name of goldenNames) {
    if (!names.includes(name)) problems.push(`golden/${name}.json has no household fixture`);
  }
  for (const wanted of options.only) {
    if (!names.includes(wanted)) problems.push(`--household ${wanted}: no such fixture in ${HOUSEHOLDS_DIR}`);
  }

  const scores: HouseholdScore[] = [];
  const drafted: { household: string; plan: Plan | null }[] = [];
  for (const name of names) {
    if (options.only.length > 0 && !options.only.includes(name)) continue;
    const household = loadHouseholdFile(join(HOUSEHOLDS_DIR, `${name}.json`), DEFAULT_PLAN_SETTINGS);
    if (!household.ok) {
      problems.push(household.error);
      continue;
    }
    if (!goldenNames.has(name)) {
      problems.push(`households/${name}.json has no golden plan (golden/${name}.json)`);
      continue;
    }
    const golden = readGolden(join(GOLDEN_DIR, `${name}.json`));
    if (!golden.ok) {
      problems.push(golden.error);
      continue;
    }
    if (golden.golden.household !== name) {
      problems.push(`golden/${name}.json names household "${golden.golden.household}", not "${name}"`);
      continue;
    }
    const outcome = runEngine(household.value);
    drafted.push({ household: name, plan: outcome.kind === "plan" ? outcome.plan : null });
    scores.push(score(household.value, golden.golden, outcome));
  }

  const overall = {
    agreed: scores.reduce((n, s) => n + s.agreed, 0),
    union: scores.reduce((n, s) => n + s.union, 0),
  };
  const fraction = overall.union === 0 ? 0 : overall.agreed / overall.union;
  const passed = fraction >= TARGET_AGREEMENT && problems.length === 0;

  if (options.json) {
    console.log(
      JSON.stringify(
        {
          tolerance: TOLERANCE_TEXT,
          target: TARGET_AGREEMENT,
          overall: { ...overall, agreement: fraction, passed },
          households: scores,
          problems,
          ...(options.verbose
            ? {
                plans: drafted.map((d) => ({
                  household: d.household,
                  trades: d.plan?.trades.map((t) => ({
                    accountId: t.accountId,
                    side: t.side,
                    symbol: t.symbol,
                    quantity: t.quantity,
                    amount: t.amount,
                    purposes: t.purposes,
                    lots: t.lots.map((l) => `${l.lotKey} x ${l.quantity}`),
                  })),
                  reasons: d.plan?.reasons,
                })),
              }
            : {}),
        },
        null,
        2,
      ),
    );
    return passed ? 0 : 1;
  }

  console.log(`Golden plans: ${scores.length} households. Trades matched by (account, side, symbol);`);
  console.log(`a matched trade agrees when |actual - expected| <= ${TOLERANCE_TEXT}`);
  console.log("(or the tighter tolerance a golden states) and it sells the lots the golden names.\n");
  printTable(scores, overall);
  printDisagreements(scores);
  if (options.verbose) {
    for (const d of drafted) {
      console.log(`\n${d.household}: ${d.plan ? `${d.plan.trades.length} trades` : "no plan"}`);
      for (const t of d.plan?.trades ?? []) {
        const lots =
          t.lots.length > 0 ? ` lots ${t.lots.map((l) => `${l.lotKey} x ${l.quantity}`).join(", ")}` : "";
        console.log(
          `  ${t.accountId} ${t.side} ${t.symbol} ${t.quantity} @ ${t.price} = ${t.amount} [${t.purposes.join(",")}]${lots}`,
        );
      }
      for (const r of d.plan?.reasons ?? []) console.log(`  reason ${r.code}: ${r.message}`);
    }
  }
  if (problems.length > 0) {
    console.log(`\nFixture problems (${problems.length}):`);
    for (const problem of problems) console.log(`  ${problem}`);
  }
  console.log(
    `\nOverall agreement: ${(fraction * 100).toFixed(1)}% (${overall.agreed}/${overall.union}); target ${TARGET_AGREEMENT * 100}%: ${passed ? "PASS" : "FAIL"}`,
  );
  return passed ? 0 : 1;
}

process.exitCode = main();
