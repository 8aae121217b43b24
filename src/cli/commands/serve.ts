// `lotwise serve`: the assistant in Slack, Socket Mode with SLACK_APP_TOKEN, HTTP on PORT
// (/slack/events) with SLACK_SIGNING_SECRET, both with SLACK_BOT_TOKEN for the Web API (SLACK_API_URL
// overrides its base URL); with no Slack tokens, the same flow in this terminal. Approve clicks
// go through the approval service; approved orders drain to the custodians (the paper custodian by
// default) and their progress is posted back to the thread.
//
// Bolt, Prisma, the approval service and the execution worker are loaded when serving starts, so the
// other commands (which import this one through the command table) do not pay for them.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { resolveUser } from "../../access/principal.ts";
import { startCheckpointTimer } from "../../audit/write-checkpoint.ts";
import type { Config } from "../../config.ts";
import type { OpenedStore } from "../../main.ts";
import type { HouseholdLabel, OrderUpdate, SlackDeps } from "../../slack/slack-deps.ts";
import { EVENTS_PATH } from "../../slack/slack-endpoints.ts";
import { CliError, type Command, type CommandContext, UsageError } from "../command.ts";
import { ensureDemoBook } from "../ensure-demo-book.ts";
import { answerHealth, type Readiness, startHealthServer } from "../health-server.ts";
import type { Progress } from "../progress.ts";
import { withStore } from "../with-store.ts";
import { writeAuditCheckpoint } from "../write-audit-checkpoint.ts";

export const DEFAULT_REQUESTER = "U0ADVISOR1";
export const DEFAULT_APPROVER = "U0APPROVER1";
/** Drains per approval click before the rest is left to the outbox worker. */
const DRAINS_PER_APPROVAL = 10;

export type ServeMode =
  | { kind: "socket"; botToken: string; appToken: string }
  | { kind: "http"; botToken: string; signingSecret: string; port: number }
  | { kind: "local" };

/** Socket Mode with an app token, HTTP with a signing secret, the terminal with neither. */
export function serveMode(slack: Config["slack"], forceLocal = false): ServeMode {
  if (forceLocal) return { kind: "local" };
  const { botToken, appToken, signingSecret } = slack;
  if (!appToken && !signingSecret) {
    if (botToken) {
      throw new CliError(
        "SLACK_BOT_TOKEN is set but neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP): set one (see slack/README.md), or unset SLACK_BOT_TOKEN for the terminal mode.",
        2,
      );
    }
    return { kind: "local" };
  }
  if (!botToken) {
    throw new CliError(
      `${appToken ? "SLACK_APP_TOKEN" : "SLACK_SIGNING_SECRET"} is set but SLACK_BOT_TOKEN is not: the app needs its bot token (xoxb-...) for the Web API (see slack/README.md).`,
      2,
    );
  }
  if (appToken) return { kind: "socket", botToken, appToken };
  return { kind: "http", botToken, signingSecret: signingSecret as string, port: slack.port };
}

export const SERVE_ROLES = ["all", "web", "worker"] as const;
export type ServeRole = (typeof SERVE_ROLES)[number];

export interface ServeOptions {
  /** web: answers Slack and queues the work; worker: runs the queued work; all: both (default). */
  role: ServeRole;
  forceLocal: boolean;
  /** Read requests and decisions from stdin even when it is not a terminal. */
  interactive: boolean;
  requester: string;
  approver: string;
}

const serveOptions = {
  role: { type: "string" },
  local: { type: "boolean", default: false },
  interactive: { type: "boolean", default: false },
  as: { type: "string" },
  requester: { type: "string" },
} as const;

export const serveCommand: Command = {
  name: "serve",
  summary: "Run the assistant in Slack (Socket Mode or HTTP), or in this terminal without Slack tokens",
  usage:
    "lotwise serve [--role all|web|worker] [--local] [--interactive] [--as <slack user>] [--requester <slack user>]",
  details: [
    "SLACK_BOT_TOKEN with SLACK_APP_TOKEN: Socket Mode (no public URL needed).",
    `SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET: HTTP on PORT (default 3000), path ${EVENTS_PATH}.`,
    "--role web answers Slack (acknowledging within 3 s) and queues the work; --role worker runs the",
    "queued work (any number of them on PostgreSQL); all (the default) does both in one process.",
    "Neither: the same flow in this terminal: a request, the answer and the plan card, then",
    "approve / reject <reason> / skip as a demo user. Without a terminal, one scripted request",
    '("rebalance the Chen household") and no decision. Installing the Slack app: slack/README.md.',
  ].join("\n"),
  options: serveOptions,
  optionHelp: {
    role: "all (default), web (Slack listener) or worker (runs the queued jobs)",
    local: "use the terminal mode even when Slack tokens are set",
    interactive: "terminal mode: read requests and decisions from stdin even when it is not a terminal",
    as: `terminal mode: the Slack user id decisions are made as (default ${DEFAULT_APPROVER})`,
    requester: `terminal mode: the Slack user id requests are made as (default ${DEFAULT_REQUESTER})`,
  },
  positionals: { min: 0, max: 0 },
  run(context, { values }) {
    const role = (values.role as string | undefined) ?? "all";
    if (!(SERVE_ROLES as readonly string[]).includes(role)) {
      throw new UsageError(`--role must be all, web or worker, not ${JSON.stringify(role)}`);
    }
    const options: ServeOptions = {
      role: role as ServeRole,
      forceLocal: Boolean(values.local),
      interactive: Boolean(values.interactive),
      requester: (values.requester as string | undefined) ?? DEFAULT_REQUESTER,
      approver: (values.as as string | undefined) ?? DEFAULT_APPROVER,
    };
    // Misconfiguration is reported before the database is opened.
    serveMode(context.services.config.slack, options.forceLocal);
    return withStore(context, { quiet: false }, async (opened, progress) => {
      await ensureDemoBook(opened, context.services.clock.now(), progress);
      progress.done();
      return serveWith(context, opened, progress, options);
    });
  },
};

/** Serves on an open store until stopped (Slack), or runs the terminal session. */
export async function serveWith(
  context: CommandContext,
  opened: OpenedStore,
  progress: Progress,
  options: ServeOptions,
): Promise<number> {
  const { io, services } = context;
  const mode = serveMode(services.config.slack, options.forceLocal);
  const wiring = await buildSlackDeps(context, opened);
  if (mode.kind === "local") {
    const { runLocalSession } = await import("../../slack/local-session.ts");
    const interactive = options.interactive || Boolean(io.stdinIsTty);
    const lines = interactive && io.stdin ? createInterface({ input: io.stdin, terminal: false }) : null;
    try {
      return await runLocalSession(
        wiring.deps,
        {
          lines: lines ? lines[Symbol.asyncIterator]() : null,
          interactive: interactive && lines !== null,
          prompts: Boolean(io.stdinIsTty),
          write: (text) => io.stdout.write(text),
          progress: (label) => progress.step(label),
          progressDone: () => progress.done(),
        },
        { threadKey: `local:${randomUUID()}`, requester: options.requester, approver: options.approver },
      );
    } finally {
      lines?.close();
    }
  }

  return serveWithQueue(context, opened, wiring, mode, options.role);
}

/** Slack and/or the workers on the durable queue, until SIGINT or SIGTERM. */
async function serveWithQueue(
  context: CommandContext,
  opened: OpenedStore,
  wiring: SlackWiring,
  mode: Exclude<ServeMode, { kind: "local" }>,
  role: ServeRole,
): Promise<number> {
  const { io, services } = context;
  const [
    { createSlackApp },
    { createSlackRuntime },
    { webApi },
    { createPrismaWorkQueue },
    { createPrismaWorkerRegistry },
    { migrateQueue },
    { createDurableSlackWork },
    { startWorkers },
    { slackWorkTask },
    { drainOrdersTask },
    { scheduledHandlers, startSchedules },
    { createPrismaBookScanStore },
    { createPrismaImportStore },
    { createPrismaPriceStore },
  ] = await Promise.all([
    import("../../slack/create-slack-app.ts"),
    import("../../slack/slack-runtime.ts"),
    import("@slack/bolt"),
    import("../../db/prisma-work-queue.ts"),
    import("../../db/prisma-worker-registry.ts"),
    import("../../db/migrate-queue.ts"),
    import("../../jobs/durable-slack-work.ts"),
    import("../../jobs/start-workers.ts"),
    import("../../jobs/tasks/slack-work.ts"),
    import("../../jobs/tasks/drain-orders.ts"),
    import("../../jobs/schedule-work.ts"),
    import("../../db/prisma-book-scan-store.ts"),
    import("../../db/import-statement.ts"),
    import("../../db/prisma-price-store.ts"),
  ]);
  const prisma = opened.database.prisma;
  const queue = createPrismaWorkQueue(prisma);
  const connection = await queueConnection(opened);
  await migrateQueue(connection.url);
  const durable = () => createDurableSlackWork(queue);
  let workers: Awaited<ReturnType<typeof startWorkers>> | null = null;
  const ready = async (): Promise<Readiness> => {
    const checks: Record<string, string> = {};
    try {
      const [row] = await opened.database.withSql((sql) =>
        sql.query<{ found: string | null }>("SELECT to_regclass('graphile_worker.jobs')::text AS found"),
      );
      checks.database = "ok";
      checks.queue = row?.found ? "ok" : "not installed";
    } catch (error) {
      checks.database =
        error instanceof Error ? (error.message.split("\n")[0] ?? "unreachable") : "unreachable";
    }
    if (role !== "web") checks.workers = workers && workers.workerIds().length > 0 ? "ok" : "starting";
    return { ready: Object.values(checks).every((check) => check === "ok"), checks };
  };
  // A process whose Slack listener does not serve HTTP (Socket Mode, a worker) serves its checks on PORT.
  const health =
    role === "worker" || mode.kind === "socket"
      ? await startHealthServer(services.config.slack.port, ready)
      : null;

  let slack: Awaited<ReturnType<typeof createSlackApp>> | null = null;
  if (role !== "worker") {
    slack = createSlackApp(wiring.deps, {
      botToken: mode.botToken,
      mode:
        mode.kind === "socket"
          ? { kind: "socket", appToken: mode.appToken }
          : { kind: "http", signingSecret: mode.signingSecret, port: mode.port },
      apiUrl: services.config.slack.apiUrl,
      work: durable,
      health: answerHealth(ready),
    });
    let started: { port: number | null };
    try {
      started = await slack.start();
    } catch (error) {
      await connection.stop();
      const reason = error instanceof Error ? error.message.split("\n")[0] : String(error);
      throw new CliError(
        `could not start the Slack app (${mode.kind === "socket" ? "Socket Mode" : `HTTP on port ${mode.port}`}): ${reason}`,
      );
    }
    io.stderr.write(
      mode.kind === "socket"
        ? "lotwise serve · Slack Socket Mode · connected · Ctrl-C to stop\n"
        : `lotwise serve · Slack HTTP on port ${started.port}, ${EVENTS_PATH} · Ctrl-C to stop\n`,
    );
    services.logger.info({ mode: mode.kind, port: started.port, role }, "slack app running");
  }

  let checkpoints: { stop(): Promise<void> } | null = null;
  if (role !== "web") {
    const rt =
      slack?.runtime ??
      createSlackRuntime(
        wiring.deps,
        new webApi.WebClient(mode.botToken, {
          ...(services.config.slack.apiUrl ? { slackApiUrl: services.config.slack.apiUrl } : {}),
        }),
        durable,
      );
    workers = await startWorkers({
      connectionString: connection.url,
      concurrency: services.config.jobs.concurrency,
      heartbeatMs: services.config.jobs.heartbeatMs,
      sharedSession: opened.database.kind === "pglite",
      role,
      handlers: {
        slack_work: slackWorkTask(rt),
        orders_drain: drainOrdersTask(
          { ...wiring.execution, notify: (update) => rt.orders.notify(update) },
          queue,
        ),
        // Registered even when their schedule is off, so a run already queued has a handler.
        ...scheduledHandlers({
          queue,
          schedules: services.config.schedules,
          clock: services.clock,
          scan: {
            store: opened.store,
            plans: opened.plans,
            audit: opened.audit,
            scans: createPrismaBookScanStore(prisma),
          },
          sync: { imports: createPrismaImportStore(prisma), config: services.config },
          prices: { prices: createPrismaPriceStore(prisma), quotes: services.config.quotes },
        }),
      },
      // The outbox is drained every minute whatever else happens (retries, venues that fill later).
      crontab: "* * * * * orders_drain",
      queue,
      registry: createPrismaWorkerRegistry(prisma),
      audit: opened.audit,
      clock: services.clock,
      logger: services.logger,
    });
    await startSchedules({
      queue,
      schedules: services.config.schedules,
      clock: services.clock,
      logger: services.logger,
    });
    // Orders a previous process left queued or mid-submission go out now, not at the next tick.
    await queue.enqueue({
      task: "orders_drain",
      key: `orders_drain@start:${workers.workerIds()[0] ?? services.clock.now().toISOString()}`,
      payload: {},
    });
    // Anchors the audit log's end at least once a minute; withStore writes the last one at shutdown.
    checkpoints = startCheckpointTimer(
      () => writeAuditCheckpoint(services, opened),
      (error) => services.logger.error({ err: error }, "could not write the audit checkpoint"),
    );
    io.stderr.write(`lotwise serve · ${services.config.jobs.concurrency} workers on the job queue\n`);
  }

  const signal = await untilStopped();
  services.logger.info({ signal, role }, "stopping");
  // Stop taking new work first, then let the jobs in flight finish (or release them), within 10 s.
  await slack?.stop();
  await workers?.stop(8_000);
  await checkpoints?.stop();
  await health?.stop();
  await connection.stop();
  return 0;
}

/** Where the workers reach the database: PostgreSQL's URL, or the embedded database shared over a socket. */
async function queueConnection(opened: OpenedStore): Promise<{ url: string; stop(): Promise<void> }> {
  const { connectionString, share } = opened.database;
  if (connectionString) return { url: connectionString, stop: async () => {} };
  if (!share) throw new CliError("the embedded database cannot be shared with the job queue here");
  return share.call(opened.database);
}

export interface SlackWiring {
  deps: SlackDeps;
  /** The outbox's stores, venues, audit and clock (the drain job adds where updates are posted). */
  execution: Omit<import("../../execution/drain-outbox.ts").ExecutionDeps, "notify">;
}

/**
 * The Slack front end's deps on an open store: the assistant (demo feed refreshed first), the
 * approval service, and the execution worker on the paper custodian (Schwab's Trading API for
 * Schwab accounts when configured).
 */
export async function buildSlackDeps(context: CommandContext, opened: OpenedStore): Promise<SlackWiring> {
  const [
    { decidePlan },
    { createPrismaFillPrices, createPrismaOrderStore },
    { drainOutbox },
    { createPaperVenue },
    { createSchwabVenue },
    { createVenueRouter },
    { createSlackAnswer },
    { assistantDeps },
  ] = await Promise.all([
    import("../../approval/decide-plan.ts"),
    import("../../db/prisma-order-store.ts"),
    import("../../execution/drain-outbox.ts"),
    import("../../execution/paper-venue.ts"),
    import("../../execution/schwab-venue.ts"),
    import("../../execution/venue-router.ts"),
    import("../../slack/create-slack-answer.ts"),
    import("../assistant-deps.ts"),
  ]);
  const { services } = context;
  const { config, clock, logger } = services;
  const prisma = opened.database.prisma;
  const orders = createPrismaOrderStore(prisma);
  const { traderApiUrl, accessToken } = config.schwab;
  const venues = createVenueRouter({
    paper: createPaperVenue({ prices: createPrismaFillPrices(prisma) }),
    schwab: traderApiUrl && accessToken ? createSchwabVenue({ baseUrl: traderApiUrl, accessToken }) : null,
  });
  // An order a dead worker left mid-submission is sent again after a minute: its client order id
  // makes the second submission safe (the venue refuses a duplicate, and the order is found placed).
  const execution = { orders, venues, audit: opened.audit, clock, abandonAfterMs: 60_000 };

  const answer = createSlackAnswer(async () => {
    const now = clock.now();
    await opened.store.refreshDemoFeed(now);
    return assistantDeps(context, opened, now);
  });

  const deps: SlackDeps = {
    answer,
    decide: (request) =>
      decidePlan(
        {
          store: opened.store,
          plans: opened.plans,
          approvals: opened.approvals,
          users: opened.users,
          audit: opened.audit,
          fourEyes: config.approval.fourEyes,
        },
        request,
      ),
    async executeApproved(planId, notify) {
      const forward = (update: OrderUpdate) => notify(update);
      for (let drain = 0; drain < DRAINS_PER_APPROVAL; drain++) {
        const updates = await drainOutbox({ ...execution, notify: forward });
        const waiting = (await orders.planOrders(planId)).some(
          (o) => o.status === "queued" || o.status === "submitting",
        );
        if (updates.length === 0 || !waiting) return;
      }
    },
    plans: opened.plans,
    conversations: opened.conversations,
    audit: opened.audit,
    principalOf: (slackUserId) => resolveUser(opened.users, slackUserId),
    linkHosts: context.services.config.links.hosts,
    auditPlan: async (planId, slackUserId) => {
      const [{ complianceReport }, { TOOLS }] = await Promise.all([
        import("../../audit/compliance-report.ts"),
        import("../../../tools/index.ts"),
      ]);
      return complianceReport(
        { audit: opened.audit, store: opened.store, plans: opened.plans, users: opened.users, tools: TOOLS },
        planId,
        slackUserId,
      );
    },
    households: async (householdId): Promise<HouseholdLabel | null> => {
      const household = (await opened.store.listHouseholds()).find((h) => h.id === householdId);
      if (!household) return null;
      const custodians: Record<string, string> = {};
      for (const account of household.accounts) custodians[account.id] = account.custodianName;
      return { name: household.name, custodians };
    },
    clock,
    logger,
  };
  return {
    deps,
    execution,
  };
}

function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => () => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      resolve(signal);
    };
    const onInt = stop("SIGINT");
    const onTerm = stop("SIGTERM");
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
  });
}
