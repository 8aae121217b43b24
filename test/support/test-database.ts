// Test databases: an in-memory PGlite by default; a fresh PostgreSQL database per call when
// LOTWISE_TEST_DATABASE_URL is set (the CI's PostgreSQL suite). Same migrations for both.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { inject } from "vitest";
import { type Database, openDatabase } from "../../src/db/open-database.ts";

export const POSTGRES_URL = process.env.LOTWISE_TEST_DATABASE_URL || undefined;
export const BACKEND = POSTGRES_URL ? "postgres" : "pglite";

export interface TestDatabase extends Database {
  url: string | undefined;
}

export async function openTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  if (!POSTGRES_URL) {
    const templates = inject("pgliteTemplates");
    const template = options.migrate === false ? templates.empty : templates.migrated;
    const db = await openDatabase({ kind: "pglite-memory", loadDataDir: new Blob([readFileSync(template)]) });
    return Object.assign(db, { url: undefined });
  }
  const name = `lotwise_t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = withDatabase(POSTGRES_URL, name);
  const db = await openDatabase({ kind: "postgres", url });
  if (options.migrate !== false) await db.migrate();
  const closeDb = db.close;
  return Object.assign(db, {
    url,
    async close() {
      await closeDb();
      const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  });
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplates: { empty: string; migrated: string };
  }
}
