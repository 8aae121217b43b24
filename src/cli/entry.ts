import { loadDotEnv } from "../config.ts";
import { createServices } from "../main.ts";
import type { CliIo } from "./command.ts";
import { runCli } from "./run.ts";

/** The process-facing entry: real stdout/stderr and environment. Returns the exit code. */
export async function runMain(argv: string[]): Promise<number> {
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTty: Boolean(process.stdout.isTTY),
    stderrIsTty: Boolean(process.stderr.isTTY),
    stdin: process.stdin,
    stdinIsTty: Boolean(process.stdin.isTTY),
  };
  try {
    loadDotEnv();
  } catch (error) {
    io.stderr.write(`lotwise: cannot read .env: ${(error as Error).message}\n`);
    return 2;
  }
  const code = await runCli(argv, io, () => createServices(process.env, { isTty: io.stderrIsTty }));
  await new Promise<void>((resolve) => process.stdout.write("", () => resolve()));
  return code;
}
