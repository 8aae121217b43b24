#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx (no build step).
import { register } from "tsx/esm/api";

register();
const { runMain } = await import("../src/cli/entry.ts");
process.exit(await runMain(process.argv.slice(2)));
