// npm run bench: the figures in the README's benchmark section. Not tests: nothing asserts a time.
// BENCH_ONLY=ledger, planning, sells, import, scan, read or jobs runs one part.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseHistory } from "../src/cli/ledger/parse-history.ts";
import { runLedger } from "../src/engine/tax-lots/run-ledger.ts";
import { generateHistory } from "./generate-history.ts";
import { benchImport } from "./import.ts";
import { benchJobs } from "./jobs.ts";
import { benchPlanning } from "./planning.ts";
import { benchRead } from "./read.ts";
import { benchScan } from "./scan.ts";
import { benchSellSelection } from "./sell-selection.ts";

const root = join(import.meta.dirname, "..");
const size = Number(process.env.BENCH_LEDGER_SIZE ?? 100_000);
const RUNS = 5;

function time<T>(work: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = work();
  return { result, ms: performance.now() - start };
}

function summary(ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  return `median ${(median / 1000).toFixed(2)} s (best ${((sorted[0] as number) / 1000).toFixed(2)}, worst ${((sorted.at(-1) as number) / 1000).toFixed(2)})`;
}

function benchLedger(): void {
  const dir = mkdtempSync(join(tmpdir(), "lotwise-bench-"));
  try {
    for (const [label, sellShare] of [
      ["busy household (20% of trades on held positions are sales)", 0.2],
      ["active trader (40%)", 0.4],
    ] as const) {
      const text = JSON.stringify(generateHistory(size, { sellShare }));
      const file = join(dir, `history-${sellShare}.json`);
      writeFileSync(file, text);
      const input = parseHistory(text);
      if (!input.ok) throw new Error(input.error);
      const engine = Array.from({ length: RUNS }, () => time(() => runLedger(input.value)));
      const last = engine.at(-1)?.result;
      if (!last?.ok) throw new Error("ledger failed");
      const washed = last.value.sales.filter((row) => row.disallowedLoss !== 0n).length;
      const cli = Array.from({ length: RUNS }, () =>
        time(() =>
          execFileSync(process.execPath, [join(root, "bin/lotwise.js"), "ledger", "--in", file], {
            maxBuffer: 1 << 30,
          }),
        ),
      );
      console.log(`ledger, ${size.toLocaleString("en-US")} transactions, ${label}:`);
      console.log(
        `  ${last.value.sales.length.toLocaleString("en-US")} sale rows, ${washed.toLocaleString("en-US")} with a wash sale, ${last.value.openLots.length.toLocaleString("en-US")} open lots`,
      );
      console.log(`  engine only                       ${summary(engine.map((r) => r.ms))}`);
      console.log(`  lotwise ledger --in (end to end)  ${summary(cli.map((r) => r.ms))}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PARTS = ["ledger", "planning", "sells", "import", "scan", "read", "jobs"] as const;
const only = process.env.BENCH_ONLY;
if (only !== undefined && !(PARTS as readonly string[]).includes(only)) {
  throw new Error(`BENCH_ONLY must be one of ${PARTS.join(", ")}, not ${JSON.stringify(only)}`);
}
// End-to-end figures time the CLI as `npm install` leaves it: bundled in dist/, not run through tsx.
execFileSync(process.execPath, [join(root, "scripts/build.js")], { stdio: "ignore" });
if (only === undefined || only === "ledger") benchLedger();
if (only === undefined || only === "planning") benchPlanning();
if (only === undefined || only === "sells") await benchSellSelection();
if (only === undefined || only === "import") await benchImport();
if (only === undefined || only === "scan") await benchScan();
if (only === undefined || only === "read") await benchRead();
if (only === undefined || only === "jobs") await benchJobs();
