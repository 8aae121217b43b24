// Least privilege on PostgreSQL: the role lotwise runs as owns nothing and is no superuser, so it
// cannot lift the append-only triggers (ALTER TABLE needs the owner), set session_replication_role
// (superuser only), or UPDATE, DELETE or TRUNCATE the audit tables (never granted). Migrations run
// as the owner; the app role only reads and appends, and updates the few rows that have a status.

/** The statements that let `role` run lotwise (run them as the tables' owner, after migrating). */
export function appRoleGrants(role: string): string[] {
  const r = quoteIdent(role);
  return [
    `GRANT USAGE ON SCHEMA public TO ${r}`,
    `GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO ${r}`,
    `GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO ${r}`,
    // Statuses and assignments that change: plans and orders, conversations (their household),
    // users and their access, transactions reconciled by a later import.
    `GRANT UPDATE ON "plan", "order", "conversation", "app_user", "household_access", "transaction" TO ${r}`,
    `GRANT DELETE ON "household_access" TO ${r}`,
    // Durable work: requests are completed, workers beat and are forgotten.
    `GRANT UPDATE ON "work_request" TO ${r}`,
    `GRANT UPDATE, DELETE ON "worker_heartbeat" TO ${r}`,
    // The job queue's own schema (graphile-worker): workers claim, complete and reschedule jobs.
    `GRANT USAGE ON SCHEMA graphile_worker TO ${r}`,
    `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA graphile_worker TO ${r}`,
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA graphile_worker TO ${r}`,
    `GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA graphile_worker TO ${r}`,
    `REVOKE INSERT ON "_prisma_migrations" FROM ${r}`,
    `REVOKE UPDATE, DELETE, TRUNCATE ON "audit_event", "audit_checkpoint" FROM ${r}`,
    // Tables added by later migrations (run by the same owner) are readable and appendable too.
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT ON TABLES TO ${r}`,
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO ${r}`,
  ];
}

/** A role name lotwise accepts: a plain SQL identifier (no quoting surprises). */
export function isRoleName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name);
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
