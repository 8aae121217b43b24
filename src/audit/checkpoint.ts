// Signed checkpoints: what is signed, how heads are digested, and how a checkpoint is checked.
// A checkpoint's digest covers everything but its signature, and the next checkpoint names it
// (prevDigest), so checkpoints form their own chain.
import { createHash } from "node:crypto";
import type { AuditCheckpoint, CheckpointState, StreamHead } from "../ports/audit-log.ts";
import type { AuditSigner, AuditVerifier } from "./audit-key.ts";
import { canonicalJson } from "./canonical-json.ts";

export const CHECKPOINT_FORMAT = "lotwise.audit-checkpoint/v1";

/** Streams in code-unit order, the order every digest over heads uses. */
export function sortHeads(heads: Iterable<StreamHead>): StreamHead[] {
  return [...heads].sort((a, b) => (a.stream < b.stream ? -1 : a.stream > b.stream ? 1 : 0));
}

/** sha256 over one JSON line [stream, seq, hash] per stream, in canonical order. */
export function digestHeads(heads: Iterable<StreamHead>): string {
  const hash = createHash("sha256");
  for (const head of sortHeads(heads)) hash.update(`${JSON.stringify([head.stream, head.seq, head.hash])}\n`);
  return hash.digest("hex");
}

/** The exact text that is signed (and hashed into the checkpoint's digest). */
export function signedText(checkpoint: Omit<AuditCheckpoint, "signature">): string {
  return canonicalJson({
    format: CHECKPOINT_FORMAT,
    globalSeq: checkpoint.globalSeq,
    eventCount: checkpoint.eventCount,
    headsDigest: checkpoint.headsDigest,
    heads: sortHeads(checkpoint.heads).map((h) => ({ stream: h.stream, seq: h.seq, hash: h.hash })),
    prevDigest: checkpoint.prevDigest,
    at: checkpoint.at,
    algorithm: checkpoint.algorithm,
    keyId: checkpoint.keyId,
  });
}

export function checkpointDigest(checkpoint: Omit<AuditCheckpoint, "signature">): string {
  return createHash("sha256").update(signedText(checkpoint)).digest("hex");
}

export function signCheckpoint(state: CheckpointState, signer: AuditSigner, at: string): AuditCheckpoint {
  const unsigned = {
    globalSeq: state.globalSeq,
    eventCount: state.eventCount,
    headsDigest: digestHeads(state.heads),
    heads: sortHeads(state.changed),
    prevDigest: state.previous ? checkpointDigest(state.previous) : null,
    at,
    algorithm: signer.algorithm,
    keyId: signer.keyId,
  };
  return { ...unsigned, signature: signer.sign(signedText(unsigned)) };
}

export type SignatureVerdict = "valid" | "forged" | "other-key";

export function checkSignature(checkpoint: AuditCheckpoint, verifier: AuditVerifier): SignatureVerdict {
  if (checkpoint.keyId !== verifier.keyId || checkpoint.algorithm !== verifier.algorithm) return "other-key";
  return verifier.verify(signedText(checkpoint), checkpoint.signature) ? "valid" : "forged";
}
