// `lotwise import` against a real database (PGlite by default, PostgreSQL in CI): a Schwab positions
// file for the demo Chen brokerage account (matched by its masked number) becomes the snapshot the
// plan uses; re-imports change nothing; bad and hostile files are refused in one line with nothing
// imported; unreconciled positions show in households and in the plan, and are not harvested.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const fixtures = join(import.meta.dirname, "../fixtures/custodians/schwab");
const fixture = (name: string) => join(fixtures, name);

describe(`lotwise import (${BACKEND})`, () => {
  let db: TestDatabase;
  let scratch: string;
  // The demo book is stamped 2026-11-20 20:00 UTC; the Chen positions file is as of 15:02 ET (20:02 UTC).
  const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };
  const run = (argv: string[], at = clock) => runInProcess(argv, { database: db, clock: at });

  async function rowCount(): Promise<number> {
    const rows = await db.withSql((sql) =>
      sql.query<{ n: number }>(
        `SELECT ((SELECT count(*) FROM import_batch) + (SELECT count(*) FROM account_snapshot) +
                 (SELECT count(*) FROM lot) + (SELECT count(*) FROM "transaction"))::int AS n`,
      ),
    );
    return rows[0]?.n ?? -1;
  }

  function scratchFile(name: string, content: string | Uint8Array): string {
    const path = join(scratch, name);
    writeFileSync(path, content);
    return path;
  }

  beforeAll(async () => {
    db = await openTestDatabase();
    scratch = mkdtempSync(join(tmpdir(), "lotwise-import-"));
    await run(["seed", "--demo", "--as-of", "2026-11-20"]);
  });
  afterAll(() => db.close());

  it("chen-schwab-positions: matched by the account number's last digits, written as the snapshot the plan uses", async () => {
    const result = await run([
      "import",
      fixture("Individual-Positions-2026-11-20-150200.CSV"),
      "--household",
      "chen",
    ]);
    expect(result.stderr).not.toContain("refused");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "Imported Individual-Positions-2026-11-20-150200.CSV (schwab.positions-csv, sha256 ",
    );
    expect(result.stdout).toMatch(
      /David - Schwab brokerage \(acct-chen-schwab-taxable\)\s+Individual \.\.\.821\s+2026-11-20 20:02 UTC\s+2\s+5 \(5 kept\)\s+\$8,250\.00\s+0\s+0/,
    );
    expect(result.stdout).toContain("Reconciliation: every position's lots match the reported quantity.");
    const { plan } = JSON.parse((await run(["plan", "chen", "--json"])).stdout);
    expect(plan.stale).toBe(false);
    // The imported snapshot (its id ends in the file's hash), not the demo feed's.
    expect(plan.inputs.snapshots).toContainEqual({
      accountId: "acct-chen-schwab-taxable",
      asOf: "2026-11-20T20:02:00.000Z",
      snapshotId: expect.stringMatching(/^acct-chen-schwab-taxable@2026-11-20T20:02:00\.000Z#[0-9a-f]{12}$/),
    });
  });

  it("importing the same file again says so, writes nothing, and exits 0", async () => {
    const before = await rowCount();
    const result = await run(["import", fixture("Individual-Positions-2026-11-20-150200.CSV")]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Individual-Positions-2026-11-20-150200\.CSV was already imported on .* nothing new\.$/m,
    );
    expect(await rowCount()).toBe(before);
  });

  it("--json prints the summary; --dry-run writes nothing", async () => {
    const before = await rowCount();
    const result = await run(["import", fixture("lot-details-VTI-2026-11-20.csv"), "--dry-run", "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: "dry-run",
      file: { name: "lot-details-VTI-2026-11-20.csv", format: "schwab.lot-details-csv", custodian: "schwab" },
      accounts: [{ accountId: "acct-chen-schwab-taxable", snapshot: { lots: 5, lotsCarried: 1 } }],
      totals: { snapshots: 1, lots: 5 },
    });
    expect(await rowCount()).toBe(before);
  });

  it("unreconciled-vti: a position the lots do not cover is flagged in the summary, households and the plan, and not harvested", async () => {
    const later = { now: () => new Date("2026-11-20T20:05:00.000Z") };
    const result = await run(["import", fixture("Individual-Positions-2026-11-20-150400.CSV")], later);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "Unreconciled (1 finding; these positions are left out of harvesting until they reconcile):\n  ! David - Schwab brokerage VTI: lots hold 700 shares, the custodian reports 710",
    );
    const households = await run(["households", "chen"], later);
    expect(households.stdout).toMatch(/David - Schwab brokerage .*unreconciled: VTI/);
    const listed = JSON.parse((await run(["households", "chen", "--json"], later)).stdout);
    const account = listed[0].accounts.find((a: { id: string }) => a.id === "acct-chen-schwab-taxable");
    expect(account.unreconciled).toEqual(["VTI"]);
    const { plan } = JSON.parse((await run(["plan", "chen", "--json"], later)).stdout);
    expect(plan.warnings.map((w: { code: string }) => w.code)).toContain("data.unreconciled");
    const skipped = plan.notHarvested.filter(
      (f: { accountId: string; symbol: string }) =>
        f.accountId === "acct-chen-schwab-taxable" && f.symbol === "VTI",
    );
    expect(skipped.length).toBeGreaterThan(0);
    expect(new Set(skipped.map((f: { code: string }) => f.code))).toEqual(new Set(["harvest.unreconciled"]));
  });

  it.each([
    ["bad/bad-quantity-Positions.CSV", 'line 4, Quantity: "12O.5" is not a quantity'],
    [
      "bad/truncated-no-total-Positions-2020-11-13.CSV",
      'line 7: the positions table that starts on line 3 has no "Account Total" row: the file is truncated',
    ],
    ["bad/formula-equals-Positions.CSV", "line 5, column 2 holds a spreadsheet formula"],
    ["bad/formula-minus-Transactions.CSV", "line 12, column 4 holds a spreadsheet formula"],
    ["bad/billion-laughs.xml", "line 2: the file declares an XML document type"],
    ["bad/garbage.csv", "line 1: not a format lotwise recognises"],
  ])("refuses %s in one line, naming where, and imports nothing", async (name, reason) => {
    const before = await rowCount();
    const result = await run(["import", fixture(name)]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const file = name.split("/").pop();
    expect(result.stderr).toContain(`lotwise import: refused ${file}: ${reason}`);
    expect(result.stderr).toMatch(/Nothing was imported\.\n$/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(await rowCount()).toBe(before);
  });

  it("refuses binary, UTF-16 without a byte-order mark, and non-UTF-8 files", async () => {
    const binary = scratchFile(
      "statement.CSV",
      new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]),
    );
    const utf16 = scratchFile("utf16.CSV", Buffer.from('"Symbol","Quantity"\r\n', "utf16le"));
    const latin1 = scratchFile(
      "latin1-Positions.CSV",
      Buffer.from(
        '"Positions for account X ...821 as of 03:02 PM ET, 2026/11/20"\n\n"Symbol","Description"\n"VTI","Soci\xe9t\xe9"\n',
        "latin1",
      ),
    );
    for (const [path, reason] of [
      [binary, "the file is binary (it contains NUL bytes)"],
      [utf16, "the file looks like UTF-16 without a byte-order mark"],
      [latin1, "line 4: the file is not valid UTF-8 (byte 0xe9"],
    ] as const) {
      const result = await run(["import", path]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(reason);
    }
  });

  it("an unknown account is refused, naming the file's reference and the candidates", async () => {
    const result = await run([
      "import",
      fixture("Brokerage-Positions-2020-11-13-150500.CSV"),
      "--household",
      "alvarez",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'account "Brokerage XXXX-9902" matches no schwab account in household hh-alvarez; candidates: acct-alvarez-schwab-ira (Sofia - Schwab rollover IRA, ****8836); acct-alvarez-schwab-taxable (Sofia - Schwab brokerage, ****1184)',
    );
  });

  it("--account names the account for a file that does not; --format and --custodian narrow detection", async () => {
    const roth = await run([
      "import",
      fixture("XXXX9902_Transactions_20250314-161000.csv"),
      "--account",
      "acct-chen-schwab-roth",
    ]);
    // The file name says ...9902: it is not the Roth (****5907).
    expect(roth.stderr).toContain(
      'the file is for account "XXXX9902", but --account acct-chen-schwab-roth is ****5907',
    );
    const renamed = scratchFile(
      "Transactions_20250314.csv",
      '"Date","Action","Symbol","Description","Quantity","Price","Fees & Comm","Amount"\n"03/12/2025","Buy","SCHB","SCHWAB US BROAD MARKET ETF","50","$22.50","","-$1,125.00"\n',
    );
    const ok = await run(["import", renamed, "--account", "acct-chen-schwab-roth", "--json"]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ status: "imported", totals: { transactions: 1 } });
    const wrongCustodian = await run(["import", renamed, "--custodian", "fidelity"]);
    expect(wrongCustodian.code).toBe(1);
    expect(wrongCustodian.stderr).toContain("not a format lotwise recognises");
    const unknownFormat = await run(["import", renamed, "--format", "schwab.statement-pdf"]);
    expect(unknownFormat.stderr).toContain(
      'unknown format "schwab.statement-pdf"; lotwise reads schwab.positions-csv',
    );
  });

  it("bad command lines: no file, a missing file, a bad --as-of", async () => {
    expect((await run(["import"])).code).toBe(2);
    const missing = await run(["import", join(scratch, "nope.csv")]);
    expect(missing).toMatchObject({ code: 1 });
    expect(missing.stderr).toContain("no such file");
    const asOf = await run(["import", fixture("trader-api-account-positions.json"), "--as-of", "yesterday"]);
    expect(asOf.code).toBe(2);
    expect(asOf.stderr).toContain("--as-of must be a date");
  });
});
