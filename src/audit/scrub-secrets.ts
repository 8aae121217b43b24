// Secrets never reach the audit log: any value under a key that names a credential is replaced
// before the event is hashed and stored (the log is append-only, so a leak could not be removed).
const SECRET_KEY = /token|secret|password|passwd|api[-_]?key|authorization|cookie|signature/i;

export function scrubSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(scrubSecrets);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      SECRET_KEY.test(key) && inner !== null && inner !== undefined ? "[redacted]" : scrubSecrets(inner);
  }
  return out;
}
