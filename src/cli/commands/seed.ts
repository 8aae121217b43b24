import { type IsoDate, parseIsoDate } from "../../domain/iso-date.ts";
import { withPrincipal } from "../act-as.ts";
import { type Command, type CommandContext, UsageError } from "../command.ts";
import { demoAnchor } from "../demo-dates.ts";

const MAX_SYNTHETIC = 200_000;

export const seedCommand: Command = {
  name: "seed",
  summary: "Load the demo book, or a synthetic firm book of n households",
  usage: "lotwise seed --demo | --synthetic <households> [--seed <n>] [--as-of YYYY-MM-DD] [--json]",
  details:
    "--demo loads a deterministic demo book: 5 households across Schwab, Fidelity, Vanguard,\n" +
    "Interactive Brokers and a held-away 401k, with lot histories, wash-sale traps and model\n" +
    "assignments. --synthetic loads a deterministic firm book (hh-syn-000001, ...): 3 to 10 accounts\n" +
    "at 2 to 4 custodians and 20 to 400 lots a household, restrictions, models, advisors and\n" +
    "approvers, a few stale or unreconciled households; written in batches, so an interrupted load\n" +
    "is completed by the next. Dates are relative to --as-of (default: today in New York).\n" +
    "Loading either twice changes nothing.",
  options: {
    demo: { type: "boolean", default: false },
    synthetic: { type: "string" },
    seed: { type: "string" },
    "as-of": { type: "string" },
    json: { type: "boolean", default: false },
  },
  optionHelp: {
    demo: "load the demo book",
    synthetic: `load a synthetic book of this many households (1 to ${MAX_SYNTHETIC.toLocaleString("en-US")})`,
    seed: "the synthetic book's seed (default 1): same households, seed and --as-of, same book",
    "as-of": "anchor the book's dates on this day (same day, same book, byte for byte)",
    json: "print the outcome as JSON",
  },
  actsAs: true,
  async run(context, { values }) {
    const { io, services } = context;
    const syntheticText = values.synthetic as string | undefined;
    if (values.demo && syntheticText !== undefined) {
      throw new UsageError("--demo and --synthetic load different books: pass one of them");
    }
    if (!values.demo && syntheticText === undefined) {
      throw new UsageError("nothing to seed: pass --demo or --synthetic <households>");
    }
    if (values.demo && values.seed !== undefined) throw new UsageError("--seed goes with --synthetic");
    const asOfText = values["as-of"] as string | undefined;
    const pinned = asOfText === undefined ? undefined : parseIsoDate(asOfText);
    if (asOfText !== undefined && pinned === undefined) {
      throw new UsageError(`--as-of must be a calendar date like 2026-11-20, not "${asOfText}"`);
    }
    const anchor = demoAnchor(services.clock.now(), pinned);
    if (syntheticText !== undefined) {
      const households = parseCount(syntheticText);
      const seed = parseSeed(values.seed as string | undefined);
      return seedSynthetic(context, { households, seed, anchor, json: Boolean(values.json) });
    }
    const book = (await import("../../demo/demo-book.ts")).buildDemoBook(anchor);
    const options = { quiet: Boolean(values.json), command: "seed", needs: "book.manage" } as const;
    return withPrincipal(context, options, async (opened, progress) => {
      const outcome = await opened.store.seedDemo(book, (label) => progress.step(`loading ${label}`));
      progress.done();
      const result = { database: opened.database.location, anchorDate: anchor.anchorDate, ...outcome };
      if (values.json) {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else if (outcome.status === "created") {
        const counts = Object.entries(outcome.counts)
          .map(([name, n]) => `${n} ${name}`)
          .join(", ");
        io.stdout.write(
          `Demo book loaded into ${result.database} (dates anchored on ${anchor.anchorDate}):\n  ${counts}\n`,
        );
        io.stdout.write("Next: lotwise households\n");
      } else {
        io.stdout.write(
          `The demo book is already loaded in ${result.database} (${outcome.householdIds.join(", ")}); nothing changed.\n`,
        );
      }
      return 0;
    });
  },
};

function parseCount(text: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_SYNTHETIC) {
    throw new UsageError(
      `--synthetic takes a number of households from 1 to ${MAX_SYNTHETIC.toLocaleString("en-US")}, not "${text}"`,
    );
  }
  return n;
}

function parseSeed(text: string | undefined): number {
  if (text === undefined) return 1;
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n > 0xffff_ffff) {
    throw new UsageError(`--seed takes a whole number from 0 to 4294967295, not "${text}"`);
  }
  return n;
}

const BAR_WIDTH = 30;

function bar(done: number, total: number): string {
  const filled = Math.round((BAR_WIDTH * done) / total);
  const n = (value: number) => value.toLocaleString("en-US");
  return `[${"#".repeat(filled)}${".".repeat(BAR_WIDTH - filled)}] ${n(done)}/${n(total)} households`;
}

async function seedSynthetic(
  context: CommandContext,
  request: { households: number; seed: number; anchor: { anchorDate: IsoDate; now: string }; json: boolean },
): Promise<number> {
  const { io } = context;
  const { households, seed, anchor } = request;
  const options = { quiet: request.json, command: "seed", needs: "book.manage" } as const;
  return withPrincipal(context, options, async (opened, progress) => {
    const { seedSyntheticBook } = await import("../../db/seed-synthetic.ts");
    const started = performance.now();
    progress.step(`loading a synthetic book of ${households.toLocaleString("en-US")} households`);
    const outcome = await seedSyntheticBook(opened.database.prisma, {
      households,
      seed,
      asOf: anchor.anchorDate,
      now: anchor.now,
      // A bar on a terminal; elsewhere the one line above is enough.
      ...(io.stderrIsTty
        ? { onProgress: (done: number, total: number) => progress.step(bar(done, total)) }
        : {}),
    });
    progress.done();
    const elapsedMs = Math.round(performance.now() - started);
    const n = (value: number) => value.toLocaleString("en-US");
    if (request.json) {
      const result = {
        database: opened.database.location,
        asOf: anchor.anchorDate,
        seed,
        ...outcome,
        elapsedMs,
      };
      io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else if (outcome.status === "already-present") {
      io.stdout.write(
        `The synthetic book is already loaded in ${opened.database.location}: ${n(outcome.households)} households (hh-syn-…); nothing changed.\n`,
      );
    } else {
      const verb =
        outcome.status === "created" ? "loaded" : `completed (${n(outcome.written)} households written now)`;
      io.stdout.write(
        `Synthetic book ${verb} in ${opened.database.location} (seed ${seed}, dates anchored on ${anchor.anchorDate}), ${(elapsedMs / 1000).toFixed(1)} s:\n` +
          `  ${n(outcome.households)} households, ${n(outcome.accounts)} accounts, ${n(outcome.positions)} positions, ${n(outcome.lots)} lots, ${n(outcome.transactions)} transactions, ${n(outcome.restrictions)} restrictions\n`,
      );
      io.stdout.write("Next: lotwise households\n");
    }
    return 0;
  });
}
