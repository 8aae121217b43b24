// The prices_refresh job against a fake quote provider, recording into a real database (PGlite by
// default, PostgreSQL in CI) seeded with the demo book: quotes recorded as `lotwise prices refresh`
// records them, a second run adds nothing, no API key logs what is missing and does nothing, and a
// provider that fails fails the job so the queue retries it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaPriceStore } from "../../../src/db/prisma-price-store.ts";
import { refreshPricesTask } from "../../../src/jobs/tasks/refresh-prices.ts";
import { runInProcess } from "../../support/cli.ts";
import { type FakeQuotes, startFakeQuotes } from "../../support/fake-quotes.ts";
import { captureLog, memoryContext } from "../../support/task-context.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../../support/test-database.ts";

const now = new Date("2026-11-20T20:10:00.000Z");
const clock = { now: () => now };

describe(`the prices_refresh job (${BACKEND})`, () => {
  let db: TestDatabase;
  let fake: FakeQuotes;
  const task = (apiKey: string | null) =>
    refreshPricesTask({
      prices: createPrismaPriceStore(db.prisma),
      quotes: { url: fake.url, apiKey },
      clock,
    });

  beforeAll(async () => {
    db = await openTestDatabase();
    await runInProcess(["seed", "--demo", "--as-of", "2026-11-20"], { database: db, clock });
    fake = await startFakeQuotes({
      quotes: {
        VTI: { last: "310.27", tradeDate: now.getTime() - 20_000 },
        BND: { last: "72.51", tradeDate: now.getTime() - 3_600_000 },
      },
    });
  });
  afterAll(async () => {
    await fake.close();
    await db.close();
  });

  it("without QUOTES_API_KEY: logs what is missing, asks nobody, records nothing", async () => {
    const { log, lines } = captureLog();
    await task(null)(memoryContext(log, { task: "prices_refresh" }));
    expect(lines).toEqual([
      expect.objectContaining({
        missing: ["QUOTES_API_KEY"],
        msg: "quotes are not configured; nothing to refresh",
      }),
    ]);
    expect(fake.requests).toEqual([]);
    expect(await db.prisma.price.count({ where: { source: "tradier" } })).toBe(0);
  });

  it("records every held security's quote, dated by the provider; a second run adds nothing", async () => {
    const { log, lines } = captureLog();
    await task(fake.apiKey)(memoryContext(log, { task: "prices_refresh" }));
    const rows = await db.prisma.price.findMany({
      where: { source: "tradier" },
      orderBy: { securityId: "asc" },
    });
    expect(rows.map((r) => [r.securityId, r.price.toString(), r.kind, r.asOf.toISOString()])).toEqual([
      ["sec-bnd", "72.51", "QUOTE", "2026-11-20T19:10:00.000Z"],
      ["sec-vti", "310.27", "QUOTE", "2026-11-20T20:09:40.000Z"],
    ]);
    expect(lines.at(-1)).toMatchObject({ msg: "prices refreshed", quoted: 2, inserted: 2, stale: ["BND"] });

    await task(fake.apiKey)(memoryContext(log, { task: "prices_refresh" }));
    expect(lines.at(-1)).toMatchObject({ msg: "prices refreshed", inserted: 0, alreadyPresent: 2 });
  });

  it("a provider that refuses fails the job, for the queue to retry", async () => {
    await expect(task("wrong-key")(memoryContext(captureLog().log))).rejects.toThrow(/refused the API key/);
  });
});
