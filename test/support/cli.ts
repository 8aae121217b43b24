// Drives the real `lotwise` CLI: in-process through runCli with captured output, or as a child
// process through bin/lotwise.js exactly as a user would run it.
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { CliIo } from "../../src/cli/command.ts";
import { runCli } from "../../src/cli/run.ts";
import type { Database } from "../../src/db/open-database.ts";
import { createServices } from "../../src/main.ts";
import type { Clock } from "../../src/ports/clock.ts";

export const ROOT = join(import.meta.dirname, "../..");

// One LOTWISE_HOME per test file unless a test gives its own: the audit key and the checkpoint sink
// written after each command never land in the working tree's ./.lotwise.
let fileHome: string | undefined;
function testHome(): string {
  fileHome ??= mkdtempSync(join(tmpdir(), "lotwise-home-"));
  return fileHome;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runInProcess(
  argv: string[],
  options: { env?: NodeJS.ProcessEnv; database?: Database; clock?: Clock; stdin?: string[] } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdoutIsTty: false,
    stderrIsTty: false,
    ...(options.stdin
      ? { stdin: Readable.from(options.stdin.map((line) => `${line}\n`)), stdinIsTty: false }
      : {}),
  };
  const code = await runCli(argv, io, () =>
    createServices(
      { LOTWISE_HOME: testHome(), ...options.env },
      {
        isTty: false,
        ...(options.database ? { database: options.database } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
      },
    ),
  );
  return { code, stdout, stderr };
}

/** Runs bin/lotwise.js in a child process with only the given environment (plus PATH). */
export function runBin(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, "bin/lotwise.js"), ...argv],
      { cwd: ROOT, env: { PATH: process.env.PATH, LOG_LEVEL: "warn", ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
