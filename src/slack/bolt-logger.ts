// Bolt's logger interface over pino, so Bolt's own messages (signature failures, socket reconnects)
// land in the same structured log, redacted like everything else.
import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../logger.ts";

export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: "slack" });
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) =>
    parts
      .map((part) =>
        typeof part === "string" ? part : part instanceof Error ? part.message : safeJson(part),
      )
      .join(" ");
  return {
    debug: (...parts) => child.debug(text(parts)),
    info: (...parts) => child.info(text(parts)),
    warn: (...parts) => child.warn(text(parts)),
    error: (...parts) => child.error(text(parts)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}
