// The key that signs audit checkpoints and exports. It lives outside the database, so whoever can
// edit rows cannot re-sign what they changed. Two forms, one line each:
//   ed25519:<base64 PKCS#8 DER>   (or the same key as a PEM "PRIVATE KEY" block): anyone holding the
//                                 public key can verify; lotwise generates this kind
//   hmac:<hex, 64+ digits>        an HMAC-SHA-256 secret: verifying needs the secret itself
import {
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  timingSafeEqual,
  verify,
} from "node:crypto";
import { ok, problem, type Result } from "../domain/result.ts";
import type { SignatureAlgorithm } from "../ports/audit-log.ts";

export const AUDIT_KEY_FORMAT =
  "ed25519:<base64 PKCS#8 DER>, an Ed25519 PEM private key, or hmac:<at least 64 hex digits>";

/** Checks signatures: with an Ed25519 public key, or with the HMAC secret. */
export interface AuditVerifier {
  algorithm: SignatureAlgorithm;
  keyId: string;
  verify(data: string, signature: string): boolean;
}

export interface AuditSigner extends AuditVerifier {
  sign(data: string): string;
  /** The Ed25519 public key as PEM (null for HMAC, which has none). */
  publicKeyPem: string | null;
}

export function parseAuditKey(text: string): Result<AuditSigner> {
  const value = text.trim();
  if (value.startsWith("hmac:")) {
    const hex = value.slice("hmac:".length);
    if (!/^(?:[0-9a-fA-F]{2}){32,}$/.test(hex))
      return problem("audit-key.hmac", "an hmac: key needs at least 64 hex digits (32 bytes)");
    return ok(hmacSigner(Buffer.from(hex, "hex")));
  }
  const der = value.startsWith("ed25519:");
  if (!der && !value.startsWith("-----BEGIN PRIVATE KEY-----"))
    return problem("audit-key.format", `expected ${AUDIT_KEY_FORMAT}`);
  let key: KeyObject;
  try {
    key = der
      ? createPrivateKey({
          key: Buffer.from(value.slice("ed25519:".length), "base64"),
          format: "der",
          type: "pkcs8",
        })
      : createPrivateKey({ key: value, format: "pem" });
  } catch {
    return problem("audit-key.unreadable", `not a readable key: expected ${AUDIT_KEY_FORMAT}`);
  }
  if (key.asymmetricKeyType !== "ed25519")
    return problem("audit-key.type", `the private key is ${key.asymmetricKeyType}, not Ed25519`);
  return ok(ed25519Signer(key));
}

/** An Ed25519 public key (PEM "PUBLIC KEY") for checking exports and checkpoints without the secret. */
export function parsePublicKey(pem: string): Result<AuditVerifier> {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem.trim(), format: "pem" });
  } catch {
    return problem("audit-key.public", "not a PEM public key (-----BEGIN PUBLIC KEY-----)");
  }
  if (key.asymmetricKeyType !== "ed25519")
    return problem("audit-key.type", `the public key is ${key.asymmetricKeyType}, not Ed25519`);
  return ok(ed25519Verifier(key));
}

/** A new Ed25519 key in the one-line form lotwise reads. */
export function generateAuditKey(): string {
  const { privateKey } = generateKeyPairSync("ed25519");
  return `ed25519:${privateKey.export({ format: "der", type: "pkcs8" }).toString("base64")}`;
}

function ed25519Verifier(publicKey: KeyObject): AuditVerifier {
  const spki = publicKey.export({ format: "der", type: "spki" });
  return {
    algorithm: "ed25519",
    keyId: `ed25519:${sha256Hex(spki).slice(0, 16)}`,
    verify(data, signature) {
      try {
        return verify(null, Buffer.from(data), publicKey, Buffer.from(signature, "base64"));
      } catch {
        return false;
      }
    },
  };
}

function ed25519Signer(privateKey: KeyObject): AuditSigner {
  const publicKey = createPublicKey(privateKey);
  return {
    ...ed25519Verifier(publicKey),
    sign: (data) => sign(null, Buffer.from(data), privateKey).toString("base64"),
    publicKeyPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
  };
}

function hmacSigner(secret: Buffer): AuditSigner {
  const mac = (data: string) => createHmac("sha256", secret).update(data).digest();
  return {
    algorithm: "hmac-sha256",
    // A hash of the secret, domain-separated: names the key without revealing it.
    keyId: `hmac:${sha256Hex(Buffer.concat([Buffer.from("lotwise audit key id\n"), secret])).slice(0, 16)}`,
    sign: (data) => mac(data).toString("base64"),
    verify(data, signature) {
      const given = Buffer.from(signature, "base64");
      const expected = mac(data);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
    publicKeyPem: null,
  };
}

function sha256Hex(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
