// `lotwise jobs` and `lotwise jobs retry`: the queue as it stands, its dead letters, a dead job put
// back by hand (audited as who did it), clear refusals, and one clear line on a database whose
// queue is not installed yet. The queue itself installs only on PostgreSQL for now, so the tests
// that need one run on that backend.
import { userInfo } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateQueue } from "../../src/db/migrate-queue.ts";
import type { Database } from "../../src/db/open-database.ts";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { createPrismaWorkQueue } from "../../src/db/prisma-work-queue.ts";
import { createPrismaWorkerRegistry } from "../../src/db/prisma-worker-registry.ts";
import { startWorkers } from "../../src/jobs/start-workers.ts";
import { createLogger } from "../../src/logger.ts";
import type { JobListing } from "../../src/ports/work-queue.ts";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const OPERATOR = `operator:${userInfo().username}`;
const NOT_INSTALLED =
  "the job queue is not installed in this database yet: run `lotwise serve` once or `lotwise db migrate`";
const clock = { now: () => new Date() };
const logger = createLogger({ level: "silent", pretty: false } as never);
/** The error line; progress goes to stderr before it. */
const errorLine = (stderr: string) => stderr.trimEnd().split("\n").at(-1);

async function until(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function addUsers(run: (argv: string[]) => Promise<unknown>): Promise<void> {
  await run(["users", "add", "U0PLAIN1", "--name", "Pat Plain"]);
  await run(["users", "add", "U0CARLA1", "--name", "Carla Check", "--role", "COMPLIANCE"]);
  await run(["users", "add", "U0ADMIN1", "--name", "Ada Admin", "--role", "ADMIN"]);
}

const refusals = async (db: Database) =>
  (await createPrismaAuditLog(db.prisma, clock).read("access")).filter((e) => e.type === "access.refused");

describe(`lotwise jobs, on any database (${BACKEND})`, () => {
  let db: TestDatabase;
  const run = (argv: string[], database: Database = db) => runInProcess(argv, { database });
  /** A database from before the queue: no graphile_worker schema, and migrating does not add it. */
  const older = (): Database => ({ ...db, migrate: async () => ({ applied: [], alreadyApplied: 0 }) });

  beforeAll(async () => {
    db = await openTestDatabase();
    await addUsers(run);
    await db.prisma.$executeRawUnsafe("DROP SCHEMA IF EXISTS graphile_worker CASCADE");
  });
  afterAll(() => db.close());

  it("says in one line that the queue is not installed yet", async () => {
    const listed = await run(["jobs"], older());
    expect(listed).toMatchObject({ code: 1, stdout: "" });
    expect(errorLine(listed.stderr)).toBe(`lotwise jobs: ${NOT_INSTALLED}`);
    expect(listed.stderr).not.toMatch(/\n\s+at /);
    const failed = await run(["jobs", "--failed", "--json", "--as", "U0CARLA1"], older());
    expect(errorLine(failed.stderr)).toBe(`lotwise jobs: ${NOT_INSTALLED}`);
    const retried = await run(["jobs", "retry", "1"], older());
    expect(retried).toMatchObject({ code: 1, stdout: "" });
    expect(errorLine(retried.stderr)).toBe(`lotwise jobs retry: ${NOT_INSTALLED}`);
  });

  it("refuses a user without the role, in one line, and audits the refusal", async () => {
    const listed = await run(["jobs", "--as", "U0PLAIN1"], older());
    expect(listed).toMatchObject({ code: 1, stdout: "" });
    expect(errorLine(listed.stderr)).toBe(
      "lotwise jobs: Pat Plain (U0PLAIN1) may not list the job queue (that needs the COMPLIANCE or ADMIN role); nothing was done",
    );
    expect((await refusals(db)).at(-1)).toMatchObject({
      actor: "user:U0PLAIN1",
      payload: { command: "jobs", action: "jobs.read", surface: "cli" },
    });
    const retried = await run(["jobs", "retry", "1", "--as", "U0CARLA1"], older());
    expect(retried).toMatchObject({ code: 1, stdout: "" });
    expect(errorLine(retried.stderr)).toBe(
      "lotwise jobs retry: Carla Check (U0CARLA1) may not retry jobs on the queue (that needs the ADMIN role); nothing was done",
    );
    expect((await refusals(db)).at(-1)).toMatchObject({
      actor: "user:U0CARLA1",
      payload: { command: "jobs retry", action: "jobs.manage" },
    });
  });

  it("has help with examples", async () => {
    const help = await run(["jobs", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain(
      "Usage: lotwise jobs [--failed] [--limit <n>] [--json] [--as <slack user id>]",
    );
    expect(help.stdout).toContain("  lotwise jobs --failed");
    const retry = await run(["jobs", "retry", "--help"]);
    expect(retry.stdout).toContain("Usage: lotwise jobs retry <id> [--json] [--as <slack user id>]");
    expect(retry.stdout).toContain("  lotwise jobs retry 42");
    expect((await run(["--help"])).stdout).toMatch(/\n {2}jobs\s+List the job queue/);
  });

  it.each([
    [["jobs", "extra"], 'lotwise jobs: unexpected argument "extra"'],
    [["jobs", "--bogus"], "lotwise jobs: Unknown option '--bogus'."],
    [["jobs", "--limit", "0"], 'lotwise jobs: --limit must be a positive whole number, not "0"'],
    [["jobs", "--limit", "ten"], 'lotwise jobs: --limit must be a positive whole number, not "ten"'],
    [["jobs", "retry"], "lotwise jobs retry: expected 1 argument(s), got 0"],
    [["jobs", "retry", "1", "2"], "lotwise jobs retry: expected 1 argument(s), got 2"],
    [["jobs", "retry", "abc"], 'lotwise jobs retry: job ids are whole numbers, not "abc"'],
    [["jobs", "retry", "1", "--failed"], "lotwise jobs retry: Unknown option '--failed'."],
  ])("refuses %j as a usage error", async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")).toContain(message);
    expect(result.stderr).toContain("Usage: lotwise jobs");
  });
});

describe.skipIf(BACKEND !== "postgres")(`lotwise jobs on a queue (${BACKEND})`, () => {
  let db: TestDatabase;
  const run = (argv: string[]) => runInProcess(argv, { database: db });
  const jobsJson = async (...argv: string[]) =>
    (JSON.parse((await run(["jobs", ...argv, "--json"])).stdout) as { jobs: JobListing[] }).jobs;
  const byKey = async (key: string) => (await jobsJson()).find((job) => job.key === key) as JobListing;
  const events = (stream: string) => createPrismaAuditLog(db.prisma, clock).read(stream);

  beforeAll(async () => {
    db = await openTestDatabase();
    await migrateQueue(db.url as string);
    await addUsers(run);
  });
  afterAll(() => db.close());

  it("says so when the queue is empty", async () => {
    expect(await run(["jobs"])).toMatchObject({ code: 0, stdout: "No jobs.\n" });
    expect(await run(["jobs", "--failed"])).toMatchObject({ code: 0, stdout: "No failed jobs.\n" });
    expect(JSON.parse((await run(["jobs", "--json"])).stdout)).toEqual({ jobs: [] });
  });

  it("lists waiting and dead jobs, and the dead ones alone with --failed", async () => {
    const queue = createPrismaWorkQueue(db.prisma);
    const later = new Date(Date.now() + 3_600_000);
    await queue.enqueue({ task: "book_scan", key: "later:1", payload: {}, runAt: later });
    await queue.enqueue({ task: "prices_refresh", key: "dead:1", payload: {}, maxAttempts: 1 });
    await queue.enqueue({ task: "prices_refresh", key: "dead:2", payload: {}, maxAttempts: 1 });
    const workers = await startWorkers({
      connectionString: db.url as string,
      concurrency: 2,
      role: "worker",
      handlers: {
        prices_refresh: async () => {
          throw new Error(`the quote server is down: ${"x".repeat(80)}\nsecond line`);
        },
      },
      queue,
      registry: createPrismaWorkerRegistry(db.prisma),
      audit: createPrismaAuditLog(db.prisma, clock),
      clock,
      logger,
      pollIntervalMs: 100,
    });
    await until(async () => (await queue.listJobs({ failedOnly: true, limit: 10 })).length === 2);
    await until(async () => (await events("job:dead:2")).length === 1);
    await workers.stop();

    const table = await run(["jobs"]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^\s*ID\s+TASK\s+KEY\s+STATE\s+ATTEMPTS\s+DUE\s+LAST ERROR$/);
    expect(lines).toHaveLength(5);
    const dead = lines.find((line) => line.includes("dead:1")) ?? "";
    expect(dead).toMatch(
      /^\s*\d+\s+prices_refresh\s+dead:1\s+dead\s+1\/1\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\s+the quote server is down: x+…$/,
    );
    expect(dead).not.toContain("second line");
    const waiting = lines.find((line) => line.includes("later:1")) ?? "";
    expect(waiting).toMatch(
      new RegExp(
        `book_scan\\s+later:1\\s+waiting\\s+0/5\\s+${later.toISOString().slice(0, 10)} \\S+ UTC\\s+-$`,
      ),
    );

    const failed = await run(["jobs", "--failed"]);
    expect(failed.stdout).toContain("dead:1");
    expect(failed.stdout).toContain("dead:2");
    expect(failed.stdout).not.toContain("later:1");
    expect((await jobsJson("--failed")).map((job) => job.key).sort()).toEqual(["dead:1", "dead:2"]);
    expect(await jobsJson("--limit", "1")).toHaveLength(1);
    expect(await byKey("dead:1")).toMatchObject({
      task: "prices_refresh",
      state: "dead",
      attempts: 1,
      maxAttempts: 1,
      lockedBy: null,
      lastError: expect.stringMatching(/^the quote server is down/),
    });
  });

  it("compliance may list but not retry; nothing changes", async () => {
    const before = await jobsJson();
    expect((await run(["jobs", "--failed", "--as", "U0CARLA1"])).code).toBe(0);
    const dead = await byKey("dead:1");
    const refused = await run(["jobs", "retry", dead.id, "--as", "U0CARLA1"]);
    expect(refused.code).toBe(1);
    expect(errorLine(refused.stderr)).toMatch(
      /^lotwise jobs retry: Carla Check \(U0CARLA1\) may not retry jobs/,
    );
    expect((await refusals(db)).at(-1)).toMatchObject({
      actor: "user:U0CARLA1",
      payload: { command: "jobs retry", action: "jobs.manage" },
    });
    expect(await jobsJson()).toEqual(before);
  });

  it("an admin puts a dead job back on the queue, audited as who did it", async () => {
    const dead = await byKey("dead:1");
    const result = await run(["jobs", "retry", dead.id, "--as", "U0ADMIN1", "--json"]);
    expect(result.code).toBe(0);
    const retried = JSON.parse(result.stdout) as JobListing;
    expect(retried).toMatchObject({
      id: dead.id,
      key: "dead:1",
      state: "waiting",
      attempts: 0,
      maxAttempts: 1,
    });
    expect(Date.parse(retried.runAt)).toBeLessThanOrEqual(Date.now());
    expect(await byKey("dead:1")).toMatchObject({ state: "waiting", attempts: 0 });
    expect((await jobsJson("--failed")).map((job) => job.key)).toEqual(["dead:2"]);
    const audited = (await events("job:dead:1")).filter((event) => event.type === "job.retried");
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({
      actor: "user:U0ADMIN1",
      payload: { jobId: dead.id, task: "prices_refresh", key: "dead:1", attemptsBefore: 1 },
    });
  });

  it("the operator retries with a sentence saying what was done", async () => {
    const dead = await byKey("dead:2");
    const result = await run(["jobs", "retry", dead.id]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(
        `^Job ${dead.id} \\(prices_refresh, key dead:2\\) is back on the queue: due \\S+ \\S+ UTC, attempts reset to 0 of 1\\.\\n$`,
      ),
    );
    const audited = (await events("job:dead:2")).filter((event) => event.type === "job.retried");
    expect(audited.map((event) => event.actor)).toEqual([OPERATOR]);
    expect(await run(["jobs", "--failed"])).toMatchObject({ code: 0, stdout: "No failed jobs.\n" });
  });

  it("a job that is not dead, or no job at all, is one line naming the id, and nothing changes", async () => {
    const before = await jobsJson();
    const retriedAudit = async () =>
      (await db.prisma.auditEvent.count({ where: { type: "job.retried" } })) as number;
    const auditedBefore = await retriedAudit();
    const waiting = await byKey("later:1");
    for (const id of [waiting.id, "999999"]) {
      const result = await run(["jobs", "retry", id]);
      expect(result).toMatchObject({ code: 1, stdout: "" });
      expect(errorLine(result.stderr)).toBe(
        `lotwise jobs retry: job ${id} is not a dead job (see lotwise jobs --failed); nothing was retried`,
      );
    }
    expect(await jobsJson()).toEqual(before);
    expect(await retriedAudit()).toBe(auditedBefore);
  });
});
