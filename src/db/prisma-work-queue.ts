// The work queue on the database: a work_request row and a graphile-worker job, written by one
// statement (so in one transaction, also inside a larger one: enqueueWorkIn). The job's key is the
// request's key, and its payload only names the key.
import type { JobListing, WorkItem, WorkQueue, WorkRequest, WorkTask } from "../ports/work-queue.ts";
import type { Prisma, PrismaClient } from "./generated/client.ts";

const DEFAULT_MAX_ATTEMPTS = 5;

type Sql = Pick<PrismaClient, "$queryRawUnsafe" | "$executeRawUnsafe"> | Prisma.TransactionClient;

/** Records the request and queues its job in the caller's transaction (or as one statement). */
export async function enqueueWorkIn(sql: Sql, item: WorkItem): Promise<"enqueued" | "duplicate"> {
  const rows = await sql.$queryRawUnsafe<{ key: string }[]>(
    `WITH recorded AS (
       INSERT INTO work_request (key, task, payload, origin) VALUES ($1, $2, $3::jsonb, $4)
       ON CONFLICT (key) DO NOTHING RETURNING key)
     SELECT recorded.key FROM recorded,
       LATERAL graphile_worker.add_job($2, json_build_object('key', $1), run_at => $5::timestamptz,
         max_attempts => $6::int, job_key => $1, job_key_mode => 'unsafe_dedupe') job`,
    item.key,
    item.task,
    JSON.stringify(item.payload),
    item.origin ?? null,
    (item.runAt ?? null)?.toISOString() ?? null,
    item.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  );
  return rows.length === 1 ? "enqueued" : "duplicate";
}

interface JobRow {
  id: string;
  task: string;
  key: string | null;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  locked_by: string | null;
  last_error: string | null;
  created_at: Date;
}

const JOB_COLUMNS = `id::text, task_identifier AS task, key, attempts, max_attempts, run_at, locked_by,
  last_error, created_at`;

function toListing(row: JobRow): JobListing {
  const state: JobListing["state"] =
    row.locked_by !== null
      ? "running"
      : row.attempts >= row.max_attempts
        ? "dead"
        : row.attempts > 0
          ? "retrying"
          : "waiting";
  return {
    id: row.id,
    task: row.task,
    key: row.key,
    state,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: row.run_at.toISOString(),
    lockedBy: row.locked_by,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
  };
}

export function createPrismaWorkQueue(prisma: PrismaClient): WorkQueue {
  return {
    enqueue: (item) => enqueueWorkIn(prisma, item),
    async load(key) {
      const row = await prisma.workRequest.findUnique({ where: { key } });
      if (!row) return null;
      return {
        key: row.key,
        task: row.task as WorkTask,
        payload: row.payload as Record<string, unknown>,
        progress: row.progress as Record<string, unknown>,
        origin: row.origin,
        receivedAt: row.receivedAt,
        completedAt: row.completedAt,
      } satisfies WorkRequest;
    },
    async saveProgress(key, progress) {
      await prisma.$executeRawUnsafe(
        "UPDATE work_request SET progress = progress || $2::jsonb WHERE key = $1",
        key,
        JSON.stringify(progress),
      );
    },
    async complete(key, at) {
      await prisma.workRequest.updateMany({ where: { key, completedAt: null }, data: { completedAt: at } });
    },
    async countOpen(task) {
      const [row] = await prisma.$queryRawUnsafe<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM work_request r JOIN graphile_worker.jobs j ON j.key = r.key
          WHERE r.task = $1 AND r.completed_at IS NULL AND j.attempts < j.max_attempts`,
        task,
      );
      return row?.n ?? 0;
    },
    async listJobs({ failedOnly, limit }) {
      const rows = await prisma.$queryRawUnsafe<JobRow[]>(
        `SELECT ${JOB_COLUMNS} FROM graphile_worker.jobs
          ${failedOnly ? "WHERE attempts >= max_attempts AND locked_by IS NULL" : ""}
          ORDER BY run_at, id LIMIT $1`,
        limit,
      );
      return rows.map(toListing);
    },
    async retryJob(id) {
      if (!/^\d+$/.test(id)) return null;
      return prisma.$transaction(async (tx) => {
        const [dead] = await tx.$queryRawUnsafe<JobRow[]>(
          `SELECT ${JOB_COLUMNS} FROM graphile_worker.jobs
            WHERE id = $1::bigint AND attempts >= max_attempts AND locked_by IS NULL`,
          id,
        );
        if (!dead) return null;
        const [due] = await tx.$queryRawUnsafe<{ run_at: Date }[]>(
          `SELECT run_at FROM graphile_worker.reschedule_jobs(ARRAY[$1::bigint], run_at => now(), attempts => 0)`,
          id,
        );
        // As rescheduled (a worker may take it the moment this commits).
        return toListing({ ...dead, attempts: 0, run_at: due?.run_at ?? dead.run_at });
      });
    },
  };
}
