// The import benchmark: a generated 50,000-row Schwab transactions CSV (BENCH_IMPORT_ROWS) for the
// demo Chen brokerage account, imported end to end with `lotwise import` into an embedded database
// (a fresh LOTWISE_HOME with the demo book), then imported again (already imported), then a later
// download overlapping all but the newest 1,000 rows. Also times reading alone (decode, detect,
// parse). Target: the 50,000-row import in under 10 s.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readStatement } from "../src/cli/commands/import.ts";

const root = join(import.meta.dirname, "..");
const HEADER = '"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"';
const SYMBOLS = [
  ["VTI", "VANGUARD TOTAL STOCK MARKET ETF", 310],
  ["VOO", "VANGUARD S&P 500 ETF", 560],
  ["SCHB", "SCHWAB US BROAD MARKET ETF", 25.5],
  ["BND", "VANGUARD TOTAL BOND MARKET ETF", 72.5],
  ["SCHA", "SCHWAB US SMALL CAP ETF", 26],
  ["VEA", "VANGUARD FTSE DEVELOPED MARKETS ETF", 52],
] as const;

function money(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const whole = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}$${whole}.${(abs % 100).toString().padStart(2, "0")}`;
}

function usDate(day: number): string {
  const date = new Date(Date.UTC(2010, 0, 1) + day * 86_400_000);
  return `${String(date.getUTCMonth() + 1).padStart(2, "0")}/${String(date.getUTCDate()).padStart(2, "0")}/${date.getUTCFullYear()}`;
}

/** `rows` transactions, newest first as Schwab writes them; `skip` newest rows left out. */
export function generateTransactionsCsv(rows: number, skip = 0): string {
  const lines: string[] = [];
  for (let i = rows - 1 - skip; i >= 0; i--) {
    const day = Math.floor(i / 10);
    const [symbol, name, price] = SYMBOLS[i % SYMBOLS.length] as (typeof SYMBOLS)[number];
    const cents = Math.round(price * 100) + (i % 97);
    const kind = i % 5;
    const quantity = 1 + (i % 13);
    if (kind <= 1) {
      lines.push(
        `"${usDate(day)}","Buy","${symbol}","${name}","${quantity}","${money(cents)}","","${money(-cents * quantity)}",`,
      );
    } else if (kind === 2) {
      lines.push(
        `"${usDate(day)}","Sell","${symbol}","${name}","${quantity}","${money(cents)}","$0.01","${money(cents * quantity - 1)}",`,
      );
    } else if (kind === 3) {
      lines.push(
        `"${usDate(day + 1)} as of ${usDate(day)}","Qualified Dividend","${symbol}","${name}","","","","${money(100 + i)}",`,
      );
    } else {
      lines.push(`"${usDate(day)}","MoneyLink Transfer","","Tfr BANK ${i}","","","","${money(50_000 + i)}",`);
    }
  }
  return [
    '"Transactions  for account Individual ...821 as of 11/20/2026 15:05:00 ET"',
    `${HEADER},`,
    ...lines,
    'Transactions Total,"","","","","","","$0.00",',
    "",
  ].join("\n");
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function time<T>(work: () => T): { result: T; ms: number } {
  const start = performance.now();
  const result = work();
  return { result, ms: performance.now() - start };
}

export function benchImport(): void {
  const rows = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
  const home = mkdtempSync(join(tmpdir(), "lotwise-bench-import-"));
  const env = { PATH: process.env.PATH, LOTWISE_HOME: home, LOG_LEVEL: "warn" };
  const lotwise = (...args: string[]) =>
    execFileSync(process.execPath, [join(root, "bin/lotwise.js"), ...args], {
      env,
      maxBuffer: 1 << 30,
      stdio: ["ignore", "pipe", "pipe"],
    }).toString();
  try {
    const file = join(home, "XXXX4821_Transactions_20261120-150500.CSV");
    const newer = join(home, "XXXX4821_Transactions_20261121-150500.CSV");
    writeFileSync(file, generateTransactionsCsv(rows));
    // A later download: 1,000 newer rows on top of the same rows.
    writeFileSync(newer, generateTransactionsCsv(rows + 1_000));
    const bytes = readFileSync(file);
    const read = time(() => readStatement(bytes, "XXXX4821_Transactions_20261120-150500.CSV"));
    if (!read.result.ok) throw new Error(read.result.error.message);
    lotwise("seed", "--demo");
    const first = time(() => JSON.parse(lotwise("import", file, "--json")));
    const again = time(() => JSON.parse(lotwise("import", file, "--json")));
    const overlap = time(() => JSON.parse(lotwise("import", newer, "--json")));
    const label = (text: string) => `  ${text.padEnd(52)}`;
    const n = rows.toLocaleString("en-US");
    console.log(`import, Schwab transactions CSV, ${n} rows (${(bytes.length / 1e6).toFixed(1)} MB):`);
    console.log(`${label("read only (decode, detect, parse), in process")}${seconds(read.ms)}`);
    console.log(
      `${label(`lotwise import, ${n} rows, end to end`)}${seconds(first.ms)} (${first.result.totals.transactions} new)`,
    );
    console.log(`${label("the same file again")}${seconds(again.ms)} (${again.result.status})`);
    console.log(
      `${label(`a later download: ${(rows + 1_000).toLocaleString("en-US")} rows, ${n} already in`)}${seconds(overlap.ms)} (${overlap.result.totals.transactions} new, ${overlap.result.totals.duplicates} duplicates)`,
    );
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) benchImport();
