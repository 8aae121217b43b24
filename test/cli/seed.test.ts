// `lotwise seed --synthetic` against a real database (PGlite by default, PostgreSQL in CI): the JSON
// counts, the second run, planning a synthetic household an hour later, and bad flags.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildMarket, generateBook, SYNTHETIC_NIGHTLY_SOURCE } from "../../src/demo/synthetic-book.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const asOf = isoDate("2026-11-20");
const book = generateBook(12, { market: buildMarket({ asOf }), seed: 1 });

describe(`lotwise seed --synthetic (${BACKEND})`, () => {
  let db: TestDatabase;
  // The pinned book is stamped 2026-11-20 20:00 UTC; the commands run an hour later.
  const clock = { now: () => new Date("2026-11-20T21:00:00.000Z") };
  const run = (argv: string[]) => runInProcess(argv, { database: db, clock });
  const households = async () =>
    Number(
      (await db.withSql((sql) => sql.query<{ n: number }>("SELECT count(*)::int AS n FROM household")))[0]?.n,
    );

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  afterAll(() => db.close());

  it("bad flags are one-line errors, exit 2, and write nothing", async () => {
    for (const argv of [
      ["seed", "--synthetic", "0"],
      ["seed", "--synthetic", "-3"],
      ["seed", "--synthetic", "2.5"],
      ["seed", "--synthetic", "ten"],
      ["seed", "--synthetic", "200001"],
      ["seed", "--synthetic", "12", "--as-of", "2026-02-30"],
      ["seed", "--synthetic", "12", "--seed", "x"],
      ["seed", "--synthetic", "12", "--demo"],
      ["seed"],
    ]) {
      const result = await run(argv);
      expect(result.code, argv.join(" ")).toBe(2);
      expect(result.stderr.trim().split("\n")[0]).toMatch(/^lotwise seed: /);
      expect(result.stderr).not.toContain("    at ");
    }
    expect(await households()).toBe(0);
  });

  it("loads the book and prints its counts as JSON", async () => {
    const result = await run(["seed", "--synthetic", "12", "--as-of", "2026-11-20", "--json"]);
    expect(result.code).toBe(0);
    const outcome = JSON.parse(result.stdout);
    expect(outcome).toMatchObject({
      status: "created",
      households: 12,
      accounts: book.counts.accounts,
      lots: book.counts.lots,
      transactions: book.counts.transactions,
    });
    expect(await households()).toBe(12);
  });

  it("a second load changes nothing and says so", async () => {
    const text = await run(["seed", "--synthetic", "12", "--as-of", "2026-11-20"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("already loaded");
    expect(text.stdout).toContain("12 households");
    expect(text.stdout).toContain("nothing changed");
    const json = JSON.parse(
      (await run(["seed", "--synthetic", "12", "--as-of", "2026-11-20", "--json"])).stdout,
    );
    expect(json).toMatchObject({ status: "already-present", households: 12, lots: book.counts.lots });
  });

  it("lists the synthetic households and plans a fresh one an hour after seeding", async () => {
    const list = await run(["households"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain("hh-syn-000001");
    expect(list.stdout).toContain("hh-syn-000012");
    const fresh = book.households.find(({ record }) =>
      record.accounts.every((a) => a.snapshot.source !== SYNTHETIC_NIGHTLY_SOURCE),
    );
    const result = await run(["plan", fresh?.record.id ?? "", "--json"]);
    expect(result.code, result.stderr).toBe(0);
    const { plan } = JSON.parse(result.stdout);
    expect(plan.stale).toBe(false);
    expect(plan.inputs.modelVersionId).toBe(fresh?.model.id);
  });
});
