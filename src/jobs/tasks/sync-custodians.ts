// The "custodians_sync" job: `lotwise sync` for every custodian whose credentials are configured
// (Schwab's Trader API, IBKR's Flex Web Service), each statement fetched and imported as the command
// does it. A custodian without credentials is skipped with the variables it needs named in the log;
// a fetch that fails fails the job (the queue retries it), and a custodian already imported by an
// earlier attempt is not fetched again. A statement the import refuses is logged, not retried.
import { createHash } from "node:crypto";
import type { Config } from "../../config.ts";
import { createImportPlanner } from "../../custodians/import-statement.ts";
import type { Statement } from "../../custodians/statement.ts";
import { fetchIbkrFlexStatement } from "../../custodians/sync/ibkr-flex-web-service.ts";
import { syncSchwabTrader } from "../../custodians/sync/schwab-trader.ts";
import type { Problem, Result } from "../../domain/result.ts";
import type { Clock } from "../../ports/clock.ts";
import type { ImportStore } from "../../ports/import-store.ts";
import type { TaskContext, TaskHandler } from "../start-workers.ts";

/** Schwab: days of transactions fetched, up to now (`lotwise sync`'s default). */
export const SYNC_DAYS = 60;
const DAY_MS = 86_400_000;

type Custodian = "schwab" | "ibkr";

export interface SyncCustodiansDeps {
  imports: ImportStore;
  config: Pick<Config, "schwab" | "sync">;
  clock: Clock;
  /** Waits between IBKR's polls for its statement (default: real time). */
  sleep?: (ms: number) => Promise<void>;
}

type Fetch = () => Promise<Result<Statement, Problem>>;

export function syncCustodiansTask(deps: SyncCustodiansDeps): TaskHandler {
  return async (context) => {
    const { configured, missing } = configuredFetches(deps, context);
    for (const [custodian, variables] of missing) {
      context.log.info({ custodian, missing: variables }, `${custodian} is not configured for sync; skipped`);
    }
    if (configured.size === 0) {
      context.log.warn("no custodian is configured for sync; nothing to do");
      return;
    }
    const done = new Set(
      Array.isArray(context.request.progress.synced) ? context.request.progress.synced : [],
    );
    const failures: string[] = [];
    for (const [custodian, fetch] of configured) {
      if (done.has(custodian)) continue;
      const fetched = await fetch();
      if (!fetched.ok) {
        context.log.error({ custodian, problem: fetched.error }, `${custodian} sync failed`);
        failures.push(`${custodian}: ${fetched.error.message}`);
        continue;
      }
      await importStatement(deps, context, custodian, fetched.value);
      done.add(custodian);
      await context.saveProgress({ synced: [...done] });
    }
    if (failures.length > 0) throw new Error(`custodian sync failed (${failures.join("; ")})`);
  };
}

function configuredFetches(
  deps: SyncCustodiansDeps,
  context: TaskContext,
): { configured: Map<Custodian, Fetch>; missing: Map<Custodian, string[]> } {
  const { schwab, sync } = deps.config;
  const configured = new Map<Custodian, Fetch>();
  const missing = new Map<Custodian, string[]>();
  const token = schwab.accessToken;
  if (token) {
    configured.set("schwab", () => {
      const now = deps.clock.now();
      return syncSchwabTrader(
        { baseUrl: sync.schwabAccountsUrl, accessToken: token, now: () => deps.clock.now() },
        { from: new Date(now.getTime() - SYNC_DAYS * DAY_MS), to: now },
      );
    });
  } else {
    missing.set("schwab", ["SCHWAB_ACCESS_TOKEN"]);
  }
  const { ibkrFlexToken, ibkrFlexQueryId, ibkrFlexUrl } = sync;
  if (ibkrFlexToken && ibkrFlexQueryId) {
    configured.set("ibkr", () =>
      fetchIbkrFlexStatement({
        baseUrl: ibkrFlexUrl,
        token: ibkrFlexToken,
        queryId: ibkrFlexQueryId,
        sleep: (ms) => {
          context.log.info({ waitMs: ms }, "IBKR is preparing the statement");
          return (deps.sleep ?? wait)(ms);
        },
      }),
    );
  } else {
    missing.set("ibkr", [
      ...(ibkrFlexToken ? [] : ["IBKR_FLEX_TOKEN"]),
      ...(ibkrFlexQueryId ? [] : ["IBKR_FLEX_QUERY_ID"]),
    ]);
  }
  return { configured, missing };
}

/** As `lotwise sync` imports it: named by format and time, identified by its content's hash. */
async function importStatement(
  deps: SyncCustodiansDeps,
  context: TaskContext,
  custodian: Custodian,
  statement: Statement,
): Promise<void> {
  const now = deps.clock.now().toISOString();
  const fileName = `${statement.format} sync ${now}`;
  const sha256 = createHash("sha256").update(JSON.stringify(statement)).digest("hex");
  const planner = createImportPlanner(statement, { fileName, sha256, now, custodianId: custodian });
  const outcome = await deps.imports.importFile(planner);
  if (!outcome.ok) {
    context.log.error(
      { custodian, refusal: outcome.error },
      `${custodian} statement refused; nothing imported`,
    );
    return;
  }
  const { status, totals, findings, warnings } = outcome.summary;
  context.log.info(
    { custodian, status, totals, findings: findings.length, warnings: warnings.length },
    `${custodian} synced`,
  );
}

function wait(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
