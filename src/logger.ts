// pino JSON logs (pretty in a terminal). Every argument of every log call, the message included, and
// every child's bindings go through redactSecrets: credentials at any depth, in any case, and token
// shapes inside strings are replaced before pino sees them.
import { pino } from "pino";
import type { Config } from "./config.ts";
import { REDACTED, redactSecrets } from "./redact-secrets.ts";

// Deeper containers are logged as a marker: enough for any object this app logs.
const LOG_DEPTH = 16;

export type Logger = pino.Logger;

const redact = (value: unknown) => redactSecrets(value, { maxDepth: LOG_DEPTH });

/** The log call's arguments, redacted; an Error first becomes `{ err }` as pino itself would. */
function redactLogArguments(args: unknown[]): unknown[] {
  const [first, ...rest] = args;
  if (first instanceof Error) return [{ err: redact(first) }, ...rest.map(redact)];
  return args.map(redact);
}

export function createLogger(config: Config["log"], destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level: config.level,
    base: { app: "lotwise" },
    hooks: {
      logMethod(args, method) {
        let safe: unknown[];
        try {
          safe = redactLogArguments(args);
        } catch {
          safe = [`${REDACTED}: a log entry that could not be read`];
        }
        method.apply(this, safe as Parameters<typeof method>);
      },
    },
    formatters: { bindings: (bindings) => redact(bindings) as pino.Bindings },
    serializers: { err: redact },
  };
  if (destination) return redactingBindings(pino(options, destination));
  if (config.pretty) {
    return redactingBindings(
      pino({
        ...options,
        transport: {
          target: "pino-pretty",
          options: { destination: 2, colorize: true, ignore: "pid,hostname,app" },
        },
      }),
    );
  }
  return redactingBindings(pino(options, pino.destination(2)));
}

// pino applies `formatters.bindings` to the root's bindings only; children (and their children,
// which inherit these methods) get theirs redacted here.
function redactingBindings(root: Logger): Logger {
  const { child, setBindings } = root;
  root.child = function (this: Logger, bindings, childOptions) {
    return child.call(this, redact(bindings) as pino.Bindings, childOptions);
  } as Logger["child"];
  root.setBindings = function (this: Logger, bindings) {
    setBindings.call(this, redact(bindings) as pino.Bindings);
  };
  return root;
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
