// Scheduled work: each schedule's next run is one job however many workers queue it, due at the
// right instant in New York (weekends, NYSE holidays and DST switches included); a run queues the one
// after it, also when it fails, and a run its schedule no longer has is skipped. On a real database
// (PGlite by default, PostgreSQL in CI): the book scan run by the workers records, stores and
// queues its successor.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaImportStore } from "../../src/db/import-statement.ts";
import { migrateQueue } from "../../src/db/migrate-queue.ts";
import { openDatabase } from "../../src/db/open-database.ts";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { createPrismaBookScanStore } from "../../src/db/prisma-book-scan-store.ts";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { createPrismaPlanStore } from "../../src/db/prisma-plan-store.ts";
import { createPrismaPriceStore } from "../../src/db/prisma-price-store.ts";
import { createPrismaWorkQueue } from "../../src/db/prisma-work-queue.ts";
import { createPrismaWorkerRegistry } from "../../src/db/prisma-worker-registry.ts";
import {
  runKey,
  type ScheduledWorkDeps,
  type Schedules,
  scheduleAfterEachRun,
  scheduledHandlers,
  scheduleNext,
  startSchedules,
} from "../../src/jobs/schedule-work.ts";
import { startWorkers } from "../../src/jobs/start-workers.ts";
import { createLogger } from "../../src/logger.ts";
import type { Clock } from "../../src/ports/clock.ts";
import type { WorkQueue } from "../../src/ports/work-queue.ts";
import type { Schedule } from "../../src/schedule/next-run.ts";
import { DEFAULT_SCAN_CRON } from "../../src/schedule/parse-schedule.ts";
import { runInProcess } from "../support/cli.ts";
import { captureLog, memoryContext, memoryQueue, queuedContext } from "../support/task-context.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const SCAN: Schedule = { cron: DEFAULT_SCAN_CRON, zone: "America/New_York", tradingDaysOnly: true };
const SYNC: Schedule = { cron: "0 18 * * *", zone: "America/New_York", tradingDaysOnly: false };
const ONLY_SCAN: Schedules = { scan: SCAN, sync: "off", prices: "off" };
const at = (iso: string) => new Date(iso);
const fixed = (iso: string): Clock => ({ now: () => at(iso) });
const silent = createLogger({ level: "silent", pretty: false });

async function nextScanAfter(now: string): Promise<string> {
  const queue = memoryQueue();
  const [run] = await scheduleNext(queue, ONLY_SCAN, at(now));
  return run?.runAt.toISOString() ?? "none";
}

describe("scheduleNext", () => {
  it("queues the scan's next run as a job due then, keyed by its task and instant", async () => {
    const queue = memoryQueue();
    const runs = await scheduleNext(queue, ONLY_SCAN, at("2026-11-24T15:00:00Z"));
    expect(runs).toEqual([{ task: "book_scan", runAt: at("2026-11-25T12:30:00Z"), outcome: "enqueued" }]);
    expect([...queue.items.values()]).toEqual([
      {
        task: "book_scan",
        key: "book_scan@2026-11-25T12:30:00.000Z",
        payload: { runAt: "2026-11-25T12:30:00.000Z" },
        runAt: at("2026-11-25T12:30:00Z"),
        origin: "schedule",
      },
    ]);
  });

  it("runs Monday after a Friday run, skipping the weekend", async () => {
    expect(await nextScanAfter("2026-11-20T12:30:00Z")).toBe("2026-11-23T12:30:00.000Z");
  });

  it("skips Thanksgiving: Wednesday's run is followed by Friday's", async () => {
    expect(await nextScanAfter("2026-11-25T12:30:00Z")).toBe("2026-11-27T12:30:00.000Z");
  });

  it("keeps 07:30 New York time across DST: 11:30Z in EDT, 12:30Z in EST", async () => {
    expect(await nextScanAfter("2026-10-30T11:30:00Z")).toBe("2026-11-02T12:30:00.000Z");
    expect(await nextScanAfter("2026-03-06T12:30:00Z")).toBe("2026-03-09T11:30:00.000Z");
  });

  it("queues every schedule that is not off; a schedule not limited to trading days runs on holidays", async () => {
    const queue = memoryQueue();
    const runs = await scheduleNext(
      queue,
      { scan: SCAN, sync: SYNC, prices: "off" },
      at("2026-11-26T00:00:00Z"),
    );
    expect(runs.map((r) => [r.task, r.runAt.toISOString()])).toEqual([
      ["book_scan", "2026-11-27T12:30:00.000Z"],
      ["custodians_sync", "2026-11-26T23:00:00.000Z"],
    ]);
    expect(
      await scheduleNext(queue, { scan: "off", sync: "off", prices: "off" }, at("2026-11-26T00:00:00Z")),
    ).toEqual([]);
  });

  it("queues one job for one run however often it is asked", async () => {
    const queue = memoryQueue();
    const now = at("2026-11-24T15:00:00Z");
    const outcomes = await Promise.all([
      scheduleNext(queue, ONLY_SCAN, now),
      scheduleNext(queue, ONLY_SCAN, now),
    ]);
    expect(
      outcomes
        .flat()
        .map((r) => r.outcome)
        .sort(),
    ).toEqual(["duplicate", "enqueued"]);
    expect(queue.items.size).toBe(1);
  });
});

describe("a scheduled run queues the next", () => {
  const wrap = (queue: WorkQueue, handler: () => Promise<void>, schedules: Schedules, clock: Clock) =>
    scheduleAfterEachRun(
      { book_scan: handler, custodians_sync: handler, prices_refresh: handler },
      { queue, schedules, clock },
    ).book_scan;
  const slot = (runAt: string) =>
    memoryContext(silent, { key: runKey("book_scan", at(runAt)), payload: { runAt } });

  it("after it ran, from its own run time when it runs on time", async () => {
    const queue = memoryQueue();
    let ran = 0;
    const handler = wrap(queue, async () => void ran++, ONLY_SCAN, fixed("2026-11-25T12:30:04Z"));
    await handler(slot("2026-11-25T12:30:00.000Z"));
    expect(ran).toBe(1);
    expect([...queue.items.keys()]).toEqual(["book_scan@2026-11-27T12:30:00.000Z"]);
  });

  it("from now when it ran late, so runs already past are not queued", async () => {
    const queue = memoryQueue();
    const handler = wrap(queue, async () => {}, ONLY_SCAN, fixed("2026-12-01T09:00:00Z"));
    await handler(slot("2026-11-25T12:30:00.000Z"));
    expect([...queue.items.keys()]).toEqual(["book_scan@2026-12-01T12:30:00.000Z"]);
  });

  it("also when the run failed (the failure still fails the job)", async () => {
    const queue = memoryQueue();
    const failing = async () => {
      throw new Error("the book could not be read");
    };
    const handler = wrap(queue, failing, ONLY_SCAN, fixed("2026-11-25T12:31:00Z"));
    await expect(handler(slot("2026-11-25T12:30:00.000Z"))).rejects.toThrow("the book could not be read");
    expect([...queue.items.keys()]).toEqual(["book_scan@2026-11-27T12:30:00.000Z"]);
  });

  it("skips a run its schedule no longer has, and a run whose schedule is off", async () => {
    const queue = memoryQueue();
    let ran = 0;
    const eight: Schedules = { ...ONLY_SCAN, scan: { ...SCAN, cron: "0 8 * * 1-5" } };
    await wrap(
      queue,
      async () => void ran++,
      eight,
      fixed("2026-11-25T12:30:01Z"),
    )(slot("2026-11-25T12:30:00.000Z"));
    expect(ran).toBe(0);
    expect([...queue.items.keys()]).toEqual(["book_scan@2026-11-25T13:00:00.000Z"]);

    const off = memoryQueue();
    await wrap(
      off,
      async () => void ran++,
      { ...ONLY_SCAN, scan: "off" },
      fixed("2026-11-25T12:30:01Z"),
    )(slot("2026-11-25T12:30:00.000Z"));
    expect(ran).toBe(0);
    expect(off.items.size).toBe(0);
  });

  it("work queued by other means runs and keeps the schedule going", async () => {
    const queue = memoryQueue();
    let ran = 0;
    await wrap(
      queue,
      async () => void ran++,
      ONLY_SCAN,
      fixed("2026-11-27T14:00:00Z"),
    )(memoryContext(silent, { key: "scan-now:1" }));
    expect(ran).toBe(1);
    expect([...queue.items.keys()]).toEqual(["book_scan@2026-11-30T12:30:00.000Z"]);
  });
});

describe(`scheduled work on the queue (${BACKEND})`, () => {
  let db: TestDatabase;
  let url: string;
  beforeAll(async () => {
    db = await openTestDatabase();
    url = db.url ?? (await (db.share as NonNullable<TestDatabase["share"]>)()).url;
    await migrateQueue(url);
    await runInProcess(["seed", "--demo", "--as-of", "2026-11-20"], { database: db });
  });
  afterAll(() => db.close());

  const scanJobs = async () =>
    (await createPrismaWorkQueue(db.prisma).listJobs({ failedOnly: false, limit: 100 })).filter(
      (job) => job.task === "book_scan",
    );

  const depsOn = (clock: Clock, schedules: Schedules = ONLY_SCAN): ScheduledWorkDeps => ({
    queue: createPrismaWorkQueue(db.prisma),
    schedules,
    clock,
    scan: {
      store: createPrismaBookStore(db.prisma),
      plans: createPrismaPlanStore(db.prisma),
      audit: createPrismaAuditLog(db.prisma, clock),
      scans: createPrismaBookScanStore(db.prisma),
    },
    sync: { imports: createPrismaImportStore(db.prisma), config: { schwab: NO_SCHWAB, sync: NO_SYNC } },
    prices: {
      prices: createPrismaPriceStore(db.prisma),
      quotes: { url: "http://127.0.0.1:9/v1", apiKey: null },
    },
  });

  it("two workers queueing the same next runs make one job each", async () => {
    // On PostgreSQL the second worker has its own connection, as another process would.
    const other = db.url ? await openDatabase({ kind: "postgres", url: db.url }) : db;
    try {
      const schedules: Schedules = { scan: SCAN, sync: SYNC, prices: "off" };
      const clock = fixed("2026-11-24T15:00:00Z");
      const [a, b] = await Promise.all([
        startSchedules({ queue: createPrismaWorkQueue(db.prisma), schedules, clock, logger: silent }),
        startSchedules({ queue: createPrismaWorkQueue(other.prisma), schedules, clock, logger: silent }),
      ]);
      for (const task of ["book_scan", "custodians_sync"]) {
        const outcomes = [...a, ...b].filter((r) => r.task === task).map((r) => r.outcome);
        expect(outcomes.sort()).toEqual(["duplicate", "enqueued"]);
      }
      const jobs = await createPrismaWorkQueue(db.prisma).listJobs({ failedOnly: false, limit: 100 });
      expect(jobs.map((j) => [j.task, j.key, j.runAt]).sort()).toEqual([
        ["book_scan", "book_scan@2026-11-25T12:30:00.000Z", "2026-11-25T12:30:00.000Z"],
        ["custodians_sync", "custodians_sync@2026-11-24T23:00:00.000Z", "2026-11-24T23:00:00.000Z"],
      ]);
      expect(await db.prisma.workRequest.count({ where: { key: { contains: "@2026-11-2" } } })).toBe(2);
    } finally {
      if (other !== db) await other.close();
    }
  });

  it("the scan run before Thanksgiving records the scan, stores it and queues Friday's run", async () => {
    const clock = fixed("2026-11-25T12:30:02Z");
    const deps = depsOn(clock);
    const [run] = await scheduleNext(deps.queue, ONLY_SCAN, at("2026-11-24T15:00:00Z"));
    const key = runKey("book_scan", run?.runAt ?? at("2026-11-25T12:30:00Z"));
    expect(key).toBe("book_scan@2026-11-25T12:30:00.000Z");
    const { log } = captureLog();
    await scheduledHandlers(deps).book_scan(await queuedContext(deps.queue, key, log));

    const stored = await createPrismaBookScanStore(db.prisma).latest();
    expect(stored).toMatchObject({ asOf: "2026-11-25", scannedAt: "2026-11-25T12:30:02.000Z" });
    const events = await createPrismaAuditLog(db.prisma, clock).read(`scan:${stored?.scanId}`);
    expect(events.map((e) => e.type)).toEqual(["scan.completed"]);
    expect((await scanJobs()).map((j) => [j.key, j.runAt])).toContainEqual([
      "book_scan@2026-11-27T12:30:00.000Z",
      "2026-11-27T12:30:00.000Z",
    ]);
  });

  it("run by the workers: the job completes and its successor waits for its day", async () => {
    // Far ahead of the real clock, so the run it queues stays queued (due 2099-11-27, Thanksgiving
    // being the 26th) instead of falling due at once.
    const clock = fixed("2099-11-25T13:00:00Z");
    const deps = depsOn(clock);
    // Earlier tests' runs are done (their jobs, due in the real past, would otherwise run now too).
    await db.prisma.workRequest.updateMany({
      where: { completedAt: null },
      data: { completedAt: new Date() },
    });
    const workers = await startWorkers({
      connectionString: url,
      sharedSession: BACKEND === "pglite",
      concurrency: 2,
      role: "worker",
      handlers: scheduledHandlers(deps),
      queue: deps.queue,
      registry: createPrismaWorkerRegistry(db.prisma),
      audit: deps.scan.audit,
      clock,
      logger: silent,
      pollIntervalMs: 100,
    });
    try {
      await deps.queue.enqueue({ task: "book_scan", key: "scan-now:workers", payload: {} });
      await until(async () => (await deps.queue.load("scan-now:workers"))?.completedAt != null);
    } finally {
      await workers.stop();
    }
    const stored = await createPrismaBookScanStore(db.prisma).latest();
    expect(stored).toMatchObject({ asOf: "2099-11-25", scannedAt: "2099-11-25T13:00:00.000Z" });
    const next = (await scanJobs()).find((j) => j.key === "book_scan@2099-11-27T12:30:00.000Z");
    expect(next).toMatchObject({ state: "waiting", attempts: 0, runAt: "2099-11-27T12:30:00.000Z" });
  });
});

const NO_SCHWAB = { traderApiUrl: null, accessToken: null };
const NO_SYNC = {
  schwabAccountsUrl: "http://127.0.0.1:9/trader/v1",
  ibkrFlexToken: null,
  ibkrFlexQueryId: null,
  ibkrFlexUrl: "http://127.0.0.1:9/flex",
};

async function until(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
