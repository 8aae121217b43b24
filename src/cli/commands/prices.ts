// `lotwise prices import <file>`: an end-of-day price file (CSV) into the price history, in one
// transaction, idempotently (a second run records nothing new). `lotwise prices refresh`: quotes
// for every held security from the real-time provider (QUOTES_URL, QUOTES_API_KEY), dated by the
// provider's own timestamps. Plans read the latest price by `asOf`: old prices make a plan stale.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import type { Config } from "../../config.ts";
import { decodeFileText } from "../../custodians/normalise.ts";
import type { OpenedStore } from "../../main.ts";
import { parsePriceCsv } from "../../market/csv-prices.ts";
import { createHttpQuotes } from "../../market/http-quotes.ts";
import { refreshHeldPrices } from "../../market/refresh-held-prices.ts";
import type { PriceStore, PriceWriteOutcome } from "../../ports/price-source.ts";
import { withPrincipal } from "../act-as.ts";
import { CliError, type Command, UsageError } from "../command.ts";
import { formatInstant } from "../format.ts";
import { describeRefusal } from "./import.ts";

const SOURCE_NAME = /^[a-z0-9][a-z0-9._-]{0,39}$/;
const DEFAULT_FILE_SOURCE = "eod-file";

// Until the composition root hands a price store over with the others, build it over the opened
// database (loaded on first use, like the other Prisma stores).
async function priceStoreOf(opened: OpenedStore): Promise<PriceStore> {
  const { createPrismaPriceStore } = await import("../../db/prisma-price-store.ts");
  return createPrismaPriceStore(opened.database.prisma);
}

export const pricesImportCommand: Command = {
  name: "prices import",
  summary: "Import an end-of-day price file (CSV) into the price history",
  usage: "lotwise prices import <file.csv> [--source NAME] [--json]",
  details: [
    "The file has a header row naming its columns: symbol and/or cusip, date (the close is taken at",
    "16:00 New York) or timestamp (with a zone), and close (or price). Other columns are ignored.",
    "A row that cannot be read refuses the whole file, naming its line. Importing the same file again",
    "records nothing new; a different price for a price already recorded is refused.",
    "",
    "Example:",
    "  lotwise prices import closes-2026-11-19.csv --source vendor-eod",
  ].join("\n"),
  options: {
    source: { type: "string" },
    json: { type: "boolean", default: false },
  },
  optionHelp: {
    source: `the prices' source name, part of each price's identity (default ${DEFAULT_FILE_SOURCE})`,
    json: "print the summary as JSON",
  },
  positionals: { min: 1, max: 1 },
  actsAs: true,
  async run(context, { values, positionals }) {
    const path = positionals[0] as string;
    const source = (values.source as string | undefined) ?? DEFAULT_FILE_SOURCE;
    if (!SOURCE_NAME.test(source)) {
      throw new UsageError(`--source must be a short lower-case name like vendor-eod, not "${source}"`);
    }
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new CliError(
        `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
    }
    const text = decodeFileText(bytes);
    if (!text.ok) throw new CliError(describeRefusal(basename(path), text.error));
    const parsed = parsePriceCsv(text.value);
    if (!parsed.ok) throw new CliError(describeRefusal(basename(path), parsed.error));
    const json = Boolean(values.json);
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const options = { quiet: json, command: "prices import", needs: "book.manage" } as const;
    return withPrincipal(context, options, async (opened, progress) => {
      progress.step(`recording ${parsed.value.prices.length} prices`);
      const store = await priceStoreOf(opened);
      const outcome = await store.record({
        source,
        prices: parsed.value.prices,
        file: { name: basename(path), sha256 },
      });
      progress.done();
      if (!outcome.ok) {
        const refusal = { line: null, field: null, message: outcome.error.message };
        throw new CliError(describeRefusal(basename(path), refusal));
      }
      const asOfs = parsed.value.prices.map((p) => p.asOf).sort();
      const summary = {
        file: basename(path),
        sha256,
        source,
        rows: parsed.value.prices.length + parsed.value.duplicates,
        duplicates: parsed.value.duplicates,
        ...outcome.value,
        asOf: { earliest: asOfs[0] ?? null, latest: asOfs[asOfs.length - 1] ?? null },
        warnings: parsed.value.warnings,
      };
      if (json) {
        context.io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return 0;
      }
      const lines = [
        `Imported ${summary.file} (source ${source}): ${outcome.value.inserted} new price(s), ${outcome.value.alreadyPresent} already recorded.`,
        summary.asOf.earliest === summary.asOf.latest
          ? `Prices as of ${formatInstant(summary.asOf.earliest ?? "")}.`
          : `Prices as of ${formatInstant(summary.asOf.earliest ?? "")} to ${formatInstant(summary.asOf.latest ?? "")}.`,
        ...unknownLines(outcome.value.unknown),
        ...parsed.value.warnings.map((w) => `Warning (line ${w.line}): ${w.message}`),
      ];
      context.io.stdout.write(`${lines.join("\n")}\n`);
      return 0;
    });
  },
};

function unknownLines(unknown: PriceWriteOutcome["unknown"]): string[] {
  if (unknown.length === 0) return [];
  const named = unknown
    .slice(0, 10)
    .map((u) => `${u.line === null ? "" : `line ${u.line} `}${u.symbol ?? u.cusip ?? "?"}`)
    .join(", ");
  return [
    `Skipped ${unknown.length} row(s) for securities lotwise does not know: ${named}${unknown.length > 10 ? ", ..." : ""}.`,
  ];
}

// The quote provider is configured here, from the environment, until config.ts carries it.
/** The quotes provider from the configuration; without a key there is nothing to ask. */
export function quotesConfig(config: Config): { baseUrl: string; apiKey: string } {
  if (!config.quotes.apiKey) {
    throw new CliError("set QUOTES_API_KEY (and QUOTES_URL for another provider base) to fetch quotes", 2);
  }
  return { baseUrl: config.quotes.url, apiKey: config.quotes.apiKey };
}

export const pricesRefreshCommand: Command = {
  name: "prices refresh",
  summary: "Fetch quotes for every held security from the real-time provider",
  usage: "lotwise prices refresh [--json] [--max-age SECONDS]",
  details: [
    "Asks the quote provider (Tradier's quotes API at QUOTES_URL, key QUOTES_API_KEY) for every",
    "security held in an open account's latest snapshot and records the quotes, each dated by the",
    "provider's own timestamp. Quotes already older than --max-age are recorded and reported stale.",
  ].join("\n"),
  options: {
    json: { type: "boolean", default: false },
    "max-age": { type: "string" },
  },
  optionHelp: {
    json: "print the summary as JSON",
    "max-age": "a quote older than this many seconds when it arrives is reported stale (default 300)",
  },
  actsAs: true,
  async run(context, { values }) {
    const maxAgeText = values["max-age"] as string | undefined;
    if (maxAgeText !== undefined && !/^\d{1,9}$/.test(maxAgeText)) {
      throw new UsageError(`--max-age must be whole seconds, not "${maxAgeText}"`);
    }
    const maxAgeSeconds = maxAgeText === undefined ? 300 : Number.parseInt(maxAgeText, 10);
    const provider = createHttpQuotes({
      ...quotesConfig(context.services.config),
      now: () => context.services.clock.now(),
      maxAgeSeconds,
    });
    const json = Boolean(values.json);
    const options = { quiet: json, command: "prices refresh", needs: "book.manage" } as const;
    return withPrincipal(context, options, async (opened, progress) => {
      const store = await priceStoreOf(opened);
      const refreshed = await refreshHeldPrices(store, provider, (label) => progress.step(label));
      progress.done();
      if (!refreshed.ok) throw new CliError(refreshed.error.message);
      const { symbols, quotes, recorded } = refreshed.value;
      const quoted = new Set(quotes.map((q) => q.symbol));
      const stale = quotes.filter((q) => q.stale).map((q) => ({ symbol: q.symbol, asOf: q.asOf }));
      const missing = symbols.filter((symbol) => !quoted.has(symbol));
      const summary = {
        source: provider.name,
        held: symbols.length,
        quoted: quotes.length,
        inserted: recorded.inserted,
        alreadyPresent: recorded.alreadyPresent,
        stale,
        missing,
      };
      if (json) {
        context.io.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return 0;
      }
      const lines = [
        `Quotes from ${provider.name} for ${symbols.length} held securities: ${quotes.length} quoted, ${recorded.inserted} new, ${recorded.alreadyPresent} already recorded.`,
      ];
      if (stale.length > 0) {
        lines.push(
          `Stale (older than ${maxAgeSeconds} s by their own timestamps; plans on them will be refused): ${stale.map((s) => `${s.symbol} as of ${formatInstant(s.asOf)}`).join(", ")}.`,
        );
      }
      if (missing.length > 0) lines.push(`No quote for: ${missing.join(", ")}.`);
      context.io.stdout.write(`${lines.join("\n")}\n`);
      return 0;
    });
  },
};
