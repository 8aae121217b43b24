// `lotwise plan` against a real database (PGlite by default, PostgreSQL in CI): every demo
// household, the freshness gate, canonical JSON with a stable hash, and bad flags.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

describe(`lotwise plan (${BACKEND})`, () => {
  let db: TestDatabase;
  // The pinned demo book is stamped 2026-11-20 20:00 UTC (Patel's snapshots 20 hours earlier).
  const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };
  const run = (argv: string[]) => runInProcess(argv, { database: db, clock });

  beforeAll(async () => {
    db = await openTestDatabase();
    await run(["seed", "--demo", "--as-of", "2026-11-20"]);
  });
  afterAll(() => db.close());

  it("chen-gets-a-rebalance-plan: tables of drift, trades and lots, with the hash", async () => {
    const result = await run(["plan", "chen"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Plan for Chen Household (hh-chen), trade date 2026-11-20");
    expect(result.stdout).toMatch(/us_equity\s+36\.00%\s+31\.00%-41\.00%\s+70\.61% OUT\s+35\.95%/);
    expect(result.stdout).toMatch(/David - Schwab brokerage\s+SELL\s+VTI\s+577\s+\$310\.00\s+\$178,870\.00/);
    expect(result.stdout).toContain("lot-chen-schwab-taxable-vti-2024-10-16");
    expect(result.stdout).toContain("replaced by IEFA; do not rebuy VEA before 2026-12-21");
    expect(result.stdout).toMatch(/Plan hash [0-9a-f]{64}/);
    expect(result.stdout).toContain("Nothing has been sent");
  });

  it("the same inputs give the same JSON and hash; the plan names its inputs", async () => {
    const first = await run(["plan", "hh-chen", "--json"]);
    const second = await run(["plan", "hh-chen", "--json"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe(second.stdout);
    const { planHash, plan } = JSON.parse(first.stdout);
    expect(planHash).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.inputs).toMatchObject({ modelVersionId: "mv-balanced-2", policyVersion: "si-policy-v1" });
    expect(plan.inputs.settingsId).toMatch(/^settings-[0-9a-f]{16}$/);
    expect(plan.inputs.snapshots).toHaveLength(7);
    expect(plan.stale).toBe(false);
    expect(plan.trades.length).toBe(11);
  });

  it("the-same-plan-on-pglite-and-postgresql: the Chen plan's hash is pinned", async () => {
    // Update deliberately when the plan format or the drafting rules change.
    const { planHash } = JSON.parse((await run(["plan", "chen", "--json"])).stdout);
    expect(planHash).toBe("2a1824b18167c6ac59e7a5427bce8345a5dd7a2aab6f00d04f4ba183cbed4b35");
  });

  it("settings change the plan and its settings id", async () => {
    const base = JSON.parse((await run(["plan", "chen", "--json"])).stdout).plan;
    const capped = JSON.parse(
      (await run(["plan", "chen", "--json", "--gain-budget", "20000", "--gain-budget-mode", "hard"])).stdout,
    ).plan;
    expect(capped.inputs.settingsId).not.toBe(base.inputs.settingsId);
    expect(Number(capped.realized.total)).toBeLessThanOrEqual(20000);
    expect(capped.reasons.map((r: { code: string }) => r.code)).toContain("sell.gain-budget");
  });

  it("stale-patel-is-refused, and says which inputs are old and how to proceed", async () => {
    const result = await run(["plan", "patel"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("the data is stale");
    expect(result.stderr).toContain("--allow-stale");
    expect(result.stderr).toMatch(/positions in .*IBKR.*20 h old/);
    expect(result.stdout).toBe("");
  });

  it("stale-patel-with-allow-stale is drafted and marked stale everywhere", async () => {
    const text = await run(["plan", "patel", "--allow-stale"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("** STALE DATA **");
    const { plan } = JSON.parse((await run(["plan", "patel", "--allow-stale", "--json"])).stdout);
    expect(plan.stale).toBe(true);
    expect(plan.warnings.filter((w: { code: string }) => w.code === "data.stale")).toHaveLength(3);
  });

  it("okafor-in-band gets no trades; alvarez trades only in IRAs; brooks has no model", async () => {
    const okafor = JSON.parse((await run(["plan", "okafor", "--json"])).stdout).plan;
    expect(okafor.trades).toEqual([]);
    const alvarez = JSON.parse((await run(["plan", "alvarez", "--json"])).stdout).plan;
    expect(alvarez.trades.every((t: { taxable: boolean }) => !t.taxable)).toBe(true);
    const brooks = await run(["plan", "brooks"]);
    expect(brooks.code).toBe(1);
    expect(brooks.stderr).toContain("has no model version in force on 2026-11-20");
  });

  it("demo-feed-keeps-live-accounts-fresh: a day later Chen still plans, Patel's nightly files are still refused", async () => {
    const later = { now: () => new Date("2026-11-21T15:00:00.000Z") };
    const text = await runInProcess(["plan", "chen"], { database: db, clock: later });
    expect(text.code).toBe(0);
    expect(text.stderr).toContain("demo feed: 17 account snapshots and 29 quotes re-stamped");
    const { plan } = JSON.parse(
      (await runInProcess(["plan", "chen", "--json"], { database: db, clock: later })).stdout,
    );
    expect(plan.stale).toBe(false);
    expect(plan.asOf).toBe("2026-11-21");
    expect(plan.inputs.snapshots.every((s: { asOf: string }) => s.asOf === "2026-11-21T15:00:00.000Z")).toBe(
      true,
    );
    const patel = await runInProcess(["plan", "patel"], { database: db, clock: later });
    expect(patel.code).toBe(1);
    expect(patel.stderr).toContain("the data is stale");
  });

  it("bad flags and unknown households are one-line errors", async () => {
    expect((await run(["plan", "chen", "--short-term-gains", "sometimes"])).stderr).toContain(
      '--short-term-gains must be last or never, not "sometimes"',
    );
    expect((await run(["plan", "chen", "--gain-budget", "-5"])).code).toBe(2);
    expect((await run(["plan", "chen", "--as-of", "2026-02-30"])).stderr).toContain("--as-of must be a date");
    expect((await run(["plan", "chen", "--gain-budget-mode", "soft"])).stderr).toContain(
      "--gain-budget-mode needs --gain-budget",
    );
    const unknown = await run(["plan", "nobody"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no household matches "nobody"');
    expect((await run(["plan"])).code).toBe(2);
  });

  it("--help describes every option", async () => {
    const help = await run(["plan", "--help"]);
    expect(help.code).toBe(0);
    for (const flag of [
      "--json",
      "--allow-stale",
      "--as-of",
      "--gain-budget",
      "--short-term-gains",
      "--max-age",
    ]) {
      expect(help.stdout).toContain(flag);
    }
  });
});
