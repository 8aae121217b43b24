// npm run bench: timings that go in the README. Not tests: nothing here asserts a time.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHistory } from "../src/cli/ledger/parse-history.ts";
import { runLedger } from "../src/engine/tax-lots/run-ledger.ts";
import { generateHistory } from "./generate-history.ts";

const root = join(import.meta.dirname, "..");

function time<T>(work: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = work();
  return { result, ms: performance.now() - start };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const size = Number(process.env.BENCH_LEDGER_SIZE ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "lotwise-bench-"));
try {
  const history = generateHistory(size);
  const file = join(dir, "history.json");
  const text = JSON.stringify(history);
  writeFileSync(file, text);
  console.log(`ledger: ${size.toLocaleString("en-US")} transactions (${(text.length / 1e6).toFixed(1)} MB)`);

  const parse = time(() => parseHistory(text));
  if (!parse.result.ok) throw new Error(parse.result.error);
  const input = parse.result.value;
  const runs = [1, 2, 3].map(() => time(() => runLedger(input)));
  const last = runs[runs.length - 1]?.result;
  if (!last?.ok) throw new Error("ledger failed");
  const washed = last.value.sales.filter((row) => row.disallowedLoss !== 0n).length;
  console.log(`  parse + validate        ${parse.ms.toFixed(0)} ms`);
  console.log(
    `  engine (median of 3)    ${median(runs.map((r) => r.ms)).toFixed(0)} ms  ` +
      `(${last.value.sales.length.toLocaleString("en-US")} sale rows, ${washed.toLocaleString("en-US")} washed, ${last.value.openLots.length.toLocaleString("en-US")} open lots)`,
  );

  const cli = [1, 2, 3].map(() =>
    time(() =>
      execFileSync(process.execPath, [join(root, "bin/lotwise.js"), "ledger", "--in", file], {
        maxBuffer: 1 << 30,
      }),
    ),
  );
  console.log(
    `  lotwise ledger (CLI, end to end, median of 3)  ${median(cli.map((r) => r.ms)).toFixed(0)} ms`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
