// The queue on a real database: a request and its job are one write, a duplicate key changes
// nothing, two workers share 100 jobs and do each once, a job that keeps failing ends dead (listed,
// audited, retried by hand), and a request already done is not done again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateQueue } from "../../src/db/migrate-queue.ts";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { createPrismaWorkQueue } from "../../src/db/prisma-work-queue.ts";
import { createPrismaWorkerRegistry } from "../../src/db/prisma-worker-registry.ts";
import { startWorkers, type TaskHandlers, type Workers } from "../../src/jobs/start-workers.ts";
import { createLogger } from "../../src/logger.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const clock = { now: () => new Date() };
const logger = createLogger({ level: "silent", pretty: false } as never);

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe(`the work queue (${BACKEND})`, () => {
  let db: TestDatabase;
  let url: string;
  beforeAll(async () => {
    db = await openTestDatabase();
    // PGlite: the workers reach it the way they do under `lotwise serve`, over its shared socket.
    url = db.url ?? (await (db.share as NonNullable<TestDatabase["share"]>)()).url;
    await migrateQueue(url);
  });
  afterAll(() => db.close());

  const start = (handlers: TaskHandlers, role = "worker"): Promise<Workers> =>
    startWorkers({
      connectionString: url,
      sharedSession: BACKEND === "pglite",
      concurrency: 4,
      role,
      handlers,
      queue: createPrismaWorkQueue(db.prisma),
      registry: createPrismaWorkerRegistry(db.prisma),
      audit: createPrismaAuditLog(db.prisma, clock),
      clock,
      logger,
      pollIntervalMs: 100,
    });

  it("two-workers-share-100-jobs-and-do-each-once", async () => {
    const queue = createPrismaWorkQueue(db.prisma);
    const done: string[] = [];
    const handlers: TaskHandlers = {
      book_scan: async ({ request }) => {
        done.push(request.key);
      },
    };
    const [a, b] = await Promise.all([start(handlers), start(handlers)]);
    for (let i = 0; i < 100; i++) {
      expect(await queue.enqueue({ task: "book_scan", key: `share:${i}`, payload: { i } })).toBe("enqueued");
    }
    expect(await queue.enqueue({ task: "book_scan", key: "share:7", payload: {} })).toBe("duplicate");
    await until(async () => done.length >= 100);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await Promise.all([a.stop(), b.stop()]);
    expect(done.length).toBe(100);
    expect(new Set(done).size).toBe(100);
    const completed = await db.prisma.workRequest.count({
      where: { key: { startsWith: "share:" }, completedAt: { not: null } },
    });
    expect(completed).toBe(100);
  });

  it("a-job-that-keeps-failing-ends-dead-listed-audited-and-retried-by-hand", async () => {
    const queue = createPrismaWorkQueue(db.prisma);
    let attempts = 0;
    let healthy = false;
    const workers = await start({
      prices_refresh: async () => {
        attempts += 1;
        if (!healthy) throw new Error("the quote server is down");
      },
    });
    await queue.enqueue({ task: "prices_refresh", key: "dead:1", payload: {}, maxAttempts: 2 });
    await until(async () => (await queue.listJobs({ failedOnly: true, limit: 10 })).length === 1);
    const [dead] = await queue.listJobs({ failedOnly: true, limit: 10 });
    expect(dead).toMatchObject({ task: "prices_refresh", key: "dead:1", state: "dead", attempts: 2 });
    expect(dead?.lastError).toMatch(/quote server is down/);
    await until(async () => (await createPrismaAuditLog(db.prisma, clock).read("job:dead:1")).length === 1);
    healthy = true;
    expect(await queue.retryJob("999999")).toBeNull();
    const retried = await queue.retryJob(dead?.id as string);
    expect(retried).toMatchObject({ state: "waiting", attempts: 0 });
    await until(async () => (await queue.load("dead:1"))?.completedAt != null);
    expect(attempts).toBe(3);
    await workers.stop();
  });

  it("a-request-already-done-is-not-done-again", async () => {
    const queue = createPrismaWorkQueue(db.prisma);
    await queue.enqueue({ task: "book_scan", key: "once:1", payload: {} });
    await queue.complete("once:1", new Date());
    let ran = 0;
    const workers = await start({
      book_scan: async () => {
        ran += 1;
      },
    });
    await until(async () =>
      (await queue.listJobs({ failedOnly: false, limit: 10 })).every((j) => j.key !== "once:1"),
    );
    await workers.stop();
    expect(ran).toBe(0);
  });
});
