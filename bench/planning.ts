// The planning benchmark (part of `npm run bench`; BENCH_ONLY=planning runs it alone): a synthetic
// book of 10,000 households (~50,000 accounts, ~1,000,000 lots), a full-book scan (drift and harvest
// candidates for every household), full plans for the first 1,000 households, and repeated plans
// for one 10-account / 2,000-lot household. Sizes: BENCH_HOUSEHOLDS, BENCH_PLANS, BENCH_LARGE_RUNS.
// Targets on the project's machine: scan under 20 s; the large household under 50 ms at the median.

import {
  buildMarket,
  generateBook,
  generateLargeHousehold,
  type Market,
  type SyntheticHousehold,
} from "../src/demo/synthetic-book.ts";
import { computeDrift } from "../src/engine/planning/compute-drift.ts";
import { DEFAULT_PLAN_SETTINGS, draftPlan, type PlanRequest } from "../src/engine/planning/draft-plan.ts";
import { findHarvestableLots } from "../src/engine/planning/find-harvestable-lots.ts";
import { buildFamilies, type Families } from "../src/engine/substantially-identical.ts";

const count = (n: number) => n.toLocaleString("en-US");

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

function latencies(ms: readonly number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return `median ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms (best ${(sorted[0] ?? Number.NaN).toFixed(1)}, worst ${(sorted.at(-1) ?? Number.NaN).toFixed(1)})`;
}

function request(
  household: SyntheticHousehold,
  policy: PlanRequest["policy"],
  families: Families,
): PlanRequest {
  return {
    book: household.book,
    model: household.model,
    policy,
    settings: DEFAULT_PLAN_SETTINGS,
    inputs: {
      snapshots: [],
      modelVersionId: household.model.id,
      policyVersion: policy.version,
      settingsId: "bench",
    },
    staleInputs: [],
    families,
  };
}

/** Drafts one plan and returns how long it took; a refused plan is a failed benchmark. */
function timePlan(req: PlanRequest): { ms: number; trades: number; proposed: boolean } {
  const start = performance.now();
  const plan = draftPlan(req);
  const ms = performance.now() - start;
  if (!plan.ok) throw new Error(`${req.book.householdId}: ${plan.error.code}: ${plan.error.message}`);
  return { ms, trades: plan.value.trades.length, proposed: plan.value.status === "proposed" };
}

const LABEL_WIDTH = 48;
const line = (label: string, figures: string) => console.log(`  ${label.padEnd(LABEL_WIDTH)}${figures}`);

export function benchPlanning(): void {
  const households = Number(process.env.BENCH_HOUSEHOLDS ?? 10_000);
  const plans = Math.min(households, Number(process.env.BENCH_PLANS ?? 1_000));
  const largeRuns = Number(process.env.BENCH_LARGE_RUNS ?? 30);
  const market = buildMarket();
  // Families depend only on the policy: built once, as a server would.
  const families = buildFamilies(
    market.policy,
    [...market.securities.values()].map((s) => ({ symbol: s.symbol, trackedIndex: s.trackedIndex })),
  );
  console.log(`planning, synthetic book of ${count(households)} households:`);
  benchBook(market, families, households, plans);
  // The book is garbage from here on: the large household is timed without 1M lots on the heap.
  benchLargeHousehold(market, families, largeRuns);
}

function benchBook(market: Market, families: Families, households: number, plans: number): void {
  let start = performance.now();
  const book = generateBook(households, { market });
  const generated = (performance.now() - start) / 1000;
  const { counts } = book;
  line(
    "generated",
    `${generated.toFixed(1)} s: ${count(counts.accounts)} accounts, ${count(counts.positions)} positions, ${count(counts.lots)} lots, ${count(counts.transactions)} transactions, ${count(counts.restrictions)} restrictions`,
  );

  // Full-book scan: drift and harvest candidates for every household.
  let outOfBand = 0;
  let candidates = 0;
  let washBlocked = 0;
  start = performance.now();
  for (const { book: householdBook, model } of book.households) {
    if (computeDrift(householdBook, model).outOfBand) outOfBand++;
    const scan = findHarvestableLots(householdBook, families, DEFAULT_PLAN_SETTINGS);
    candidates += scan.candidates.length;
    for (const skip of scan.skipped) if (skip.code === "harvest.wash-sale") washBlocked++;
  }
  const scanSeconds = (performance.now() - start) / 1000;
  line(
    "full-book scan (drift + harvest candidates)",
    `${scanSeconds.toFixed(2)} s, ${count(Math.round(households / scanSeconds))} households/s`,
  );
  console.log(
    `    ${count(outOfBand)} households out of band (${((100 * outOfBand) / households).toFixed(0)}%), ${count(candidates)} harvest candidates, ${count(washBlocked)} loss lots blocked by a wash sale`,
  );

  // Full plans for the first households.
  const ms: number[] = [];
  let proposed = 0;
  let trades = 0;
  start = performance.now();
  for (const household of book.households.slice(0, plans)) {
    const result = timePlan(request(household, market.policy, families));
    ms.push(result.ms);
    trades += result.trades;
    if (result.proposed) proposed++;
  }
  const planSeconds = (performance.now() - start) / 1000;
  line(
    `full plans, first ${count(plans)} households`,
    `${planSeconds.toFixed(2)} s, ${count(Math.round(plans / planSeconds))} households/s`,
  );
  console.log(
    `    per household ${latencies(ms)}; ${count(proposed)} plans with trades, ${count(trades)} trades`,
  );
}

/** One large household, planned repeatedly after a few warm-up runs. */
function benchLargeHousehold(market: Market, families: Families, runs: number): void {
  const large = generateLargeHousehold(market);
  const req = request(large, market.policy, families);
  for (let run = 0; run < 3; run++) timePlan(req);
  const ms: number[] = [];
  let trades = 0;
  for (let run = 0; run < runs; run++) {
    const result = timePlan(req);
    ms.push(result.ms);
    trades = result.trades;
  }
  line(
    `large household, ${large.book.accounts.length} accounts / ${count(large.book.lots.length)} lots`,
    `${runs} plans of ${trades} trades`,
  );
  console.log(`    per plan ${latencies(ms)}`);
}
