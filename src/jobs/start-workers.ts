// The workers: graphile-worker runs the jobs (SKIP LOCKED claims, LISTEN/NOTIFY wake-ups, retries
// with exponential back-off, a job left failed after its last attempt); this wraps each job in the
// request it names (done already: nothing to do; otherwise the handler, then the request completed),
// beats for crash recovery, audits every job that fails for good, and stops gracefully.

import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import {
  Logger as GraphileLogger,
  type Job,
  type Runner,
  run,
  type Task,
  type WorkerEvents,
} from "graphile-worker";
import type { Logger } from "../logger.ts";
import type { AuditLog } from "../ports/audit-log.ts";
import type { Clock } from "../ports/clock.ts";
import type { WorkerRegistry, WorkQueue, WorkRequest, WorkTask } from "../ports/work-queue.ts";

export interface TaskContext {
  request: WorkRequest;
  /** Carries the job id, the request key and its origin on every line. */
  log: Logger;
  jobId: string;
  /** 1 on the first attempt. */
  attempt: number;
  /** Records steps a retry must not repeat. */
  saveProgress(progress: Record<string, unknown>): Promise<void>;
  /** Aborted when the worker is asked to stop and the job runs past the grace period. */
  signal: AbortSignal;
}

export type TaskHandler = (context: TaskContext) => Promise<void>;
export type TaskHandlers = Partial<Record<WorkTask, TaskHandler>>;

export interface WorkerOptions {
  /** How the workers reach PostgreSQL (or the embedded database, shared). */
  connectionString: string;
  concurrency: number;
  role: string;
  handlers: TaskHandlers;
  queue: WorkQueue;
  registry: WorkerRegistry;
  audit: AuditLog;
  clock: Clock;
  logger: Logger;
  /** Polling for jobs due later (retries, schedules); new jobs wake workers at once. Default 1 s. */
  pollIntervalMs?: number;
  /**
   * The embedded database shared over a socket is one session for every client: named prepared
   * statements collide there, and notifications do not cross clients (so workers poll).
   */
  sharedSession?: boolean;
  /** Heartbeat period (default 5 s); a worker silent for 6 beats is dead and its jobs released. */
  heartbeatMs?: number;
  /** Recurring jobs, in graphile-worker's crontab format (UTC), e.g. `* * * * * orders_drain`. */
  crontab?: string;
}

export interface Workers {
  /** graphile-worker's worker ids (the `locked_by` of the jobs they hold). */
  workerIds(): string[];
  /** Stops taking jobs, lets running ones finish (up to `graceMs`), releases the rest, and returns. */
  stop(graceMs?: number): Promise<void>;
}

export const DEFAULT_HEARTBEAT_MS = 5_000;
export const DEAD_AFTER_BEATS = 6;

export async function startWorkers(options: WorkerOptions): Promise<Workers> {
  const { queue, registry, logger, clock } = options;
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const ids = new Set<string>();
  const info = { host: hostname(), pid: process.pid, role: options.role };

  const taskList: Record<string, Task> = {};
  for (const [task, handler] of Object.entries(options.handlers) as [WorkTask, TaskHandler][]) {
    taskList[task] = async (payload, helpers) => {
      const { key, _cron: cron } = payload as { key?: unknown; _cron?: { ts?: unknown } };
      const log = logger.child({ jobId: helpers.job.id, task, key, attempt: helpers.job.attempts });
      const context = {
        jobId: helpers.job.id,
        attempt: helpers.job.attempts,
        signal: helpers.abortSignal ?? new AbortController().signal,
      };
      // A scheduled tick (the crontab) asks for work that is idempotent by nature: no request row.
      if (typeof key !== "string" && typeof cron?.ts === "string") {
        const request: WorkRequest = {
          key: `${task}@${cron.ts}`,
          task,
          payload: {},
          progress: {},
          origin: "schedule",
          receivedAt: clock.now(),
          completedAt: null,
        };
        await handler({
          ...context,
          request,
          log: log.child({ origin: "schedule" }),
          saveProgress: async () => {},
        });
        return;
      }
      if (typeof key !== "string") throw new Error(`job ${helpers.job.id} (${task}) names no request`);
      const request = await queue.load(key);
      if (!request) throw new Error(`job ${helpers.job.id} (${task}) names an unknown request ${key}`);
      if (request.completedAt) {
        log.info("request already done; nothing to do");
        return;
      }
      const origin = request.origin ? { origin: request.origin } : {};
      const scoped = log.child(origin);
      scoped.info("job started");
      await handler({
        ...context,
        request,
        log: scoped,
        saveProgress: (progress) => queue.saveProgress(key, progress),
      });
      await queue.complete(key, clock.now());
      scoped.info("job done");
    };
  }

  // Listening before the pool starts: its workers are created during run().
  const events: WorkerEvents = new EventEmitter();
  events.on("worker:create", ({ worker }) => {
    ids.add(worker.workerId);
    registry.beat([worker.workerId], info).catch((error) => logger.warn({ err: error }, "heartbeat failed"));
  });
  events.on("job:failed", ({ job, error }) => void auditDeadJob(options, job, error));
  const runner: Runner = await run({
    connectionString: options.connectionString,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: options.pollIntervalMs ?? (options.sharedSession ? 200 : 1_000),
    ...(options.sharedSession ? { noPreparedStatements: true } : {}),
    taskList,
    ...(options.crontab ? { crontab: options.crontab } : {}),
    events,
    logger: graphileLogger(logger),
  });

  const beat = async () => {
    try {
      await registry.beat([...ids], info);
      const released = await registry.releaseDead(heartbeatMs * DEAD_AFTER_BEATS);
      if (released.length > 0) logger.warn({ workers: released }, "released the jobs of dead workers");
    } catch (error) {
      logger.warn({ err: error }, "heartbeat failed");
    }
  };
  // Released at start too: a worker that died before this one started holds nothing for long.
  await beat();
  const timer = setInterval(() => void beat(), heartbeatMs);
  timer.unref();

  return {
    workerIds: () => [...ids].sort(),
    async stop(graceMs = 8_000) {
      clearInterval(timer);
      const stopped = runner.stop().then(() => true);
      const inTime = await Promise.race([stopped, sleep(graceMs).then(() => false)]);
      if (!inTime) logger.warn({ graceMs }, "jobs still running at shutdown; their locks are released");
      await registry.forget([...ids]).catch(() => {});
    },
  };
}

async function auditDeadJob(options: WorkerOptions, job: Job, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  options.logger.error(
    { jobId: job.id, task: job.task_identifier, key: job.key, err: error },
    "job failed for good",
  );
  try {
    await options.audit.append({
      stream: `job:${job.key ?? job.id}`,
      type: "job.failed",
      actor: "system",
      payload: { jobId: job.id, task: job.task_identifier, attempts: job.attempts, error: message },
    });
  } catch (auditError) {
    options.logger.error({ err: auditError, jobId: job.id }, "could not audit a failed job");
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** graphile-worker's log lines through ours (its chatter at debug). */
function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger((scope) => (level, message, meta) => {
    const bound = logger.child({ queue: { workerId: scope.workerId, jobId: scope.jobId } });
    const fields = meta ?? {};
    if (level === "error") bound.error(fields, message);
    else if (level === "warning") bound.warn(fields, message);
    else bound.debug(fields, message);
  });
}
