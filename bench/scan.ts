// The book-scan benchmark (BENCH_ONLY=scan): seeds (or reuses) a synthetic book with
// `lotwise seed --synthetic`, then times `lotwise scan --json --no-save` end to end (process start to
// exit, peak RSS from /usr/bin/time), and the scan in process with its split between waiting for the
// database and the engine. On PGlite always (a LOTWISE_HOME per size under the temp folder, kept for
// the next run), and on PostgreSQL when DATABASE_URL is set (a database per size on that server,
// lotwise_bench_scan_<n>, kept). Sizes: BENCH_SCAN_SIZES (default 1000,10000); runs: BENCH_SCAN_RUNS.
// Targets (2 cores, 10,000 households): PostgreSQL under 15 s end to end and 2 GB; PGlite under 40 s.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { operatorPrincipal } from "../src/access/principal.ts";
import { openDatabase } from "../src/db/open-database.ts";
import { createPrismaBookStore } from "../src/db/prisma-book-store.ts";
import { createPrismaPlanStore } from "../src/db/prisma-plan-store.ts";
import { isoDate } from "../src/domain/iso-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../src/engine/planning/draft-plan.ts";
import { scanHousehold } from "../src/engine/planning/scan-household.ts";
import { scanBook } from "../src/planning/scan-book.ts";
import { encodeInputs } from "./scan-codec.ts";

const root = join(import.meta.dirname, "..");
const bin = join(root, "bin/lotwise.js");
const sizes = (process.env.BENCH_SCAN_SIZES ?? "1000,10000").split(",").map((s) => Number(s.trim()));
const runs = Number(process.env.BENCH_SCAN_RUNS ?? 3);
const AS_OF = "2026-11-20";

interface Backend {
  name: "pglite" | "postgresql";
  /** The environment a `lotwise` child process gets for this size. */
  env(size: number): Promise<NodeJS.ProcessEnv>;
  target(size: number): { kind: "pglite"; dataDir: string } | { kind: "postgres"; url: string };
}

const count = (n: number) => n.toLocaleString("en-US");
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function baseEnv(): NodeJS.ProcessEnv {
  const { DATABASE_URL: _url, LOTWISE_HOME: _home, LOTWISE_USER: _user, ...rest } = process.env;
  return { ...rest, LOG_LEVEL: "warn" };
}

const pglite: Backend = {
  name: "pglite",
  async env(size) {
    const home = join(tmpdir(), `lotwise-bench-scan-${size}`);
    mkdirSync(home, { recursive: true });
    return { ...baseEnv(), LOTWISE_HOME: home };
  },
  target: (size) => ({ kind: "pglite", dataDir: join(tmpdir(), `lotwise-bench-scan-${size}`, "pgdata") }),
};

function postgres(url: string): Backend {
  const urlFor = (size: number) => {
    const u = new URL(url);
    u.pathname = `/lotwise_bench_scan_${size}`;
    return u.toString();
  };
  return {
    name: "postgresql",
    async env(size) {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        const name = `lotwise_bench_scan_${size}`;
        const found = await admin.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
        if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return {
        ...baseEnv(),
        LOTWISE_HOME: join(tmpdir(), `lotwise-bench-scan-pg-${size}`),
        DATABASE_URL: urlFor(size),
      };
    },
    target: (size) => ({ kind: "postgres", url: urlFor(size) }),
  };
}

async function benchSize(backend: Backend, size: number): Promise<void> {
  const env = await backend.env(size);
  const seedStart = performance.now();
  const seeded = execFileSync(
    process.execPath,
    [bin, "seed", "--synthetic", String(size), "--as-of", AS_OF, "--json"],
    {
      env,
      cwd: root,
      maxBuffer: 1 << 30,
      encoding: "utf8",
    },
  );
  const seedMs = performance.now() - seedStart;
  console.log(
    `  ${backend.name}, ${count(size)} households: seed ${seconds(seedMs)} ${seeded.trim().replace(/\s+/g, " ")}`,
  );

  const ends: { ms: number; rssMb: number; households: number; elapsedMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const run = spawnTimed(["scan", "--json", "--no-save", "--as-of", AS_OF], env);
    const out = JSON.parse(run.stdout) as { households: number; elapsedMs: number; totals: unknown };
    ends.push({ ms: run.ms, rssMb: run.rssMb, households: out.households, elapsedMs: out.elapsedMs });
    if (i === 0) console.log(`    totals ${JSON.stringify(out.totals)}`);
  }
  const households = ends[0]?.households ?? 0;
  // The first run after a while also runs the simulated feed (it re-stamps the live synthetic
  // accounts, as `lotwise plan` does); the next runs find the book fresh.
  console.log(
    `    lotwise scan end to end: ${ends
      .map(
        (e, i) =>
          `run ${i + 1} ${seconds(e.ms)} (scan itself ${seconds(e.elapsedMs)}, ${count(Math.round(households / (e.ms / 1000)))} households/s end to end, peak RSS ${Math.round(e.rssMb)} MB)`,
      )
      .join("; ")}`,
  );

  const database = await openDatabase(backend.target(size));
  try {
    await database.migrate();
    const deps = {
      store: createPrismaBookStore(database.prisma),
      plans: createPrismaPlanStore(database.prisma),
    };
    const splits: { elapsedMs: number; readMs: number; engineMs: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const scan = await scanBook(deps, {
        principal: operatorPrincipal("bench"),
        asOf: isoDate(AS_OF),
        now: new Date().toISOString(),
        settings: DEFAULT_PLAN_SETTINGS,
      });
      splits.push({ elapsedMs: scan.elapsedMs, ...scan.timings });
    }
    const best = splits.reduce((a, b) => (a.elapsedMs <= b.elapsedMs ? a : b));
    console.log(
      `    in process (best of ${runs}): ${seconds(best.elapsedMs)}, waiting for the database ${seconds(best.readMs)}, engine ${seconds(best.engineMs)} (${count(Math.round(households / (best.engineMs / 1000)))} households/s engine only); peak RSS of this process ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`,
    );
    await compareWorkers(deps.store, households);
  } finally {
    await database.close();
  }
}

/**
 * Should the engine run on worker threads? Chunk by chunk: the engine on this thread, against the
 * same chunk encoded (Decimals and Maps do not survive structured clone), posted to two workers,
 * decoded and scanned there. Reported: engine time here, encoding time here, and the workers' wall
 * time; a pipelined design would cost max(read + encode, worker time) against read + engine.
 */
async function compareWorkers(
  store: ReturnType<typeof createPrismaBookStore>,
  households: number,
): Promise<void> {
  const workers = [0, 1].map(() => new Worker(new URL("./scan-worker.mjs", import.meta.url)));
  const ask = (worker: Worker, message: unknown) =>
    new Promise<unknown[]>((resolve, reject) => {
      worker.once("error", reject);
      worker.once("message", (rows: unknown[]) => {
        worker.off("error", reject);
        resolve(rows);
      });
      worker.postMessage(message);
    });
  try {
    await Promise.all(workers.map((w) => ask(w, { now: new Date().toISOString(), inputs: [] })));
    const now = new Date().toISOString();
    let here = 0;
    let encode = 0;
    let away = 0;
    let read = 0;
    let readStart = performance.now();
    for await (const chunk of store.streamPlanningInputs(null, isoDate(AS_OF), { chunkSize: 500 })) {
      read += performance.now() - readStart;
      let start = performance.now();
      for (const inputs of chunk) scanHousehold(inputs, DEFAULT_PLAN_SETTINGS, now);
      here += performance.now() - start;
      start = performance.now();
      const half = Math.ceil(chunk.length / 2);
      const parts = [chunk.slice(0, half), chunk.slice(half)].map((part) => part.map(encodeInputs));
      encode += performance.now() - start;
      start = performance.now();
      await Promise.all(parts.map((inputs, i) => ask(workers[i] as Worker, { now, inputs })));
      away += performance.now() - start;
      readStart = performance.now();
    }
    console.log(
      `    worker threads (2) vs this thread, ${count(households)} households: read ${seconds(read)}; engine here ${seconds(here)}; encoding here ${seconds(encode)} + workers (clone, decode, scan) ${seconds(away)}`,
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Runs `lotwise <argv>` under /usr/bin/time: wall time, peak RSS and stdout. */
function spawnTimed(argv: string[], env: NodeJS.ProcessEnv): { ms: number; rssMb: number; stdout: string } {
  const start = performance.now();
  const result = spawnSync("/usr/bin/time", ["-f", "maxrss=%M", process.execPath, bin, ...argv], {
    env,
    cwd: root,
    maxBuffer: 1 << 30,
    encoding: "utf8",
  });
  const ms = performance.now() - start;
  if (result.status !== 0)
    throw new Error(`lotwise ${argv.join(" ")} exited ${result.status}: ${result.stderr}`);
  const rss = /maxrss=(\d+)/.exec(result.stderr)?.[1];
  return { ms, rssMb: rss ? Number(rss) / 1024 : Number.NaN, stdout: result.stdout };
}

export async function benchScan(): Promise<void> {
  const backends = [pglite, ...(process.env.DATABASE_URL ? [postgres(process.env.DATABASE_URL)] : [])];
  console.log("book scan (lotwise seed --synthetic, then lotwise scan):");
  for (const backend of backends) {
    for (const size of sizes) await benchSize(backend, size);
  }
}
