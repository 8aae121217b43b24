// Bolt's logger interface over pino, so Bolt's own messages (signature failures, socket reconnects)
// land in the same structured log. Strings form the message; an Error goes under `err` and other
// values under `parts`, as objects, so the logger's redaction sees their keys.
import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../logger.ts";

export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: "slack" });
  let level = LogLevel.INFO;
  return {
    debug: (...parts) => child.debug(...entry(parts)),
    info: (...parts) => child.info(...entry(parts)),
    warn: (...parts) => child.warn(...entry(parts)),
    error: (...parts) => child.error(...entry(parts)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

function entry(parts: unknown[]): [Record<string, unknown>, string] {
  const text: string[] = [];
  const values: unknown[] = [];
  let err: Error | undefined;
  for (const part of parts) {
    if (typeof part === "string") text.push(part);
    else if (part instanceof Error && err === undefined) {
      err = part;
      text.push(part.message);
    } else values.push(part);
  }
  const fields: Record<string, unknown> = {};
  if (err) fields.err = err;
  if (values.length > 0) fields.parts = values;
  return [fields, text.join(" ")];
}
