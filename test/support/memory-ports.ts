// In-memory AuditLog and ConversationStore for tests that do not need the database. The audit log
// chains hashes like the real one, so order and integrity can be asserted the same way.
import { createHash } from "node:crypto";
import type { AuditEvent, AuditEventInput, AuditLog } from "../../src/ports/audit-log.ts";
import type {
  ConversationRef,
  ConversationStore,
  StoredMessage,
} from "../../src/ports/conversation-store.ts";

const GENESIS = "0".repeat(64);

export class MemoryAuditLog implements AuditLog {
  readonly events: AuditEvent[] = [];

  async append(event: AuditEventInput): Promise<AuditEvent> {
    const previous = this.events.filter((e) => e.stream === event.stream).at(-1);
    const seq = (previous?.seq ?? 0) + 1;
    const at = new Date().toISOString();
    const prevHash = previous?.hash ?? GENESIS;
    // Round-tripped through JSON so a test sees what a store would hand back.
    const payload = JSON.parse(JSON.stringify(event.payload ?? null)) as unknown;
    const hash = createHash("sha256")
      .update(JSON.stringify([prevHash, event.stream, seq, at, event.type, event.actor, payload]))
      .digest("hex");
    const stored: AuditEvent = { ...event, payload, seq, at, prevHash, hash };
    this.events.push(stored);
    return stored;
  }

  async read(stream: string): Promise<AuditEvent[]> {
    return this.events.filter((event) => event.stream === stream);
  }
}

export class MemoryConversationStore implements ConversationStore {
  private readonly conversations = new Map<string, ConversationRef>();
  private readonly byThread = new Map<string, string>();
  private readonly stored = new Map<string, StoredMessage[]>();

  async open(threadKey: string, _requestedBy: string | null): Promise<ConversationRef> {
    const existing = this.byThread.get(threadKey);
    const known = existing ? this.conversations.get(existing) : undefined;
    if (known) return known;
    const ref: ConversationRef = { id: `conv-${this.conversations.size + 1}`, threadKey, householdId: null };
    this.conversations.set(ref.id, ref);
    this.byThread.set(threadKey, ref.id);
    this.stored.set(ref.id, []);
    return ref;
  }

  async messages(conversationId: string): Promise<StoredMessage[]> {
    return structuredClone(this.list(conversationId));
  }

  async append(conversationId: string, messages: readonly Omit<StoredMessage, "seq">[]): Promise<void> {
    const list = this.list(conversationId);
    for (const message of messages) {
      list.push({ seq: list.length + 1, role: message.role, content: structuredClone(message.content) });
    }
  }

  async setHousehold(conversationId: string, householdId: string): Promise<void> {
    const ref = this.conversations.get(conversationId);
    if (!ref) throw new Error(`no conversation ${conversationId}`);
    this.conversations.set(conversationId, { ...ref, householdId });
  }

  private list(conversationId: string): StoredMessage[] {
    const list = this.stored.get(conversationId);
    if (!list) throw new Error(`no conversation ${conversationId}`);
    return list;
  }
}
