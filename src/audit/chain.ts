// The audit chain: each event's hash is sha256 over the previous event's hash and the event's
// canonical content, so editing, removing or reordering any event breaks every hash after it.
import { createHash } from "node:crypto";
import type { AuditEvent } from "../ports/audit-log.ts";
import { canonicalJson } from "./canonical-json.ts";

export const GENESIS_HASH = "0".repeat(64);

/** The fields a hash covers: the global sequence is not one of them. */
export type HashedFields = Pick<
  AuditEvent,
  "stream" | "seq" | "type" | "actor" | "at" | "payload" | "prevHash"
>;

export function hashEvent(event: HashedFields): string {
  const content = canonicalJson({
    stream: event.stream,
    seq: event.seq,
    type: event.type,
    actor: event.actor,
    at: event.at,
    payload: event.payload,
  });
  return createHash("sha256").update(`${event.prevHash}\n${content}`).digest("hex");
}

export type ChainProblem = { seq: number; problem: "broken-link" | "bad-hash" | "gap" };

/** Checks a stream read back in order: sequence without gaps, links, and every hash. */
export function verifyChain(events: readonly AuditEvent[]): ChainProblem[] {
  const problems: ChainProblem[] = [];
  let prevHash = GENESIS_HASH;
  events.forEach((event, index) => {
    if (event.seq !== index + 1) problems.push({ seq: event.seq, problem: "gap" });
    if (event.prevHash !== prevHash) problems.push({ seq: event.seq, problem: "broken-link" });
    if (hashEvent(event) !== event.hash) problems.push({ seq: event.seq, problem: "bad-hash" });
    prevHash = event.hash;
  });
  return problems;
}
