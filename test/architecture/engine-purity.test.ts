// The engine is pure and decimal-only (architecture.md). These checks fail the build when it is not.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "../..");
const run = promisify(execFile);
const DEPCRUISE = join(root, "node_modules/.bin/depcruise");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\.now\b|\bnew Date\b/, "reads the clock"],
  [/\bMath\.random\b|\bcrypto\b/, "uses randomness"],
  [/\bparseFloat\b|\bNumber\(|\bparseInt\b/, "turns text into a JS number"],
  [/\bconsole\.|\bprocess\./, "does I/O"],
  [/from "node:|from "(fs|path|http|https|net|child_process)"/, "imports a Node I/O module"],
  [/@prisma|pino|@slack|@anthropic-ai|from "pg"/, "imports an adapter library"],
  [/\bfetch\(|\bsetTimeout\(|\bsetInterval\(/, "does I/O or reads time"],
];

describe("src/engine purity", () => {
  const files = sourceFiles(join(root, "src/engine"));

  it("has engine modules to check", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(FORBIDDEN)("no engine module matches %s (%s)", (pattern) => {
    const offenders = files.filter((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .some((line) => !line.trim().startsWith("//") && pattern.test(line)),
    );
    expect(offenders.map((file) => relative(root, file))).toEqual([]);
  });

  it("the dependency rules pass on src and tools", async () => {
    const { stdout } = await run(DEPCRUISE, ["src", "tools", "--config", ".dependency-cruiser.cjs"], {
      cwd: root,
    });
    expect(stdout).toContain("no dependency violations found");
  });

  it("the dependency rules fail an engine module that imports I/O or Prisma", async () => {
    const fixture = join(root, "test/fixtures/impure-engine");
    const failure = await run(
      DEPCRUISE,
      ["src", "--config", join(root, ".dependency-cruiser.cjs"), "--output-type", "err"],
      { cwd: fixture },
    ).then(
      () => undefined,
      (error: { stdout: string; stderr: string; code: number }) => ({
        ...error,
        output: error.stdout + error.stderr,
      }),
    );
    expect(failure?.code).not.toBe(0);
    expect(failure?.output).toMatch(/engine-is-pure: src\/engine\/reads-files\.ts → (node:)?fs\n/);
    expect(failure?.output).toMatch(/engine-is-pure: src\/engine\/reads-files\.ts → .*@prisma\/client/);
    expect(failure?.output).not.toMatch(/domain-is-leaf/);
  });
});
