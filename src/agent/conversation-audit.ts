// Audit events of one conversation, all on the stream "conversation:<id>".
import type { AuditLog } from "../ports/audit-log.ts";

export type AuditActor = "assistant" | "system" | `${"user" | "operator" | "unknown"}:${string}`;
export type ConversationAudit = (type: string, actor: AuditActor, payload: unknown) => Promise<void>;

export function conversationStream(conversationId: string): string {
  return `conversation:${conversationId}`;
}

export function conversationAudit(log: AuditLog, conversationId: string): ConversationAudit {
  const stream = conversationStream(conversationId);
  return async (type, actor, payload) => {
    await log.append({ stream, type, actor, payload });
  };
}
