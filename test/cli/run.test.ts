import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/run.ts";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe("lotwise command line", () => {
  it("lists every command in --help, and each has its own --help", async () => {
    const help = await runInProcess(["--help"]);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) {
      expect(help.stdout).toContain(command.name);
      const own = await runInProcess([...command.name.split(" "), "--help"]);
      expect(own.code).toBe(0);
      expect(own.stdout).toContain(`Usage: ${command.usage}`);
    }
  });

  it("refuses an unknown subcommand with exit 2 and one line", async () => {
    const run = await runInProcess(["rebalance-everything"]);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain('unknown command "rebalance-everything"');
  });

  it("suggests the full command for a command group", async () => {
    const run = await runInProcess(["db"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("lotwise db migrate");
  });

  it.each([
    [["households", "--bogus"], "Unknown option '--bogus'"],
    [["households", "a", "b"], "expected 0 to 1 argument(s), got 2"],
    [["seed"], "pass --demo"],
    [["seed", "--demo", "--as-of", "2026-02-30"], "--as-of must be a calendar date"],
    [["db", "migrate", "extra"], 'unexpected argument "extra"'],
  ])("rejects bad flags %j with exit 2 and the usage line", async (argv, message) => {
    const run = await runInProcess(argv);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("Usage: lotwise");
    noStackTrace(run.stderr);
  });

  it("names a bad DATABASE_URL and exits 2 before touching anything", async () => {
    const run = await runInProcess(["households"], { env: { DATABASE_URL: "mysql://localhost/lotwise" } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("DATABASE_URL: must be a PostgreSQL URL");
    noStackTrace(run.stderr);
  });

  it("explains an unreachable PostgreSQL and exits 1", async () => {
    const run = await runInProcess(["households"], {
      env: { DATABASE_URL: "postgres://lotwise@127.0.0.1:1/lotwise" },
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("cannot connect to PostgreSQL at postgres://lotwise@127.0.0.1:1/lotwise");
    expect(run.stderr).toContain("connection refused");
    noStackTrace(run.stderr);
  });
});

describe(`lotwise seed and households (${BACKEND})`, () => {
  let db: TestDatabase;
  const clock = { now: () => new Date("2026-11-20T20:00:00.000Z") };

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());

  it("shows an empty book with a hint before seeding", async () => {
    const run = await runInProcess(["households"], { database: db });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("lotwise seed --demo");
  });

  it("seeds the demo book, then a second seed changes nothing", async () => {
    const first = await runInProcess(["seed", "--demo", "--as-of", "2026-11-20", "--json"], { database: db });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ status: "created", anchorDate: "2026-11-20" });
    const second = await runInProcess(["seed", "--demo"], { database: db, clock });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain("already loaded");
    const listed = JSON.parse((await runInProcess(["households", "--json"], { database: db })).stdout);
    expect(listed).toHaveLength(5);
  });

  it("prints households as JSON: id, name, accounts with id, custodian and type, market value, model", async () => {
    const run = await runInProcess(["households", "--json"], { database: db });
    const households = JSON.parse(run.stdout);
    const chen = households.find((h: { id: string }) => h.id === "hh-chen");
    expect(chen).toMatchObject({
      name: "Chen Household",
      model: { name: "Balanced 60/40", version: 2 },
      marketValue: "587556.27",
    });
    expect(chen.accounts).toHaveLength(7);
    for (const account of chen.accounts) {
      expect(account).toMatchObject({
        id: expect.any(String),
        custodian: expect.any(String),
        type: expect.any(String),
        accountNumber: expect.stringMatching(/^\*{4}\d{4}$/),
      });
    }
    expect(new Set(chen.accounts.map((a: { custodian: string }) => a.custodian))).toEqual(
      new Set(["schwab", "fidelity", "vanguard", "ibkr", "empower"]),
    );
    expect(chen.accounts.find((a: { type: string }) => a.type === "K401")).toMatchObject({
      tradeable: false,
    });
  });

  it.each([
    ["chen", "hh-chen"],
    ["Okafor Household", "hh-okafor"],
    ["hh-patel", "hh-patel"],
  ])("narrows to one household by id, name or prefix (%s)", async (query, id) => {
    const run = await runInProcess(["households", query, "--json"], { database: db });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).map((h: { id: string }) => h.id)).toEqual([id]);
  });

  it("says which household is unknown, with exit 1", async () => {
    const run = await runInProcess(["households", "smith"], { database: db });
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toContain('no household matches "smith"');
  });

  it("renders a table with values, custodians and data times", async () => {
    const run = await runInProcess(["households", "chen"], { database: db });
    expect(run.stdout).toContain("Chen Household (hh-chen)  $587,556.27");
    expect(run.stdout).toMatch(/David - employer 401\(k\)\s+Empower.*held away/);
    expect(run.stdout).toContain("Interactive Brokers");
  });
});
