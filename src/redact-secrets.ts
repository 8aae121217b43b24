// The one redaction used by the logger and the audit log: values under a key that names a credential
// (any depth, any case) and credential shapes inside any string (Slack and Anthropic tokens, bearer
// values, `key=value` pairs, passwords in URLs) are replaced by a fixed marker. Copy on write: a
// value with nothing to redact comes back as the same reference.

export const REDACTED = "[redacted]";
const CIRCULAR = "[circular]";
const TOO_DEEP = "[too deep]";

export interface RedactOptions {
  /** Containers nested deeper than this are replaced by a marker (never passed on unredacted). */
  maxDepth?: number;
}

// A credential's key, searched in the key lower-cased with separators removed ("X-Api-Key" -> "xapikey").
const SECRET_KEY =
  /secret|passw(?:or)?d|passphrase|apikey|authorization|cookie|signature|credential|privatekey|databaseurl|connectionstring|(?:account|acct)(?:number|num|no)$|token$|^(?:pwd|dsn)$/;
// "token" as a word ("botToken", "token_type") is a credential; "input_tokens" and "tokenizer" are not.
const TOKEN_WORD = /(?:^|[^a-z])token(?:[^a-z]|$)|token(?=[A-Z])|Token(?![a-z])/;

// Cheap first test: strings that cannot hold a credential are returned without running the patterns.
const MAY_HOLD_SECRET =
  /xox|xapp-|sk-ant-|bearer|:\/\/[^\s/]*@|token|secret|passw|passphrase|pwd|api[-_ ]?key|authoriz|cookie|signature|credential|private[-_]?key|database[-_]?url|connection[-_]?string|dsn|acc(?:oun)?t[-_ ]?n/i;

// `scheme://user:password@host`: the password goes, the user and host stay.
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'<>]*):[^\s/?#"'<>]+@/gi;
// `key: value`, `key=value`, `"key":"value"` where the key names a credential (checked by isSecretKey).
const KEY_VALUE =
  /(["']?)([\w.-]*?(?:token|secret|passw(?:or)?d|passphrase|pwd|api[-_ ]?key|authorization|cookie|signature|credential|private[-_]?key|database[-_]?url|connection[-_]?string|dsn|acc(?:oun)?t[-_ ]?n(?:umber|um|o))[\w.-]*)\1(\s*[:=]\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?:(?:Bearer|Basic|Digest|Token)\s+)?[^\s"',;&)}\]{[][^\s"',;&)}\]]*)/gi;
// No word boundary before a token: "keyxoxb-1-2" still holds one.
const SLACK_TOKEN = /xox(?:e\.xox)?[abeposr]-[A-Za-z0-9-]+/g;
const SLACK_APP_TOKEN = /xapp-[A-Za-z0-9-]+/g;
const ANTHROPIC_KEY = /sk-ant-[A-Za-z0-9_-]+/g;
// A bearer credential has a digit or a symbol in it ("bearer instruments." is English).
const BEARER = /\b(bearer)\s+(?=[A-Za-z.]*[\d_~+/=-])[A-Za-z0-9._~+/=-]{8,}/gi;

/** Whether a value under this key is a credential (or an account number). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key.toLowerCase().replace(/[^a-z0-9]/g, "")) || TOKEN_WORD.test(key);
}

// Keys repeat on every log line and event: what each means is worked out once.
interface KeyVerdict {
  secret: boolean;
  /** The key itself with any token in it redacted. */
  safe: string;
}
const keyVerdicts = new Map<string, KeyVerdict>();
const KEY_CACHE_LIMIT = 2000;

function judgeKey(key: string): KeyVerdict {
  const cached = keyVerdicts.get(key);
  if (cached !== undefined) return cached;
  const verdict = { secret: isSecretKey(key), safe: redactText(key) };
  if (keyVerdicts.size >= KEY_CACHE_LIMIT) keyVerdicts.clear();
  keyVerdicts.set(key, verdict);
  return verdict;
}

/** The text with every credential shape in it replaced by the marker. */
export function redactText(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  return text
    .replace(KEY_VALUE, redactKeyValue)
    .replace(URL_PASSWORD, `$1:${REDACTED}@`)
    .replace(SLACK_TOKEN, REDACTED)
    .replace(SLACK_APP_TOKEN, REDACTED)
    .replace(ANTHROPIC_KEY, REDACTED)
    .replace(BEARER, `$1 ${REDACTED}`);
}

function redactKeyValue(match: string, quote: string, key: string, separator: string, value: string) {
  if (!isSecretKey(key) || value === "null" || value === "true" || value === "false") return match;
  const marker = value.startsWith('"') ? `"${REDACTED}"` : value.startsWith("'") ? `'${REDACTED}'` : REDACTED;
  return `${quote}${key}${quote}${separator}${marker}`;
}

/**
 * The value with every credential replaced: under a credential key (booleans and null kept), or by
 * shape inside strings. Errors become `{ type, message, stack, ...fields, cause }`, redacted; cycles
 * become a marker. Unchanged values keep their identity.
 */
export function redactSecrets(value: unknown, options: RedactOptions = {}): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  const walker = new Walker(options.maxDepth ?? Number.POSITIVE_INFINITY);
  return walker.visit(value, 0);
}

class Walker {
  private readonly inProgress = new Set<object>();
  private readonly done = new Map<object, unknown>();

  constructor(private readonly maxDepth: number) {}

  visit(value: unknown, depth: number): unknown {
    if (typeof value === "string") return redactText(value);
    if (value === null || typeof value !== "object") return value;
    if (value instanceof Date || ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set) {
      return value;
    }
    const seen = this.done.get(value);
    if (seen !== undefined || this.done.has(value)) return seen;
    if (this.inProgress.has(value)) return CIRCULAR;
    if (depth >= this.maxDepth) return TOO_DEEP;
    this.inProgress.add(value);
    let result: unknown;
    if (Array.isArray(value)) result = this.visitArray(value, depth);
    else if (value instanceof Error) result = this.visitError(value, depth);
    else if (typeof (value as { toJSON?: unknown }).toJSON === "function") {
      // What JSON.stringify (and so pino) would write for it.
      result = this.visit((value as { toJSON: () => unknown }).toJSON(), depth);
    } else result = this.visitObject(value as Record<string, unknown>, depth);
    this.inProgress.delete(value);
    this.done.set(value, result);
    return result;
  }

  private visitArray(array: unknown[], depth: number): unknown[] {
    let out: unknown[] | null = null;
    for (let i = 0; i < array.length; i++) {
      const item = array[i];
      const next = this.visit(item, depth + 1);
      if (next !== item && out === null) out = array.slice(0, i);
      if (out !== null) out.push(next);
    }
    return out ?? array;
  }

  private visitObject(object: Record<string, unknown>, depth: number): Record<string, unknown> {
    let out: Record<string, unknown> | null = null;
    const keys = Object.keys(object);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const verdict = judgeKey(key);
      const inner = object[key];
      const next = this.visitEntry(verdict, inner, depth);
      if ((next !== inner || verdict.safe !== key) && out === null) {
        out = {};
        for (let j = 0; j < i; j++) put(out, judgeKey(keys[j] as string).safe, object[keys[j] as string]);
      }
      if (out !== null) put(out, verdict.safe, next);
    }
    return out ?? object;
  }

  private visitEntry(key: KeyVerdict, inner: unknown, depth: number): unknown {
    if (inner === null || inner === undefined || typeof inner === "boolean") return inner;
    return key.secret ? REDACTED : this.visit(inner, depth + 1);
  }

  private visitError(error: Error, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {
      type: error.constructor?.name ?? error.name,
      message: redactText(String(error.message)),
    };
    if (typeof error.stack === "string") out.stack = redactText(error.stack);
    for (const key of Object.keys(error)) {
      if (key === "message" || key === "stack") continue;
      const verdict = judgeKey(key);
      put(
        out,
        verdict.safe,
        this.visitEntry(verdict, (error as unknown as Record<string, unknown>)[key], depth),
      );
    }
    if (error.cause !== undefined) out.cause = this.visit(error.cause, depth + 1);
    if (error instanceof AggregateError) out.errors = this.visit(error.errors, depth + 1);
    return out;
  }
}

// A plain assignment to "__proto__" would set the prototype instead of copying the field.
function put(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else out[key] = value;
}
