import { readableHouseholds } from "../../access/authorize.ts";
import { Decimal } from "../../domain/decimal.ts";
import { marketDate } from "../../domain/market-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../../engine/planning/draft-plan.ts";
import { planHousehold } from "../../planning/plan-household.ts";
import { withPrincipal } from "../act-as.ts";
import type { Command } from "../command.ts";
import { ensureDemoBook } from "../ensure-demo-book.ts";
import { formatMoney } from "../format.ts";
import { syncDemoFeed } from "../sync-demo-feed.ts";
import { listHouseholds, renderHouseholds } from "./households.ts";
import { DEFAULT_APPROVER, DEFAULT_REQUESTER, serveMode, serveWith } from "./serve.ts";

/** One line for a household's plan, or why there is none. */
function summarisePlan(result: Awaited<ReturnType<typeof planHousehold>>, householdId: string): string {
  const short = householdId.replace(/^hh-/, "");
  if (!result.ok) {
    const hint =
      result.error.code === "plan.stale"
        ? ` (lotwise plan ${short} --allow-stale)`
        : result.error.code === "plan.no-model"
          ? ` (lotwise models assign ${short} <model>)`
          : "";
    const reason =
      result.error.code === "plan.stale"
        ? "stale data, refused"
        : result.error.code === "plan.no-model"
          ? "no model assigned, no plan"
          : result.error.message;
    return `${reason}${hint}`;
  }
  const { plan } = result.value;
  if (plan.trades.length === 0) return `no trades (${plan.reasons[0]?.message ?? "nothing to do"})`;
  const sells = plan.trades.filter((t) => t.side === "sell").length;
  const harvested = plan.harvested.reduce((sum, h) => sum.plus(h.loss), new Decimal(0));
  return [
    `${plan.trades.length} trades (${sells} sells, ${plan.trades.length - sells} buys)`,
    `realises ${formatMoney(new Decimal(plan.realized.total))}, estimated tax ${formatMoney(new Decimal(plan.realized.estimatedTax))}`,
    ...(harvested.isZero() ? [] : [`harvests ${formatMoney(harvested)} of losses`]),
    `lotwise plan ${short}`,
  ].join("; ");
}

export const startCommand: Command = {
  name: "start",
  summary: "Run lotwise (what `npm start` runs)",
  usage: "lotwise start [--json]",
  details:
    "Opens the database (embedded PGlite under LOTWISE_HOME unless DATABASE_URL is set), applies\n" +
    "migrations, loads the demo book into an empty embedded database, shows the book, and drafts a\n" +
    "plan for every household the principal may read (nothing is sent). Then runs the assistant as `lotwise serve` does: in\n" +
    "Slack when its tokens are set; otherwise in this terminal, or, with no terminal attached, one\n" +
    "scripted request without a decision.",
  options: { json: { type: "boolean", default: false } },
  optionHelp: { json: "print the households as JSON (as `lotwise households --json`)" },
  actsAs: true,
  run(context, { values }) {
    const { io, services } = context;
    // A half-configured Slack app is reported before anything else.
    if (!values.json) serveMode(services.config.slack);
    const quiet = Boolean(values.json);
    return withPrincipal(context, { quiet, command: "start" }, async (opened, progress, principal) => {
      const book = await ensureDemoBook(opened, services.clock.now(), progress);
      const { seeded } = book;
      const households = readableHouseholds(principal, book.households);
      const prices = await opened.store.latestPrices();
      progress.done();
      const listings = listHouseholds(households, prices);
      if (values.json) {
        io.stdout.write(`${JSON.stringify(listings, null, 2)}\n`);
        return 0;
      }
      io.stdout.write(
        `lotwise · ${opened.database.location}${seeded ? " · demo book loaded just now" : ""}\n\n`,
      );
      if (households.length === 0) {
        io.stdout.write(
          book.households.length === 0
            ? "No households in this database. Load the demo book with: lotwise seed --demo\n"
            : "No households you may read; ask an admin for a role.\n",
        );
        return 0;
      }
      io.stdout.write(renderHouseholds(listings));
      const now = services.clock.now();
      await syncDemoFeed(opened.store, now, progress);
      const plans: string[] = [];
      for (const household of households) {
        progress.step(`Drafting a plan for ${household.name}`);
        const result = await planHousehold(opened.store, {
          householdId: household.id,
          asOf: marketDate(now),
          now: now.toISOString(),
          allowStale: false,
          settings: DEFAULT_PLAN_SETTINGS,
        });
        plans.push(`  ${household.name}: ${summarisePlan(result, household.id)}`);
      }
      progress.done();
      io.stdout.write(
        [
          "",
          "Plans (drafted, nothing sent):",
          ...plans,
          "",
          "Available now: lotwise plan <household>, lotwise households [<household>], lotwise models,",
          "lotwise ledger --in <history.json>, lotwise seed --demo, lotwise db migrate (each with --help).",
          "The assistant runs next: in Slack when SLACK_BOT_TOKEN with SLACK_APP_TOKEN or SLACK_SIGNING_SECRET",
          "is set (slack/README.md), otherwise in this terminal (as `lotwise serve`).",
          "",
          "",
        ].join("\n"),
      );
      return serveWith(context, opened, progress, {
        role: "all",
        forceLocal: false,
        interactive: false,
        requester: DEFAULT_REQUESTER,
        approver: DEFAULT_APPROVER,
      });
    });
  },
};
