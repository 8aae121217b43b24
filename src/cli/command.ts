// The shape of a `lotwise` subcommand and the errors the CLI turns into exit codes.
import type { ParseArgsConfig } from "node:util";
import type { Services } from "../main.ts";

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdoutIsTty: boolean;
  stderrIsTty: boolean;
  /** Where `lotwise chat` reads requests from (absent in contexts with no input). */
  stdin?: NodeJS.ReadableStream;
  stdinIsTty?: boolean;
}

export interface CommandContext {
  io: CliIo;
  services: Services;
  /** The global --as value (a Slack user id), for commands that act as a principal. */
  asUser?: string | undefined;
}

export type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

export interface Command {
  /** One or two words: "households", "db migrate". */
  name: string;
  summary: string;
  usage: string;
  /** Longer help: what it does, examples. */
  details?: string;
  options: OptionSpec;
  /** Names and meanings of the options, for --help. */
  optionHelp: Record<string, string>;
  positionals?: { min: number; max: number };
  /**
   * Acts as a principal (src/cli/act-as.ts): takes the global --as <slack user id>, else LOTWISE_USER,
   * else the local operator.
   */
  actsAs?: boolean;
  run(
    context: CommandContext,
    args: { values: Record<string, unknown>; positionals: string[] },
  ): Promise<number>;
}

/** Bad command line: exit 2 with the usage line. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** An expected failure the user can act on: exit 1, message only. */
export class CliError extends Error {
  override name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}
