// The audit log on PostgreSQL/PGlite: one hash chain per stream and one gapless global sequence.
// Appends are serialised with one transaction-scoped advisory lock, so concurrent writers extend
// the chains in turn instead of forking them, and global sequence numbers are given out in commit
// order. The table refuses UPDATE and DELETE (append_only_guards).
import { GENESIS_HASH, hashEvent } from "../audit/chain.ts";
import { scrubSecrets } from "../audit/scrub-secrets.ts";
import type { AuditEvent, AuditEventInput, AuditLog } from "../ports/audit-log.ts";
import type { Clock } from "../ports/clock.ts";
import type { PrismaClient } from "./generated/client.ts";

export function createPrismaAuditLog(prisma: PrismaClient, clock: Clock): AuditLog {
  return {
    append: (input) =>
      prisma.$transaction(async (tx) => {
        // One global lock: the global sequence is gapless and in commit order.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('audit:global'))`;
        const top = await tx.auditEvent.aggregate({ _max: { globalSeq: true } });
        const globalSeq = (top._max.globalSeq ?? 0n) + 1n;
        const last = await tx.auditEvent.findFirst({
          where: { stream: input.stream },
          orderBy: { seq: "desc" },
          select: { seq: true, hash: true },
        });
        const event = chained(
          input,
          Number(globalSeq),
          last?.seq ?? 0,
          last?.hash ?? GENESIS_HASH,
          clock.now().toISOString(),
        );
        await tx.auditEvent.create({
          data: {
            globalSeq,
            stream: event.stream,
            seq: event.seq,
            type: event.type,
            actor: event.actor,
            payload: event.payload as object,
            prevHash: event.prevHash,
            hash: event.hash,
            at: new Date(event.at),
          },
        });
        return event;
      }),
    async read(stream) {
      const rows = await prisma.auditEvent.findMany({ where: { stream }, orderBy: { seq: "asc" } });
      return rows.map(toEvent);
    },
    async readAll(range = {}) {
      const at = {
        ...(range.from ? { gte: new Date(range.from) } : {}),
        ...(range.to ? { lt: new Date(range.to) } : {}),
      };
      const rows = await prisma.auditEvent.findMany({
        ...(range.from || range.to ? { where: { at } } : {}),
        orderBy: { globalSeq: "asc" },
      });
      return rows.map(toEvent);
    },
    async readPage(afterGlobalSeq, limit) {
      const rows = await prisma.auditEvent.findMany({
        where: { globalSeq: { gt: BigInt(afterGlobalSeq) } },
        orderBy: { globalSeq: "asc" },
        take: limit,
      });
      return rows.map(toEvent);
    },
  };
}

function toEvent(row: {
  globalSeq: bigint;
  stream: string;
  seq: number;
  type: string;
  actor: string;
  payload: unknown;
  prevHash: string;
  hash: string;
  at: Date;
}): AuditEvent {
  return {
    globalSeq: Number(row.globalSeq),
    stream: row.stream,
    seq: row.seq,
    type: row.type,
    actor: row.actor,
    payload: row.payload,
    prevHash: row.prevHash,
    hash: row.hash,
    at: row.at.toISOString(),
  };
}

function chained(
  input: AuditEventInput,
  globalSeq: number,
  lastSeq: number,
  prevHash: string,
  at: string,
): AuditEvent {
  // Round-trip the payload through JSON so what is hashed is exactly what is stored and read back.
  const payload = scrubSecrets(JSON.parse(JSON.stringify(input.payload ?? null)) as unknown);
  const event = {
    stream: input.stream,
    seq: lastSeq + 1,
    type: input.type,
    actor: input.actor,
    at,
    payload,
    prevHash,
  };
  return { ...event, globalSeq, hash: hashEvent(event) };
}
