// The append-only, hash-chained audit log: every message, model call, tool call, plan, click and
// order is an event. Each event's hash covers the previous one's, so any edit breaks the chain; one
// gapless global sequence and signed checkpoints anchor where the log ends.
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
  /** 1, 2, 3... over every stream, in commit order; not part of the hash. */
  globalSeq: number;
  seq: number;
  at: string;
  prevHash: string;
  hash: string;
}

export interface AuditLog {
  append(event: AuditEventInput): Promise<AuditEvent>;
  /** The stream's events in order. */
  read(stream: string): Promise<AuditEvent[]>;
  /** Every event (or those with `at` in [from, to)), by global sequence. */
  readAll(range?: { from?: string; to?: string }): Promise<AuditEvent[]>;
  /** At most `limit` events with a global sequence above `afterGlobalSeq`, by global sequence. */
  readPage(afterGlobalSeq: number, limit: number): Promise<AuditEvent[]>;
}

/** A stream's last event as of some point of the log. */
export interface StreamHead {
  stream: string;
  seq: number;
  hash: string;
}

export type SignatureAlgorithm = "ed25519" | "hmac-sha256";

/**
 * Where the log ended when it was signed: its last global sequence, how many events there were, a
 * digest over every stream's head, the heads that changed since the previous checkpoint and that
 * checkpoint's digest, signed with a key kept outside the database.
 */
export interface AuditCheckpoint {
  globalSeq: number;
  eventCount: number;
  headsDigest: string;
  /** The heads that changed since the previous checkpoint, by stream. */
  heads: StreamHead[];
  prevDigest: string | null;
  at: string;
  algorithm: SignatureAlgorithm;
  keyId: string;
  signature: string;
}

/** The log as the next checkpoint sees it, read under the checkpoint lock. */
export interface CheckpointState {
  previous: AuditCheckpoint | null;
  globalSeq: number;
  eventCount: number;
  /** Every stream's head as of `globalSeq`. */
  heads: StreamHead[];
  /** The heads of the streams that have events after the previous checkpoint. */
  changed: StreamHead[];
}

/** A row that must have an audit stream: a stored plan, a conversation with messages. */
export interface RecordWithoutStream {
  stream: string;
  what: string;
}

export interface AuditCheckpointStore {
  /** The log's last global sequence and the latest checkpoint's (0 for none). */
  progress(): Promise<{ logGlobalSeq: number; checkpointGlobalSeq: number }>;
  /**
   * Under one lock: when the log has moved past the latest checkpoint, `sign` turns its state into
   * the next checkpoint, which is stored and returned; otherwise nothing is written (null).
   */
  append(sign: (state: CheckpointState) => AuditCheckpoint): Promise<AuditCheckpoint | null>;
  /** Every stored checkpoint, by global sequence. */
  list(): Promise<AuditCheckpoint[]>;
  /** Plans without a `plan.drafted` event on their stream; conversations with messages and no stream. */
  recordsWithoutStream(): Promise<RecordWithoutStream[]>;
}
