// Scheduled work on the durable queue: each schedule that is not off has its next run queued as a job
// due then, keyed `<task>@<run instant>`, so any number of workers queueing the same run make one
// job. Each run, once it has run (or failed an attempt), queues the run after it; workers queue the
// next runs when they start, which also restarts a chain whose job ended dead. A queued run that is
// no longer one of its schedule's runs (the schedule changed or was turned off) is skipped.
import type { Logger } from "../logger.ts";
import type { Clock } from "../ports/clock.ts";
import type { WorkQueue, WorkRequest, WorkTask } from "../ports/work-queue.ts";
import { findNextRun, nextRunAfter, type Schedule } from "../schedule/next-run.ts";
import type { TaskHandler } from "./start-workers.ts";
import { type RefreshPricesDeps, refreshPricesTask } from "./tasks/refresh-prices.ts";
import { type ScanBookDeps, scanBookTask } from "./tasks/scan-book.ts";
import { type SyncCustodiansDeps, syncCustodiansTask } from "./tasks/sync-custodians.ts";

/** `config.schedules`: LOTWISE_SCAN_CRON, LOTWISE_SYNC_CRON, LOTWISE_PRICES_CRON. */
export interface Schedules {
  scan: Schedule | "off";
  sync: Schedule | "off";
  prices: Schedule | "off";
}

export const SCHEDULED_TASKS = {
  scan: "book_scan",
  sync: "custodians_sync",
  prices: "prices_refresh",
} as const satisfies Record<keyof Schedules, WorkTask>;

export type ScheduledTask = (typeof SCHEDULED_TASKS)[keyof Schedules];

export interface ScheduledRun {
  task: ScheduledTask;
  runAt: Date;
  outcome: "enqueued" | "duplicate";
}

const ORIGIN = "schedule";

/** The job for `task`'s run at `runAt`: the same key whoever queues it. */
export function runKey(task: WorkTask, runAt: Date): string {
  return `${task}@${runAt.toISOString()}`;
}

/** Queues each schedule's next run after `now` (schedules that are off queue nothing). */
export async function scheduleNext(
  queue: WorkQueue,
  schedules: Schedules,
  now: Date,
): Promise<ScheduledRun[]> {
  const runs: ScheduledRun[] = [];
  for (const [name, task] of Object.entries(SCHEDULED_TASKS) as [keyof Schedules, ScheduledTask][]) {
    const schedule = schedules[name];
    if (schedule === "off") continue;
    runs.push(await enqueueRunAfter(queue, task, schedule, now));
  }
  return runs;
}

async function enqueueRunAfter(
  queue: WorkQueue,
  task: ScheduledTask,
  schedule: Schedule,
  after: Date,
): Promise<ScheduledRun> {
  const runAt = nextRunAfter(schedule, after);
  const outcome = await queue.enqueue({
    task,
    key: runKey(task, runAt),
    payload: { runAt: runAt.toISOString() },
    runAt,
    origin: ORIGIN,
  });
  return { task, runAt, outcome };
}

export interface StartSchedulesOptions {
  queue: WorkQueue;
  schedules: Schedules;
  clock: Clock;
  logger: Logger;
}

/** At worker start: queues every schedule's next run and says when each runs (or that it is off). */
export async function startSchedules(options: StartSchedulesOptions): Promise<ScheduledRun[]> {
  const runs = await scheduleNext(options.queue, options.schedules, options.clock.now());
  for (const [name, task] of Object.entries(SCHEDULED_TASKS) as [keyof Schedules, ScheduledTask][]) {
    const run = runs.find((r) => r.task === task);
    if (run) options.logger.info({ task, runAt: run.runAt.toISOString() }, "next run scheduled");
    else options.logger.info({ task, schedule: name }, "schedule off");
  }
  return runs;
}

export interface ScheduledWorkDeps {
  queue: WorkQueue;
  schedules: Schedules;
  clock: Clock;
  scan: Omit<ScanBookDeps, "clock">;
  sync: Omit<SyncCustodiansDeps, "clock">;
  prices: Omit<RefreshPricesDeps, "clock">;
}

/** The scheduled tasks' handlers, each queueing its next run: merge into startWorkers' handlers. */
export function scheduledHandlers(deps: ScheduledWorkDeps): Record<ScheduledTask, TaskHandler> {
  const { clock } = deps;
  return scheduleAfterEachRun(
    {
      book_scan: scanBookTask({ ...deps.scan, clock }),
      custodians_sync: syncCustodiansTask({ ...deps.sync, clock }),
      prices_refresh: refreshPricesTask({ ...deps.prices, clock }),
    },
    deps,
  );
}

/** Wraps each scheduled task's handler so that every run queues the run after it. */
export function scheduleAfterEachRun(
  handlers: Record<ScheduledTask, TaskHandler>,
  deps: Pick<ScheduledWorkDeps, "queue" | "schedules" | "clock">,
): Record<ScheduledTask, TaskHandler> {
  const wrapped = {} as Record<ScheduledTask, TaskHandler>;
  for (const [name, task] of Object.entries(SCHEDULED_TASKS) as [keyof Schedules, ScheduledTask][]) {
    wrapped[task] = runThenScheduleNext(task, deps.schedules[name], handlers[task], deps);
  }
  return wrapped;
}

function runThenScheduleNext(
  task: ScheduledTask,
  schedule: Schedule | "off",
  handler: TaskHandler,
  deps: Pick<ScheduledWorkDeps, "queue" | "clock">,
): TaskHandler {
  return async (context) => {
    const slot = scheduledRunOf(context.request);
    if (schedule === "off") {
      if (slot) context.log.info({ runAt: slot.toISOString() }, "its schedule is off now; skipped");
      else await handler(context);
      return;
    }
    let failure: { error: unknown } | null = null;
    if (slot && !isRunOf(schedule, slot)) {
      context.log.info({ runAt: slot.toISOString() }, "no longer a run of its schedule; skipped");
    } else {
      failure = await handler(context).then(
        () => null,
        (error: unknown) => ({ error }),
      );
    }
    // After the later of its own run time and now: a run that ran late does not queue runs already past.
    const now = deps.clock.now();
    try {
      const next = await enqueueRunAfter(deps.queue, task, schedule, slot && slot > now ? slot : now);
      context.log.info({ next: next.runAt.toISOString(), outcome: next.outcome }, "next run scheduled");
    } catch (error) {
      if (!failure) throw error;
      context.log.error({ err: error }, "could not schedule the next run");
    }
    if (failure) throw failure.error;
  };
}

/** The run a scheduled job stands for; null for work queued by other means. */
function scheduledRunOf(request: WorkRequest): Date | null {
  const { runAt } = request.payload;
  if (runAt === undefined) return null;
  const slot = typeof runAt === "string" ? new Date(runAt) : null;
  if (!slot || Number.isNaN(slot.getTime())) {
    throw new Error(`scheduled request ${request.key} has no valid runAt: ${JSON.stringify(runAt)}`);
  }
  return slot;
}

function isRunOf(schedule: Schedule, instant: Date): boolean {
  return findNextRun(schedule, new Date(instant.getTime() - 1))?.getTime() === instant.getTime();
}
