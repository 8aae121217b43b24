// Opens lotwise's database: embedded PGlite under LOTWISE_HOME by default, PostgreSQL when
// DATABASE_URL is set. Both get the same migrations and the same Prisma client. While `lotwise serve`
// holds the embedded database and shares it, other lotwise processes reach it through serve's socket.
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
import { migrateQueue } from "./migrate-queue.ts";
import { type EmbeddedShare, findShare, isAlive, shareEmbeddedDatabase } from "./share-embedded-database.ts";
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
  /**
   * Only for a PGlite opened in this process: lets other clients use it (through a PostgreSQL socket on
   * 127.0.0.1; announced to other lotwise processes when file-backed) until `stop()` or `close()`;
   * this process keeps using it in-process.
   */
  share?(): Promise<EmbeddedShare>;
  /** How another PostgreSQL client reaches it (PostgreSQL, or the embedded database through serve's socket). */
  connectionString?: string;
  close(): Promise<void>;
}

export type { EmbeddedShare };
export { DatabaseUnavailableError };

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  return target.kind === "postgres" ? openPostgres(target.url) : openPglite(target);
}

async function openPglite(target: Exclude<DatabaseTarget, { kind: "postgres" }>): Promise<Database> {
  if (target.kind === "pglite") {
    const shared = await openSharedIfHosted(target.dataDir);
    if (shared) return shared;
  }
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
  const sharing = sharingOf(db, dataDir);
  return {
    prisma,
    kind: "pglite",
    superuser: true,
    location: dataDir ? `embedded PGlite at ${dataDir}` : "embedded PGlite in memory",
    withSql,
    async migrate() {
      const report = await withSql(applyMigrations);
      if (report.applied.length > 0 || !(await withSql(hasQueue))) {
        // graphile-worker migrates through a PostgreSQL connection: this database's own socket.
        const { url } = await sharing.share();
        await migrateQueue(url);
      }
      return report;
    },
    share: sharing.share,
    async close() {
      await sharing.stop();
      await prisma.$disconnect();
      await db.close();
      releaseLock();
    },
  };
}

/** share() starts sharing once (until stopped); stop() ends it if it is on. */
function sharingOf(db: PGlite, dataDir: string | undefined) {
  let current: Promise<EmbeddedShare> | undefined;
  const share = (): Promise<EmbeddedShare> => {
    if (current) return current;
    const started = shareEmbeddedDatabase(db, dataDir).then((shared) => ({
      url: shared.url,
      async stop() {
        if (current === started) current = undefined;
        await shared.stop();
      },
    }));
    current = started;
    started.catch(() => {
      if (current === started) current = undefined;
    });
    return started;
  };
  const stop = async () => {
    const shared = await current?.catch(() => undefined);
    await shared?.stop();
  };
  return { share, stop };
}

/**
 * When another live process holds dataDir and shares it (`lotwise serve`), a client of its socket;
 * when it holds it without sharing, a clear refusal; undefined when nobody else holds it.
 */
async function openSharedIfHosted(dataDir: string): Promise<Database | undefined> {
  const holder = lockHolder(dataDir);
  const share = await findShare(dataDir, holder);
  if (holder === undefined) return undefined;
  if (share.status === "shared") return openShared(dataDir, share.url, holder);
  throw new DatabaseUnavailableError(
    share.status === "not-answering"
      ? `${inUse(dataDir, holder)}, which shares it at ${share.url} but does not answer there; try again, or stop that process`
      : `${inUse(dataDir, holder)} that does not share it; stop that process (a running \`lotwise serve\` shares the database with other lotwise commands), or set DATABASE_URL to share a PostgreSQL database`,
  );
}

function inUse(dataDir: string, pid: number): string {
  return `the embedded database at ${dataDir} is in use by another lotwise process (pid ${pid})`;
}

// Connecting waits while another client (or serve itself) is inside a transaction: PGlite runs one
// at a time. Few connections, as the host runs one statement at a time anyway.
const SHARED_CONNECT_TIMEOUT_MS = 15_000;
const SHARED_POOL_SIZE = 4;

function openShared(dataDir: string, url: string, pid: number): Database {
  const location = `embedded PGlite at ${dataDir}, shared by lotwise serve (pid ${pid})`;
  const prisma = new PrismaClient({
    adapter: new PrismaPg({
      connectionString: url,
      max: SHARED_POOL_SIZE,
      connectionTimeoutMillis: SHARED_CONNECT_TIMEOUT_MS,
    }),
  });
  const withSql = pgWithSql(url, location, SHARED_CONNECT_TIMEOUT_MS);
  return {
    prisma,
    kind: "pglite",
    superuser: true,
    location,
    connectionString: url,
    withSql,
    migrate: () => migrateWithQueue(withSql, url),
    close: () => prisma.$disconnect(),
  };
}

/** The live process other than this one holding dataDir's lock, if any. */
function lockHolder(dataDir: string): number | undefined {
  const lockFile = `${dataDir}.lock`;
  if (!existsSync(lockFile)) return undefined;
  const pid = Number(readFileSync(lockFile, "utf8").trim());
  return pid && pid !== process.pid && isAlive(pid) ? pid : undefined;
}

// PGlite is a single process on a data folder: a second lotwise process opening it would corrupt
// it, so the folder is locked by pid while open.
function lockDataDir(dataDir: string): () => void {
  const lockFile = `${dataDir}.lock`;
  const holder = lockHolder(dataDir);
  if (holder !== undefined) throw new DatabaseUnavailableError(`${inUse(dataDir, holder)}; try again`);
  mkdirSync(dirname(lockFile), { recursive: true });
  writeFileSync(lockFile, String(process.pid));
  return () => rmSync(lockFile, { force: true });
}

async function openPostgres(url: string): Promise<Database> {
  const location = `PostgreSQL at ${redactUrl(url)}`;
  // Fail fast with a clear message rather than on the first query.
  const probe = await pgConnector(url, location, 5_000)();
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
  const withSql = pgWithSql(url, location, 5_000);
  return {
    prisma,
    kind: "postgres",
    superuser,
    location,
    connectionString: url,
    withSql,
    migrate: () => migrateWithQueue(withSql, url),
    close: () => prisma.$disconnect(),
  };
}

/** lotwise's tables, then the job queue's schema when they changed or it is missing. */
async function migrateWithQueue(
  withSql: <T>(work: (sql: SqlRunner) => Promise<T>) => Promise<T>,
  url: string,
): Promise<MigrationReport> {
  const report = await withSql(applyMigrations);
  if (report.applied.length > 0 || !(await withSql(hasQueue))) await migrateQueue(url);
  return report;
}

async function hasQueue(sql: SqlRunner): Promise<boolean> {
  const [row] = await sql.query<{ found: string | null }>(
    "SELECT to_regclass('graphile_worker.jobs')::text AS found",
  );
  return Boolean(row?.found);
}

function pgConnector(url: string, location: string, timeoutMs: number): () => Promise<pg.Client> {
  return async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => {});
      throw new DatabaseUnavailableError(`cannot connect to ${location}: ${describePgError(error)}`);
    }
    return client;
  };
}

function pgWithSql(url: string, location: string, timeoutMs: number): Database["withSql"] {
  const connect = pgConnector(url, location, timeoutMs);
  return async (work) => {
    const client = await connect();
    try {
      return await work(pgClientRunner(client));
    } finally {
      await client.end();
    }
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
