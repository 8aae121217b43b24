import type { Command } from "../command.ts";
import { demoAnchor } from "../demo-dates.ts";
import { withStore } from "../with-store.ts";
import { listHouseholds, renderHouseholds } from "./households.ts";

export const startCommand: Command = {
  name: "start",
  summary: "Run lotwise (what `npm start` runs)",
  usage: "lotwise start [--json]",
  details:
    "Opens the database (embedded PGlite under LOTWISE_HOME unless DATABASE_URL is set), applies\n" +
    "migrations, loads the demo book into an empty embedded database, and shows the book.",
  options: { json: { type: "boolean", default: false } },
  optionHelp: { json: "print the households as JSON (as `lotwise households --json`)" },
  run(context, { values }) {
    const { io, services } = context;
    return withStore(context, { quiet: Boolean(values.json) }, async (opened, progress) => {
      let households = await opened.store.listHouseholds();
      let seeded = false;
      if (households.length === 0 && opened.database.kind === "pglite") {
        const book = (await import("../../demo/demo-book.ts")).buildDemoBook(
          demoAnchor(services.clock.now()),
        );
        await opened.store.seedDemo(book, (label) => progress.step(`loading the demo book: ${label}`));
        households = await opened.store.listHouseholds();
        seeded = true;
      }
      const prices = await opened.store.latestPrices();
      progress.done();
      const listings = listHouseholds(households, prices);
      if (values.json) {
        io.stdout.write(`${JSON.stringify(listings, null, 2)}\n`);
        return 0;
      }
      io.stdout.write(
        `lotwise · ${opened.database.location}${seeded ? " · demo book loaded just now" : ""}\n\n`,
      );
      if (households.length === 0) {
        io.stdout.write("No households in this database. Load the demo book with: lotwise seed --demo\n");
        return 0;
      }
      io.stdout.write(renderHouseholds(listings));
      io.stdout.write(
        [
          "",
          "Available now: lotwise households [<household>], lotwise ledger --in <history.json>, lotwise seed --demo,",
          "lotwise db migrate (each with --help).",
          "Coming next: drift and harvesting plans, the assistant, and the Slack app with button approval;",
          "`npm start` will then run the assistant (in this terminal when no Slack token is set).",
          "",
        ].join("\n"),
      );
      return 0;
    });
  },
};
