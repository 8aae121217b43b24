// Composition root: the only place adapters are wired to ports.
import { type Config, loadConfig } from "./config.ts";
import type { Database, DatabaseTarget } from "./db/open-database.ts";
import { createLogger, type Logger } from "./logger.ts";
import type { ApprovalStore } from "./ports/approval-store.ts";
import type { AuditCheckpointStore, AuditLog } from "./ports/audit-log.ts";
import type { BookStore } from "./ports/book-store.ts";
import { type Clock, systemClock } from "./ports/clock.ts";
import type { ConversationStore } from "./ports/conversation-store.ts";
import type { ModelStore } from "./ports/model-store.ts";
import type { PlanStore } from "./ports/plan-store.ts";
import type { UserStore } from "./ports/user-store.ts";

export interface OpenedStore {
  store: BookStore;
  models: ModelStore;
  plans: PlanStore;
  audit: AuditLog;
  /** Signed checkpoints that anchor where the audit log ends. */
  checkpoints: AuditCheckpointStore;
  conversations: ConversationStore;
  users: UserStore;
  approvals: ApprovalStore;
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
  options: {
    isTty: boolean;
    clock?: Clock;
    /** Where the data lives; an already open Database is shared and left open (tests, one server). */
    database?: DatabaseTarget | Database;
    logger?: Logger;
  },
): Services {
  const config = loadConfig(env, { isTty: options.isTty });
  const logger = options.logger ?? createLogger(config.log);
  const target = options.database ?? config.database;
  const open = async (): Promise<{ database: Database; close: () => Promise<void> }> => {
    if ("prisma" in target) return { database: target, close: async () => {} };
    // Loaded on first use: commands without a database (ledger, help) never pay for Prisma.
    const { openDatabase } = await import("./db/open-database.ts");
    const database = await openDatabase(target);
    if (database.superuser && database.kind === "postgres") {
      logger.warn(
        { location: database.location },
        "connected as a PostgreSQL superuser: it can disable the append-only triggers; run lotwise as a role that owns nothing (lotwise db grant-app-role)",
      );
    }
    return { database, close: () => database.close() };
  };
  const clock = options.clock ?? systemClock;
  return {
    config,
    logger,
    clock,
    async openStore(onStep = () => {}) {
      const isPostgres = "prisma" in target ? target.kind === "postgres" : target.kind === "postgres";
      onStep(isPostgres ? "connecting to PostgreSQL" : "opening the embedded database");
      const { database, close } = await open();
      try {
        onStep("applying migrations");
        const report = await database.migrate();
        if (report.applied.length > 0) {
          logger.debug({ applied: report.applied, location: database.location }, "migrations applied");
        }
        const { createPrismaBookStore } = await import("./db/prisma-book-store.ts");
        const { createPrismaModelStore } = await import("./db/model-store.ts");
        const { createPrismaPlanStore } = await import("./db/prisma-plan-store.ts");
        const { createPrismaAuditLog } = await import("./db/prisma-audit-log.ts");
        const { createPrismaAuditCheckpoints } = await import("./db/prisma-audit-checkpoints.ts");
        const { createPrismaConversationStore } = await import("./db/prisma-conversation-store.ts");
        const { createPrismaUserStore } = await import("./db/prisma-user-store.ts");
        const { createPrismaApprovalStore } = await import("./db/prisma-approval-store.ts");
        return {
          store: createPrismaBookStore(database.prisma),
          models: createPrismaModelStore(database.prisma),
          plans: createPrismaPlanStore(database.prisma),
          audit: createPrismaAuditLog(database.prisma, clock),
          checkpoints: createPrismaAuditCheckpoints(database.prisma),
          conversations: createPrismaConversationStore(database.prisma),
          users: createPrismaUserStore(database.prisma),
          approvals: createPrismaApprovalStore(database.prisma),
          database,
          migrationsApplied: report.applied,
          close,
        };
      } catch (error) {
        await close();
        throw error;
      }
    },
  };
}
