// The read-path benchmark (BENCH_ONLY=read): a synthetic book of BENCH_READ_HOUSEHOLDS households
// (default 1,000) seeded into an in-memory PGlite and, when DATABASE_URL is set, into a scratch
// database on that PostgreSQL server (created and dropped here). Times the book-wide stream of
// planning inputs (households/s), one household's loadPlanningInputs and one plan through the
// database (planHousehold: read + engine), median and p95 over BENCH_READ_SAMPLES households.
import pg from "pg";
import { type Database, openDatabase } from "../src/db/open-database.ts";
import { createPrismaBookStore } from "../src/db/prisma-book-store.ts";
import { seedSyntheticBook } from "../src/db/seed-synthetic.ts";
import { isoDate } from "../src/domain/iso-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../src/engine/planning/draft-plan.ts";
import { planHousehold } from "../src/planning/plan-household.ts";

const AS_OF = isoDate("2026-11-20");
const NOW = "2026-11-20T20:00:00.000Z";
const count = (n: number) => n.toLocaleString("en-US");

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

function latencies(ms: readonly number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  return `median ${percentile(sorted, 0.5).toFixed(1)} ms, p95 ${percentile(sorted, 0.95).toFixed(1)} ms (best ${(sorted[0] ?? Number.NaN).toFixed(1)}, worst ${(sorted.at(-1) ?? Number.NaN).toFixed(1)})`;
}

const line = (label: string, figures: string) => console.log(`  ${label.padEnd(44)}${figures}`);

async function benchDatabase(
  label: string,
  db: Database,
  households: number,
  samples: number,
): Promise<void> {
  console.log(`read path, ${label}, synthetic book of ${count(households)} households:`);
  await db.migrate();
  let start = performance.now();
  const seeded = await seedSyntheticBook(db.prisma, { households, seed: 1, asOf: AS_OF, now: NOW });
  line(
    "seeded",
    `${((performance.now() - start) / 1000).toFixed(1)} s: ${count(seeded.accounts)} accounts, ${count(seeded.lots)} lots, ${count(seeded.transactions)} transactions`,
  );
  const store = createPrismaBookStore(db.prisma);

  for (const chunkSize of [100, 500]) {
    let read = 0;
    let lots = 0;
    start = performance.now();
    for await (const chunk of store.streamPlanningInputs(null, AS_OF, { chunkSize })) {
      read += chunk.length;
      for (const inputs of chunk) lots += inputs.book.lots.length;
    }
    const seconds = (performance.now() - start) / 1000;
    line(
      `stream, chunks of ${chunkSize}`,
      `${seconds.toFixed(2)} s, ${count(Math.round(read / seconds))} households/s (${count(read)} households, ${count(lots)} lots)`,
    );
  }

  const ids = (await db.prisma.household.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map(
    (h) => h.id,
  );
  const sample = Array.from({ length: samples }, (_, i) => ids[(i * 7919) % ids.length] as string);
  for (const id of sample.slice(0, 20)) await store.loadPlanningInputs(id, AS_OF);
  const loads: number[] = [];
  for (const id of sample) {
    const t = performance.now();
    await store.loadPlanningInputs(id, AS_OF);
    loads.push(performance.now() - t);
  }
  line(`loadPlanningInputs, ${count(samples)} households`, latencies(loads));
  const plans: number[] = [];
  for (const id of sample) {
    const t = performance.now();
    await planHousehold(store, {
      householdId: id,
      asOf: AS_OF,
      now: NOW,
      allowStale: true,
      settings: DEFAULT_PLAN_SETTINGS,
    });
    plans.push(performance.now() - t);
  }
  line(`planHousehold through the database`, latencies(plans));
}

/** A scratch database next to DATABASE_URL's, dropped afterwards. */
async function withScratchPostgres(url: string, work: (scratch: string) => Promise<void>): Promise<void> {
  const name = `lotwise_bench_read_${process.pid}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const scratch = new URL(url);
    scratch.pathname = `/${name}`;
    await work(scratch.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export async function benchRead(): Promise<void> {
  const households = Number(process.env.BENCH_READ_HOUSEHOLDS ?? 1_000);
  const samples = Number(process.env.BENCH_READ_SAMPLES ?? 200);
  const pglite = await openDatabase({ kind: "pglite-memory" });
  try {
    await benchDatabase("PGlite (in memory)", pglite, households, samples);
  } finally {
    await pglite.close();
  }
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.log("  (set DATABASE_URL to a PostgreSQL server to bench it too: a scratch database is used)");
    return;
  }
  await withScratchPostgres(url, async (scratch) => {
    const db = await openDatabase({ kind: "postgres", url: scratch });
    try {
      await benchDatabase("PostgreSQL", db, households, samples);
    } finally {
      await db.close();
    }
  });
}
