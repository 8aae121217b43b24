#!/usr/bin/env node
// Runs the bundled CLI from dist/ when it is up to date with src/ and tools/ (built at install by
// scripts/build.js), and the TypeScript sources through tsx otherwise, so an edit is never
// run stale.
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const built = join(root, "dist/built-at");
const fresh =
  existsSync(built) &&
  statSync(built).mtimeMs >= Math.max(newestSource(join(root, "src")), newestSource(join(root, "tools")));
let runMain;
if (fresh) {
  ({ runMain } = await import("../dist/entry.js"));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ runMain } = await import("../src/cli/entry.ts"));
}
process.exit(await runMain(process.argv.slice(2)));
