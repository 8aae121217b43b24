// Builds PGlite templates once per run (a cold PGlite start costs seconds; loading a dumped data
// dir costs under one): an empty cluster and a migrated one, cached by the migrations' checksums.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { applyMigrations, readMigrations } from "../../src/db/migrate.ts";
import { pgliteRunner } from "../../src/db/sql-runner.ts";

export async function setup({ provide }: { provide: (key: string, value: unknown) => void }) {
  const migrations = readMigrations();
  const key = createHash("sha256")
    .update(migrations.map((m) => m.checksum).join(","))
    .digest("hex")
    .slice(0, 16);
  const dir = join(tmpdir(), "lotwise-test-templates");
  mkdirSync(dir, { recursive: true });
  const empty = join(dir, "empty.tar");
  const migrated = join(dir, `migrated-${key}.tar`);
  if (!existsSync(empty) || !existsSync(migrated)) {
    const db = new PGlite();
    await db.waitReady;
    await writeDump(db, empty);
    await applyMigrations(pgliteRunner(db), migrations);
    await writeDump(db, migrated);
    await db.close();
  }
  provide("pgliteTemplates", { empty, migrated });
}

async function writeDump(db: PGlite, path: string) {
  const dump = await db.dumpDataDir("none");
  const partial = `${path}.${process.pid}.partial`;
  writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
  renameSync(partial, path);
}
