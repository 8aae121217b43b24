// `lotwise sync --custodian schwab|ibkr`: fetches the custodian's statement over its API (Schwab's
// Trader API: positions and transactions; IBKR's Flex Web Service: the Flex query's statement, lots
// included) and hands it to the import pipeline, as `lotwise import` does with a file.
// Credentials come from the environment: SCHWAB_ACCESS_TOKEN (and SCHWAB_ACCOUNTS_API_URL), or
// IBKR_FLEX_TOKEN and IBKR_FLEX_QUERY_ID (and IBKR_FLEX_URL).
import { createHash } from "node:crypto";
import { createImportPlanner } from "../../custodians/import-statement.ts";
import type { Statement } from "../../custodians/statement.ts";
import { fetchIbkrFlexStatement } from "../../custodians/sync/ibkr-flex-web-service.ts";
import { DEFAULT_SCHWAB_TRADER_URL, syncSchwabTrader } from "../../custodians/sync/schwab-trader.ts";
import type { Problem, Result } from "../../domain/result.ts";
import { findHousehold } from "../../engine/find-by-name.ts";
import { withPrincipal } from "../act-as.ts";
import { CliError, type Command, type CommandContext, UsageError } from "../command.ts";
import { describeRefusal, importStoreOf, renderImportSummary } from "./import.ts";

const DAY_MS = 86_400_000;

// Read here, from the environment, until config.ts carries them.
export const syncCommand: Command = {
  name: "sync",
  summary: "Fetch a custodian's positions and transactions over its API and import them",
  usage:
    "lotwise sync --custodian schwab|ibkr [--household <household>] [--days N] [--account NUMBER] [--dry-run] [--json]",
  details: [
    "Schwab: the Trader API with the OAuth access token in SCHWAB_ACCESS_TOKEN (base URL",
    `SCHWAB_ACCOUNTS_API_URL, default ${DEFAULT_SCHWAB_TRADER_URL}); positions now, transactions`,
    "for the last --days days. The retail API has no lots: only positions with average costs.",
    "IBKR: the Flex Web Service with IBKR_FLEX_TOKEN and IBKR_FLEX_QUERY_ID (an Activity query with",
    "Open Positions at lot level, Trades, Cash Transactions, Corporate Actions); the period is the",
    "query's own. Corporate actions are reported as warnings for a person to apply.",
    "",
    "Examples:",
    "  lotwise sync --custodian schwab --household chen --days 30",
    "  lotwise sync --custodian ibkr --dry-run",
  ].join("\n"),
  options: {
    custodian: { type: "string" },
    household: { type: "string" },
    days: { type: "string" },
    account: { type: "string", multiple: true },
    "dry-run": { type: "boolean", default: false },
    json: { type: "boolean", default: false },
  },
  optionHelp: {
    custodian: "schwab or ibkr",
    household: "the household whose accounts the statement is matched to",
    days: "Schwab: days of transactions to fetch, up to today (default 60)",
    account: "Schwab: only this account number (repeatable; default: every account the token sees)",
    "dry-run": "fetch and show what would be imported, change nothing",
    json: "print the summary as JSON",
  },
  actsAs: true,
  async run(context, { values }) {
    const custodian = values.custodian as string | undefined;
    if (custodian !== "schwab" && custodian !== "ibkr") {
      throw new UsageError(
        `--custodian must be schwab or ibkr${custodian === undefined ? "" : `, not "${custodian}"`}`,
      );
    }
    const daysText = (values.days as string | undefined) ?? "60";
    if (!/^\d{1,4}$/.test(daysText) || Number(daysText) < 1) {
      throw new UsageError(`--days must be a whole number of days, not "${daysText}"`);
    }
    const accounts = (values.account as string[] | undefined) ?? [];
    if (custodian === "ibkr" && (accounts.length > 0 || values.days !== undefined)) {
      throw new UsageError(
        "--account and --days apply to Schwab; an IBKR Flex query sets its own accounts and period",
      );
    }
    const json = Boolean(values.json);
    // The principal is checked before the custodian is asked for anything.
    const options = { quiet: json, command: "sync", needs: "book.manage" } as const;
    return withPrincipal(context, options, async (opened, storeProgress) => {
      storeProgress.step(
        custodian === "schwab" ? "asking Schwab's Trader API" : "asking IBKR's Flex Web Service",
      );
      const fetched =
        custodian === "schwab"
          ? await fetchSchwab(context, Number(daysText), accounts)
          : await fetchIbkr(context, (message) => storeProgress.step(message));
      if (!fetched.ok) throw new CliError(fetched.error.message);
      const statement = fetched.value;
      // A sync is imported like a file: named by what it is and when, identified by its content's hash.
      const fileName = `${statement.format} sync ${context.services.clock.now().toISOString()}`;
      const sha256 = createHash("sha256").update(JSON.stringify(statement)).digest("hex");
      let householdId: string | undefined;
      if (values.household !== undefined) {
        const found = findHousehold(String(values.household), await opened.store.listHouseholds());
        if (!found.ok) throw new CliError(found.error.message);
        householdId = found.value.id;
      }
      storeProgress.step(`importing ${statement.accounts.length} account(s) from ${custodian}`);
      const planner = createImportPlanner(statement, {
        fileName,
        sha256,
        now: context.services.clock.now().toISOString(),
        custodianId: custodian,
        ...(householdId === undefined ? {} : { householdId }),
      });
      const store = await importStoreOf(opened);
      const outcome = await store.importFile(planner, { dryRun: Boolean(values["dry-run"]) });
      storeProgress.done();
      if (!outcome.ok) throw new CliError(describeRefusal(fileName, outcome.error));
      context.io.stdout.write(
        json ? `${JSON.stringify(outcome.summary, null, 2)}\n` : renderImportSummary(outcome.summary),
      );
      return 0;
    });
  },
};

async function fetchSchwab(
  context: CommandContext,
  days: number,
  accounts: string[],
): Promise<Result<Statement, Problem>> {
  const token = context.services.config.schwab.accessToken;
  if (!token) {
    throw new CliError(
      "set SCHWAB_ACCESS_TOKEN to the Trader API's OAuth access token to sync from Schwab",
      2,
    );
  }
  const now = context.services.clock.now();
  return syncSchwabTrader(
    {
      baseUrl: context.services.config.sync.schwabAccountsUrl,
      accessToken: token,
      now: () => context.services.clock.now(),
    },
    {
      from: new Date(now.getTime() - days * DAY_MS),
      to: now,
      ...(accounts.length > 0 ? { accountNumbers: accounts } : {}),
    },
  );
}

async function fetchIbkr(
  context: CommandContext,
  step: (message: string) => void,
): Promise<Result<Statement, Problem>> {
  const { ibkrFlexToken, ibkrFlexQueryId, ibkrFlexUrl } = context.services.config.sync;
  if (!ibkrFlexToken || !ibkrFlexQueryId) {
    throw new CliError("set IBKR_FLEX_TOKEN and IBKR_FLEX_QUERY_ID to sync from IBKR's Flex Web Service", 2);
  }
  return fetchIbkrFlexStatement({
    baseUrl: ibkrFlexUrl,
    token: ibkrFlexToken,
    queryId: ibkrFlexQueryId,
    sleep: (ms) => {
      step(`IBKR is preparing the statement; asking again in ${Math.round(ms / 1000)} s`);
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
  });
}
