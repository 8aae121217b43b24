import type { Command } from "../command.ts";
import { withStore } from "../with-store.ts";

export const dbMigrateCommand: Command = {
  name: "db migrate",
  summary: "Apply pending database migrations",
  usage: "lotwise db migrate [--json]",
  details:
    "Applies prisma/migrations in order, in one transaction, to the embedded database (LOTWISE_HOME)\n" +
    "or to DATABASE_URL. Safe to run again: applied migrations are skipped, edited ones refused.",
  options: { json: { type: "boolean", default: false } },
  optionHelp: { json: "print the result as JSON" },
  run(context, { values }) {
    const { io } = context;
    return withStore(context, { quiet: Boolean(values.json) }, async (opened, progress) => {
      progress.done();
      const result = { database: opened.database.location, applied: opened.migrationsApplied };
      if (values.json) {
        io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      } else if (result.applied.length === 0) {
        io.stdout.write(`${result.database}: schema is up to date.\n`);
      } else {
        io.stdout.write(`${result.database}: applied ${result.applied.length} migration(s):\n`);
        for (const name of result.applied) io.stdout.write(`  ${name}\n`);
      }
      return 0;
    });
  },
};
