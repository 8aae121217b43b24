import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // PGlite starts in ~1-3 s per instance; DB suites open one per file.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/fast-check-seed.ts"],
    coverage: {
      provider: "v8",
      include: ["src/**/*.ts"],
      exclude: ["src/db/generated/**"],
      reporter: ["text-summary", "text"],
      // The tax and planning rules must be fully exercised: every line and every branch.
      thresholds: {
        "src/engine/tax-lots/**/*.ts": { lines: 100, branches: 100, functions: 100, statements: 100 },
        "src/engine/wash-sale-check.ts": { lines: 100, branches: 100, functions: 100, statements: 100 },
        "src/engine/holding-period.ts": { lines: 100, branches: 100, functions: 100, statements: 100 },
        "src/domain/fixed-point.ts": { lines: 100, branches: 100, functions: 100, statements: 100 },
        "src/engine/planning/**/*.ts": { lines: 100, branches: 100, functions: 100, statements: 100 },
        "src/domain/instant.ts": { lines: 100, branches: 100, functions: 100, statements: 100 },
      },
    },
  },
});
