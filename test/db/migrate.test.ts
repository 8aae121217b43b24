import { afterEach, describe, expect, it } from "vitest";
import { applyMigrations, MigrationError, readMigrations } from "../../src/db/migrate.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

describe(`migrations on ${BACKEND}`, () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.close();
    db = undefined;
  });

  it("applies every migration once and records it like prisma migrate deploy", async () => {
    db = await openTestDatabase({ migrate: false });
    const first = await db.migrate();
    expect(first.applied).toEqual(readMigrations().map((m) => m.name));
    const again = await db.migrate();
    expect(again).toEqual({ applied: [], alreadyApplied: first.applied.length });
    const rows = await db.withSql((sql) =>
      sql.query<{ migration_name: string; checksum: string }>(
        `SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name`,
      ),
    );
    expect(rows.map((r) => r.checksum)).toEqual(readMigrations().map((m) => m.checksum));
  });

  it("refuses a migration whose file changed after it was applied", async () => {
    db = await openTestDatabase();
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(db.withSql((sql) => applyMigrations(sql, edited))).rejects.toThrow(
      /was changed after it was applied/,
    );
  });

  it("rolls back everything when a migration fails, leaving nothing half-applied", async () => {
    db = await openTestDatabase({ migrate: false });
    const broken = [
      ...readMigrations(),
      {
        name: "99999999999999_broken",
        sql: "CREATE TABLE half_done (id int); SELECT no_such_function();",
        checksum: "x",
      },
    ];
    await expect(db.withSql((sql) => applyMigrations(sql, broken))).rejects.toBeInstanceOf(MigrationError);
    const tables = await db.withSql((sql) =>
      sql.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('household', 'half_done')`,
      ),
    );
    expect(tables[0]?.n).toBe(0);
  });

  it("refuses a database migrated by a newer lotwise", async () => {
    db = await openTestDatabase();
    await expect(db.withSql((sql) => applyMigrations(sql, readMigrations().slice(0, 1)))).rejects.toThrow(
      /does not know/,
    );
  });
});
