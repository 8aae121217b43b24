// `lotwise prices import` and `lotwise prices refresh` against a real database (PGlite by default,
// PostgreSQL in CI) seeded with the demo book: end-of-day files recorded once (a second run adds
// nothing), bad rows refused with their line, quotes from the provider dated by their own clocks,
// and plans refused as stale when the latest prices come from an old file.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../../src/engine/planning/draft-plan.ts";
import { planHousehold } from "../../src/planning/plan-household.ts";
import { runInProcess } from "../support/cli.ts";
import { type FakeQuotes, startFakeQuotes } from "../support/fake-quotes.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const FIXTURES = join(import.meta.dirname, "../fixtures/prices");
// The demo book is stamped 2026-11-20 20:00 UTC; its quotes 19:59:00.
const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };

describe(`lotwise prices (${BACKEND})`, () => {
  let db: TestDatabase;
  const run = (argv: string[], at = clock, env: NodeJS.ProcessEnv = {}) =>
    runInProcess(argv, { database: db, clock: at, env });
  const priceCount = (source: string) => db.prisma.price.count({ where: { source } });

  beforeAll(async () => {
    db = await openTestDatabase();
    await run(["seed", "--demo", "--as-of", "2026-11-20"]);
  });
  afterAll(() => db.close());

  it("prices-import-records-an-end-of-day-file: closes at 16:00 New York, unknown securities listed", async () => {
    const result = await run(["prices", "import", join(FIXTURES, "closes-2026-11-19.csv")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "Imported closes-2026-11-19.csv (source eod-file): 3 new price(s), 0 already recorded.",
        "Prices as of 2026-11-19 21:00 UTC.",
        "Skipped 1 row(s) for securities lotwise does not know: line 5 ZZZZ.",
        "",
      ].join("\n"),
    );
    const rows = await db.prisma.price.findMany({
      where: { source: "eod-file" },
      orderBy: { securityId: "asc" },
      include: { importBatch: true },
    });
    expect(rows.map((r) => [r.securityId, r.price.toString(), r.kind, r.asOf.toISOString()])).toEqual([
      ["sec-agg", "98.33", "CLOSE", "2026-11-19T21:00:00.000Z"],
      ["sec-bnd", "72.44", "CLOSE", "2026-11-19T21:00:00.000Z"],
      ["sec-vti", "308.45", "CLOSE", "2026-11-19T21:00:00.000Z"],
    ]);
    expect(rows[0]?.importBatch).toMatchObject({
      source: "prices:eod-file",
      fileName: "closes-2026-11-19.csv",
    });
    expect(rows[0]?.importBatch?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("idempotent-second-run: nothing new is written, and the JSON summary says so", async () => {
    const batches = await db.prisma.importBatch.count();
    const result = await run(["prices", "import", join(FIXTURES, "closes-2026-11-19.csv"), "--json"]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      file: "closes-2026-11-19.csv",
      source: "eod-file",
      rows: 5,
      duplicates: 1,
      inserted: 0,
      alreadyPresent: 3,
      unknown: [{ line: 5, symbol: "ZZZZ", cusip: null }],
      importBatchId: null,
      asOf: { earliest: "2026-11-19T21:00:00.000Z", latest: "2026-11-19T21:00:00.000Z" },
    });
    expect(await priceCount("eod-file")).toBe(3);
    expect(await db.prisma.importBatch.count()).toBe(batches);
  });

  it("a different price for a recorded one refuses the whole file: recorded prices never change", async () => {
    const dir = mkdtempSync(join(tmpdir(), "lotwise-prices-"));
    const file = join(dir, "corrected.csv");
    writeFileSync(file, "symbol,date,close\nBND,2026-11-18,72.10\nVTI,2026-11-19,309.00\n");
    const result = await run(["prices", "import", file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "lotwise prices import: refused corrected.csv: line 3: VTI as of 2026-11-19T21:00:00.000Z is already recorded from eod-file at 308.45, not 309; recorded prices never change (import the correction under another --source). Nothing was imported.\n",
    );
    expect(await priceCount("eod-file")).toBe(3);
    const elsewhere = await run(["prices", "import", file, "--source", "vendor-corrections"]);
    expect(elsewhere.code).toBe(0);
    expect(await priceCount("vendor-corrections")).toBe(2);
  });

  it("bad-row-refused-with-its-line, and nothing is imported", async () => {
    const before = await db.prisma.price.count();
    const result = await run(["prices", "import", join(FIXTURES, "bad-close.csv")]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'lotwise prices import: refused bad-close.csv: line 4, close: "98.3.3" is not a price (a positive decimal number). Nothing was imported.\n',
    );
    expect(await db.prisma.price.count()).toBe(before);
  });

  it("bad command lines: a missing file, a bad --source", async () => {
    const missing = await run(["prices", "import", join(FIXTURES, "nope.csv")]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain("cannot read");
    const source = await run([
      "prices",
      "import",
      join(FIXTURES, "closes-2026-11-19.csv"),
      "--source",
      "Bad Name",
    ]);
    expect(source.code).toBe(2);
    expect(source.stderr).toContain("--source must be a short lower-case name");
    expect((await run(["prices", "import"])).code).toBe(2);
  });

  it("plan-refused-as-stale-afterwards: the latest prices come from an old file, and the 5-minute rule reads their asOf", async () => {
    const store = createPrismaBookStore(db.prisma);
    const request = {
      householdId: "hh-chen",
      asOf: isoDate("2026-11-20"),
      allowStale: false,
      settings: DEFAULT_PLAN_SETTINGS,
    };
    // A file of prices as of 19:59:20: later than the demo's quotes (19:59:00), so they are the latest.
    const imported = await run(["prices", "import", join(FIXTURES, "snapshot-2026-11-20-1959.csv")]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("29 new price(s)");
    const latest = await store.latestPrices(["sec-vti"]);
    expect(latest.get("sec-vti")).toMatchObject({ source: "eod-file", asOf: "2026-11-20T19:59:20.000Z" });

    // At 20:03 they are 220 s old: the plan is drafted.
    expect((await planHousehold(store, { ...request, now: "2026-11-20T20:03:00.000Z" })).ok).toBe(true);

    // At 20:04:30 they are 310 s old: refused, naming the prices from the file.
    // (The demo's snapshots, stamped 19:58, are stale by then too; the demo quotes are not inputs any more.)
    const refused = await planHousehold(store, { ...request, now: "2026-11-20T20:04:30.000Z" });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.code).toBe("plan.stale");
    const prices = (refused.error.freshness?.staleInputs ?? []).filter((s) =>
      s.label.startsWith("price of "),
    );
    // Planning reads every security's latest price (replacements are priced too): all 29 from the file.
    expect(prices).toHaveLength(29);
    expect(prices.map((s) => s.label)).toEqual(expect.arrayContaining(["price of VTI", "price of BND"]));
    expect(prices.every((s) => s.source === "eod-file" && s.asOf === "2026-11-20T19:59:20.000Z")).toBe(true);
    expect(prices.every((s) => s.ageSeconds === 310)).toBe(true);

    // Asked for explicitly, the stale plan is drafted and marked stale.
    const allowed = await planHousehold(store, {
      ...request,
      allowStale: true,
      now: "2026-11-20T20:04:30.000Z",
    });
    expect(allowed.ok && allowed.value.plan.stale).toBe(true);
  });

  describe("prices refresh (fake quote provider)", () => {
    let fake: FakeQuotes;
    const now = new Date("2026-11-20T20:10:00.000Z");

    beforeAll(async () => {
      fake = await startFakeQuotes({
        quotes: {
          VTI: { last: "310.27", tradeDate: now.getTime() - 20_000 },
          BND: { last: "72.51", tradeDate: now.getTime() - 3_600_000 },
        },
      });
    });
    afterAll(() => fake.close());

    it("quotes every held security, dated by the provider, stale ones flagged; a second run adds nothing", async () => {
      const quotes = { QUOTES_URL: fake.url, QUOTES_API_KEY: fake.apiKey };
      const result = await run(["prices", "refresh", "--json"], { now: () => now }, quotes);
      expect(result.code).toBe(0);
      const summary = JSON.parse(result.stdout);
      expect(summary).toMatchObject({
        source: "tradier",
        quoted: 2,
        inserted: 2,
        alreadyPresent: 0,
        stale: [{ symbol: "BND", asOf: "2026-11-20T19:10:00.000Z" }],
      });
      expect(summary.missing).toContain("VOO");
      expect(summary.missing).not.toContain("VTI");
      expect(summary.held).toBe(summary.missing.length + 2);
      expect(fake.requests[0]?.symbols).toEqual(expect.arrayContaining(["VTI", "BND", "VOO"]));
      const rows = await db.prisma.price.findMany({
        where: { source: "tradier" },
        orderBy: { securityId: "asc" },
      });
      expect(rows.map((r) => [r.securityId, r.price.toString(), r.kind, r.asOf.toISOString()])).toEqual([
        ["sec-bnd", "72.51", "QUOTE", "2026-11-20T19:10:00.000Z"],
        ["sec-vti", "310.27", "QUOTE", "2026-11-20T20:09:40.000Z"],
      ]);
      const again = await run(["prices", "refresh"], { now: () => now }, quotes);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain("2 quoted, 0 new, 2 already recorded.");
      expect(again.stdout).toContain(
        "Stale (older than 300 s by their own timestamps; plans on them will be refused): BND as of 2026-11-20 19:10 UTC.",
      );
    });

    it("without an API key it says which variables to set", async () => {
      const result = await run(["prices", "refresh"], clock, { QUOTES_API_KEY: "" });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("set QUOTES_API_KEY");
    });

    it("a refused key is one clear line", async () => {
      const result = await run(["prices", "refresh"], clock, {
        QUOTES_URL: fake.url,
        QUOTES_API_KEY: "wrong-key",
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("the quote provider refused the API key (401)");
    });
  });
});
