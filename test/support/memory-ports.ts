// In-memory AuditLog and ConversationStore for tests that do not need the database. The audit log
// chains hashes like the real one, so order and integrity can be asserted the same way.
import { GENESIS_HASH as GENESIS, hashEvent } from "../../src/audit/chain.ts";
import type { AuditEvent, AuditEventInput, AuditLog } from "../../src/ports/audit-log.ts";
import type {
  ConversationRef,
  ConversationStore,
  StoredMessage,
} from "../../src/ports/conversation-store.ts";

export class MemoryAuditLog implements AuditLog {
  readonly events: AuditEvent[] = [];

  async append(event: AuditEventInput): Promise<AuditEvent> {
    const previous = this.events.filter((e) => e.stream === event.stream).at(-1);
    const seq = (previous?.seq ?? 0) + 1;
    const at = new Date().toISOString();
    const prevHash = previous?.hash ?? GENESIS;
    // Round-tripped through JSON so a test sees what a store would hand back.
    const payload = JSON.parse(JSON.stringify(event.payload ?? null)) as unknown;
    const unhashed = {
      stream: event.stream,
      type: event.type,
      actor: event.actor,
      payload,
      seq,
      at,
      prevHash,
    };
    const stored: AuditEvent = { ...unhashed, globalSeq: this.events.length + 1, hash: hashEvent(unhashed) };
    this.events.push(stored);
    return stored;
  }

  async read(stream: string): Promise<AuditEvent[]> {
    return this.events.filter((event) => event.stream === stream);
  }

  async readAll(range: { from?: string; to?: string } = {}): Promise<AuditEvent[]> {
    return this.events
      .filter((e) => (!range.from || e.at >= range.from) && (!range.to || e.at < range.to))
      .sort((a, b) => a.globalSeq - b.globalSeq);
  }

  async readPage(afterGlobalSeq: number, limit: number): Promise<AuditEvent[]> {
    return this.events.filter((e) => e.globalSeq > afterGlobalSeq).slice(0, limit);
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

  async find(idOrThreadKey: string): Promise<ConversationRef | null> {
    const id = this.byThread.get(idOrThreadKey) ?? idOrThreadKey;
    return this.conversations.get(id) ?? null;
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
