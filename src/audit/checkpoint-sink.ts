// The copy of every checkpoint outside the database: a JSONL file, one checkpoint a line, only ever
// appended to (opened with O_APPEND and synced). In production this is a write-once store (an
// object-lock bucket); the file is the same record on one machine.
import { closeSync, constants, createReadStream, fsyncSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import type { AuditCheckpoint } from "../ports/audit-log.ts";

const Head = z.object({ stream: z.string(), seq: z.number().int().positive(), hash: z.string() });

export const SinkCheckpoint = z.object({
  globalSeq: z.number().int().positive(),
  eventCount: z.number().int().nonnegative(),
  headsDigest: z.string(),
  heads: z.array(Head),
  prevDigest: z.string().nullable(),
  at: z.string(),
  algorithm: z.enum(["ed25519", "hmac-sha256"]),
  keyId: z.string(),
  signature: z.string(),
});
export type SinkCheckpoint = z.infer<typeof SinkCheckpoint>;

export function appendToSink(path: string, checkpoint: AuditCheckpoint): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
  try {
    writeSync(fd, `${JSON.stringify(checkpoint)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface SinkContents {
  /** False when the file does not exist. */
  exists: boolean;
  checkpoints: { line: number; checkpoint: AuditCheckpoint }[];
  /** Lines that are not a checkpoint. */
  unreadable: { line: number; reason: string }[];
}

/** Reads the sink a line at a time. */
export async function readSink(path: string): Promise<SinkContents> {
  const contents: SinkContents = { exists: true, checkpoints: [], unreadable: [] };
  const input = createReadStream(path, { encoding: "utf8" });
  const opened = new Promise<boolean>((resolve, reject) => {
    input.once("open", () => resolve(true));
    input.once("error", (error: NodeJS.ErrnoException) =>
      error.code === "ENOENT" ? resolve(false) : reject(error),
    );
  });
  if (!(await opened)) return { ...contents, exists: false };
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    line += 1;
    if (text.trim() === "") continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      contents.unreadable.push({ line, reason: "not JSON" });
      continue;
    }
    const parsed = SinkCheckpoint.safeParse(json);
    if (parsed.success) contents.checkpoints.push({ line, checkpoint: parsed.data });
    else contents.unreadable.push({ line, reason: "not a checkpoint" });
  }
  return contents;
}
