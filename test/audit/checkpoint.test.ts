// Signing and checking checkpoints: a checkpoint verifies with the key that signed it (Ed25519 or
// HMAC, or the Ed25519 public key alone), any change to any signed field is a forgery, another
// key is told apart, and the heads digest depends on the heads, not on the order they come in.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateAuditKey, parseAuditKey, parsePublicKey } from "../../src/audit/audit-key.ts";
import { checkpointDigest, checkSignature, digestHeads, signCheckpoint } from "../../src/audit/checkpoint.ts";
import type { AuditCheckpoint, CheckpointState, StreamHead } from "../../src/ports/audit-log.ts";

const signerOf = (text: string) => {
  const parsed = parseAuditKey(text);
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.value;
};
const ed25519 = signerOf(generateAuditKey());
const hmac = signerOf(`hmac:${"5a".repeat(32)}`);

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const head = fc.record({
  stream: fc.string({ minLength: 1, maxLength: 12 }),
  seq: fc.integer({ min: 1, max: 10_000 }),
  hash: hex64,
});
const heads = fc.uniqueArray(head, { selector: (h) => h.stream, maxLength: 8 });
const state: fc.Arbitrary<CheckpointState> = fc
  .record({ globalSeq: fc.integer({ min: 1, max: 1_000_000 }), heads, changedCount: fc.nat(8) })
  .map(({ globalSeq, heads, changedCount }) => ({
    previous: null,
    globalSeq,
    eventCount: globalSeq,
    heads,
    changed: heads.slice(0, changedCount),
  }));
const AT = "2026-11-20T20:03:00.000Z";

/** One field of a signed checkpoint changed, as someone editing the row or the sink line would. */
const edits: ((c: AuditCheckpoint) => AuditCheckpoint)[] = [
  (c) => ({ ...c, globalSeq: c.globalSeq + 1 }),
  (c) => ({ ...c, eventCount: c.eventCount - 1 }),
  (c) => ({ ...c, headsDigest: `${c.headsDigest.slice(1)}0` }),
  (c) => ({ ...c, heads: [...c.heads, { stream: "plan:inserted", seq: 1, hash: "0".repeat(64) }] }),
  (c) => ({ ...c, prevDigest: "f".repeat(64) }),
  (c) => ({ ...c, at: "2026-11-21T00:00:00.000Z" }),
];

describe("audit checkpoints", () => {
  it("a-signed-checkpoint-verifies with its key, and with the Ed25519 public key alone", () => {
    fc.assert(
      fc.property(state, (s) => {
        for (const signer of [ed25519, hmac]) {
          expect(checkSignature(signCheckpoint(s, signer, AT), signer)).toBe("valid");
        }
        const publicOnly = parsePublicKey(ed25519.publicKeyPem as string);
        expect(publicOnly.ok && checkSignature(signCheckpoint(s, ed25519, AT), publicOnly.value)).toBe(
          "valid",
        );
      }),
      { numRuns: 50 },
    );
  });

  it("any-edit-to-a-signed-field is a forgery", () => {
    fc.assert(
      fc.property(state, fc.constantFrom(...edits), fc.constantFrom(ed25519, hmac), (s, edit, signer) => {
        expect(checkSignature(edit(signCheckpoint(s, signer, AT)), signer)).toBe("forged");
      }),
      { numRuns: 100 },
    );
  });

  it("a-checkpoint-signed-by-another-key is told apart from a forgery", () => {
    const other = signerOf(generateAuditKey());
    const signed = signCheckpoint(
      { previous: null, globalSeq: 1, eventCount: 1, heads: [], changed: [] },
      other,
      AT,
    );
    expect(checkSignature(signed, ed25519)).toBe("other-key");
    expect(checkSignature({ ...signed, keyId: ed25519.keyId }, ed25519)).toBe("forged");
  });

  it("checkpoints-chain: the next names the previous one's digest", () => {
    const first = signCheckpoint(
      { previous: null, globalSeq: 3, eventCount: 3, heads: [], changed: [] },
      hmac,
      AT,
    );
    const second = signCheckpoint(
      { previous: first, globalSeq: 5, eventCount: 5, heads: [], changed: [] },
      hmac,
      AT,
    );
    expect(first.prevDigest).toBeNull();
    expect(second.prevDigest).toBe(checkpointDigest(first));
  });

  it("the-heads-digest depends on the heads, not their order", () => {
    fc.assert(
      fc.property(heads, fc.nat(), (list: StreamHead[], shift) => {
        const rotated = list.map((_, i) => list[(i + shift) % list.length] as StreamHead);
        expect(digestHeads(rotated)).toBe(digestHeads(list));
        if (list.length > 0) {
          const [first, ...rest] = list as [StreamHead, ...StreamHead[]];
          expect(digestHeads([{ ...first, seq: first.seq + 1 }, ...rest])).not.toBe(digestHeads(list));
        }
      }),
    );
  });

  it("keys are read in the documented forms only", () => {
    expect(parseAuditKey(generateAuditKey()).ok).toBe(true);
    const pem = parseAuditKey(
      `-----BEGIN PRIVATE KEY-----\n${generateAuditKey().slice("ed25519:".length)}\n-----END PRIVATE KEY-----`,
    );
    expect(pem.ok).toBe(true);
    for (const bad of ["", "hmac:abcd", "hmac:zz", "ed25519:bm90IGEga2V5", "secret", "rsa:abc"]) {
      expect(parseAuditKey(bad).ok).toBe(false);
    }
    expect(parsePublicKey("not a key").ok).toBe(false);
    // The key id names the key, not the secret: stable, and different per key.
    expect(signerOf(`hmac:${"5a".repeat(32)}`).keyId).toBe(hmac.keyId);
    expect(hmac.keyId).toMatch(/^hmac:[0-9a-f]{16}$/);
    expect(hmac.keyId).not.toContain("5a5a");
    expect(ed25519.keyId).toMatch(/^ed25519:[0-9a-f]{16}$/);
  });
});
