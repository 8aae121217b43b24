// Opens lotwise's database: embedded PGlite under LOTWISE_HOME by default, PostgreSQL when
// DATABASE_URL is set. Both get the same migrations and the same Prisma client.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { Config } from "../config.ts";
import { redactUrl } from "../logger.ts";
import { DatabaseUnavailableError } from "./errors.ts";
import { PrismaClient } from "./generated/client.ts";
import { applyMigrations, type MigrationReport } from "./migrate.ts";
import { pgClientRunner, pgliteRunner, type SqlRunner } from "./sql-runner.ts";

/** `pglite-memory` is for tests and tools: in memory, optionally started from a dumped data dir. */
export type DatabaseTarget = Config["database"] | { kind: "pglite-memory"; loadDataDir?: Blob };

export interface Database {
  prisma: PrismaClient;
  kind: "pglite" | "postgres";
  /** Connected as a superuser, who can lift the append-only triggers (PGlite always is). */
  superuser: boolean;
  /** Where the data lives, safe to print (no password). */
  location: string;
  /** Runs `work` with a raw SQL runner (migrations, health checks). */
  withSql<T>(work: (sql: SqlRunner) => Promise<T>): Promise<T>;
  migrate(): Promise<MigrationReport>;
  close(): Promise<void>;
}

export { DatabaseUnavailableError };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === "postgres" ? openPostgres(target.url) : openPglite(target);
}

async function openPglite(target: Exclude<DatabaseTarget, { kind: "postgres" }>): Promise<Database> {
  const dataDir = target.kind === "pglite" ? target.dataDir : undefined;
  const releaseLock = dataDir ? lockDataDir(dataDir) : () => {};
  let db: PGlite;
  try {
    if (dataDir) mkdirSync(dirname(dataDir), { recursive: true });
    db =
      target.kind === "pglite"
        ? new PGlite(target.dataDir)
        : new PGlite(target.loadDataDir ? { loadDataDir: target.loadDataDir } : {});
    await db.waitReady;
  } catch (error) {
    releaseLock();
    throw new DatabaseUnavailableError(
      `cannot open the embedded database at ${dataDir ?? "memory"}: ${(error as Error).message}`,
    );
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  const withSql = <T>(work: (sql: SqlRunner) => Promise<T>) => work(pgliteRunner(db));
  return {
    prisma,
    kind: "pglite",
    superuser: true,
    location: dataDir ? `embedded PGlite at ${dataDir}` : "embedded PGlite in memory",
    withSql,
    migrate: () => withSql(applyMigrations),
    async close() {
      await prisma.$disconnect();
      await db.close();
      releaseLock();
    },
  };
}

// PGlite is a single process on a data folder: a second lotwise process opening it would corrupt
// it, so the folder is locked by pid while open.
function lockDataDir(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`;
  if (existsSync(lockFile)) {
    const pid = Number(readFileSync(lockFile, "utf8").trim());
    if (pid && pid !== process.pid && isAlive(pid)) {
      throw new DatabaseUnavailableError(
        `the embedded database at ${dataDir} is in use by another lotwise process (pid ${pid}); stop it, or set DATABASE_URL to share a PostgreSQL database`,
      );
    }
  }
  mkdirSync(dirname(lockFile), { recursive: true });
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function openPostgres(url: string): Promise<Database> {
  const location = `PostgreSQL at ${redactUrl(url)}`;
  const connect = async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      throw new DatabaseUnavailableError(`cannot connect to ${location}: ${describePgError(error)}`);
    }
    return client;
  };
  // Fail fast with a clear message rather than on the first query.
  const probe = await connect();
  let superuser: boolean;
  try {
    const setting = await probe.query<{ is_superuser: string }>(
      "SELECT current_setting('is_superuser') AS is_superuser",
    );
    superuser = setting.rows[0]?.is_superuser === "on";
  } finally {
    await probe.end();
  }
  const prisma = new PrismaClient({
    adapter: new PrismaPg({
      connectionString: url,
      connectionTimeoutMillis: 5_000,
      max: 10,
      // lotwise's statements are index lookups, many at a time: JIT compiling one costs far more than
      // it saves (about 0.8 s per chunk of the book read once the tables are big enough).
      options: "-c jit=off",
    }),
  });
  const withSql = async <T>(work: (sql: SqlRunner) => Promise<T>) => {
    const client = await connect();
    try {
      return await work(pgClientRunner(client));
    } finally {
      await client.end();
    }
  };
  return {
    prisma,
    kind: "postgres",
    superuser,
    location,
    withSql,
    migrate: () => withSql(applyMigrations),
    close: () => prisma.$disconnect(),
  };
}

function describePgError(error: unknown): string {
  const e = error as NodeJS.ErrnoException & { code?: string };
  switch (e.code) {
    case "ECONNREFUSED":
      return "connection refused (is PostgreSQL running and listening on that host and port?)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "ETIMEDOUT":
      return "timed out";
    case "28P01":
    case "28000":
      return "authentication failed (check the user and password)";
    case "3D000":
      return "database does not exist (create it first, e.g. createdb)";
    default:
      return e.message || String(error);
  }
}
