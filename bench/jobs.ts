// The durable-queue benchmark (BENCH_ONLY=jobs): the real Bolt app over HTTP (signed requests), the
// real queue (a work_request row and a graphile-worker job per request) and real workers in this
// process, wired as `lotwise serve --role all` wires them (buildSlackDeps, createSlackApp with the
// durable queue, startWorkers with the slack_work and orders_drain tasks, concurrency from the config),
// answering through the deterministic fallback (no API key) against a fake Slack Web API. On an
// in-memory PGlite (the workers reach it over its shared socket, as under serve) always, and on a
// scratch database on DATABASE_URL's PostgreSQL server (created and dropped here) when it is set.
//
// 1. Slack ack latency with the workers busy: BENCH_JOBS_BACKLOG requests (default 20) are queued
//    first and the workers have started on them; then BENCH_JOBS_BURST slash commands (default 200,
//    "/lotwise plan Chen" and "plan Alvarez" in turn, the demo households the fallback drafts a plan
//    for, one channel each) go out at once, each on a new connection, from a worker thread (so the
//    sender's clock is not this busy event loop's). Reported: the HTTP response time as the sender
//    sees it (p50, p95, p99, max), and how long after the burst the fake Slack had every answer (the
//    plan card, or the answer in the command's thread when no plan was drafted).
//    Target: p99 < 300 ms. Beside it, to see where an ack's time goes: the listener's enqueue (the
//    queue handed to createDurableSlackWork is timed), this event loop's delay during the burst, and
//    the same burst of `/lotwise help` (answered in the ack itself) with the workers idle.
// 2. Enqueue-to-start latency: BENCH_JOBS_ENQUEUES jobs (default 200) enqueued one at a time with idle
//    workers (a random 20-270 ms pause between them, so the enqueues do not lock step with PGlite's
//    200 ms poll), each a no-op "book_scan" handler registered for the bench only; the time from
//    enqueue() returning to the handler starting (the wrapper has loaded the request by then); on
//    PostgreSQL the worker can start before the caller resumes, hence a best below 0.
//    Target: median < 200 ms on PostgreSQL (LISTEN/NOTIFY); PGlite's workers poll every 200 ms.
// Nothing asserts a time: figures only.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import pg from "pg";
import { pino } from "pino";
import type { CommandContext } from "../src/cli/command.ts";
import { buildSlackDeps } from "../src/cli/commands/serve.ts";
import { demoAnchor } from "../src/cli/demo-dates.ts";
import { answerHealth } from "../src/cli/health-server.ts";
import { migrateQueue } from "../src/db/migrate-queue.ts";
import { type Database, openDatabase } from "../src/db/open-database.ts";
import { createPrismaWorkQueue } from "../src/db/prisma-work-queue.ts";
import { createPrismaWorkerRegistry } from "../src/db/prisma-worker-registry.ts";
import { buildDemoBook } from "../src/demo/demo-book.ts";
import { createDurableSlackWork } from "../src/jobs/durable-slack-work.ts";
import { startWorkers } from "../src/jobs/start-workers.ts";
import { drainOrdersTask } from "../src/jobs/tasks/drain-orders.ts";
import { slackWorkTask } from "../src/jobs/tasks/slack-work.ts";
import { createServices } from "../src/main.ts";
import type { WorkQueue } from "../src/ports/work-queue.ts";
import { createSlackApp, EVENTS_PATH } from "../src/slack/create-slack-app.ts";
import { type SlackCall, slashCommand, startFakeSlack } from "../test/support/fake-slack.ts";

const BURST = Number(process.env.BENCH_JOBS_BURST ?? 200);
const BACKLOG = Number(process.env.BENCH_JOBS_BACKLOG ?? 20);
const ENQUEUES = Number(process.env.BENCH_JOBS_ENQUEUES ?? 200);
const SECRET = "bench-jobs-signing-secret";
const ADVISOR = "U0ADVISOR1";
/** The demo households the fallback drafts a plan for (a card each): the heaviest request there is. */
const HOUSEHOLDS = ["Chen", "Alvarez"] as const;
/** How long the answers may take before the bench gives up on the missing ones. */
const ANSWER_TIMEOUT_MS = Number(process.env.BENCH_JOBS_TIMEOUT_MS ?? 600_000);

const count = (n: number) => n.toLocaleString("en-US");
const ms = (n: number) => `${n.toFixed(1)} ms`;
const line = (label: string, figures: string) => console.log(`  ${label.padEnd(56)}${figures}`);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

function sortedOf(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));
/** A deadline that does not keep the process alive. */
const after = (milliseconds: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, milliseconds)).unref());

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

// --- the sender: a worker thread posting signed requests with the test suite's SlackSender -------

interface Sent {
  /** Epoch ms (fractional) when the request went out. */
  sentAt: number;
  /** Until the whole response was read. */
  ms: number;
  status: number;
}

// A data: module, so that the bench stays one file; it loads tsx (a worker does not inherit the
// loader) and then the fake's SlackSender.
const SENDER_SOURCE = `
import { parentPort, workerData } from "node:worker_threads";
const { register } = await import(workerData.tsx);
register();
const { SlackSender } = await import(workerData.fakeSlack);
const sender = new SlackSender(workerData.url, workerData.secret);
parentPort.on("message", async ({ id, commands }) => {
  const results = await Promise.all(
    commands.map(async (fields) => {
      const start = performance.now();
      const response = await sender.command(fields).catch(() => ({ status: 0 }));
      return { sentAt: performance.timeOrigin + start, ms: performance.now() - start, status: response.status };
    }),
  );
  parentPort.postMessage({ id, results });
});
parentPort.postMessage({ ready: true });
`;

interface BurstSender {
  /** Posts every command at once; resolves when all have been answered by the app. */
  burst(commands: Record<string, string>[]): Promise<Sent[]>;
  close(): Promise<void>;
}

async function startSender(url: string): Promise<BurstSender> {
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(SENDER_SOURCE)}`), {
    workerData: {
      url,
      secret: SECRET,
      tsx: import.meta.resolve("tsx/esm/api"),
      fakeSlack: new URL("../test/support/fake-slack.ts", import.meta.url).href,
    },
  });
  const waiting = new Map<number, (results: Sent[]) => void>();
  let ids = 0;
  await new Promise<void>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (message: { ready?: true; id?: number; results?: Sent[] }) => {
      if (message.ready) {
        worker.off("error", reject);
        resolve();
        return;
      }
      const done = waiting.get(message.id ?? -1);
      waiting.delete(message.id ?? -1);
      done?.(message.results ?? []);
    });
  });
  return {
    burst(commands) {
      ids += 1;
      const id = ids;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        worker.postMessage({ id, commands });
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}

// --- what the fake Slack saw, per command (one channel each) --------------------------------------

const PROGRESS_PREFIX = ":hourglass_flowing_sand:";
const FAILURE_PREFIX = ":warning:";

interface Seen {
  /** The thread's first message ("<@U…> asked: `/lotwise …`"): a worker has started the job. */
  rootAt: number | null;
  /** The answer (replacing the progress message, or posted in the thread). */
  answerAt: number | null;
  cardAt: number | null;
  failed: boolean;
}

function isCard(call: SlackCall): boolean {
  return (
    call.method === "chat.postMessage" && JSON.stringify(call.args.blocks ?? "").includes("approve_plan")
  );
}

/** Folds the fake's calls (from `from` on) into what each channel has seen. */
function fold(calls: readonly SlackCall[], from: number, seen: Map<string, Seen>): number {
  for (let i = from; i < calls.length; i++) {
    const call = calls[i] as SlackCall;
    if (call.method !== "chat.postMessage" && call.method !== "chat.update") continue;
    const channel = String(call.args.channel ?? "");
    const entry = seen.get(channel) ?? { rootAt: null, answerAt: null, cardAt: null, failed: false };
    seen.set(channel, entry);
    const text = String(call.args.text ?? "");
    if (call.method === "chat.postMessage" && !call.args.thread_ts) {
      entry.rootAt ??= call.at;
    } else if (isCard(call)) {
      entry.cardAt = Math.max(entry.cardAt ?? 0, call.at);
    } else if (!text.startsWith(PROGRESS_PREFIX)) {
      entry.answerAt = Math.max(entry.answerAt ?? 0, call.at);
      if (text.startsWith(FAILURE_PREFIX)) entry.failed = true;
    }
  }
  return calls.length;
}

// --- the backends ----------------------------------------------------------------------------------

interface Backend {
  label: string;
  db: Database;
  /** How the workers reach the database (PostgreSQL's URL, or PGlite's socket). */
  connection: { url: string; stop(): Promise<void> };
}

async function benchBackend(backend: Backend): Promise<void> {
  const { db } = backend;
  const home = mkdtempSync(join(tmpdir(), "lotwise-bench-jobs-"));
  const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? "silent" });
  // No API key (the deterministic fallback), nothing from this shell's Slack or database settings.
  const env: NodeJS.ProcessEnv = {
    LOTWISE_HOME: home,
    ...(process.env.LOTWISE_WORKER_CONCURRENCY
      ? { LOTWISE_WORKER_CONCURRENCY: process.env.LOTWISE_WORKER_CONCURRENCY }
      : {}),
  };
  const services = createServices(env, { isTty: false, database: db, logger });
  const opened = await services.openStore();
  try {
    await opened.store.seedDemo(buildDemoBook(demoAnchor(services.clock.now())));
    const concurrency = services.config.jobs.concurrency;
    console.log(`durable jobs, ${backend.label}, ${concurrency} workers in this process:`);
    await migrateQueue(backend.connection.url);
    const queue = createPrismaWorkQueue(db.prisma);
    const registry = createPrismaWorkerRegistry(db.prisma);
    const sharedSession = db.kind !== "postgres";

    // 1. The ack under load, as serve --role all runs.
    const context: CommandContext = {
      io: {
        stdout: { write: () => true },
        stderr: { write: () => true },
        stdoutIsTty: false,
        stderrIsTty: false,
      },
      services,
    };
    const wiring = await buildSlackDeps(context, opened);
    const fake = await startFakeSlack();
    // The listeners' queue, timed: how much of an ack is the write of its request and job.
    const enqueueMs: number[] = [];
    const timedQueue: WorkQueue = {
      ...queue,
      async enqueue(item) {
        const start = performance.now();
        try {
          return await queue.enqueue(item);
        } finally {
          enqueueMs.push(performance.now() - start);
        }
      },
    };
    const slack = createSlackApp(wiring.deps, {
      botToken: "xoxb-bench-token",
      mode: { kind: "http", signingSecret: SECRET, port: 0 },
      apiUrl: fake.apiUrl,
      work: () => createDurableSlackWork(timedQueue),
      health: answerHealth(async () => ({ ready: true, checks: {} })),
    });
    const { port } = await slack.start();
    const rt = slack.runtime;
    const workers = await startWorkers({
      connectionString: backend.connection.url,
      concurrency,
      heartbeatMs: services.config.jobs.heartbeatMs,
      sharedSession,
      role: "all",
      handlers: {
        slack_work: slackWorkTask(rt),
        orders_drain: drainOrdersTask(
          { ...wiring.execution, notify: (update) => rt.orders.notify(update) },
          queue,
        ),
      },
      crontab: "* * * * * orders_drain",
      queue,
      registry,
      audit: opened.audit,
      clock: services.clock,
      logger,
    });
    try {
      const newSender = () => startSender(`http://127.0.0.1:${port}${EVENTS_PATH}`);
      await benchAck(newSender, fake, slack, concurrency, enqueueMs);
    } finally {
      await slack.stop();
      await workers.stop();
      await fake.close();
    }

    // 2. Enqueue to start, idle workers, a no-op handler.
    await benchEnqueueToStart(backend, queue, registry, opened.audit, services.clock, logger, concurrency);
    line("peak RSS of this process so far", `${peakRssMb()} MB`);
  } finally {
    await opened.close();
    rmSync(home, { recursive: true, force: true });
  }
}

interface BurstFigures {
  channels: string[];
  acks: Sent[];
  /** The listener's enqueue calls during the burst. */
  enqueueMs: number[];
  /** This event loop's delay while the burst was being acknowledged (ns). */
  loop: ReturnType<typeof monitorEventLoopDelay>;
}

async function benchAck(
  newSender: () => Promise<BurstSender>,
  fake: Awaited<ReturnType<typeof startFakeSlack>>,
  slack: ReturnType<typeof createSlackApp>,
  concurrency: number,
  enqueueMs: number[],
): Promise<void> {
  const command = (channel: string, i: number) =>
    slashCommand({ user: ADVISOR, channel, text: `plan ${HOUSEHOLDS[i % HOUSEHOLDS.length]}` }) as Record<
      string,
      string
    >;
  const seen = new Map<string, Seen>();
  let folded = 0;
  const senders: BurstSender[] = [];
  const fresh = async () => {
    const sender = await newSender();
    senders.push(sender);
    return sender;
  };

  try {
    // For comparison: the same burst of `/lotwise help` (answered in the ack: no queue, no database),
    // the workers idle: what Bolt and HTTP alone cost here.
    const helps = await (await fresh()).burst(
      Array.from(
        { length: BURST },
        () => slashCommand({ user: ADVISOR, channel: "CHELP", text: "help" }) as Record<string, string>,
      ),
    );

    // The backlog: the workers are busy before the burst arrives.
    const backlogAcks = await (await fresh()).burst(
      Array.from({ length: BACKLOG }, (_, i) => command(`CBACKLOG${i}`, i)),
    );
    const workingBy = Date.now() + 60_000;
    for (;;) {
      folded = fold(fake.calls, folded, seen);
      const started = [...seen.values()].filter((s) => s.rootAt !== null).length;
      if (started >= Math.min(concurrency, BACKLOG) || Date.now() > workingBy) break;
      await sleep(5);
    }

    // The burst, each request on a new connection (as from a sender with no pool).
    const sender = await fresh();
    const channels = Array.from({ length: BURST }, (_, i) => `CBURST${i}`);
    enqueueMs.length = 0;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const acks = await sender.burst(channels.map((channel, i) => command(channel, i)));
    loop.disable();
    const figures: BurstFigures = { channels, acks, enqueueMs: [...enqueueMs], loop };

    // Every command answered (the answer in its thread; then the queue idle, so every card is out too).
    const deadline = Date.now() + ANSWER_TIMEOUT_MS;
    const answered = () => channels.filter((c) => seen.get(c)?.answerAt != null).length;
    for (;;) {
      folded = fold(fake.calls, folded, seen);
      if (answered() === channels.length || Date.now() > deadline) break;
      await sleep(50);
    }
    await Promise.race([slack.idle(), after(deadline - Date.now())]);
    fold(fake.calls, folded, seen);

    const statuses = new Map<number, number>();
    for (const a of [...backlogAcks, ...acks]) {
      statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    }
    const statusText = [...statuses]
      .map(([status, n]) => `${count(n)} × HTTP ${status || "error"}`)
      .join(", ");
    const helpMs = sortedOf(helps.map((h) => h.ms));
    console.log(
      `  ${count(BURST)} "/lotwise plan <household>" at once, ${BACKLOG} queued before, workers busy (${statusText}):`,
    );
    reportBurst(figures, seen);
    line(
      `  for comparison, ${count(BURST)} /lotwise help at once, idle`,
      `ack ${quantiles(helpMs)} (${helps.filter((h) => h.status === 200).length} × HTTP 200; answered in the ack: no queue, no database)`,
    );
  } finally {
    await Promise.all(senders.map((s) => s.close()));
  }
}

function quantiles(sorted: readonly number[]): string {
  return `p50 ${ms(percentile(sorted, 0.5))}, p95 ${ms(percentile(sorted, 0.95))}, p99 ${ms(percentile(sorted, 0.99))}, max ${ms(sorted.at(-1) ?? Number.NaN)}`;
}

function reportBurst(figures: BurstFigures, seen: Map<string, Seen>): void {
  const { acks, loop } = figures;
  const burstStart = Math.min(...acks.map((a) => a.sentAt));
  const lastAck = Math.max(...acks.map((a) => a.sentAt + a.ms));
  const burst = figures.channels.map((c) => seen.get(c));
  const doneAt = burst.map((s) => (s ? Math.max(s.answerAt ?? 0, s.cardAt ?? 0) : 0));
  const finished = doneAt.filter((t) => t > 0);
  const unanswered = doneAt.length - finished.length;
  const cards = burst.filter((s) => s?.cardAt != null).length;
  const failures = burst.filter((s) => s?.failed).length;
  const answersOnly = doneAt.length - unanswered - cards - failures;
  const jobMs = sortedOf(
    burst.flatMap((s, i) => (s?.rootAt != null && (doneAt[i] ?? 0) > 0 ? [(doneAt[i] ?? 0) - s.rootAt] : [])),
  );
  const allMs = Math.max(...finished) - burstStart;
  line("  Slack ack (HTTP response time at the sender)", quantiles(sortedOf(acks.map((a) => a.ms))));
  line("  the last ack", `${ms(lastAck - burstStart)} after the first request went out`);
  line("  the listener's enqueue (request + job)", quantiles(sortedOf(figures.enqueueMs)));
  line(
    "  event-loop delay here while acknowledging",
    `p50 ${ms(loop.percentile(50) / 1e6)}, p99 ${ms(loop.percentile(99) / 1e6)}, max ${ms(loop.max / 1e6)} (${count(loop.count)} samples)`,
  );
  line(
    `  all ${count(doneAt.length)} answered`,
    `${(allMs / 1000).toFixed(2)} s after the burst, ${(finished.length / (allMs / 1000)).toFixed(1)} answers/s (${cards} with a card, ${answersOnly} answered without a plan, ${failures} failed, ${unanswered} unanswered)`,
  );
  line(
    "  one job, first post to its last answer",
    `median ${ms(percentile(jobMs, 0.5))}, p95 ${ms(percentile(jobMs, 0.95))}`,
  );
}

async function benchEnqueueToStart(
  backend: Backend,
  queue: ReturnType<typeof createPrismaWorkQueue>,
  registry: ReturnType<typeof createPrismaWorkerRegistry>,
  audit: Parameters<typeof startWorkers>[0]["audit"],
  clock: Parameters<typeof startWorkers>[0]["clock"],
  logger: Parameters<typeof startWorkers>[0]["logger"],
  concurrency: number,
): Promise<void> {
  const waiting = new Map<string, (at: number) => void>();
  const workers = await startWorkers({
    connectionString: backend.connection.url,
    concurrency,
    sharedSession: backend.db.kind !== "postgres",
    role: "bench",
    // The bench's own no-op handler: nothing but the queue is timed.
    handlers: {
      book_scan: async ({ request }) => {
        const at = performance.now();
        waiting.get(request.key)?.(at);
      },
    },
    queue,
    registry,
    audit,
    clock,
    logger,
  });
  const warmup = 5;
  const enqueueMs: number[] = [];
  const startMs: number[] = [];
  try {
    for (let i = 0; i < warmup + ENQUEUES; i++) {
      await sleep(20 + Math.random() * 250);
      const key = `bench:enqueue:${process.pid}:${i}`;
      const started = new Promise<number>((resolve) => waiting.set(key, resolve));
      const before = performance.now();
      await queue.enqueue({ task: "book_scan", key, payload: {} });
      const enqueued = performance.now();
      const at = await Promise.race([started, after(30_000).then(() => Number.NaN)]);
      waiting.delete(key);
      if (i < warmup) continue;
      enqueueMs.push(enqueued - before);
      startMs.push(at - enqueued);
    }
  } finally {
    await workers.stop();
  }
  const starts = sortedOf(startMs.filter((t) => !Number.isNaN(t)));
  const enqueues = sortedOf(enqueueMs);
  line(
    `enqueue → handler start, ${count(ENQUEUES)} jobs, idle workers`,
    `p50 ${ms(percentile(starts, 0.5))}, p95 ${ms(percentile(starts, 0.95))} (best ${ms(starts[0] ?? Number.NaN)}, worst ${ms(starts.at(-1) ?? Number.NaN)}${starts.length < ENQUEUES ? `, ${ENQUEUES - starts.length} not started within 30 s` : ""})`,
  );
  line("  enqueue() itself", `p50 ${ms(percentile(enqueues, 0.5))}, p95 ${ms(percentile(enqueues, 0.95))}`);
}

/** A scratch database next to DATABASE_URL's, dropped afterwards. */
async function withScratchPostgres(url: string, work: (scratch: string) => Promise<void>): Promise<void> {
  const name = `lotwise_bench_jobs_${process.pid}`;
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

export async function benchJobs(): Promise<void> {
  const pglite = await openDatabase({ kind: "pglite-memory" });
  try {
    await pglite.migrate();
    const share = await (pglite.share as NonNullable<Database["share"]>)();
    await benchBackend({
      label: "PGlite (in memory, workers over its shared socket)",
      db: pglite,
      connection: share,
    });
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
      const connection = { url: db.connectionString ?? scratch, stop: async () => {} };
      await benchBackend({ label: "PostgreSQL", db, connection });
    } finally {
      await db.close();
    }
  });
}
