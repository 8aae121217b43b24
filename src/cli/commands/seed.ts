import { parseIsoDate } from "../../domain/iso-date.ts";
import { withPrincipal } from "../act-as.ts";
import { type Command, UsageError } from "../command.ts";
import { demoAnchor } from "../demo-dates.ts";

export const seedCommand: Command = {
  name: "seed",
  summary: "Load the demo book (households, accounts, lots, prices, models, users)",
  usage: "lotwise seed --demo [--as-of YYYY-MM-DD] [--json]",
  details:
    "Loads a deterministic demo book: 5 households across Schwab, Fidelity, Vanguard, Interactive\n" +
    "Brokers and a held-away 401k, with lot histories, wash-sale traps and model assignments. Dates\n" +
    "are relative to --as-of (default: today in New York). Loading it twice changes nothing.",
  options: {
    demo: { type: "boolean", default: false },
    "as-of": { type: "string" },
    json: { type: "boolean", default: false },
  },
  optionHelp: {
    demo: "load the demo book (required: it is the only seed there is)",
    "as-of": "anchor the book's dates on this day (same day, same book, byte for byte)",
    json: "print the outcome as JSON",
  },
  actsAs: true,
  async run(context, { values }) {
    const { io, services } = context;
    if (!values.demo) throw new UsageError("nothing to seed: pass --demo to load the demo book");
    const asOfText = values["as-of"] as string | undefined;
    const pinned = asOfText === undefined ? undefined : parseIsoDate(asOfText);
    if (asOfText !== undefined && pinned === undefined) {
      throw new UsageError(`--as-of must be a calendar date like 2026-11-20, not "${asOfText}"`);
    }
    const anchor = demoAnchor(services.clock.now(), pinned);
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
