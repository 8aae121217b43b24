// The verifier on logs built in memory: intact logs pass whatever the page size; every way of
// shortening, renumbering or padding the log around a signed checkpoint is found, and so are
// checkpoints missing, differing, out of chain or unreadable in either copy.
import { describe, expect, it } from "vitest";
import { parseAuditKey } from "../../src/audit/audit-key.ts";
import { GENESIS_HASH, hashEvent } from "../../src/audit/chain.ts";
import { signCheckpoint } from "../../src/audit/checkpoint.ts";
import type { SinkContents } from "../../src/audit/checkpoint-sink.ts";
import { type AuditVerdict, verifyAuditLog, verifyAuditStream } from "../../src/audit/verify-audit-log.ts";
import type { AuditCheckpoint, AuditEvent, StreamHead } from "../../src/ports/audit-log.ts";

const key = parseAuditKey(`hmac:${"a1".repeat(32)}`);
if (!key.ok) throw new Error(key.error.message);
const signer = key.value;
const AT = "2026-11-20T20:00:00.000Z";

/** Events appended in this order of streams, chained per stream, numbered globally. */
function appendAll(streams: string[]): AuditEvent[] {
  const heads = new Map<string, AuditEvent>();
  return streams.map((stream, index) => {
    const previous = heads.get(stream);
    const fields = {
      stream,
      seq: (previous?.seq ?? 0) + 1,
      type: "tick",
      actor: "system",
      at: AT,
      payload: { index },
      prevHash: previous?.hash ?? GENESIS_HASH,
    };
    const event = { ...fields, globalSeq: index + 1, hash: hashEvent(fields) };
    heads.set(stream, event);
    return event;
  });
}

/** The checkpoint the store would sign over `events` up to `globalSeq`. */
function checkpointAt(
  events: AuditEvent[],
  globalSeq: number,
  previous: AuditCheckpoint | null,
): AuditCheckpoint {
  const heads = new Map<string, StreamHead & { globalSeq: number }>();
  for (const e of events.filter((e) => e.globalSeq <= globalSeq))
    heads.set(e.stream, { stream: e.stream, seq: e.seq, hash: e.hash, globalSeq: e.globalSeq });
  const all = [...heads.values()];
  return signCheckpoint(
    {
      previous,
      globalSeq,
      eventCount: events.filter((e) => e.globalSeq <= globalSeq).length,
      heads: all,
      changed: all.filter((h) => h.globalSeq > (previous?.globalSeq ?? 0)),
    },
    signer,
    AT,
  );
}

function sinkOf(checkpoints: AuditCheckpoint[]): SinkContents {
  return {
    exists: true,
    checkpoints: checkpoints.map((checkpoint, i) => ({ line: i + 1, checkpoint })),
    unreadable: [],
  };
}

function verify(
  events: AuditEvent[],
  database: AuditCheckpoint[],
  sink: SinkContents = sinkOf(database),
  pageSize = 1000,
): Promise<AuditVerdict> {
  const sorted = [...events].sort((a, b) => a.globalSeq - b.globalSeq);
  return verifyAuditLog({
    readPage: async (after) => sorted.filter((e) => e.globalSeq > after).slice(0, pageSize),
    checkpoints: { database, sink },
    verifier: signer,
    recordsWithoutStream: [],
  });
}

const codes = (verdict: AuditVerdict) => verdict.problems.map((p) => p.problem);

// a a b a c b | checkpoint at 4 and 6 | a (after the last checkpoint)
const LOG = appendAll(["a", "a", "b", "a", "c", "b", "a"]);
const FIRST = checkpointAt(LOG, 4, null);
const SECOND = checkpointAt(LOG, 6, FIRST);

describe("verifyAuditLog", () => {
  it("an-intact-log-verifies against its checkpoints, whatever the page size", async () => {
    for (const pageSize of [1, 2, 5000]) {
      const verdict = await verify(LOG, [FIRST, SECOND], undefined, pageSize);
      expect(verdict).toMatchObject({ ok: true, events: 7, streams: 3, lastGlobalSeq: 7, problems: [] });
      expect(verdict.checkpoint?.globalSeq).toBe(6);
    }
  });

  it("a-log-without-checkpoints verifies its chains, with its end not anchored", async () => {
    const verdict = await verify(LOG, []);
    expect(verdict.ok).toBe(true);
    expect(verdict.checkpoint).toBeNull();
  });

  it("the-tail-of-a-stream-removed and the rest renumbered to close the gap is found", async () => {
    // Stream b's last event (globalSeq 6) removed; event 7 renumbered to 6.
    const shortened = LOG.filter((e) => e.globalSeq !== 6).map((e) =>
      e.globalSeq === 7 ? { ...e, globalSeq: 6 } : e,
    );
    const verdict = await verify(shortened, [FIRST, SECOND]);
    expect(verdict.problems).toContainEqual(
      expect.objectContaining({ problem: "head-mismatch", stream: "b", seq: 2 }),
    );
    expect(codes(verdict)).toContain("unexpected-head");
    expect(codes(verdict)).not.toContain("global-gap");
  });

  it("the-last-events-of-the-log-removed is truncation", async () => {
    const verdict = await verify(LOG.slice(0, 5), [FIRST, SECOND]);
    expect(codes(verdict)).toEqual(expect.arrayContaining(["truncated", "head-mismatch", "heads-digest"]));
    expect(verdict.problems).toContainEqual(
      expect.objectContaining({ problem: "head-mismatch", stream: "b" }),
    );
  });

  it("an-event-inserted-before-a-checkpoint is found", async () => {
    const padded = [...LOG.map((e) => (e.globalSeq >= 3 ? { ...e, globalSeq: e.globalSeq + 1 } : e))];
    const [inserted] = appendAll(["d"]);
    padded.push({ ...(inserted as AuditEvent), globalSeq: 3 });
    const verdict = await verify(padded, [FIRST, SECOND]);
    expect(verdict.problems).toContainEqual(
      expect.objectContaining({ problem: "unexpected-head", stream: "d", globalSeq: 4 }),
    );
    // Stream a's event 4 was pushed past the first checkpoint.
    expect(verdict.problems).toContainEqual(
      expect.objectContaining({ problem: "head-mismatch", stream: "a", seq: 3 }),
    );
  });

  it("a-checkpoint-missing-from-both-copies breaks the checkpoints' chain", async () => {
    const third = checkpointAt(LOG, 7, SECOND);
    const verdict = await verify(LOG, [FIRST, third]);
    expect(verdict.problems).toContainEqual(
      expect.objectContaining({ problem: "checkpoint-chain", globalSeq: 7 }),
    );
  });

  it("the-database-must-hold-every-checkpoint-of-the-sink, the same", async () => {
    const missing = await verify(LOG, [FIRST], sinkOf([FIRST, SECOND]));
    expect(missing.problems).toContainEqual(
      expect.objectContaining({ problem: "checkpoint-missing", globalSeq: 6 }),
    );
    // The sink's copy still anchors the log.
    expect(missing.checkpoint?.globalSeq).toBe(6);
    const resigned = checkpointAt(LOG, 6, null);
    const differs = await verify(LOG, [FIRST, resigned], sinkOf([FIRST, SECOND]));
    expect(codes(differs)).toContain("checkpoint-differs");
    // More in the database than in the sink (a failed sink write) is only a note.
    const notInSink = await verify(LOG, [FIRST, SECOND], sinkOf([FIRST]));
    expect(notInSink.ok).toBe(true);
    expect(notInSink.checkpoints.notInSink).toBe(1);
  });

  it("an-unreadable-sink-line and checkpoints without a key are reported", async () => {
    const sink = { ...sinkOf([FIRST, SECOND]), unreadable: [{ line: 3, reason: "not JSON" }] };
    expect((await verify(LOG, [FIRST, SECOND], sink)).problems).toContainEqual(
      expect.objectContaining({ problem: "checkpoint-unreadable", line: 3 }),
    );
    const noKey = await verifyAuditLog({
      readPage: async (after) => LOG.filter((e) => e.globalSeq > after),
      checkpoints: { database: [FIRST], sink: sinkOf([FIRST]) },
      verifier: null,
      recordsWithoutStream: [{ stream: "plan:p1", what: "plan p1 has no plan.drafted event" }],
    });
    expect(codes(noKey)).toEqual(["no-key", "missing-stream"]);
  });
});

describe("verifyAuditStream", () => {
  it("one-stream's-removed-tail is found against the latest checkpoint naming it", () => {
    const a = LOG.filter((e) => e.stream === "a");
    const checkpoints = { database: [FIRST, SECOND], sink: sinkOf([FIRST, SECOND]) };
    expect(verifyAuditStream("a", a, checkpoints, signer).ok).toBe(true);
    const verdict = verifyAuditStream("a", a.slice(0, 2), checkpoints, signer);
    expect(verdict.problems).toEqual([
      expect.objectContaining({ problem: "head-mismatch", stream: "a", seq: 3 }),
    ]);
  });
});
