// Worker heartbeats and crash recovery on the database. A worker process killed mid-job (kill -9,
// OOM, power) never unlocks its jobs, and graphile-worker only frees such a lock after four hours:
// every worker beats here, and any worker silent past the window has its jobs released at once
// (graphile_worker.force_unlock_workers), so another worker retries them within the window.
import type { WorkerRegistry } from "../ports/work-queue.ts";
import type { PrismaClient } from "./generated/client.ts";

export function createPrismaWorkerRegistry(prisma: PrismaClient): WorkerRegistry {
  return {
    async beat(workerIds, info) {
      if (workerIds.length === 0) return;
      await prisma.$executeRawUnsafe(
        `INSERT INTO worker_heartbeat (worker_id, host, pid, role, started_at, beat_at)
         SELECT id, $2, $3, $4, now(), now() FROM unnest($1::text[]) id
         ON CONFLICT (worker_id) DO UPDATE SET beat_at = now()`,
        [...workerIds],
        info.host,
        info.pid,
        info.role,
      );
    },
    async releaseDead(silentForMs) {
      const rows = await prisma.$queryRawUnsafe<{ worker_id: string }[]>(
        `WITH silent AS (
           DELETE FROM worker_heartbeat WHERE beat_at < now() - make_interval(secs => $1::float8 / 1000)
           RETURNING worker_id),
         unknown AS (
           SELECT DISTINCT locked_by AS worker_id FROM graphile_worker.jobs j
            WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1::float8 / 1000)
              AND NOT EXISTS (SELECT 1 FROM worker_heartbeat h WHERE h.worker_id = j.locked_by)),
         dead AS (SELECT worker_id FROM silent UNION SELECT worker_id FROM unknown)
         SELECT worker_id FROM dead, LATERAL graphile_worker.force_unlock_workers(ARRAY[dead.worker_id]) released`,
        silentForMs,
      );
      return rows.map((row) => row.worker_id).sort();
    },
    async forget(workerIds) {
      if (workerIds.length === 0) return;
      await prisma.$executeRawUnsafe("DELETE FROM worker_heartbeat WHERE worker_id = ANY($1::text[])", [
        ...workerIds,
      ]);
    },
  };
}
