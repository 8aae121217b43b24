// Conversation state per thread in the database, so a thread survives restarts and can be read back.
import { randomUUID } from "node:crypto";
import type { ConversationStore, StoredMessage } from "../ports/conversation-store.ts";
import type { PrismaClient } from "./generated/client.ts";

export function createPrismaConversationStore(prisma: PrismaClient): ConversationStore {
  return {
    async open(threadKey, requestedBy) {
      const row = await prisma.conversation.upsert({
        where: { threadKey },
        update: {},
        create: { id: `conv-${randomUUID()}`, threadKey, requestedBy },
      });
      return { id: row.id, threadKey: row.threadKey, householdId: row.householdId };
    },
    async find(idOrThreadKey) {
      const row = await prisma.conversation.findFirst({
        where: { OR: [{ id: idOrThreadKey }, { threadKey: idOrThreadKey }] },
      });
      return row ? { id: row.id, threadKey: row.threadKey, householdId: row.householdId } : null;
    },
    async messages(conversationId) {
      const rows = await prisma.conversationMessage.findMany({
        where: { conversationId },
        orderBy: { seq: "asc" },
      });
      return rows.map((row) => ({
        seq: row.seq,
        role: row.role as StoredMessage["role"],
        content: row.content,
      }));
    },
    append: (conversationId, messages) =>
      prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`conversation:${conversationId}`}))`;
        const last = await tx.conversationMessage.findFirst({
          where: { conversationId },
          orderBy: { seq: "desc" },
          select: { seq: true },
        });
        let seq = last?.seq ?? 0;
        for (const message of messages) {
          seq += 1;
          await tx.conversationMessage.create({
            data: { conversationId, seq, role: message.role, content: message.content as object },
          });
        }
      }),
    async setHousehold(conversationId, householdId) {
      await prisma.conversation.update({ where: { id: conversationId }, data: { householdId } });
    },
  };
}
