// The append-only, hash-chained audit log: every message, model call, tool call, plan, click and
// order is an event. Each event's hash covers the previous one's, so any edit breaks the chain.
export interface AuditEventInput {
  /** One chain per stream, e.g. "conversation:<id>". */
  stream: string;
  /** "message.received", "model.request", "model.response", "tool.call", "tool.result", ... */
  type: string;
  /** Who caused it: "user:<id>", "assistant", "system", "cli". */
  actor: string;
  /** JSON-ready data; stored as is and hashed canonically. */
  payload: unknown;
}

export interface AuditEvent extends AuditEventInput {
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

export interface AuditLog {
  append(event: AuditEventInput): Promise<AuditEvent>;
  /** The stream's events in order. */
  read(stream: string): Promise<AuditEvent[]>;
  /** Every event (or those with `at` in [from, to)), by stream then sequence. */
  readAll(range?: { from?: string; to?: string }): Promise<AuditEvent[]>;
}
