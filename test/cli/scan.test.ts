// `lotwise scan` on the demo book (PGlite by default, PostgreSQL in CI): the spec's fields and
// ranking, totals that foot, determinism, scoping by principal and --advisor, --limit, --no-save,
// households with no model or stale data as rows, and bad flags.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../../src/domain/decimal.ts";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

interface Row {
  householdId: string;
  name: string;
  rank: number;
  outOfBand: boolean;
  classesOutOfBand: string[];
  maxDrift: string;
  harvestableLoss: string;
  taxValue: string;
  harvestableLots: number;
  blockedByWash: number;
  nextClearDate: string | null;
  stale: boolean;
  unreconciled: number;
  awaitingApproval: number;
  reasons: { code: string; message: string }[];
}
interface Scan {
  scanId: string;
  asOf: string;
  households: number;
  elapsedMs: number;
  totals: Record<string, number | string>;
  rows: Row[];
}

const sum = (values: string[]) => values.reduce((total, v) => total.plus(v), new Decimal(0)).toFixed(2);

describe(`lotwise scan (${BACKEND})`, () => {
  let db: TestDatabase;
  const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };
  const run = (argv: string[]) => runInProcess(argv, { database: db, clock });
  const scan = async (argv: string[] = []): Promise<Scan> => {
    const result = await run(["scan", "--json", "--no-save", ...argv]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Scan;
  };
  const scanEvents = async () => db.prisma.auditEvent.count({ where: { type: "scan.completed" } });

  beforeAll(async () => {
    db = await openTestDatabase();
    await run(["seed", "--demo", "--as-of", "2026-11-20"]);
  });
  afterAll(() => db.close());

  it("scans every demo household into the spec's fields, ranked by tax value then drift", async () => {
    const result = await scan();
    expect(Object.keys(result)).toEqual(["scanId", "asOf", "households", "elapsedMs", "totals", "rows"]);
    expect(result.scanId).toMatch(/^scan-[0-9a-f]{16}$/);
    expect(result.asOf).toBe("2026-11-20");
    expect(result.households).toBe(5);
    expect(result.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    for (const row of result.rows) {
      expect(Object.keys(row)).toEqual([
        "householdId",
        "name",
        "rank",
        "outOfBand",
        "classesOutOfBand",
        "maxDrift",
        "harvestableLoss",
        "taxValue",
        "harvestableLots",
        "blockedByWash",
        "nextClearDate",
        "stale",
        "unreconciled",
        "awaitingApproval",
        "reasons",
      ]);
      expect(row.maxDrift).toMatch(/^\d+\.\d{4}$/);
      expect(row.harvestableLoss).toMatch(/^\d+\.\d{2}$/);
      expect(row.taxValue).toMatch(/^\d+\.\d{2}$/);
    }
    for (let i = 1; i < result.rows.length; i++) {
      const [a, b] = [result.rows[i - 1] as Row, result.rows[i] as Row];
      const tax = new Decimal(a.taxValue).comparedTo(b.taxValue);
      const drift = new Decimal(a.maxDrift).comparedTo(b.maxDrift);
      expect(tax > 0 || (tax === 0 && (drift > 0 || (drift === 0 && a.householdId < b.householdId)))).toBe(
        true,
      );
    }
    const chen = result.rows.find((r) => r.householdId === "hh-chen") as Row;
    expect(chen).toMatchObject({ name: "Chen Household", outOfBand: true, stale: false });
    expect(chen.classesOutOfBand).toContain("us_equity");
    expect(result.rows.some((r) => r.blockedByWash > 0 && r.nextClearDate !== null)).toBe(true);
  });

  it("totals foot: each money total is the sum of the rows' printed values", async () => {
    const { totals, rows } = await scan();
    expect(totals.harvestableLoss).toBe(sum(rows.map((r) => r.harvestableLoss)));
    expect(totals.taxValue).toBe(sum(rows.map((r) => r.taxValue)));
    expect(totals.harvestableLots).toBe(rows.reduce((n, r) => n + r.harvestableLots, 0));
    expect(totals.blockedByWash).toBe(rows.reduce((n, r) => n + r.blockedByWash, 0));
    expect(totals.outOfBand).toBe(rows.filter((r) => r.outOfBand).length);
    expect(totals.stale).toBe(rows.filter((r) => r.stale).length);
    expect(totals.awaitingApproval).toBe(rows.reduce((n, r) => n + r.awaitingApproval, 0));
  });

  it("two scans of the same book at the same instant print the same totals and rows", async () => {
    const [first, second] = [await scan(), await scan()];
    expect(second.totals).toEqual(first.totals);
    expect(second.rows).toEqual(first.rows);
    expect(second.scanId).toBe(first.scanId);
  });

  it("Brooks (no model) and Patel (stale) are rows with reasons, not errors", async () => {
    const { rows } = await scan();
    const brooks = rows.find((r) => r.householdId === "hh-brooks") as Row;
    expect(brooks.reasons.map((r) => r.code)).toContain("scan.no-model");
    expect(brooks).toMatchObject({ outOfBand: false, maxDrift: "0.0000" });
    const patel = rows.find((r) => r.householdId === "hh-patel") as Row;
    expect(patel.stale).toBe(true);
    expect(patel.reasons.map((r) => r.code)).toContain("data.stale");
    expect(patel.maxDrift).not.toBe("0.0000");
  });

  it("--limit keeps the first rows; the totals still cover every household", async () => {
    const all = await scan();
    const two = await scan(["--limit", "2"]);
    expect(two.rows).toEqual(all.rows.slice(0, 2));
    expect(two.households).toBe(5);
    expect(two.totals).toEqual(all.totals);
  });

  it("is scoped to the principal: an outsider scans nothing, compliance scans everything", async () => {
    expect((await scan(["--as", "U0OUTSIDER1"])).households).toBe(0);
    expect((await scan(["--as", "U0OUTSIDER1"])).rows).toEqual([]);
    expect((await scan(["--as", "U0COMPLIANCE1"])).households).toBe(5);
  });

  it("--advisor narrows to the households where that user holds a role", async () => {
    const { user } = await (await import("../../src/db/prisma-user-store.ts"))
      .createPrismaUserStore(db.prisma)
      .upsert({ slackUserId: "U0SCANADV1", name: "Sam Scan" });
    await (await import("../../src/db/prisma-user-store.ts"))
      .createPrismaUserStore(db.prisma)
      .grant(user.id, "hh-okafor", "ADVISOR");
    for (const advisor of ["U0SCANADV1", "Sam Scan", user.id]) {
      const result = await scan(["--advisor", advisor]);
      expect(result.rows.map((r) => r.householdId)).toEqual(["hh-okafor"]);
    }
    // An advisor's slice, seen by someone who reads only part of it, is the intersection.
    expect((await scan(["--as", "U0OUTSIDER1", "--advisor", "U0SCANADV1"])).households).toBe(0);
  });

  it("an unknown --advisor is a one-line error, exit 2, and nothing is recorded", async () => {
    const before = await scanEvents();
    const result = await run(["scan", "--advisor", "U0NOBODY"]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    // Progress lines ("… opening the embedded database") aside, one line.
    expect(
      result.stderr
        .trim()
        .split("\n")
        .filter((line) => !line.startsWith("…")),
    ).toHaveLength(1);
    expect(result.stderr).toContain("--advisor U0NOBODY is not a lotwise user");
    expect(await scanEvents()).toBe(before);
  });

  it("records one scan.completed event unless --no-save", async () => {
    const before = await scanEvents();
    await scan();
    expect(await scanEvents()).toBe(before);
    const saved = await run(["scan", "--json"]);
    expect(saved.code).toBe(0);
    const { scanId, totals } = JSON.parse(saved.stdout) as Scan;
    expect(await scanEvents()).toBe(before + 1);
    const event = await db.prisma.auditEvent.findFirstOrThrow({ where: { stream: `scan:${scanId}` } });
    expect(event.type).toBe("scan.completed");
    expect(event.payload).toMatchObject({
      scanId,
      asOf: "2026-11-20",
      totals,
      read: { households: 5 },
      principal: { kind: "operator" },
    });
  });

  it("prints a table of the top rows and the totals, money with $ and separators", async () => {
    const result = await run(["scan", "--no-save", "--limit", "3"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Book scan scan-[0-9a-f]{16}, trade date 2026-11-20: 5 households/);
    expect(result.stdout).toMatch(/\$\d{1,3}(,\d{3})*\.\d{2}/);
    expect(result.stdout).toContain("... and 2 more");
    expect(result.stdout).toMatch(/Totals over 5 households: tax value \$/);
    expect(result.stderr).toContain("scanning");
  });

  it("refuses bad flags with exit 2", async () => {
    for (const argv of [
      ["--limit", "0"],
      ["--limit", "x"],
      ["--as-of", "2026-13-01"],
      ["--min-loss", "-5"],
      ["--min-loss-percent", "101"],
      ["--max-age", "1.5"],
    ]) {
      expect((await run(["scan", ...argv])).code, argv.join(" ")).toBe(2);
    }
  });
});

describe(`lotwise scan of a small synthetic book (${BACKEND})`, () => {
  let db: TestDatabase;
  // An hour after the synthetic book is stamped: the simulated feed keeps its live accounts fresh.
  const clock = { now: () => new Date("2026-11-20T21:00:00.000Z") };
  const run = (argv: string[]) => runInProcess(argv, { database: db, clock });

  beforeAll(async () => {
    db = await openTestDatabase();
    const seeded = await run(["seed", "--synthetic", "12", "--as-of", "2026-11-20", "--json"]);
    expect(seeded.code, seeded.stderr).toBe(0);
  });
  afterAll(() => db.close());

  it("scans every household into ranked rows whose totals foot, the same on a second scan", async () => {
    const scanOnce = async () => {
      const result = await run(["scan", "--json", "--no-save", "--as-of", "2026-11-20"]);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as Scan;
    };
    const first = await scanOnce();
    expect(first.households).toBe(12);
    expect(first.rows.map((r) => r.rank)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(first.totals.taxValue).toBe(sum(first.rows.map((r) => r.taxValue)));
    expect(first.totals.harvestableLoss).toBe(sum(first.rows.map((r) => r.harvestableLoss)));
    expect(first.rows.some((r) => r.harvestableLots > 0)).toBe(true);
    const second = await scanOnce();
    expect(second.rows).toEqual(first.rows);
    expect(second.totals).toEqual(first.totals);
  });
});
