// Verifies the whole audit log in one pass by global sequence, a page at a time (memory grows with
// the number of streams, not events): every stream's chain, the global sequence without gaps, and
// the log against every valid signed checkpoint (events counted up to it, the heads it says
// changed, and for the latest one the digest over every stream's head), after checking the
// checkpoints themselves (signature, database copy against the sink's, their own chain). Plans and
// conversations whose stream is missing are reported too.
import type { AuditCheckpoint, AuditEvent, RecordWithoutStream, StreamHead } from "../ports/audit-log.ts";
import type { AuditVerifier } from "./audit-key.ts";
import { type ChainProblem, GENESIS_HASH, hashEvent } from "./chain.ts";
import { checkpointDigest, checkSignature, digestHeads } from "./checkpoint.ts";
import type { SinkContents } from "./checkpoint-sink.ts";

export type AuditProblemCode =
  | ChainProblem["problem"]
  | "out-of-order"
  | "global-gap"
  | "truncated"
  | "count-mismatch"
  | "head-mismatch"
  | "unexpected-head"
  | "heads-digest"
  | "checkpoint-forged"
  | "checkpoint-other-key"
  | "checkpoint-missing"
  | "checkpoint-differs"
  | "checkpoint-chain"
  | "checkpoint-unreadable"
  | "no-key"
  | "missing-stream";

export interface AuditProblem {
  problem: AuditProblemCode;
  message: string;
  stream?: string;
  seq?: number;
  globalSeq?: number;
  /** Where a checkpoint problem was found. */
  source?: "database" | "sink";
  /** The sink's line, for a checkpoint read from it. */
  line?: number;
}

export interface CheckpointSources {
  database: readonly AuditCheckpoint[];
  sink: SinkContents;
}

export interface AuditVerdict {
  ok: boolean;
  events: number;
  streams: number;
  lastGlobalSeq: number;
  /** The latest valid checkpoint the log was checked against (null: the end is not anchored yet). */
  checkpoint: Pick<AuditCheckpoint, "globalSeq" | "eventCount" | "at" | "keyId"> | null;
  checkpoints: { database: number; sink: number; valid: number; notInSink: number };
  problems: AuditProblem[];
}

export interface VerifyAuditInputs {
  readPage(afterGlobalSeq: number): Promise<AuditEvent[]>;
  checkpoints: CheckpointSources;
  /** Null when no key is configured or stored. */
  verifier: AuditVerifier | null;
  recordsWithoutStream: readonly RecordWithoutStream[];
}

interface Anchor {
  checkpoint: AuditCheckpoint;
  /** It names the anchor before it as its previous checkpoint. */
  linked: boolean;
}

export async function verifyAuditLog(inputs: VerifyAuditInputs): Promise<AuditVerdict> {
  const problems: AuditProblem[] = [];
  const checked = checkCheckpoints(inputs.checkpoints, inputs.verifier, problems);
  const anchors = checked.anchors;
  const heads = new Map<string, StreamHead & { globalSeq: number }>();
  const touched = new Set<string>();
  let events = 0;
  let lastGlobalSeq = 0;
  let next = 0;

  const settle = (before: number, atEnd: boolean) => {
    for (; next < anchors.length; next++) {
      const anchor = anchors[next] as Anchor;
      if (anchor.checkpoint.globalSeq >= before) return;
      checkAnchor(anchor, {
        heads,
        touched,
        events,
        lastGlobalSeq,
        atEnd,
        latest: next === anchors.length - 1,
        problems,
      });
      touched.clear();
    }
  };

  for (let page = await inputs.readPage(0); page.length > 0; page = await inputs.readPage(lastGlobalSeq)) {
    for (const event of page) {
      settle(event.globalSeq, false);
      const expectedGlobal = lastGlobalSeq + 1;
      if (event.globalSeq !== expectedGlobal) {
        problems.push({
          problem: "global-gap",
          globalSeq: expectedGlobal,
          message: `global sequence ${range(expectedGlobal, event.globalSeq - 1)} missing: events were removed`,
        });
      }
      events += 1;
      lastGlobalSeq = event.globalSeq;
      checkLink(event, heads.get(event.stream), problems);
      const head = heads.get(event.stream);
      if (!head || event.seq > head.seq) {
        heads.set(event.stream, {
          stream: event.stream,
          seq: event.seq,
          hash: event.hash,
          globalSeq: event.globalSeq,
        });
      }
      touched.add(event.stream);
    }
  }
  settle(Number.POSITIVE_INFINITY, true);

  for (const record of inputs.recordsWithoutStream) {
    problems.push({ problem: "missing-stream", stream: record.stream, message: record.what });
  }
  const latest = anchors.at(-1)?.checkpoint;
  return {
    ok: problems.length === 0,
    events,
    streams: heads.size,
    lastGlobalSeq,
    checkpoint: latest
      ? { globalSeq: latest.globalSeq, eventCount: latest.eventCount, at: latest.at, keyId: latest.keyId }
      : null,
    checkpoints: {
      database: inputs.checkpoints.database.length,
      sink: inputs.checkpoints.sink.checkpoints.length,
      valid: anchors.length,
      notInSink: checked.notInSink,
    },
    problems,
  };
}

/** One stream read on its own (`--stream`): its chain, and its head against the latest checkpoint naming it. */
export function verifyAuditStream(
  stream: string,
  events: readonly AuditEvent[],
  checkpoints: CheckpointSources,
  verifier: AuditVerifier | null,
): AuditVerdict {
  const problems: AuditProblem[] = [];
  const checked = checkCheckpoints(checkpoints, verifier, problems);
  let head: AuditEvent | undefined;
  for (const event of events) {
    checkLink(event, head, problems);
    head = event;
  }
  let named: AuditCheckpoint | undefined;
  for (const { checkpoint } of checked.anchors) {
    if (checkpoint.heads.some((h) => h.stream === stream)) named = checkpoint;
  }
  const expected = named?.heads.find((h) => h.stream === stream);
  if (named && expected) {
    const found = events.find((e) => e.seq === expected.seq);
    if (!found || found.hash !== expected.hash) {
      problems.push({
        problem: "head-mismatch",
        stream,
        seq: expected.seq,
        message: found
          ? `seq ${expected.seq} differs from the one the checkpoint at globalSeq ${named.globalSeq} signed`
          : `seq ${expected.seq}, signed as the stream's head by the checkpoint at globalSeq ${named.globalSeq}, is missing: events were removed from its end`,
      });
    }
  }
  return {
    ok: problems.length === 0,
    events: events.length,
    streams: events.length > 0 ? 1 : 0,
    lastGlobalSeq: Math.max(0, ...events.map((e) => e.globalSeq)),
    checkpoint: named
      ? { globalSeq: named.globalSeq, eventCount: named.eventCount, at: named.at, keyId: named.keyId }
      : null,
    checkpoints: {
      database: checkpoints.database.length,
      sink: checkpoints.sink.checkpoints.length,
      valid: checked.anchors.length,
      notInSink: checked.notInSink,
    },
    problems,
  };
}

/** The event against its stream's head so far (events arrive by global sequence). */
function checkLink(
  event: AuditEvent,
  head: Pick<StreamHead, "seq" | "hash"> | undefined,
  problems: AuditProblem[],
): void {
  const where = { stream: event.stream, seq: event.seq, globalSeq: event.globalSeq };
  const expectedSeq = (head?.seq ?? 0) + 1;
  if (event.seq > expectedSeq) {
    problems.push({
      ...where,
      problem: "gap",
      message: `seq ${range(expectedSeq, event.seq - 1)} missing before this event: removed`,
    });
  } else if (event.seq < expectedSeq) {
    problems.push({
      ...where,
      problem: "out-of-order",
      message: `seq ${event.seq} comes after seq ${head?.seq} in the log's order: events were moved`,
    });
  } else if (event.prevHash !== (head?.hash ?? GENESIS_HASH)) {
    problems.push({ ...where, problem: "broken-link", message: "the link to the previous event is broken" });
  }
  if (hashEvent(event) !== event.hash) {
    problems.push({
      ...where,
      problem: "bad-hash",
      message: "the event was modified (its hash does not match)",
    });
  }
}

function checkAnchor(
  { checkpoint, linked }: Anchor,
  seen: {
    heads: ReadonlyMap<string, StreamHead>;
    touched: ReadonlySet<string>;
    events: number;
    lastGlobalSeq: number;
    atEnd: boolean;
    latest: boolean;
    problems: AuditProblem[];
  },
): void {
  const { problems } = seen;
  const at = { globalSeq: checkpoint.globalSeq };
  const signed = `the checkpoint at globalSeq ${checkpoint.globalSeq} (${checkpoint.at})`;
  if (seen.atEnd && seen.lastGlobalSeq < checkpoint.globalSeq) {
    problems.push({
      ...at,
      problem: "truncated",
      message: `the log ends at globalSeq ${seen.lastGlobalSeq} but ${signed} covers ${checkpoint.globalSeq} events: events were removed from its end`,
    });
  } else if (seen.events !== checkpoint.eventCount) {
    problems.push({
      ...at,
      problem: "count-mismatch",
      message: `${seen.events} events up to globalSeq ${checkpoint.globalSeq}; ${signed} counted ${checkpoint.eventCount}`,
    });
  }
  const named = new Set<string>();
  for (const expected of checkpoint.heads) {
    named.add(expected.stream);
    const found = seen.heads.get(expected.stream);
    const where = { ...at, stream: expected.stream, seq: expected.seq };
    if (!found) {
      problems.push({
        ...where,
        problem: "head-mismatch",
        message: `the stream is missing; ${signed} has its head at seq ${expected.seq}`,
      });
    } else if (found.seq < expected.seq) {
      problems.push({
        ...where,
        problem: "head-mismatch",
        message: `the stream ends at seq ${found.seq} but ${signed} has its head at seq ${expected.seq}: events were removed from its end`,
      });
    } else if (found.seq > expected.seq) {
      problems.push({
        ...where,
        problem: "head-mismatch",
        message: `the stream reaches seq ${found.seq} by globalSeq ${checkpoint.globalSeq} but ${signed} has its head at seq ${expected.seq}: events were inserted`,
      });
    } else if (found.hash !== expected.hash) {
      problems.push({
        ...where,
        problem: "head-mismatch",
        message: `the stream's head differs from the one ${signed} signed: it was replaced`,
      });
    }
  }
  if (linked) {
    for (const stream of seen.touched) {
      if (named.has(stream)) continue;
      problems.push({
        ...at,
        stream,
        problem: "unexpected-head",
        message: `the stream has events up to globalSeq ${checkpoint.globalSeq} that ${signed} did not see: they were inserted or moved`,
      });
    }
  }
  if (seen.latest && digestHeads(seen.heads.values()) !== checkpoint.headsDigest) {
    problems.push({
      ...at,
      problem: "heads-digest",
      message: `the streams' heads at globalSeq ${checkpoint.globalSeq} do not match the digest ${signed} signed`,
    });
  }
}

/**
 * Checks every checkpoint's signature, that the database holds every checkpoint of the sink and
 * the same, and the checkpoints' own chain; returns the valid ones by global sequence.
 */
function checkCheckpoints(
  sources: CheckpointSources,
  verifier: AuditVerifier | null,
  problems: AuditProblem[],
): { anchors: Anchor[]; notInSink: number } {
  for (const { line, reason } of sources.sink.unreadable) {
    problems.push({
      problem: "checkpoint-unreadable",
      source: "sink",
      line,
      message: `sink line ${line} is ${reason}: the sink was edited`,
    });
  }
  const total = sources.database.length + sources.sink.checkpoints.length;
  if (!verifier) {
    if (total > 0) {
      problems.push({
        problem: "no-key",
        message: `${total} checkpoint(s) cannot be checked: no audit key (set LOTWISE_AUDIT_KEY, or restore the key file under LOTWISE_HOME)`,
      });
    }
    return { anchors: [], notInSink: 0 };
  }
  const valid = (checkpoint: AuditCheckpoint, source: "database" | "sink", line?: number): boolean => {
    const verdict = checkSignature(checkpoint, verifier);
    if (verdict === "valid") return true;
    const where = `the checkpoint at globalSeq ${checkpoint.globalSeq} in the ${source === "sink" ? `sink (line ${line})` : "database"}`;
    problems.push({
      problem: verdict === "forged" ? "checkpoint-forged" : "checkpoint-other-key",
      source,
      globalSeq: checkpoint.globalSeq,
      ...(line === undefined ? {} : { line }),
      message:
        verdict === "forged"
          ? `${where} has a bad signature: it was forged or edited`
          : `${where} is signed by key ${checkpoint.keyId}, not the configured key ${verifier.keyId}`,
    });
    return false;
  };
  const byDigest = new Map<string, AuditCheckpoint>();
  const databaseDigests = new Set<string>();
  const databaseSeqs = new Set<number>();
  for (const checkpoint of sources.database) {
    databaseSeqs.add(checkpoint.globalSeq);
    if (!valid(checkpoint, "database")) continue;
    const digest = checkpointDigest(checkpoint);
    databaseDigests.add(digest);
    byDigest.set(digest, checkpoint);
  }
  const sinkDigests = new Set<string>();
  for (const { line, checkpoint } of sources.sink.checkpoints) {
    if (!valid(checkpoint, "sink", line)) continue;
    const digest = checkpointDigest(checkpoint);
    sinkDigests.add(digest);
    if (databaseDigests.has(digest)) continue;
    byDigest.set(digest, checkpoint);
    const differs = databaseSeqs.has(checkpoint.globalSeq);
    problems.push({
      problem: differs ? "checkpoint-differs" : "checkpoint-missing",
      source: "database",
      globalSeq: checkpoint.globalSeq,
      line,
      message: differs
        ? `the database's checkpoint at globalSeq ${checkpoint.globalSeq} differs from the sink's (line ${line})`
        : `the checkpoint at globalSeq ${checkpoint.globalSeq} (sink line ${line}) is missing from the database: deleted, or the sink belongs to another database`,
    });
  }
  const sorted = [...byDigest.entries()].sort(([, a], [, b]) => a.globalSeq - b.globalSeq);
  const anchors: Anchor[] = [];
  let previous: { digest: string; checkpoint: AuditCheckpoint } | null = null;
  for (const [digest, checkpoint] of sorted) {
    const linked = checkpoint.prevDigest === (previous?.digest ?? null);
    if (!linked) {
      problems.push({
        problem: "checkpoint-chain",
        globalSeq: checkpoint.globalSeq,
        message: previous
          ? `the checkpoint at globalSeq ${checkpoint.globalSeq} does not follow the one at globalSeq ${previous.checkpoint.globalSeq}: a checkpoint between them is missing`
          : `the checkpoint at globalSeq ${checkpoint.globalSeq} names an earlier checkpoint that is in neither the database nor the sink`,
      });
    }
    anchors.push({ checkpoint, linked });
    previous = { digest, checkpoint };
  }
  const notInSink = [...databaseDigests].filter((digest) => !sinkDigests.has(digest)).length;
  return { anchors, notInSink };
}

function range(from: number, to: number): string {
  return from === to ? String(from) : `${from}..${to}`;
}
