// Capture the chunk SQL and run it / explain it against PG directly.
import pg from "pg";
import { readHouseholdsInputs, readFirmReference } from "../src/db/read-planning-inputs.ts";
import { isoDate } from "../src/domain/iso-date.ts";
const url = process.env.URL ?? "postgres://postgres@127.0.0.1:5432/lotwise_bench_scan_10000";
const client = new pg.Client({ connectionString: url });
await client.connect();
let captured: { sql: string; params: unknown[] } | null = null;
const fake = {
  $queryRawUnsafe: async (sql: string, ...params: unknown[]) => {
    captured = { sql, params };
    const r = await client.query(sql, params);
    return r.rows;
  },
} as never;
const asOf = isoDate(process.env.ASOF ?? "2026-11-20");
const ids = (await client.query("select id from household order by id")).rows.map((r) => r.id as string);
const ref = await readFirmReference(fake, { asOf });
const mode = process.argv[2] ?? "time";
if (mode === "explain") {
  const start = Number(process.argv[3] ?? 5000);
  await readHouseholdsInputs(fake, ids.slice(start, start + 500), { asOf }, ref);
  const c = captured!;
  const r = await client.query(`EXPLAIN (ANALYZE, BUFFERS) ${c.sql}`, c.params);
  console.log(r.rows.map((x) => x["QUERY PLAN"]).join("\n"));
} else {
  const times: number[] = [];
  let n = 0;
  const t0 = performance.now();
  const limit = Number(process.argv[3] ?? ids.length);
  for (let s = 0; s < Math.min(ids.length, limit); s += 500) {
    const t = performance.now();
    const got = await readHouseholdsInputs(fake, ids.slice(s, s + 500), { asOf }, ref);
    n += got.length;
    times.push((performance.now() - t) / 1000);
  }
  const total = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  console.log(`${n} households, ${total.toFixed(2)} s, ${(n / total).toFixed(0)} hh/s, per chunk median ${times[times.length >> 1].toFixed(3)} s, min ${times[0].toFixed(3)}, max ${times.at(-1)!.toFixed(3)}`);
}
await client.end();
