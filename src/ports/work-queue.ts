// Durable work: anything Slack was told about, or that moves money, is a request row and a job on
// the queue, written in one transaction, keyed by its idempotency key. The job carries only the key;
// the row carries what to do, how far a previous attempt got, and whether it is done, so a retried
// or duplicated job never answers, approves or orders twice.

/** What the workers know how to do (one file each under src/jobs/tasks). */
export const WORK_TASKS = [
  "slack_work",
  "orders_drain",
  "book_scan",
  "custodians_sync",
  "prices_refresh",
] as const;
export type WorkTask = (typeof WORK_TASKS)[number];

export interface WorkItem {
  task: WorkTask;
  /** The idempotency key: Slack's event or trigger id, plan id + decision, a schedule's slot. */
  key: string;
  payload: Record<string, unknown>;
  /** Not before (default: now). */
  runAt?: Date;
  /** Attempts before the job is dead-lettered (default 5). */
  maxAttempts?: number;
  /** Where it came from, carried into every log line of the job (Slack's request id, a schedule). */
  origin?: string;
}

export interface WorkRequest {
  key: string;
  task: WorkTask;
  payload: Record<string, unknown>;
  progress: Record<string, unknown>;
  origin: string | null;
  receivedAt: Date;
  completedAt: Date | null;
}

/** A job as `lotwise jobs` lists it. */
export interface JobListing {
  id: string;
  task: string;
  key: string | null;
  state: "waiting" | "running" | "retrying" | "dead";
  attempts: number;
  maxAttempts: number;
  runAt: string;
  lockedBy: string | null;
  lastError: string | null;
  createdAt: string;
}

export interface WorkQueue {
  /** Records the request and queues its job; a key already recorded changes nothing ("duplicate"). */
  enqueue(item: WorkItem): Promise<"enqueued" | "duplicate">;
  /** The request a job names (null: unknown key). */
  load(key: string): Promise<WorkRequest | null>;
  /** Steps done so far, merged into the request's progress. */
  saveProgress(key: string, progress: Record<string, unknown>): Promise<void>;
  /** Marks the request done: a later attempt of its job does nothing. */
  complete(key: string, at: Date): Promise<void>;
  /** Requests of `task` not done yet whose job is still to run (waiting, running or retrying). */
  countOpen(task: WorkTask): Promise<number>;
  /** Jobs on the queue, dead ones only with `failedOnly`. */
  listJobs(options: { failedOnly: boolean; limit: number }): Promise<JobListing[]>;
  /** A dead job back on the queue, due now, attempts reset; false when there is no such dead job. */
  retryJob(id: string): Promise<JobListing | null>;
}

/** Live workers, so a dead one's jobs are released at once rather than after the queue's lock timeout. */
export interface WorkerRegistry {
  /** Records (or refreshes) these workers as alive now, by the database's clock. */
  beat(workerIds: readonly string[], info: { host: string; pid: number; role: string }): Promise<void>;
  /**
   * Releases the jobs of workers silent for longer than `silentForMs` (and of workers that never
   * beat, holding a job that long), forgetting them; returns their ids.
   */
  releaseDead(silentForMs: number): Promise<string[]>;
  /** A worker that stopped cleanly. */
  forget(workerIds: readonly string[]): Promise<void>;
}
