// `lotwise import <file>`: a custodian export into the book. The file is read as UTF-8 text,
// checked for hostile content, its format detected (or given with --format), parsed to a
// statement, matched to stored accounts (by --account, or by the account number's last digits,
// within --household), and written in one transaction: all of it or, on any refusal, nothing.
// Importing the same file again, or an overlapping one, adds only what is new.
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import { type DetectOptions, detectFormat } from "../../custodians/detect-format.ts";
import { createImportPlanner } from "../../custodians/import-statement.ts";
import { checkXmlSafety, decodeFileText, easternToInstant } from "../../custodians/normalise.ts";
import { NOT_STATEMENTS, PARSERS } from "../../custodians/parsers.ts";
import type { ImportError, Statement } from "../../custodians/statement.ts";
import { Decimal } from "../../domain/decimal.ts";
import { parseIsoDate } from "../../domain/iso-date.ts";
import { err, ok, type Result } from "../../domain/result.ts";
import { findHousehold } from "../../engine/find-by-name.ts";
import type { OpenedStore } from "../../main.ts";
import type { ImportStore, ImportSummary } from "../../ports/import-store.ts";
import { withPrincipal } from "../act-as.ts";
import { CliError, type Command, UsageError } from "../command.ts";
import { formatInstant, formatMoney, renderTable } from "../format.ts";

/** Larger files are refused before reading (a year of a busy account's transactions is ~10 MB). */
const MAX_FILE_BYTES = 256 * 1024 * 1024;

// Until the composition root hands the import store over with the others, build it over the
// opened database the same way.
export async function importStoreOf(opened: OpenedStore): Promise<ImportStore> {
  const { createPrismaImportStore } = await import("../../db/import-statement.ts");
  return createPrismaImportStore(opened.database.prisma);
}

export interface ReadStatement {
  statement: Statement;
  sha256: string;
  fileName: string;
}

/** Bytes -> statement: decoding, hostile-content checks, detection and parsing. Pure but for nothing. */
export function readStatement(
  bytes: Uint8Array,
  fileName: string,
  options: DetectOptions = {},
): Result<ReadStatement, ImportError> {
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const decoded = decodeFileText(bytes);
  if (!decoded.ok) return decoded;
  const hostile = checkXmlSafety(decoded.value);
  if (hostile) return err(hostile);
  const parser = detectFormat(
    decoded.value,
    fileName,
    { parsers: PARSERS, notStatements: NOT_STATEMENTS },
    options,
  );
  if (!parser.ok) return parser;
  const parsed = parser.value.parse(decoded.value, fileName);
  if (!parsed.ok) return parsed;
  return ok({ statement: parsed.value, sha256, fileName });
}

/** One line: where, which field, what; and that nothing was imported. */
export function describeRefusal(fileName: string, error: ImportError): string {
  const mentionsPlace =
    error.line !== null && new RegExp(`\\b(line|record)s? ${error.line}\\b`).test(error.message);
  const place = error.line !== null && !mentionsPlace ? `line ${error.line}: ` : "";
  return `refused ${fileName}: ${place}${error.message}. Nothing was imported.`;
}

function asOfOption(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  const date = parseIsoDate(text);
  if (date) return easternToInstant(date, 16, 0, 0);
  const instant = new Date(text);
  if (
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) &&
    !Number.isNaN(instant.getTime())
  ) {
    return instant.toISOString();
  }
  throw new UsageError(
    `--as-of must be a date (2026-11-20, read as the 4 PM New York close) or an ISO instant, not "${text}"`,
  );
}

export const importCommand: Command = {
  name: "import",
  summary: "Import a custodian export (positions, lots, transactions) into the book",
  usage:
    "lotwise import <file> [--custodian X] [--account ID] [--household H] [--format F] [--as-of WHEN] [--dry-run] [--json]",
  details: [
    "Reads Schwab positions (all layouts), lot details, transactions (CSV and JSON), realised",
    "gain/loss CSVs and Trader API JSON, and every other format registered (the format is detected;",
    "--format names it). Accounts are matched by the last digits of the number in the file, within",
    "--household if given, or named with --account. The import is one transaction: a bad file",
    "imports nothing and the error names the line and field. Importing the same or an overlapping",
    "file again adds only what is new. Positions whose lots do not reconcile are reported, and left",
    "out of harvesting until they do.",
    "",
    "Examples:",
    "  lotwise import ~/Downloads/Individual-Positions-2026-11-20-150200.CSV --household chen",
    "  lotwise import XXXX4821_Transactions_20261120.CSV --account acct-chen-schwab-taxable --json",
  ].join("\n"),
  options: {
    custodian: { type: "string" },
    account: { type: "string" },
    household: { type: "string" },
    format: { type: "string" },
    "as-of": { type: "string" },
    "dry-run": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
  optionHelp: {
    custodian: "only this custodian's formats and accounts (schwab, fidelity, vanguard, ibkr)",
    account: "the account id to import a one-account file into (default: matched by number)",
    household: "match accounts within this household (id or name)",
    format: `skip detection: ${PARSERS.map((p) => p.format).join(", ")}`,
    "as-of": "when the holdings are as of, for files that do not say (date = 4 PM New York)",
    "dry-run": "show what would be imported, write nothing",
    json: "print the import summary as JSON",
  },
  positionals: { min: 1, max: 1 },
  actsAs: true,
  async run(context, { values, positionals }) {
    const path = positionals[0] as string;
    const fileName = basename(path);
    const json = Boolean(values.json);
    const asOf = asOfOption(values["as-of"]);
    let bytes: Uint8Array;
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new CliError(`${path} is not a file`);
      if (info.size > MAX_FILE_BYTES) {
        throw new CliError(
          `refused ${fileName}: the file is ${info.size} bytes, more than the ${MAX_FILE_BYTES} lotwise reads`,
        );
      }
      bytes = await readFile(path);
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(
        `cannot read ${path}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`,
      );
    }
    const detect: DetectOptions = {
      ...(values.format === undefined ? {} : { format: String(values.format) }),
      ...(values.custodian === undefined ? {} : { custodian: String(values.custodian) }),
    };
    const read = readStatement(bytes, fileName, detect);
    if (!read.ok) throw new CliError(describeRefusal(fileName, read.error));
    const { statement, sha256 } = read.value;
    const options = { quiet: json, command: "import", needs: "book.manage" } as const;
    return withPrincipal(context, options, async (opened, progress) => {
      let householdId: string | undefined;
      if (values.household !== undefined) {
        const found = findHousehold(String(values.household), await opened.store.listHouseholds());
        if (!found.ok) throw new CliError(found.error.message);
        householdId = found.value.id;
      }
      progress.step(`importing ${fileName} (${statement.format})`);
      const planner = createImportPlanner(statement, {
        fileName,
        sha256,
        now: context.services.clock.now().toISOString(),
        ...(values.account === undefined ? {} : { accountId: String(values.account) }),
        ...(householdId === undefined ? {} : { householdId }),
        ...(values.custodian === undefined ? {} : { custodianId: String(values.custodian) }),
        ...(asOf === undefined ? {} : { asOf }),
      });
      const store = await importStoreOf(opened);
      const outcome = await store.importFile(planner, { dryRun: Boolean(values["dry-run"]) });
      progress.done();
      if (!outcome.ok) throw new CliError(describeRefusal(fileName, outcome.error));
      context.io.stdout.write(
        json ? `${JSON.stringify(outcome.summary, null, 2)}\n` : renderImportSummary(outcome.summary),
      );
      return 0;
    });
  },
};

/** At most 25 lines of a list; the rest are counted (--json has them all). */
function capped(lines: string[], limit = 25): string[] {
  return lines.length <= limit
    ? lines
    : [...lines.slice(0, limit), `  ... and ${lines.length - limit} more (--json lists them all)`];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** The summary for people: what changed per account, reconciliation findings, warnings. */
export function renderImportSummary(summary: ImportSummary): string {
  const { file, totals } = summary;
  const out: string[] = [];
  const changes = `${plural(totals.snapshots, "snapshot")} (${plural(totals.positions, "position")}, ${plural(totals.lots, "lot")}), ${plural(totals.transactions, "transaction")}${totals.gainLossAttached > 0 ? `, ${totals.gainLossAttached} realised gains/losses attached` : ""}; ${plural(totals.duplicates, "duplicate")} skipped`;
  switch (summary.status) {
    case "already-imported":
      out.push(
        `${file.name} was already imported${summary.importedAt ? ` on ${formatInstant(summary.importedAt)}` : ""} (${summary.batchId}): nothing new.`,
      );
      return `${out.join("\n")}\n`;
    case "nothing-new":
      out.push(
        `Nothing new in ${file.name} (${file.format}): everything in it is already recorded; ${plural(totals.duplicates, "duplicate")} skipped.`,
      );
      break;
    case "dry-run":
      out.push(`Dry run of ${file.name} (${file.format}): would write ${changes}. Nothing was written.`);
      break;
    default:
      out.push(`Imported ${file.name} (${file.format}, sha256 ${file.sha256.slice(0, 12)}): ${changes}.`);
  }
  out.push(
    "",
    renderTable(summary.accounts, [
      { header: "ACCOUNT", value: (a) => `${a.nickname} (${a.accountId})` },
      { header: "FILE NAMES IT", value: (a) => a.ref || "-" },
      {
        header: "HOLDINGS AS OF",
        value: (a) =>
          a.snapshot ? `${formatInstant(a.snapshot.asOf)}${a.snapshot.written ? "" : " (unchanged)"}` : "-",
      },
      {
        header: "POSITIONS",
        value: (a) => (a.snapshot ? String(a.snapshot.positions) : "-"),
        align: "right",
      },
      {
        header: "LOTS",
        value: (a) =>
          a.snapshot
            ? `${a.snapshot.lots}${a.snapshot.lotsCarried > 0 ? ` (${a.snapshot.lotsCarried} kept)` : ""}`
            : "-",
        align: "right",
      },
      {
        header: "CASH",
        value: (a) => (a.snapshot ? formatMoney(new Decimal(a.snapshot.cash)) : "-"),
        align: "right",
      },
      { header: "NEW TRANSACTIONS", value: (a) => String(a.transactions.added), align: "right" },
      { header: "DUPLICATES", value: (a) => String(a.transactions.duplicates), align: "right" },
    ]),
  );
  const excluded = summary.findings.filter((f) => f.excludedFromHarvesting);
  const other = summary.findings.filter((f) => !f.excludedFromHarvesting);
  if (excluded.length > 0) {
    out.push(
      "",
      `Unreconciled (${plural(excluded.length, "finding")}; these positions are left out of harvesting until they reconcile):`,
      ...capped(excluded.map((f) => `  ! ${f.message}`)),
    );
  } else if (summary.accounts.some((a) => a.snapshot)) {
    out.push("", "Reconciliation: every position's lots match the reported quantity.");
  }
  if (other.length > 0) out.push("", "Other findings:", ...capped(other.map((f) => `  - ${f.message}`)));
  if (summary.warnings.length > 0) {
    out.push(
      "",
      `Warnings (${summary.warnings.length}):`,
      ...capped(
        summary.warnings.map(
          (w) =>
            `  ${w.line === null || /\b(line|record) \d/.test(w.message) ? "" : `line ${w.line}: `}${w.message}`,
        ),
      ),
    );
  }
  return `${out.join("\n")}\n`;
}
