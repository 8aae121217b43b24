// Conversation state per thread, persisted (never only in memory): the messages exchanged with the
// model, in order, so a thread can continue after a restart and compliance can read it back.
export interface ConversationRef {
  id: string;
  threadKey: string;
  householdId: string | null;
}

export interface StoredMessage {
  seq: number;
  role: "user" | "assistant";
  /** The Messages API content: a string or content blocks (text, tool_use, tool_result). */
  content: unknown;
}

export interface ConversationStore {
  /** The conversation for a thread ("cli:<session>", "slack:<team>:<channel>:<ts>"), created on first use. */
  open(threadKey: string, requestedBy: string | null): Promise<ConversationRef>;
  /** A conversation by its id or its thread key; null if there is none. */
  find(idOrThreadKey: string): Promise<ConversationRef | null>;
  messages(conversationId: string): Promise<StoredMessage[]>;
  append(conversationId: string, messages: readonly Omit<StoredMessage, "seq">[]): Promise<void>;
  setHousehold(conversationId: string, householdId: string): Promise<void>;
}
