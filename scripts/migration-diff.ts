// Creates the next migration offline: Prisma's CLI cannot run `migrate dev` without its native
// engine (see README, "Database"), so this drives @prisma/schema-engine-wasm directly, with an
// in-memory PGlite as the shadow database.
//
//   npm run db:diff -- --name add_widgets     writes prisma/migrations/<timestamp>_add_widgets/
//   npm run db:diff -- --check                exits 1 if schema.prisma and the migrations differ
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import * as bg from "@prisma/schema-engine-wasm/schema_engine_bg";
import { PrismaPGlite } from "pglite-prisma-adapter";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const schemaPath = join(root, "prisma/schema.prisma");
const migrationsDir = join(root, "prisma/migrations");

async function loadEngine(): Promise<typeof bg.SchemaEngine> {
  const wasmPath = join(root, "node_modules/@prisma/schema-engine-wasm/schema_engine_bg.wasm");
  // Node has WebAssembly; @types/node does not declare it without the DOM lib.
  const { WebAssembly } = globalThis as unknown as {
    WebAssembly: {
      instantiate(
        bytes: Uint8Array,
        imports: object,
      ): Promise<{ instance: { exports: Record<string, unknown> } }>;
    };
  };
  const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { "./schema_engine_bg.js": bg });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bg.SchemaEngine;
}

// pglite-prisma-adapter 0.7.2 does not await exec() in executeScript, so a failing migration
// would look applied; this factory awaits it.
async function connectPglite(pg: PGlite) {
  const adapter = await new PrismaPGlite(pg).connect();
  adapter.executeScript = async (script: string) => {
    await pg.exec(script);
  };
  return adapter;
}

function adapterFactory(main: PGlite): SqlMigrationAwareDriverAdapterFactory {
  return {
    provider: "postgres",
    adapterName: "lotwise-pglite",
    connect: () => connectPglite(main),
    connectToShadowDb: () => connectPglite(new PGlite()),
  } as SqlMigrationAwareDriverAdapterFactory;
}

function listMigrations(): bg.MigrationList {
  const dirs = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  const lockPath = join(migrationsDir, "migration_lock.toml");
  return {
    baseDir: migrationsDir,
    lockfile: {
      path: "migration_lock.toml",
      content: existsSync(lockPath) ? readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => ({
      path: name,
      migrationFile: {
        path: "migration.sql",
        content: { tag: "ok", value: readFileSync(join(migrationsDir, name, "migration.sql"), "utf8") },
      },
    })),
  };
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

async function main() {
  const { values } = parseArgs({
    options: { name: { type: "string" }, check: { type: "boolean", default: false } },
  });
  if (!values.check && !values.name) {
    console.error("usage: npm run db:diff -- --name <snake_case_name> | --check");
    process.exit(2);
  }
  if (values.name && !/^[a-z0-9_]+$/.test(values.name)) {
    console.error("--name must be snake_case (a-z, 0-9, _)");
    process.exit(2);
  }
  const lock = join(migrationsDir, "migration_lock.toml");
  if (!existsSync(lock)) {
    mkdirSync(migrationsDir, { recursive: true });
    writeFileSync(lock, 'provider = "postgresql"\n');
  }
  const Engine = await loadEngine();
  const main = new PGlite();
  const factory = bindMigrationAwareSqlAdapterFactory(adapterFactory(main));
  const schema = readFileSync(schemaPath, "utf8");
  const engine = await Engine.new(
    { datamodels: [[schemaPath, schema]] },
    (msg: string) => process.env.DEBUG && console.error(msg),
    factory,
  );
  const result = await engine.diff({
    from: { tag: "migrations", ...listMigrations() },
    to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schema }] },
    script: true,
    exitCode: true,
    filters: { externalTables: [], externalEnums: [] },
  });
  const sql = (result.stdout ?? "").trim();
  const empty = sql === "" || sql === "-- This is an empty migration.";
  if (values.check) {
    if (!empty) {
      console.error(
        "prisma/schema.prisma and prisma/migrations differ; run npm run db:diff -- --name <name>:\n",
      );
      console.error(sql);
    } else {
      console.log("migrations match prisma/schema.prisma");
    }
    process.exit(empty ? 0 : 1);
  }
  if (empty) {
    console.log("no changes: prisma/schema.prisma matches the migrations");
    process.exit(0);
  }
  const dir = join(migrationsDir, `${timestamp()}_${values.name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "migration.sql"), `${sql}\n`);
  console.log(`wrote ${dir}/migration.sql`);
  // The wasm engine leaves a timer running; exit explicitly.
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
