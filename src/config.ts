// The one place that reads the environment. Everything else receives a validated Config.
import { resolve } from "node:path";
import { z } from "zod";

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

/** The model the assistant uses unless LOTWISE_MODEL names another. */
export const DEFAULT_MODEL = "claude-sonnet-5-5";

export const EnvSchema = z.object({
  DATABASE_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
  LOTWISE_HOME: z.preprocess(emptyAsUndefined, z.string().default("./.lotwise")),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(LOG_LEVELS).default("info")),
  LOG_FORMAT: z.preprocess(emptyAsUndefined, z.enum(["json", "pretty"]).optional()),
  ANTHROPIC_API_KEY: z.preprocess(emptyAsUndefined, z.string().trim().min(1).optional()),
  ANTHROPIC_BASE_URL: z.preprocess(emptyAsUndefined, httpUrl.optional()),
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
  log: { level: (typeof LOG_LEVELS)[number]; pretty: boolean };
  /** The model behind the assistant; without an API key the deterministic fallback answers. */
  assistant: { apiKey: string | null; baseUrl: string | null; model: string };
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
    log: {
      level: values.LOG_LEVEL,
      pretty: values.LOG_FORMAT ? values.LOG_FORMAT === "pretty" : options.isTty,
    },
    assistant: {
      apiKey: values.ANTHROPIC_API_KEY ?? null,
      baseUrl: values.ANTHROPIC_BASE_URL ?? null,
      model: values.LOTWISE_MODEL,
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
