// The job queue's own schema (graphile_worker), installed and upgraded by graphile-worker's
// migrations: lotwise's migrations create its tables, these its queue, both before anything runs.
import { Logger, runMigrations } from "graphile-worker";

const quiet = new Logger(() => () => {});

export async function migrateQueue(connectionString: string): Promise<void> {
  await runMigrations({ connectionString, logger: quiet });
}
