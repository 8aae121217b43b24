// Self-verifying exports for write-once archival: a header, the events by stream and sequence, one
// anchor per stream (the hash before its first exported event and the hash of its last), and a
// final line with a digest over every line before it, signed with the audit key: a plain digest
// anyone editing the file could recompute. `verifyExport` needs the file and the (public) key.
import { createHash } from "node:crypto";
import type { AuditEvent } from "../ports/audit-log.ts";
import type { AuditSigner, AuditVerifier } from "./audit-key.ts";
import { GENESIS_HASH, hashEvent } from "./chain.ts";

export const EXPORT_FORMAT = "lotwise.audit-export/v2";

export function exportAudit(
  events: readonly AuditEvent[],
  range: { from: string; to: string },
  signer: AuditSigner,
): string[] {
  const lines = [
    JSON.stringify({ format: EXPORT_FORMAT, from: range.from, to: range.to, events: events.length }),
  ];
  const byStream = new Map<string, AuditEvent[]>();
  for (const event of events) byStream.set(event.stream, [...(byStream.get(event.stream) ?? []), event]);
  for (const [stream, list] of [...byStream].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const event of list) lines.push(JSON.stringify({ event }));
    const first = list[0] as AuditEvent;
    const last = list.at(-1) as AuditEvent;
    lines.push(
      JSON.stringify({
        anchor: {
          stream,
          firstSeq: first.seq,
          lastSeq: last.seq,
          prevHash: first.prevHash,
          lastHash: last.hash,
        },
      }),
    );
  }
  const digest = digestOf(lines);
  lines.push(
    JSON.stringify({
      digest,
      algorithm: signer.algorithm,
      keyId: signer.keyId,
      signature: signer.sign(signedDigest(digest)),
    }),
  );
  return lines;
}

export interface ExportProblem {
  line: number;
  stream?: string;
  seq?: number;
  problem: string;
}

export interface ExportVerification {
  ok: boolean;
  events: number;
  streams: number;
  /** The first problem found, precisely located; null when the export verifies. */
  problem: ExportProblem | null;
}

export function verifyExport(text: string, verifier: AuditVerifier): ExportVerification {
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const fail = (problem: ExportProblem, events = 0, streams = 0): ExportVerification => ({
    ok: false,
    events,
    streams,
    problem,
  });
  const parsed: unknown[] = [];
  for (const [index, line] of lines.entries()) {
    try {
      parsed.push(JSON.parse(line));
    } catch {
      return fail({ line: index + 1, problem: "not JSON" });
    }
  }
  const header = parsed[0] as { format?: string } | undefined;
  if (header?.format === "lotwise.audit-export/v1") {
    return fail({
      line: 1,
      problem:
        "an unsigned lotwise.audit-export/v1 file: its plain digest proves nothing, anyone editing it can recompute it",
    });
  }
  if (header?.format !== EXPORT_FORMAT) return fail({ line: 1, problem: `not a ${EXPORT_FORMAT} file` });
  const final = parsed.at(-1) as { digest?: string; keyId?: string; signature?: string } | undefined;
  const digest = final?.digest;
  if (!digest) return fail({ line: lines.length, problem: "the final digest line is missing" });
  if (digest !== digestOf(lines.slice(0, -1))) {
    return fail({
      line: lines.length,
      problem: "the digest does not match the lines before it: the file was edited",
    });
  }
  if (typeof final.signature !== "string") {
    return fail({
      line: lines.length,
      problem:
        "the export is not signed: its plain digest proves nothing, anyone editing the file can recompute it",
    });
  }
  if (final.keyId !== verifier.keyId) {
    return fail({
      line: lines.length,
      problem: `the export is signed by key ${String(final.keyId)}, not the key given (${verifier.keyId})`,
    });
  }
  if (!verifier.verify(signedDigest(digest), final.signature)) {
    return fail({
      line: lines.length,
      problem: "the signature does not match the digest: the file was edited and its digest recomputed",
    });
  }
  let pending: AuditEvent[] = [];
  let events = 0;
  let streams = 0;
  for (let index = 1; index < parsed.length - 1; index++) {
    const entry = parsed[index] as { event?: AuditEvent; anchor?: Anchor };
    if (entry.event) {
      pending.push(entry.event);
      events += 1;
      continue;
    }
    if (!entry.anchor)
      return fail({ line: index + 1, problem: "neither an event nor an anchor" }, events, streams);
    const problem = checkStream(entry.anchor, pending, index + 1 - pending.length);
    if (problem) return fail(problem, events, streams);
    streams += 1;
    pending = [];
  }
  if (pending.length > 0)
    return fail({ line: lines.length - 1, problem: "events without an anchor" }, events, streams);
  return { ok: true, events, streams, problem: null };
}

interface Anchor {
  stream: string;
  firstSeq: number;
  lastSeq: number;
  prevHash: string;
  lastHash: string;
}

function checkStream(anchor: Anchor, events: readonly AuditEvent[], firstLine: number): ExportProblem | null {
  let prevHash = anchor.prevHash;
  let seq = anchor.firstSeq;
  if (seq === 1 && prevHash !== GENESIS_HASH) {
    return {
      line: firstLine,
      stream: anchor.stream,
      seq,
      problem: "the first event does not start the chain",
    };
  }
  for (const [offset, event] of events.entries()) {
    const where = { line: firstLine + offset, stream: anchor.stream, seq: event.seq };
    if (event.stream !== anchor.stream)
      return { ...where, problem: `an event of ${event.stream} is in this stream's block` };
    if (event.seq !== seq)
      return { ...where, problem: `expected seq ${seq}: an event is missing or out of order` };
    if (event.prevHash !== prevHash) return { ...where, problem: "the link to the previous event is broken" };
    if (hashEvent(event) !== event.hash)
      return { ...where, problem: "the event was modified (its hash does not match)" };
    prevHash = event.hash;
    seq += 1;
  }
  if (seq - 1 !== anchor.lastSeq || prevHash !== anchor.lastHash) {
    return {
      line: firstLine + events.length,
      stream: anchor.stream,
      problem: "the anchor does not match the stream's last event",
    };
  }
  return null;
}

function signedDigest(digest: string): string {
  return `${EXPORT_FORMAT}\n${digest}`;
}

function digestOf(lines: readonly string[]): string {
  return createHash("sha256").update(lines.join("\n")).digest("hex");
}
