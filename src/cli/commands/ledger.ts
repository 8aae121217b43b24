import { readFileSync } from "node:fs";
import { CliError, type Command, UsageError } from "../command.ts";

export const ledgerCommand: Command = {
  name: "ledger",
  summary: "Realised gains, wash sales and open lots from a transaction history file",
  usage: "lotwise ledger --in <history.json|-> [--format json|table]",
  details:
    "Applies lot relief (FIFO, LIFO, HIFO, specific identification, average cost), holding periods\n" +
    "and household wash sales (spouse and IRA accounts included) to a history file, with no database\n" +
    "and no network. Format: ../shared/specs/ledger-cli.md (see the README). `--in -` reads stdin.\n" +
    "Invalid input exits 2 with one line naming the offending transaction; nothing partial is printed.",
  options: {
    in: { type: "string" },
    format: { type: "string", default: "json" },
    json: { type: "boolean", default: false },
  },
  optionHelp: {
    in: "the history file, or - for standard input",
    format: "json (default) or table",
    json: "same as --format json",
  },
  async run({ io }, { values }) {
    const path = values.in as string | undefined;
    if (!path) throw new UsageError("--in <file> is required (use - for standard input)");
    const format = values.json ? "json" : (values.format as string);
    if (format !== "json" && format !== "table")
      throw new UsageError(`--format must be json or table, not "${format}"`);
    let text: string;
    try {
      text = readFileSync(path === "-" ? 0 : path, "utf8");
    } catch (error) {
      throw new CliError(
        `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        2,
      );
    }
    // Loaded here, not at start-up: other commands (and --help) never pay for them.
    const [{ parseHistory }, { runLedger }, { ledgerJson, renderLedger, writeLedgerJson }] =
      await Promise.all([
        import("../ledger/parse-history.ts"),
        import("../../engine/tax-lots/run-ledger.ts"),
        import("../ledger/ledger-output.ts"),
      ]);
    const input = parseHistory(text);
    if (!input.ok) throw new CliError(input.error, 2);
    const result = runLedger(input.value);
    if (!result.ok) throw new CliError(result.error.message, 2);
    if (format === "table") {
      io.stdout.write(renderLedger(result.value));
    } else if (io.stdoutIsTty) {
      // Indented for a person at a terminal; compact and streamed when piped.
      io.stdout.write(`${JSON.stringify(ledgerJson(result.value), null, 2)}\n`);
    } else {
      writeLedgerJson(result.value, (text) => io.stdout.write(text));
    }
    return 0;
  },
};
