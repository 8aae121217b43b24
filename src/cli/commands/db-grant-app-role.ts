// `lotwise db grant-app-role <role>`: gives an existing PostgreSQL role exactly what lotwise needs
// and nothing that could shorten the audit log (see src/db/app-role-grants.ts).
import { appRoleGrants, isRoleName } from "../../db/app-role-grants.ts";
import { CliError, type Command, UsageError } from "../command.ts";
import { withStore } from "../with-store.ts";

export const dbGrantAppRoleCommand: Command = {
  name: "db grant-app-role",
  summary: "Grant a PostgreSQL role what lotwise needs to run, and no more (least privilege)",
  usage: "lotwise db grant-app-role <role> [--print]",
  details:
    "Run it as the database owner (DATABASE_URL of the role that ran the migrations), then run lotwise\n" +
    "as <role>: it can read and append, update plan and order statuses, and cannot UPDATE, DELETE or\n" +
    "TRUNCATE audit_event or audit_checkpoint, disable their triggers, or set\n" +
    "session_replication_role. Create the role first (CREATE ROLE <role> LOGIN PASSWORD '...');\n" +
    "it must not be a superuser or own the tables. --print shows the SQL without running it.",
  options: { print: { type: "boolean", default: false } },
  optionHelp: { print: "print the SQL instead of running it" },
  positionals: { min: 1, max: 1 },
  run(context, { values, positionals }) {
    const role = positionals[0] as string;
    if (!isRoleName(role)) throw new UsageError(`"${role}" is not a plain role name (letters, digits, _)`);
    const statements = appRoleGrants(role);
    if (values.print) {
      context.io.stdout.write(`${statements.map((s) => `${s};`).join("\n")}\n`);
      return Promise.resolve(0);
    }
    return withStore(context, { quiet: false }, async (opened, progress) => {
      const { database } = opened;
      if (database.kind !== "postgres") {
        throw new CliError(
          "the embedded database (PGlite) has one user, a superuser: roles need PostgreSQL (set DATABASE_URL)",
        );
      }
      progress.step(`granting ${role}`);
      await database.withSql(async (sql) => {
        const [found] = await sql.query<{ rolsuper: boolean; owns: boolean }>(
          `SELECT r.rolsuper, EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' AND t.tableowner = r.rolname) AS owns
           FROM pg_roles r WHERE r.rolname = $1`,
          [role],
        );
        if (!found)
          throw new CliError(`role ${role} does not exist: CREATE ROLE ${role} LOGIN PASSWORD '...' first`);
        if (found.rolsuper) throw new CliError(`role ${role} is a superuser: it could lift every guard`);
        if (found.owns)
          throw new CliError(`role ${role} owns lotwise's tables: run lotwise as a role that owns nothing`);
        await sql.transaction(async (tx) => {
          for (const statement of statements) await tx.exec(statement);
        });
      });
      progress.done();
      context.io.stdout.write(
        `${database.location}: granted ${role} what lotwise needs; run lotwise with that role in DATABASE_URL\n`,
      );
      return 0;
    });
  },
};
