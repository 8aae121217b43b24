// Profiles the ledger engine alone: BENCH_LEDGER_SIZE=100000 node --cpu-prof --import tsx bench/profile-ledger.ts
import { parseHistory } from "../src/cli/ledger/parse-history.ts";
import { runLedger } from "../src/engine/tax-lots/run-ledger.ts";
import { generateHistory } from "./generate-history.ts";

const input = parseHistory(
  JSON.stringify(
    generateHistory(Number(process.env.BENCH_LEDGER_SIZE ?? 100_000), {
      sellShare: Number(process.env.BENCH_SELL_SHARE ?? 0.2),
    }),
  ),
);
if (!input.ok) throw new Error(input.error);
for (let run = 1; run <= 3; run++) {
  const start = performance.now();
  const result = runLedger(input.value);
  const rows = result.ok ? result.value.sales.length : 0;
  console.log(`engine run ${run}: ${(performance.now() - start).toFixed(0)} ms (${rows} rows)`);
}
