// pino JSON logs (pretty in a terminal) with secrets and account numbers redacted from day one.
import { pino } from "pino";
import type { Config } from "./config.ts";

// pino's `*.key` matches one level only, so common nestings are listed explicitly.
const SECRET_KEYS = [
  "password",
  "token",
  "accessToken",
  "refreshToken",
  "apiKey",
  "api_key",
  "authorization",
  "signingSecret",
  "botToken",
  "appToken",
  "clientSecret",
  "accountNumber",
  "account_number",
  "databaseUrl",
  "connectionString",
];

export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((key) => `*.${key}`),
  ...SECRET_KEYS.map((key) => `*.*.${key}`),
  "headers.authorization",
  "req.headers.authorization",
  'req.headers["x-api-key"]',
  'headers["x-api-key"]',
  'headers["x-slack-signature"]',
];

export type Logger = pino.Logger;

export function createLogger(config: Config["log"], destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.level,
    base: { app: "lotwise" },
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
    serializers: { err: pino.stdSerializers.err },
  };
  if (destination) return pino(options, destination);
  if (config.pretty) {
    return pino({
      ...options,
      transport: {
        target: "pino-pretty",
        options: { destination: 2, colorize: true, ignore: "pid,hostname,app" },
      },
    });
  }
  return pino(options, pino.destination(2));
}

/** Masks all but the last four characters of an account number: "12345678" -> "****5678". */
export function maskAccountNumber(accountNumber: string): string {
  const digits = accountNumber.replace(/[^0-9A-Za-z]/g, "");
  return `****${digits.slice(-4)}`;
}

/** Removes credentials from a connection URL before it is shown or logged. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "****";
    return parsed.toString();
  } catch {
    return "[unparseable url]";
  }
}
