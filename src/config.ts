// The one place that reads the environment. Everything else receives a validated Config.
import { resolve } from "node:path";
import { z } from "zod";
import { AUDIT_KEY_FORMAT, parseAuditKey } from "./audit/audit-key.ts";
import { parseSchedule, SCHEDULE_VARIABLES, type ScheduleSetting } from "./schedule/parse-schedule.ts";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const postgresUrl = z
  .string()
  .trim()
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "postgres:" || url.protocol === "postgresql:") && url.hostname !== "";
      } catch {
        return false;
      }
    },
    { message: "must be a PostgreSQL URL like postgres://user:password@host:5432/database" },
  );

const emptyAsUndefined = (value: unknown) => (value === "" ? undefined : value);

const httpUrl = z
  .string()
  .trim()
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return url.protocol === "http:" || url.protocol === "https:";
      } catch {
        return false;
      }
    },
    { message: "must be an http(s) URL like https://api.anthropic.com" },
  );

/** A job schedule (parse-schedule.ts): its default when unset, "off", or the reason it is refused. */
function scheduleVariable(variable: keyof typeof SCHEDULE_VARIABLES) {
  return z
    .string()
    .optional()
    .transform((value, context): ScheduleSetting => {
      const parsed = parseSchedule(variable, value, SCHEDULE_VARIABLES[variable]);
      if (parsed.ok) return parsed.value;
      // The loader names the variable; parseSchedule's reasons start with it too.
      context.addIssue({ code: "custom", message: parsed.error.replace(`${variable}: `, "") });
      return z.NEVER;
    });
}

/** The model the assistant uses unless LOTWISE_MODEL names another. */
export const DEFAULT_MODEL = "claude-sonnet-5-5";

export const EnvSchema = z.object({
  DATABASE_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
  LOTWISE_HOME: z.preprocess(emptyAsUndefined, z.string().default("./.lotwise")),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(LOG_LEVELS).default("info")),
  LOG_FORMAT: z.preprocess(emptyAsUndefined, z.enum(["json", "pretty"]).optional()),
  ANTHROPIC_API_KEY: z.preprocess(emptyAsUndefined, z.string().trim().min(1).optional()),
  ANTHROPIC_BASE_URL: z.preprocess(emptyAsUndefined, httpUrl.optional()),
  SLACK_BOT_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().trim().startsWith("xoxb-", "must be a bot token (xoxb-...)").optional(),
  ),
  SLACK_APP_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().trim().startsWith("xapp-", "must be an app-level token (xapp-...)").optional(),
  ),
  SLACK_SIGNING_SECRET: z.preprocess(emptyAsUndefined, z.string().trim().min(8).optional()),
  SLACK_API_URL: z.preprocess(
    emptyAsUndefined,
    httpUrl
      .refine((value) => value.endsWith("/api/"), "must end in /api/ (e.g. https://slack.com/api/)")
      .optional(),
  ),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(65535).default(3000)),
  LOTWISE_USER: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .trim()
      .regex(/^[UW][A-Z0-9]{2,}$/, "must be a Slack user id like U0ADVISOR1")
      .optional(),
  ),
  LOTWISE_PLAN_TTL_MINUTES: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(10080).default(15),
  ),
  LOTWISE_FOUR_EYES: z.preprocess(emptyAsUndefined, z.enum(["true", "false"]).default("true")),
  LOTWISE_WORKER_CONCURRENCY: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(1).max(64).default(4),
  ),
  LOTWISE_WORKER_HEARTBEAT_MS: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().min(100).max(60_000).default(5_000),
  ),
  LOTWISE_SCAN_CRON: scheduleVariable("LOTWISE_SCAN_CRON"),
  LOTWISE_SYNC_CRON: scheduleVariable("LOTWISE_SYNC_CRON"),
  LOTWISE_PRICES_CRON: scheduleVariable("LOTWISE_PRICES_CRON"),
  LOTWISE_LINK_HOSTS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .transform((value) => value.split(",").map((host) => host.trim().toLowerCase()))
      .refine(
        (hosts) =>
          hosts.every((host) =>
            /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host),
          ),
        "must be host names separated by commas, like docs.example.com,wiki.example.com",
      )
      .default([]),
  ),
  SCHWAB_TRADER_API_URL: z.preprocess(emptyAsUndefined, httpUrl.optional()),
  SCHWAB_ACCESS_TOKEN: z.preprocess(emptyAsUndefined, z.string().trim().min(1).optional()),
  SCHWAB_ACCOUNTS_API_URL: z.preprocess(
    emptyAsUndefined,
    httpUrl.default("https://api.schwabapi.com/trader/v1"),
  ),
  IBKR_FLEX_TOKEN: z.preprocess(emptyAsUndefined, z.string().trim().min(1).optional()),
  IBKR_FLEX_QUERY_ID: z.preprocess(
    emptyAsUndefined,
    z.string().trim().regex(/^\d+$/, "must be the query's number").optional(),
  ),
  IBKR_FLEX_URL: z.preprocess(
    emptyAsUndefined,
    httpUrl.default("https://ndcdyn.interactivebrokers.com/AccountManagement/FlexWebService"),
  ),
  QUOTES_URL: z.preprocess(emptyAsUndefined, httpUrl.default("https://api.tradier.com/v1")),
  QUOTES_API_KEY: z.preprocess(emptyAsUndefined, z.string().trim().min(1).optional()),
  LOTWISE_AUDIT_KEY: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .refine((value) => parseAuditKey(value).ok, `must be ${AUDIT_KEY_FORMAT}`)
      .optional(),
  ),
  LOTWISE_AUDIT_SINK: z.preprocess(emptyAsUndefined, z.string().optional()),
  LOTWISE_MODEL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/, "must be a model id like claude-sonnet-5-5")
      .default(DEFAULT_MODEL),
  ),
});
export type EnvSchema = z.infer<typeof EnvSchema>;

export interface Config {
  database: { kind: "pglite"; dataDir: string } | { kind: "postgres"; url: string };
  home: string;
  /** The lotwise user (Slack id) CLI commands act as unless --as names one; null: the local operator. */
  cliUser: string | null;
  log: { level: (typeof LOG_LEVELS)[number]; pretty: boolean };
  /** The model behind the assistant; without an API key the deterministic fallback answers. */
  assistant: { apiKey: string | null; baseUrl: string | null; model: string };
  /** Socket Mode with an app token, HTTP with a signing secret, the terminal with neither. */
  slack: {
    botToken: string | null;
    appToken: string | null;
    signingSecret: string | null;
    apiUrl: string | null;
    port: number;
  };
  /** Hosts the assistant's replies may link to in Slack (LOTWISE_LINK_HOSTS); none by default. */
  links: { hosts: string[] };
  approval: {
    /** Minutes a drafted plan can be approved for. */
    planTtlMinutes: number;
    /** Nobody approves a plan they requested. */
    fourEyes: boolean;
  };
  /**
   * The job queue's workers in this process (`lotwise serve --role worker|all`); a worker silent for
   * six heartbeats is taken to be dead and its jobs are released.
   */
  jobs: { concurrency: number; heartbeatMs: number };
  /**
   * When the workers run the book scan, the custodian sync and the price refresh (LOTWISE_SCAN_CRON,
   * LOTWISE_SYNC_CRON, LOTWISE_PRICES_CRON): the scan on trading days at 07:30 New York time by
   * default, the others off unless set.
   */
  schedules: { scan: ScheduleSetting; sync: ScheduleSetting; prices: ScheduleSetting };
  /** Orders for Schwab go to its Advisor Trading API when both are set; otherwise to the paper custodian. */
  schwab: { traderApiUrl: string | null; accessToken: string | null };
  /** `lotwise sync`: Schwab's retail Trader API (with the Schwab token) and IBKR's Flex Web Service. */
  sync: {
    schwabAccountsUrl: string;
    ibkrFlexToken: string | null;
    ibkrFlexQueryId: string | null;
    ibkrFlexUrl: string;
  };
  /** `lotwise prices refresh`: the real-time quotes provider. */
  quotes: { url: string; apiKey: string | null };
  /**
   * Signing audit checkpoints and exports: LOTWISE_AUDIT_KEY, else the key file (generated once);
   * checkpoints are also appended to the sink, a file outside the database.
   */
  audit: { key: string | null; keyFile: string; sink: string };
}

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Validates the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv, options: { isTty: boolean }): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      return `${name}: ${issue.message}`;
    });
    throw new ConfigError(`invalid environment:\n  ${lines.join("\n  ")}`);
  }
  const values = parsed.data;
  const home = resolve(values.LOTWISE_HOME);
  return {
    database: values.DATABASE_URL
      ? { kind: "postgres", url: values.DATABASE_URL }
      : { kind: "pglite", dataDir: resolve(home, "pgdata") },
    home,
    cliUser: values.LOTWISE_USER ?? null,
    log: {
      level: values.LOG_LEVEL,
      pretty: values.LOG_FORMAT ? values.LOG_FORMAT === "pretty" : options.isTty,
    },
    assistant: {
      apiKey: values.ANTHROPIC_API_KEY ?? null,
      baseUrl: values.ANTHROPIC_BASE_URL ?? null,
      model: values.LOTWISE_MODEL,
    },
    slack: {
      botToken: values.SLACK_BOT_TOKEN ?? null,
      appToken: values.SLACK_APP_TOKEN ?? null,
      signingSecret: values.SLACK_SIGNING_SECRET ?? null,
      apiUrl: values.SLACK_API_URL ?? null,
      port: values.PORT,
    },
    links: { hosts: values.LOTWISE_LINK_HOSTS },
    approval: {
      planTtlMinutes: values.LOTWISE_PLAN_TTL_MINUTES,
      fourEyes: values.LOTWISE_FOUR_EYES === "true",
    },
    jobs: { concurrency: values.LOTWISE_WORKER_CONCURRENCY, heartbeatMs: values.LOTWISE_WORKER_HEARTBEAT_MS },
    schedules: {
      scan: values.LOTWISE_SCAN_CRON,
      sync: values.LOTWISE_SYNC_CRON,
      prices: values.LOTWISE_PRICES_CRON,
    },
    schwab: {
      traderApiUrl: values.SCHWAB_TRADER_API_URL ?? null,
      accessToken: values.SCHWAB_ACCESS_TOKEN ?? null,
    },
    sync: {
      schwabAccountsUrl: values.SCHWAB_ACCOUNTS_API_URL,
      ibkrFlexToken: values.IBKR_FLEX_TOKEN ?? null,
      ibkrFlexQueryId: values.IBKR_FLEX_QUERY_ID ?? null,
      ibkrFlexUrl: values.IBKR_FLEX_URL,
    },
    quotes: { url: values.QUOTES_URL, apiKey: values.QUOTES_API_KEY ?? null },
    audit: {
      key: values.LOTWISE_AUDIT_KEY ?? null,
      keyFile: resolve(home, "audit-key"),
      sink: resolve(values.LOTWISE_AUDIT_SINK ?? resolve(home, "audit-checkpoints.jsonl")),
    },
  };
}

/** Loads ./.env when present (Node's own parser); real environment variables win. */
export function loadDotEnv(path = ".env"): void {
  try {
    process.loadEnvFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
