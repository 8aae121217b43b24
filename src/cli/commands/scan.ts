// `lotwise scan`: the daily sweep of the book the principal may read (or of one advisor's
// households), ranked by what acting is worth (book-scan spec). Nothing is drafted or sent; the scan
// is recorded as an audit event unless --no-save. Exit 1 only when the book cannot be read.
import type { Decimal } from "../../domain/decimal.ts";
import { Decimal as DecimalValue, parseDecimal } from "../../domain/decimal.ts";
import { type IsoDate, parseIsoDate } from "../../domain/iso-date.ts";
import { marketDate } from "../../domain/market-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../../engine/planning/draft-plan.ts";
import type { ScanSettings } from "../../engine/planning/scan-household.ts";
import { type BookScan, type BookScanRow, recordBookScan, scanBook } from "../../planning/scan-book.ts";
import type { AppUser, UserStore } from "../../ports/user-store.ts";
import { withPrincipal } from "../act-as.ts";
import { CliError, type Command, UsageError } from "../command.ts";
import { formatMoney, renderTable } from "../format.ts";
import { syncDemoFeed } from "../sync-demo-feed.ts";

const SHOWN = 20;

export const scanCommand: Command = {
  name: "scan",
  summary: "Sweep the book: which households need attention today, ranked by what acting is worth",
  usage:
    "lotwise scan [--advisor <user>] [--as-of YYYY-MM-DD] [--limit <n>] [--json] [--no-save] [--min-loss X] [--min-loss-percent X] [--max-age S]",
  details: [
    "Every household the principal may read (with --advisor, those where that user holds a role):",
    "drift and out-of-band classes, harvestable losses and their tax value, losses blocked by wash",
    "sales and when the first clears, stale or unreconciled data, plans awaiting approval. Ranked by",
    "tax value, then drift. Nothing is drafted or sent. Each scan is an audit event unless --no-save.",
    "",
    "Examples:",
    "  lotwise scan",
    "  lotwise scan --advisor U0ADVISOR1 --limit 10",
    "  lotwise scan --json --min-loss 1000 > scan.json",
  ].join("\n"),
  options: {
    advisor: { type: "string" },
    "as-of": { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean", default: false },
    "no-save": { type: "boolean", default: false },
    "min-loss": { type: "string" },
    "min-loss-percent": { type: "string" },
    "max-age": { type: "string" },
  },
  optionHelp: {
    advisor: "only the households where this user (Slack id, name or user id) holds a role",
    "as-of": "the trade date (default: today in New York)",
    limit: `rows to print (default: ${SHOWN} in the table, every household with --json)`,
    json: "print { scanId, asOf, households, elapsedMs, totals, rows } (the book-scan spec)",
    "no-save": "do not record the scan in the audit log",
    "min-loss": "smallest harvestable loss in dollars (default 500)",
    "min-loss-percent": "smallest harvestable loss in percent of basis (default 5)",
    "max-age": "oldest acceptable positions and prices, in seconds (default 300)",
  },
  actsAs: true,
  run(context, { values }) {
    const settings = scanSettingsFrom(values);
    const asOf = dateOption(values["as-of"]) ?? marketDate(context.services.clock.now());
    const limit = limitOption(values.limit);
    const json = Boolean(values.json);
    const advisorQuery = values.advisor as string | undefined;
    if (advisorQuery !== undefined && advisorQuery.trim() === "") {
      throw new UsageError("--advisor needs a user: a Slack id, a name or a user id");
    }
    return withPrincipal(context, { quiet: json, command: "scan" }, async (opened, progress, principal) => {
      const advisor =
        advisorQuery === undefined ? null : await findAdvisor(opened.users, advisorQuery.trim());
      const nowDate = context.services.clock.now();
      await syncDemoFeed(opened.store, nowDate, progress);
      const now = nowDate.toISOString();
      progress.step("scanning the book");
      let scan: BookScan;
      try {
        scan = await scanBook(
          { store: opened.store, plans: opened.plans },
          {
            principal,
            advisor,
            asOf,
            now,
            settings,
            onProgress: (scanned, total) => progress.step(`scanning households: ${scanned} of ${total}`),
          },
        );
      } catch (error) {
        throw new CliError(`could not read the book: ${firstLine(error)}`);
      }
      if (!values["no-save"]) {
        await recordBookScan(opened.audit, scan, {
          principal,
          now,
          surface: "cli",
          settings,
          filters: {
            advisor: advisor?.slackUserId ?? null,
            limit: limit ?? null,
            minLoss: settings.minLossAmount.toString(),
            minLossPercent: settings.minLossFraction.times(100).toString(),
            maxAgeSeconds: settings.maxDataAgeSeconds,
          },
        });
      }
      progress.done();
      if (json) {
        const rows = limit === undefined ? scan.rows : scan.rows.slice(0, limit);
        const out = {
          scanId: scan.scanId,
          asOf: scan.asOf,
          households: scan.households,
          elapsedMs: scan.elapsedMs,
          totals: scan.totals,
          rows,
        };
        context.io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      } else {
        context.io.stdout.write(renderScan(scan, limit ?? SHOWN, Boolean(values["no-save"])));
      }
      return 0;
    });
  },
};

/** The user named by Slack id, user id or (case-insensitive) full name; anything else is bad input. */
async function findAdvisor(users: Pick<UserStore, "list">, query: string): Promise<AppUser> {
  const all = await users.list();
  const exact = all.filter((user) => user.slackUserId === query || user.id === query);
  const named = all.filter((user) => user.name.toLowerCase() === query.toLowerCase());
  const found = exact.length > 0 ? exact : named;
  if (found.length === 1 && found[0]) return found[0];
  if (found.length > 1) {
    throw new CliError(
      `--advisor ${query} matches ${found.length} users (${found.map((u) => u.slackUserId).join(", ")}); give a Slack id`,
      2,
    );
  }
  throw new CliError(
    `--advisor ${query} is not a lotwise user (see lotwise users list); nothing was scanned`,
    2,
  );
}

function scanSettingsFrom(values: Record<string, unknown>): ScanSettings {
  const amount = (name: string, fallback: Decimal): Decimal => {
    const text = values[name] as string | undefined;
    if (text === undefined) return fallback;
    const value = parseDecimal(text);
    if (!value || value.isNegative()) {
      throw new UsageError(`--${name} must be a non-negative amount, not "${text}"`);
    }
    return value;
  };
  const percent = amount("min-loss-percent", DEFAULT_PLAN_SETTINGS.minLossFraction.times(100));
  if (percent.greaterThan(100)) throw new UsageError("--min-loss-percent must be at most 100");
  const maxAgeText = values["max-age"] as string | undefined;
  if (maxAgeText !== undefined && !/^\d{1,9}$/.test(maxAgeText)) {
    throw new UsageError(`--max-age must be whole seconds, not "${maxAgeText}"`);
  }
  return {
    minLossAmount: amount("min-loss", DEFAULT_PLAN_SETTINGS.minLossAmount),
    minLossFraction: percent.dividedBy(100),
    shortTermRate: DEFAULT_PLAN_SETTINGS.shortTermRate,
    longTermRate: DEFAULT_PLAN_SETTINGS.longTermRate,
    maxDataAgeSeconds:
      maxAgeText === undefined ? DEFAULT_PLAN_SETTINGS.maxDataAgeSeconds : Number.parseInt(maxAgeText, 10),
  };
}

function dateOption(value: unknown): IsoDate | undefined {
  if (value === undefined) return undefined;
  const date = parseIsoDate(String(value));
  if (!date) throw new UsageError(`--as-of must be a date like 2026-11-20, not "${String(value)}"`);
  return date;
}

function limitOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = String(value);
  if (!/^\d{1,7}$/.test(text) || Number.parseInt(text, 10) === 0) {
    throw new UsageError(`--limit must be a positive whole number, not "${text}"`);
  }
  return Number.parseInt(text, 10);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]?.trim() || "an internal error";
}

const money = (text: string) => formatMoney(new DecimalValue(text));
const points = (text: string) => `${new DecimalValue(text).times(100).toFixed(2)} pts`;

function flags(row: BookScanRow): string {
  const codes = new Set(row.reasons.map((r) => r.code));
  return [
    row.stale ? "stale" : "",
    codes.has("scan.no-model") ? "no model" : "",
    codes.has("scan.no-policy") ? "no policy" : "",
    row.unreconciled > 0 ? `${row.unreconciled} unreconciled` : "",
    row.awaitingApproval > 0 ? `${row.awaitingApproval} awaiting approval` : "",
    codes.has("scan.failed") || codes.has("scan.no-inputs") ? "not scanned" : "",
    codes.has("data.no-price") ? "unpriced" : "",
  ]
    .filter(Boolean)
    .join(", ");
}

/** The table for people: the top rows, then the totals over every household scanned. */
export function renderScan(scan: BookScan, shown: number, unsaved: boolean): string {
  const t = scan.totals;
  const out = [
    `Book scan ${scan.scanId}, trade date ${scan.asOf}: ${scan.households} households in ${(scan.elapsedMs / 1000).toFixed(1)} s${unsaved ? " (not recorded: --no-save)" : ""}`,
    "",
  ];
  if (scan.households === 0) {
    out.push("No households to scan: you may read none (ask an admin for a role), or the book is empty.", "");
    return out.join("\n");
  }
  const rows = scan.rows.slice(0, shown);
  out.push(
    renderTable(rows, [
      { header: "#", value: (r) => String(r.rank), align: "right" },
      { header: "HOUSEHOLD", value: (r) => `${r.name} (${r.householdId})` },
      { header: "TAX VALUE", value: (r) => money(r.taxValue), align: "right" },
      { header: "HARVESTABLE LOSS", value: (r) => money(r.harvestableLoss), align: "right" },
      { header: "LOTS", value: (r) => String(r.harvestableLots), align: "right" },
      { header: "WASH-BLOCKED", value: (r) => String(r.blockedByWash), align: "right" },
      { header: "FIRST CLEARS", value: (r) => r.nextClearDate ?? "" },
      { header: "MAX DRIFT", value: (r) => points(r.maxDrift), align: "right" },
      { header: "OUT OF BAND", value: (r) => r.classesOutOfBand.join(", ") },
      { header: "ATTENTION", value: flags },
    ]),
  );
  if (scan.rows.length > rows.length)
    out.push(`... and ${scan.rows.length - rows.length} more (--limit, --json)`);
  out.push(
    "",
    `Totals over ${scan.households} households: tax value ${money(t.taxValue)} from harvestable losses of ${money(t.harvestableLoss)} in ${t.harvestableLots} lots; ${t.blockedByWash} lots blocked by wash sales`,
    `${t.outOfBand} out of band, ${t.stale} stale, ${t.unreconciled} with unreconciled positions, ${t.awaitingApproval} plans awaiting approval.`,
    "Nothing has been drafted or sent.",
    "",
  );
  return out.join("\n");
}
