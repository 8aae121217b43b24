import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const dir = mkdtempSync(join(tmpdir(), "lotwise-models-"));
function targetsFile(body: object): string {
  const path = join(dir, `t${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(body));
  return path;
}
const threeFund = {
  notes: "Simpler growth model",
  targets: [
    { assetClass: "us_equity", weight: "0.6", primary: "VTI", alternates: ["SCHB"] },
    { assetClass: "intl_equity", weight: "0.25", primary: "VXUS" },
    { assetClass: "us_bonds", weight: "0.13", primary: "BND", alternates: ["AGG"] },
    { assetClass: "cash", weight: "0.02", primary: "SWVXX" },
  ],
};

describe(`lotwise models (${BACKEND})`, () => {
  let db: TestDatabase;
  const clock = { now: () => new Date("2026-11-20T20:00:00Z") };
  const run = (argv: string[]) => runInProcess(argv, { database: db, clock });

  beforeAll(async () => {
    db = await openTestDatabase();
    await run(["seed", "--demo", "--as-of", "2026-11-20"]);
  });
  afterAll(() => db.close());

  it("lists models with their versions and assigned households", async () => {
    const listed = JSON.parse((await run(["models", "list", "--json"])).stdout);
    expect(listed.map((m: { id: string }) => m.id)).toEqual(["model-balanced", "model-growth"]);
    const balanced = listed[0];
    expect(balanced.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(balanced.versions[1].households.map((h: { id: string }) => h.id)).toEqual([
      "hh-alvarez",
      "hh-chen",
    ]);
    const table = (await run(["models", "list"])).stdout;
    expect(table).toMatch(
      /Balanced 60\/40 \(model-balanced\)\s+2\s+\d{4}-\d{2}-\d{2}\s+7\s+5\.00% \/ 25\.00%\s+Alvarez Household, Chen Household/,
    );
  });

  it("shows a version's targets by model name prefix", async () => {
    const shown = await run(["models", "show", "growth"]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain("Growth 80/20 v1 (mv-growth-1)");
    expect(shown.stdout).toMatch(/us_equity\s+55\.00%\s+model\s+VTI\s+ITOT, SCHB/);
    const v1 = JSON.parse(
      (await run(["models", "show", "model-balanced", "--version", "1", "--json"])).stdout,
    );
    expect(v1).toMatchObject({ id: "mv-balanced-1", version: 1 });
  });

  it("adds an immutable new version, then assigns it to a household", async () => {
    const added = await run([
      "models",
      "new-version",
      "Growth",
      "--file",
      targetsFile(threeFund),
      "--effective",
      "2026-12-01",
      "--json",
    ]);
    expect(added.code).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({
      id: "model-growth-v2",
      version: 2,
      effectiveDate: "2026-12-01",
      bandAbsolute: "0.05",
      rebalanceTo: "BAND_EDGE",
    });
    const assigned = await run(["models", "assign", "patel", "growth", "--effective", "2026-12-01"]);
    expect(assigned.stdout).toBe("Patel Household now follows Growth 80/20 v2 from 2026-12-01.\n");
    const assignment = await db.prisma.householdModelAssignment.findFirstOrThrow({
      where: { householdId: "hh-patel", modelVersionId: "model-growth-v2" },
    });
    expect(assignment.assignedBy).toBe(`operator:${userInfo().username}`);
    const listed = JSON.parse((await run(["models", "list", "--json"])).stdout);
    const growth = listed.find((m: { id: string }) => m.id === "model-growth");
    expect(growth.versions[0].households.map((h: { id: string }) => h.id)).toEqual(["hh-okafor"]);
    expect(growth.versions[1].households.map((h: { id: string }) => h.id)).toEqual(["hh-patel"]);
  });

  it.each([
    [{ ...threeFund, targets: threeFund.targets.slice(0, 3) }, "weights add up to 0.98, not 1"],
    [
      { targets: [{ assetClass: "us_equity", weight: "1", primary: "BND" }] },
      "BND belongs to us_bonds, not us_equity",
    ],
    [
      { targets: [{ assetClass: "gold", weight: "1", primary: "GLD" }] },
      "target gold: unknown asset class; target gold: unknown security GLD",
    ],
    [{ targets: [{ assetClass: "us_equity", weight: 1, primary: "VTI" }] }, "targets.0.weight"],
  ])("refuses a bad targets file with exit 2 and changes nothing (%#)", async (body, message) => {
    const before = (await run(["models", "list", "--json"])).stdout;
    const result = await run([
      "models",
      "new-version",
      "balanced",
      "--file",
      targetsFile(body),
      "--effective",
      "2027-01-01",
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect((await run(["models", "list", "--json"])).stdout).toBe(before);
  });

  it.each([
    [["models", "new-version", "balanced", "--effective", "2027-01-01"], "--file <targets.json> is required"],
    [["models", "new-version", "balanced", "--file", "x.json"], "--effective YYYY-MM-DD is required"],
    [
      ["models", "assign", "chen", "balanced", "--effective", "2027-02-30"],
      "--effective must be a calendar date",
    ],
  ])("refuses bad flags %j with exit 2", async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("says which model or version does not exist, with exit 1", async () => {
    expect((await run(["models", "show", "aggressive"])).stderr).toContain('no model matches "aggressive"');
    const missing = await run(["models", "show", "balanced", "--version", "9"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Balanced 60/40 has no version 9 (it has 1, 2)");
  });
});
