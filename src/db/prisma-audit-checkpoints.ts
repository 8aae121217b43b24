// Audit checkpoints on PostgreSQL/PGlite (the audit_checkpoint table, append-only). A checkpoint is
// built under its own advisory lock from one reading of the log, so two writers never fork the
// checkpoint chain; nothing is written when the log has not moved since the latest one.
import type {
  AuditCheckpoint,
  AuditCheckpointStore,
  RecordWithoutStream,
  StreamHead,
} from "../ports/audit-log.ts";
import type { AuditCheckpoint as CheckpointRow, PrismaClient } from "./generated/client.ts";

// Reading every stream's head scans the log; a large one needs more than Prisma's 5 s default.
const CHECKPOINT_TIMEOUT_MS = 120_000;

export function createPrismaAuditCheckpoints(prisma: PrismaClient): AuditCheckpointStore {
  return {
    async progress() {
      const [log, checkpoint] = await Promise.all([
        prisma.auditEvent.aggregate({ _max: { globalSeq: true } }),
        prisma.auditCheckpoint.aggregate({ _max: { globalSeq: true } }),
      ]);
      return {
        logGlobalSeq: Number(log._max.globalSeq ?? 0n),
        checkpointGlobalSeq: Number(checkpoint._max.globalSeq ?? 0n),
      };
    },
    append: (sign) =>
      prisma.$transaction(
        async (tx) => {
          await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('audit:checkpoint'))`;
          const latest = await tx.auditCheckpoint.findFirst({
            orderBy: [{ globalSeq: "desc" }, { id: "desc" }],
          });
          const previous = latest ? toCheckpoint(latest) : null;
          const top = await tx.auditEvent.aggregate({ _max: { globalSeq: true } });
          const globalSeq = top._max.globalSeq ?? 0n;
          if (globalSeq <= BigInt(previous?.globalSeq ?? 0)) return null;
          const eventCount = await tx.auditEvent.count({ where: { globalSeq: { lte: globalSeq } } });
          const rows = await tx.$queryRaw<
            { stream: string; seq: number; hash: string; global_seq: bigint }[]
          >`
            SELECT DISTINCT ON (stream) stream, seq, hash, global_seq
            FROM audit_event WHERE global_seq <= ${globalSeq}
            ORDER BY stream, seq DESC`;
          const after = BigInt(previous?.globalSeq ?? 0);
          const head = (row: (typeof rows)[number]): StreamHead => ({
            stream: row.stream,
            seq: Number(row.seq),
            hash: row.hash,
          });
          const checkpoint = sign({
            previous,
            globalSeq: Number(globalSeq),
            eventCount,
            heads: rows.map(head),
            changed: rows.filter((row) => BigInt(row.global_seq) > after).map(head),
          });
          await tx.auditCheckpoint.create({
            data: {
              globalSeq: BigInt(checkpoint.globalSeq),
              eventCount: BigInt(checkpoint.eventCount),
              headsDigest: checkpoint.headsDigest,
              heads: checkpoint.heads.map((h) => ({ stream: h.stream, seq: h.seq, hash: h.hash })),
              prevDigest: checkpoint.prevDigest,
              algorithm: checkpoint.algorithm,
              keyId: checkpoint.keyId,
              signature: checkpoint.signature,
              at: new Date(checkpoint.at),
            },
          });
          return checkpoint;
        },
        { timeout: CHECKPOINT_TIMEOUT_MS, maxWait: CHECKPOINT_TIMEOUT_MS },
      ),
    async list() {
      const rows = await prisma.auditCheckpoint.findMany({ orderBy: [{ globalSeq: "asc" }, { id: "asc" }] });
      return rows.map(toCheckpoint);
    },
    async recordsWithoutStream() {
      // plan.drafted is recorded by the assistant for every plan it stores (the only path that stores one).
      return prisma.$queryRaw<RecordWithoutStream[]>`
        SELECT 'plan:' || p.id AS stream, 'plan ' || p.id || ' has no plan.drafted event' AS what
        FROM plan p
        WHERE NOT EXISTS (
          SELECT 1 FROM audit_event e WHERE e.stream = 'plan:' || p.id AND e.type = 'plan.drafted')
        UNION ALL
        SELECT 'conversation:' || c.id, 'conversation ' || c.id || ' has messages but no audit events'
        FROM conversation c
        WHERE EXISTS (SELECT 1 FROM conversation_message m WHERE m.conversation_id = c.id)
          AND NOT EXISTS (SELECT 1 FROM audit_event e WHERE e.stream = 'conversation:' || c.id)
        ORDER BY 1`;
    },
  };
}

function toCheckpoint(row: CheckpointRow): AuditCheckpoint {
  return {
    globalSeq: Number(row.globalSeq),
    eventCount: Number(row.eventCount),
    headsDigest: row.headsDigest,
    heads: headsOf(row.heads),
    prevDigest: row.prevDigest,
    at: row.at.toISOString(),
    algorithm: row.algorithm as AuditCheckpoint["algorithm"],
    keyId: row.keyId,
    signature: row.signature,
  };
}

// The column is only ever written by `append`; anything else in it fails the signature check.
function headsOf(value: unknown): StreamHead[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (h): h is StreamHead =>
      typeof h === "object" &&
      h !== null &&
      typeof h.stream === "string" &&
      typeof h.seq === "number" &&
      typeof h.hash === "string",
  );
}
