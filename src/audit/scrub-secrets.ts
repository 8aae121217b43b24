// Secrets never reach the audit log: credentials (by key at any depth, and token shapes inside any
// text, such as a token an advisor pasted into a message) are replaced before the event is hashed and
// stored; the log is append-only, so a leak could not be removed.
import { redactSecrets } from "../redact-secrets.ts";

export function scrubSecrets(value: unknown): unknown {
  return redactSecrets(value);
}
