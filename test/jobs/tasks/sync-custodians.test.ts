// The custodians_sync job against a fake IBKR Flex Web Service, importing into a real database
// (PGlite by default, PostgreSQL in CI) seeded with the demo book: with no credentials it logs what
// each custodian needs and does nothing; with IBKR's it imports the statement as `lotwise sync` does
// and a retried job does not fetch again; a fetch that fails fails the job.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaImportStore } from "../../../src/db/import-statement.ts";
import { type SyncCustodiansDeps, syncCustodiansTask } from "../../../src/jobs/tasks/sync-custodians.ts";
import { runInProcess } from "../../support/cli.ts";
import { type FakeIbkrFlex, startFakeIbkrFlex } from "../../support/fake-ibkr-flex.ts";
import { captureLog, memoryContext } from "../../support/task-context.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../../support/test-database.ts";

const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };
const IBKR_STATEMENT = readFileSync(
  join(import.meta.dirname, "../../fixtures/custodians/ibkr/chen-ibkr-2026-11-20.xml"),
  "utf8",
);
const UNSET = {
  schwab: { traderApiUrl: null, accessToken: null },
  sync: {
    schwabAccountsUrl: "http://127.0.0.1:9/trader/v1",
    ibkrFlexToken: null,
    ibkrFlexQueryId: null,
    ibkrFlexUrl: "http://127.0.0.1:9/flex",
  },
};

describe(`the custodians_sync job (${BACKEND})`, () => {
  let db: TestDatabase;
  let ibkr: FakeIbkrFlex;
  const task = (config: SyncCustodiansDeps["config"]) =>
    syncCustodiansTask({
      imports: createPrismaImportStore(db.prisma),
      config,
      clock,
      sleep: async () => {},
    });
  const withIbkr = (token = ibkr.token): SyncCustodiansDeps["config"] => ({
    ...UNSET,
    sync: { ...UNSET.sync, ibkrFlexUrl: ibkr.url, ibkrFlexToken: token, ibkrFlexQueryId: ibkr.queryId },
  });
  const ibkrSnapshots = () =>
    db.prisma.accountSnapshot.count({ where: { accountId: "acct-chen-ibkr-taxable" } });

  beforeAll(async () => {
    db = await openTestDatabase();
    await runInProcess(["seed", "--demo", "--as-of", "2026-11-20"], { database: db, clock });
    ibkr = await startFakeIbkrFlex({ statement: IBKR_STATEMENT, inProgressPolls: 1 });
  });
  afterAll(async () => {
    await ibkr.close();
    await db.close();
  });

  it("with no custodian configured: names what each needs, asks nobody, imports nothing", async () => {
    const { log, lines } = captureLog();
    const before = await db.prisma.importBatch.count();
    await task(UNSET)(memoryContext(log, { task: "custodians_sync" }));
    expect(lines.map((line) => [line.custodian ?? null, line.missing ?? null, line.msg])).toEqual([
      ["schwab", ["SCHWAB_ACCESS_TOKEN"], "schwab is not configured for sync; skipped"],
      ["ibkr", ["IBKR_FLEX_TOKEN", "IBKR_FLEX_QUERY_ID"], "ibkr is not configured for sync; skipped"],
      [null, null, "no custodian is configured for sync; nothing to do"],
    ]);
    expect(ibkr.requests).toEqual([]);
    expect(await db.prisma.importBatch.count()).toBe(before);
  });

  it("imports IBKR's statement into the matched account; a retried job does not fetch again", async () => {
    const { log, lines } = captureLog();
    const before = await ibkrSnapshots();
    const context = memoryContext(log, { task: "custodians_sync" });
    await task(withIbkr())(context);
    expect(await ibkrSnapshots()).toBe(before + 1);
    expect(lines.find((line) => line.msg === "ibkr synced")).toMatchObject({
      custodian: "ibkr",
      status: "imported",
      totals: { snapshots: 1, lots: 2, transactions: 1 },
    });
    expect(lines.find((line) => line.custodian === "schwab")).toMatchObject({
      missing: ["SCHWAB_ACCESS_TOKEN"],
    });
    expect(context.request.progress).toEqual({ synced: ["ibkr"] });

    const requests = ibkr.requests.length;
    await task(withIbkr())(context);
    expect(ibkr.requests.length).toBe(requests);
    expect(await ibkrSnapshots()).toBe(before + 1);
  });

  it("a fetch IBKR refuses fails the job, for the queue to retry", async () => {
    await expect(task(withIbkr("bad-token"))(memoryContext(captureLog().log))).rejects.toThrow(
      /custodian sync failed \(ibkr: IBKR refused the Flex Web Service token/,
    );
  });
});
