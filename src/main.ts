// Composition root: the only place adapters are wired to ports.
import { type Config, loadConfig } from "./config.ts";
import { type Database, type DatabaseTarget, openDatabase } from "./db/open-database.ts";
import { createPrismaBookStore } from "./db/prisma-book-store.ts";
import { createLogger, type Logger } from "./logger.ts";
import type { BookStore } from "./ports/book-store.ts";
import { type Clock, systemClock } from "./ports/clock.ts";

export interface OpenedStore {
  store: BookStore;
  database: Database;
  /** Migrations applied while opening (empty when the schema was current). */
  migrationsApplied: string[];
  close(): Promise<void>;
}

export interface Services {
  config: Config;
  logger: Logger;
  clock: Clock;
  /** Opens the database, applies pending migrations, and returns the store over it. */
  openStore(onStep?: (label: string) => void): Promise<OpenedStore>;
}

export function createServices(
  env: NodeJS.ProcessEnv,
  options: { isTty: boolean; clock?: Clock; database?: DatabaseTarget; logger?: Logger },
): Services {
  const config = loadConfig(env, { isTty: options.isTty });
  const logger = options.logger ?? createLogger(config.log);
  const target = options.database ?? config.database;
  return {
    config,
    logger,
    clock: options.clock ?? systemClock,
    async openStore(onStep = () => {}) {
      onStep(target.kind === "postgres" ? "connecting to PostgreSQL" : "opening the embedded database");
      const database = await openDatabase(target);
      try {
        onStep("applying migrations");
        const report = await database.migrate();
        if (report.applied.length > 0) {
          logger.debug({ applied: report.applied, location: database.location }, "migrations applied");
        }
        return {
          store: createPrismaBookStore(database.prisma),
          database,
          migrationsApplied: report.applied,
          close: () => database.close(),
        };
      } catch (error) {
        await database.close();
        throw error;
      }
    },
  };
}
