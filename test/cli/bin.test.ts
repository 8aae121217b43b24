// The real executable, as a user runs it: `lotwise seed --demo && lotwise households`, `lotwise start`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBin } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

describe(`bin/lotwise.js on ${BACKEND}`, () => {
  let env: NodeJS.ProcessEnv;
  let home: string;
  let db: TestDatabase | undefined;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "lotwise-bin-"));
    env = { LOTWISE_HOME: home };
    if (BACKEND === "postgres") {
      // A fresh, empty database; the CLI migrates it itself.
      db = await openTestDatabase({ migrate: false });
      env = { ...env, DATABASE_URL: db.url };
    }
  });
  afterAll(async () => {
    await db?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("seeds the demo book and lists the households", async () => {
    const seed = await runBin(["seed", "--demo"], env);
    expect(seed.stderr).not.toMatch(/\n\s+at /);
    expect(seed.code).toBe(0);
    expect(seed.stdout).toContain("Demo book loaded");
    const again = await runBin(["seed", "--demo"], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("nothing changed");
    const listed = await runBin(["households", "--json"], env);
    expect(listed.code).toBe(0);
    const households = JSON.parse(listed.stdout) as { id: string; accounts: unknown[] }[];
    expect(households.map((h) => h.id)).toEqual([
      "hh-alvarez",
      "hh-brooks",
      "hh-chen",
      "hh-okafor",
      "hh-patel",
    ]);
    expect(households.reduce((n, h) => n + h.accounts.length, 0)).toBe(20);
  });

  it.runIf(BACKEND === "pglite")("start shows the demo book on an empty embedded database", async () => {
    const freshHome = mkdtempSync(join(tmpdir(), "lotwise-start-"));
    try {
      const run = await runBin(["start"], { LOTWISE_HOME: freshHome });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain("demo book loaded just now");
      expect(run.stdout).toContain("Chen Household (hh-chen)");
      expect(run.stdout).toMatch(/Chen Household: 11 trades \(4 sells, 7 buys\); realises \$60,119\.60/);
      expect(run.stdout).toContain("Okafor Household: no trades (every asset class is within its band");
      expect(run.stdout).toContain("Patel Household: stale data, refused (lotwise plan patel --allow-stale)");
      expect(run.stdout).toContain(
        "Brooks Household: no model assigned, no plan (lotwise models assign brooks <model>)",
      );
      // Then the assistant: with no Slack token and no terminal, one scripted request, no decision.
      expect(run.stdout).toContain("> rebalance the Chen household");
      expect(run.stdout).toContain("Approval needs an approver");
    } finally {
      rmSync(freshHome, { recursive: true, force: true });
    }
  });
});
