// Runs `prisma generate` offline (postinstall). Prisma's CLI wants its native schema engine even
// for generate; it cannot be downloaded here, so point it at a stand-in that fails loudly if a
// command ever really needs it (see README, "Database").
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const result = spawnSync(
  process.execPath,
  [
    join(root, "node_modules/prisma/build/index.js"),
    "generate",
    "--schema",
    join(root, "prisma/schema.prisma"),
  ],
  {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: {
      ...process.env,
      PRISMA_SCHEMA_ENGINE_BINARY: join(root, "scripts/no-schema-engine.sh"),
      CHECKPOINT_DISABLE: "1",
      PRISMA_HIDE_UPDATE_MESSAGE: "1",
    },
  },
);
process.exit(result.status ?? 1);
