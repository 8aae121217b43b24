// lotwise jobs [--failed] | jobs retry <id>: the durable job queue as it stands (waiting, running,
// retrying, dead) and the way a dead job goes back on it. Listing needs jobs.read (COMPLIANCE, ADMIN,
// the local operator); retrying needs jobs.manage (ADMIN, the operator) and is audited on the job's
// stream, as the principal who did it.
import { actorOf } from "../../access/principal.ts";
import type { OpenedStore } from "../../main.ts";
import type { JobListing, WorkQueue } from "../../ports/work-queue.ts";
import { withPrincipal } from "../act-as.ts";
import { CliError, type Command, UsageError } from "../command.ts";
import { renderTable } from "../format.ts";

const DEFAULT_LIMIT = 50;
const ERROR_WIDTH = 60;

export const QUEUE_NOT_INSTALLED =
  "the job queue is not installed in this database yet: run `lotwise serve` once or `lotwise db migrate`";

// Until the composition root hands the work queue over with the other stores, build it over the
// opened database (loaded on first use, like the other Prisma stores).
async function workQueueOf(opened: OpenedStore): Promise<WorkQueue> {
  const { createPrismaWorkQueue } = await import("../../db/prisma-work-queue.ts");
  return createPrismaWorkQueue(opened.database.prisma);
}

/** Runs a queue call; a database without the graphile_worker schema is one clear line, not a trace. */
async function onQueue<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isQueueMissing(error)) throw new CliError(QUEUE_NOT_INSTALLED);
    throw error;
  }
}

/** PostgreSQL's "undefined table" or "invalid schema name", about graphile_worker. */
function isQueueMissing(error: unknown): boolean {
  const text = `${(error as Error)?.message ?? ""} ${JSON.stringify((error as { meta?: unknown })?.meta ?? {})}`;
  return /graphile_worker/.test(text) && /does not exist|42P01|3F000/.test(text);
}

export const jobsCommand: Command = {
  name: "jobs",
  summary: "List the job queue: waiting, running, retrying and dead jobs",
  usage: "lotwise jobs [--failed] [--limit <n>] [--json]",
  details: [
    "Every job on the durable queue, soonest due first: its id, task, idempotency key, state",
    "(waiting, running, retrying, or dead once it has used every attempt), attempts, when it is due",
    "and the first line of its last error. --failed lists only the dead ones (the dead letters); put",
    "one back with lotwise jobs retry <id>. Needs the COMPLIANCE or ADMIN role (or the local operator).",
    "",
    "Examples:",
    "  lotwise jobs",
    "  lotwise jobs --failed",
    "  lotwise jobs --limit 200 --json > jobs.json",
  ].join("\n"),
  options: {
    failed: { type: "boolean", default: false },
    limit: { type: "string" },
    json: { type: "boolean", default: false },
  },
  optionHelp: {
    failed: "only dead jobs: those that used every attempt",
    limit: `jobs to list (default ${DEFAULT_LIMIT})`,
    json: "print { jobs: [...] }",
  },
  actsAs: true,
  run(context, { values }) {
    const failedOnly = Boolean(values.failed);
    const limit = limitOption(values.limit);
    const json = Boolean(values.json);
    const options = { quiet: json, command: "jobs", needs: "jobs.read" } as const;
    return withPrincipal(context, options, async (opened, progress) => {
      const queue = await workQueueOf(opened);
      const jobs = await onQueue(() => queue.listJobs({ failedOnly, limit }));
      progress.done();
      context.io.stdout.write(json ? `${JSON.stringify({ jobs }, null, 2)}\n` : renderJobs(jobs, failedOnly));
      return 0;
    });
  },
};

export const jobsRetryCommand: Command = {
  name: "jobs retry",
  summary: "Put a dead job back on the queue, due now, with its attempts reset",
  usage: "lotwise jobs retry <id> [--json]",
  details: [
    "<id> is a dead job's id, from lotwise jobs --failed. The job runs again as soon as a worker is",
    "free; its request remembers how far earlier attempts got, so nothing done is done twice. Each",
    "retry is an audit event (job.retried) on the job's stream. Needs the ADMIN role (or the local",
    "operator).",
    "",
    "Examples:",
    "  lotwise jobs retry 42",
    "  lotwise jobs retry 42 --as U0ADMIN1 --json",
  ].join("\n"),
  options: { json: { type: "boolean", default: false } },
  optionHelp: { json: "print the rescheduled job" },
  positionals: { min: 1, max: 1 },
  actsAs: true,
  run(context, { values, positionals }) {
    const id = (positionals[0] as string).trim();
    if (!/^\d{1,19}$/.test(id)) throw new UsageError(`job ids are whole numbers, not "${id}"`);
    const json = Boolean(values.json);
    const options = { quiet: json, command: "jobs retry", needs: "jobs.manage" } as const;
    return withPrincipal(context, options, async (opened, progress, principal) => {
      const queue = await workQueueOf(opened);
      const job = await onQueue(() => queue.retryJob(id));
      if (!job) {
        throw new CliError(`job ${id} is not a dead job (see lotwise jobs --failed); nothing was retried`);
      }
      await opened.audit.append({
        stream: `job:${job.key ?? job.id}`,
        type: "job.retried",
        actor: actorOf(principal),
        // A dead job has used every attempt it had: the queue never runs one past its maximum.
        payload: { jobId: job.id, task: job.task, key: job.key, attemptsBefore: job.maxAttempts },
      });
      progress.done();
      context.io.stdout.write(json ? `${JSON.stringify(job, null, 2)}\n` : `${retriedSentence(job)}\n`);
      return 0;
    });
  },
};

function limitOption(value: unknown): number {
  if (value === undefined) return DEFAULT_LIMIT;
  const text = String(value);
  if (!/^\d{1,7}$/.test(text) || Number.parseInt(text, 10) === 0) {
    throw new UsageError(`--limit must be a positive whole number, not "${text}"`);
  }
  return Number.parseInt(text, 10);
}

function retriedSentence(job: JobListing): string {
  const key = job.key === null ? "" : `, key ${job.key}`;
  return `Job ${job.id} (${job.task}${key}) is back on the queue: due ${dueText(job.runAt)}, attempts reset to ${job.attempts} of ${job.maxAttempts}.`;
}

/** The table for people; the last error is its first line, cut to fit. */
export function renderJobs(jobs: readonly JobListing[], failedOnly: boolean): string {
  if (jobs.length === 0) return failedOnly ? "No failed jobs.\n" : "No jobs.\n";
  return `${renderTable(jobs, [
    { header: "ID", value: (j) => j.id, align: "right" },
    { header: "TASK", value: (j) => j.task },
    { header: "KEY", value: (j) => j.key ?? "-" },
    { header: "STATE", value: (j) => j.state },
    { header: "ATTEMPTS", value: (j) => `${j.attempts}/${j.maxAttempts}`, align: "right" },
    { header: "DUE", value: (j) => dueText(j.runAt) },
    { header: "LAST ERROR", value: (j) => firstLine(j.lastError) },
  ])}\n`;
}

/** "2026-11-20T14:58:03.120Z" -> "2026-11-20 14:58:03 UTC": retries back off by seconds. */
function dueText(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function firstLine(text: string | null): string {
  const line = text?.split("\n")[0]?.trim() ?? "";
  if (line === "") return "-";
  return line.length > ERROR_WIDTH ? `${line.slice(0, ERROR_WIDTH - 1)}…` : line;
}
