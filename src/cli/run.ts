// `lotwise` entry: finds the subcommand, parses its flags, runs it, and turns every failure into a
// one-line message and an exit code (2: bad command line, 1: could not do it). No stack traces.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../config.ts";
import { DatabaseUnavailableError, MigrationError } from "../db/errors.ts";
import type { Services } from "../main.ts";
import { PROJECT_ROOT } from "../project-root.ts";
import { CliError, type CliIo, type Command, UsageError } from "./command.ts";
import { askCommand, chatCommand } from "./commands/ask.ts";
import {
  auditExportCommand,
  auditPublicKeyCommand,
  auditReplayCommand,
  auditVerifyCommand,
} from "./commands/audit.ts";
import { dbGrantAppRoleCommand } from "./commands/db-grant-app-role.ts";
import { dbMigrateCommand } from "./commands/db-migrate.ts";
import { householdsCommand } from "./commands/households.ts";
import { importCommand } from "./commands/import.ts";
import { jobsCommand, jobsRetryCommand } from "./commands/jobs.ts";
import { ledgerCommand } from "./commands/ledger.ts";
import {
  modelsAssignCommand,
  modelsListCommand,
  modelsNewVersionCommand,
  modelsShowCommand,
} from "./commands/models.ts";
import { planCommand } from "./commands/plan.ts";
import { pricesImportCommand, pricesRefreshCommand } from "./commands/prices.ts";
import { scanCommand } from "./commands/scan.ts";
import { seedCommand } from "./commands/seed.ts";
import { serveCommand } from "./commands/serve.ts";
import { startCommand } from "./commands/start.ts";
import { syncCommand } from "./commands/sync.ts";
import {
  usersAddCommand,
  usersGrantCommand,
  usersListCommand,
  usersRevokeCommand,
} from "./commands/users.ts";

export const COMMANDS: readonly Command[] = [
  startCommand,
  serveCommand,
  householdsCommand,
  importCommand,
  syncCommand,
  pricesImportCommand,
  pricesRefreshCommand,
  askCommand,
  chatCommand,
  planCommand,
  scanCommand,
  auditVerifyCommand,
  auditReplayCommand,
  auditExportCommand,
  auditPublicKeyCommand,
  ledgerCommand,
  modelsListCommand,
  modelsShowCommand,
  modelsNewVersionCommand,
  modelsAssignCommand,
  usersListCommand,
  usersAddCommand,
  usersGrantCommand,
  usersRevokeCommand,
  // "jobs retry" before "jobs": the first command whose words start the command line wins.
  jobsRetryCommand,
  jobsCommand,
  seedCommand,
  dbMigrateCommand,
  dbGrantAppRoleCommand,
];

const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version: string })
  .version;

export function renderHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    "lotwise: rebalancing and tax-loss-harvesting assistant for wealth advisors.",
    "",
    "Usage: lotwise <command> [options]",
    "",
    "Commands:",
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    "",
    "Run `lotwise <command> --help` for a command's options. Commands that read or change the book act",
    "as --as <slack user id>, else LOTWISE_USER, else you, the local operator, with what each role allows.",
    "Configuration is read from the environment (and ./.env): DATABASE_URL, LOTWISE_HOME, LOG_LEVEL,",
    "LOG_FORMAT, LOTWISE_USER. See the README.",
    "",
  ].join("\n");
}

const AS_OPTION = { as: { type: "string" } } as const;
const AS_HELP =
  "act as this lotwise user (Slack id, e.g. U0ADVISOR1); default: LOTWISE_USER, else the local operator";

/** A command's options, with the global --as for commands that act as a principal. */
function optionsOf(command: Command): Command["options"] {
  return command.actsAs ? { ...command.options, ...AS_OPTION } : command.options;
}

function usageOf(command: Command): string {
  return command.actsAs ? `${command.usage} [--as <slack user id>]` : command.usage;
}

export function renderCommandHelp(command: Command): string {
  const lines = [command.summary, "", `Usage: ${usageOf(command)}`];
  if (command.details) lines.push("", command.details);
  const names = Object.keys(optionsOf(command));
  const help: Record<string, string> = command.actsAs
    ? { ...command.optionHelp, as: AS_HELP }
    : command.optionHelp;
  if (names.length > 0) {
    lines.push("", "Options:");
    const width = Math.max(...names.map((name) => name.length + 2), 6);
    for (const name of names) lines.push(`  ${`--${name}`.padEnd(width)}  ${help[name] ?? ""}`);
    lines.push(`  ${"--help".padEnd(width)}  show this help`);
  }
  return `${lines.join("\n")}\n`;
}

function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  for (const command of COMMANDS) {
    const words = command.name.split(" ");
    if (words.every((word, i) => argv[i] === word)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
}

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  makeServices: () => Services,
): Promise<number> {
  const first = argv[0];
  if (first === undefined || first === "help" || first === "--help" || first === "-h") {
    const topic = first === "help" && argv.length > 1 ? findCommand(argv.slice(1)) : undefined;
    io.stdout.write(topic ? renderCommandHelp(topic.command) : renderHelp());
    return first === undefined ? 2 : 0;
  }
  if (first === "--version" || first === "-v") {
    io.stdout.write(`lotwise ${VERSION}\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = COMMANDS.filter((command) => command.name.startsWith(`${first} `));
    const hint =
      group.length > 0 ? ` Did you mean: ${group.map((c) => `lotwise ${c.name}`).join(", ")}?` : "";
    io.stderr.write(
      `lotwise: unknown command "${argv.join(" ")}".${hint} Run \`lotwise --help\` for the list.\n`,
    );
    return 2;
  }
  const { command, rest } = found;
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(renderCommandHelp(command));
    return 0;
  }
  let services: Services | undefined;
  try {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args: [...rest],
        options: optionsOf(command),
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new UsageError((error as Error).message.replace(/\. To specify a positional.*$/s, "."));
    }
    const { min, max } = command.positionals ?? { min: 0, max: 0 };
    if (parsed.positionals.length < min || parsed.positionals.length > max) {
      throw new UsageError(
        max === 0
          ? `unexpected argument "${parsed.positionals[0]}"`
          : `expected ${min === max ? min : `${min} to ${max}`} argument(s), got ${parsed.positionals.length}`,
      );
    }
    services = makeServices();
    const { as, ...values } = parsed.values;
    if (command.actsAs && as !== undefined && String(as).trim() === "") {
      throw new UsageError("--as needs a Slack user id, e.g. --as U0ADVISOR1");
    }
    const asUser = command.actsAs && as !== undefined ? String(as).trim() : undefined;
    return await command.run(
      { io, services, asUser },
      { values: command.actsAs ? values : parsed.values, positionals: parsed.positionals },
    );
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`lotwise ${command.name}: ${error.message}\nUsage: ${usageOf(command)}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr.write(`lotwise: ${error.message}\n`);
      return 2;
    }
    if (
      error instanceof CliError ||
      error instanceof DatabaseUnavailableError ||
      error instanceof MigrationError
    ) {
      io.stderr.write(`lotwise ${command.name}: ${error.message}\n`);
      return error instanceof CliError ? error.exitCode : 1;
    }
    services?.logger.error({ err: error, command: command.name }, "unexpected error");
    io.stderr.write(
      `lotwise ${command.name}: unexpected error: ${(error as Error).message ?? String(error)}\n` +
        "This is a bug; the log above has the details (LOG_LEVEL=debug for more).\n",
    );
    return 1;
  }
}
