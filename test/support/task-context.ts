// Running a job's handler in the test's own process: the context a worker would give it (the request,
// progress saved where the worker saves it, a log whose lines the test can read).
import type { TaskContext } from "../../src/jobs/start-workers.ts";
import { createLogger, type Logger } from "../../src/logger.ts";
import type { WorkItem, WorkQueue, WorkRequest } from "../../src/ports/work-queue.ts";

export interface CapturedLog {
  log: Logger;
  lines: Record<string, unknown>[];
}

export function captureLog(): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger(
    { level: "info", pretty: false },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  return { log, lines };
}

/** The context for the request `key` on the queue: progress is saved on the queue. */
export async function queuedContext(queue: WorkQueue, key: string, log: Logger): Promise<TaskContext> {
  const request = await queue.load(key);
  if (!request) throw new Error(`no request ${key} on the queue`);
  return {
    request,
    log,
    jobId: "test",
    attempt: 1,
    saveProgress: (progress) => queue.saveProgress(key, progress),
    signal: new AbortController().signal,
  };
}

/** A context for a request held in memory: progress is merged into `request.progress`. */
export function memoryContext(log: Logger, request: Partial<WorkRequest> = {}): TaskContext {
  const held: WorkRequest = {
    key: "test:1",
    task: "book_scan",
    payload: {},
    progress: {},
    origin: null,
    receivedAt: new Date(0),
    completedAt: null,
    ...request,
  };
  return {
    request: held,
    log,
    jobId: "test",
    attempt: 1,
    saveProgress: async (progress) => {
      held.progress = { ...held.progress, ...progress };
    },
    signal: new AbortController().signal,
  };
}

/** A queue that only takes work, deduplicated by key as the real one is. */
export function memoryQueue(): WorkQueue & { items: Map<string, WorkItem> } {
  const items = new Map<string, WorkItem>();
  const unused = () => {
    throw new Error("not in the memory queue");
  };
  return {
    items,
    async enqueue(item) {
      if (items.has(item.key)) return "duplicate";
      items.set(item.key, item);
      return "enqueued";
    },
    load: unused,
    saveProgress: unused,
    complete: unused,
    countOpen: unused,
    listJobs: unused,
    retryJob: unused,
  };
}
