// The import writer on a real database (PGlite by default, PostgreSQL with
// LOTWISE_TEST_DATABASE_URL): one transaction per file, nothing written on a refusal, idempotent
// re-imports (same file, same content in other bytes, overlapping files, the same events from
// another source), lots carried or replaced, and reconciliation findings planning acts on.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readStatement } from "../../src/cli/commands/import.ts";
import { createImportPlanner, type ImportOptions } from "../../src/custodians/import-statement.ts";
import { createPrismaImportStore } from "../../src/db/import-statement.ts";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { buildDemoBook } from "../../src/demo/demo-book.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { unreconciledPositions } from "../../src/engine/planning/find-harvestable-lots.ts";
import type { ImportOutcome, ImportStore } from "../../src/ports/import-store.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const dir = join(import.meta.dirname, "../fixtures/custodians/schwab");
const NOW = "2026-11-20T20:03:00.000Z";

const TABLES = ["import_batch", "account_snapshot", "position", "lot", "transaction"] as const;

describe(`importing custodian files into the database (${BACKEND})`, () => {
  let db: TestDatabase;
  let store: ImportStore;

  async function counts(): Promise<Record<(typeof TABLES)[number], number>> {
    const out = {} as Record<(typeof TABLES)[number], number>;
    for (const table of TABLES) {
      const rows = await db.withSql((sql) =>
        sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table}"`),
      );
      out[table] = rows[0]?.n ?? -1;
    }
    return out;
  }

  async function importText(
    name: string,
    text: string | Uint8Array,
    options: Partial<ImportOptions> & { dryRun?: boolean } = {},
  ): Promise<ImportOutcome> {
    const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
    const read = readStatement(bytes, name);
    if (!read.ok) return { ok: false, error: read.error };
    const { dryRun, ...rest } = options;
    const planner = createImportPlanner(read.value.statement, {
      fileName: name,
      sha256: read.value.sha256,
      now: NOW,
      ...rest,
    });
    return store.importFile(planner, { dryRun: dryRun ?? false });
  }

  const importFixture = (name: string, options: Partial<ImportOptions> & { dryRun?: boolean } = {}) =>
    importText(name, readFileSync(join(dir, name)), options);

  function summaryOf(outcome: ImportOutcome) {
    if (!outcome.ok) throw new Error(`refused: ${JSON.stringify(outcome.error)}`);
    return outcome.summary;
  }

  beforeAll(async () => {
    db = await openTestDatabase();
    const book = buildDemoBook({ anchorDate: isoDate("2026-11-20"), now: "2026-11-20T20:00:00.000Z" });
    await createPrismaBookStore(db.prisma).seedDemo(book);
    // Two Schwab accounts the fixtures name (XXXX-9902, XXXX-5510), in a household of their own.
    await db.prisma.household.create({ data: { id: "hh-import", name: "Import Test Household" } });
    await db.prisma.person.create({
      data: { id: "p-import", householdId: "hh-import", role: "CLIENT", name: "Pat Import" },
    });
    await db.prisma.account.createMany({
      data: [
        {
          id: "acct-import-9902",
          masked: "****9902",
          nickname: "Pat - Schwab brokerage",
          type: "TAXABLE" as const,
        },
        {
          id: "acct-import-5510",
          masked: "****5510",
          nickname: "Pat - Schwab Roth IRA",
          type: "ROTH_IRA" as const,
        },
      ].map(({ masked, ...account }) => ({
        ...account,
        householdId: "hh-import",
        ownerId: "p-import",
        custodianId: "schwab",
        accountNumberMasked: masked,
      })),
    });
    store = createPrismaImportStore(db.prisma);
  });
  afterAll(() => db.close());

  it("a positions file becomes one immutable snapshot, keeping the stored lots, and planning reads it", async () => {
    const before = await counts();
    const summary = summaryOf(await importFixture("Individual-Positions-2026-11-20-150200.CSV"));
    expect(summary).toMatchObject({
      status: "imported",
      totals: { snapshots: 1, positions: 2, lots: 5, transactions: 0, duplicates: 0 },
      accounts: [
        {
          ref: "Individual ...821",
          accountId: "acct-chen-schwab-taxable",
          snapshot: {
            asOf: "2026-11-20T20:02:00.000Z",
            positions: 2,
            lots: 5,
            lotsCarried: 5,
            cash: "8250",
            written: true,
          },
        },
      ],
      findings: [],
    });
    expect(await counts()).toEqual({
      ...before,
      import_batch: before.import_batch + 1,
      account_snapshot: before.account_snapshot + 1,
      position: before.position + 2,
      lot: before.lot + 5,
    });
    const inputs = await createPrismaBookStore(db.prisma).loadPlanningInputs(
      "hh-chen",
      isoDate("2026-11-20"),
    );
    const snapshot = inputs?.dataAsOf.snapshots.find((s) => s.accountId === "acct-chen-schwab-taxable");
    expect(snapshot).toEqual({
      accountId: "acct-chen-schwab-taxable",
      snapshotId: summary.accounts[0]?.snapshot?.id,
      asOf: "2026-11-20T20:02:00.000Z",
      source: "schwab.positions-csv",
    });
    expect(inputs?.book.accounts.find((a) => a.id === "acct-chen-schwab-taxable")?.cash.toString()).toBe(
      "8250",
    );
  });

  it("the same file again is 'already imported' and writes nothing", async () => {
    const before = await counts();
    const summary = summaryOf(await importFixture("Individual-Positions-2026-11-20-150200.CSV"));
    expect(summary.status).toBe("already-imported");
    expect(summary.batchId).toMatch(/^import-[0-9a-f]{32}$/);
    expect(await counts()).toEqual(before);
  });

  it("the same holdings in other bytes (LF line endings, a BOM) are 'nothing new' and write nothing", async () => {
    const before = await counts();
    const text = readFileSync(join(dir, "Individual-Positions-2026-11-20-150200.CSV"), "utf8").replace(
      /\n/g,
      "\r\n",
    );
    const summary = summaryOf(await importText("copy.CSV", `\uFEFF${text}`));
    expect(summary).toMatchObject({
      status: "nothing-new",
      batchId: null,
      accounts: [{ snapshot: { written: false } }],
    });
    expect(await counts()).toEqual(before);
  });

  it("a dry run plans everything and writes nothing", async () => {
    const before = await counts();
    const summary = summaryOf(await importFixture("lot-details-VTI-2026-11-20.csv", { dryRun: true }));
    expect(summary).toMatchObject({ status: "dry-run", totals: { snapshots: 1, lots: 5 } });
    expect(await counts()).toEqual(before);
  });

  it("positions the lots do not cover are unreconciled: reported, and left out of harvesting", async () => {
    const summary = summaryOf(await importFixture("Individual-Positions-2026-11-20-150400.CSV"));
    expect(summary.findings).toEqual([
      {
        accountId: "acct-chen-schwab-taxable",
        securityId: "sec-vti",
        symbol: "VTI",
        code: "lots-quantity",
        excludedFromHarvesting: true,
        message: "David - Schwab brokerage VTI: lots hold 700 shares, the custodian reports 710",
      },
    ]);
    const inputs = await createPrismaBookStore(db.prisma).loadPlanningInputs(
      "hh-chen",
      isoDate("2026-11-20"),
    );
    expect(inputs && [...unreconciledPositions(inputs.book)]).toContain("acct-chen-schwab-taxable/sec-vti");
    expect(await store.unreconciledSymbols(["acct-chen-schwab-taxable", "acct-chen-schwab-roth"])).toEqual(
      new Map([["acct-chen-schwab-taxable", ["VTI"]]]),
    );
  });

  it("lot details replace one security's lots and carry the rest; the position is then checked against them", async () => {
    const summary = summaryOf(await importFixture("lot-details-VTI-2026-11-20.csv"));
    expect(summary.accounts[0]?.snapshot).toMatchObject({
      positions: 2,
      lots: 5,
      lotsCarried: 1,
      cash: "5150",
    });
    const snapshot = await db.prisma.accountSnapshot.findUniqueOrThrow({
      where: { id: summary.accounts[0]?.snapshot?.id ?? "" },
      include: { lots: { orderBy: { tradeDate: "asc" } } },
    });
    expect(
      snapshot.lots.map((l) => [l.securityId, l.tradeDate.toISOString().slice(0, 10), l.quantity.toString()]),
    ).toEqual([
      ["sec-vti", "2020-11-20", "300"],
      ["sec-vti", "2022-11-21", "200"],
      ["sec-vti", "2024-10-16", "100"],
      ["sec-voo", "2026-02-23", "60"],
      ["sec-vti", "2026-03-25", "100"],
    ]);
    expect(
      snapshot.lots.filter((l) => l.securityId === "sec-vti").every((l) => l.lotKey.startsWith("lot-")),
    ).toBe(true);
    // The positions file said 710 VTI; the lots hold 700: still unreconciled.
    expect(summary.findings.map((f) => f.code)).toEqual(["lots-quantity"]);
  });

  it("a transactions file, then an overlapping later download, records every transaction once", async () => {
    const first = summaryOf(await importFixture("Brokerage_Transactions_20201113-150500.CSV"));
    expect(first).toMatchObject({
      status: "imported",
      totals: { transactions: 9, duplicates: 0, snapshots: 0 },
      accounts: [{ accountId: "acct-import-9902", snapshot: null }],
    });
    const second = summaryOf(await importFixture("Brokerage_Transactions_20201120-150500.CSV"));
    expect(second.totals).toMatchObject({ transactions: 2, duplicates: 9 });
    // The JSON download of the first period: the same rows, recognised by content.
    const json = summaryOf(await importFixture("XXXX9902_Transactions_20201113-150500.json"));
    expect(json).toMatchObject({ status: "nothing-new", totals: { transactions: 0, duplicates: 9 } });
    const rows = await db.prisma.transaction.findMany({ where: { accountId: "acct-import-9902" } });
    expect(rows).toHaveLength(11);
    const sell = rows.find((r) => r.type === "SELL");
    expect([
      sell?.quantity?.toString(),
      sell?.amount.toString(),
      sell?.fees.toString(),
      sell?.source,
    ]).toEqual(["-5", "390.08", "0.02", "schwab.transactions-csv"]);
  });

  it("the same events from the Trader API are not recorded twice", async () => {
    const before = await counts();
    const summary = summaryOf(await importFixture("trader-api-transactions.json"));
    // Buy, sell and reinvestment match by trade; dividend, deposit and withholding by amount.
    expect(summary).toMatchObject({ status: "nothing-new", totals: { transactions: 0, duplicates: 6 } });
    expect(await counts()).toEqual(before);
  });

  it("a realised gain/loss file attaches the loss to the recorded sale and records the sale it did not know", async () => {
    const summary = summaryOf(await importFixture("XXXX9902_GainLoss_Realized_20201113.CSV"));
    expect(summary.totals).toMatchObject({ transactions: 1, duplicates: 1, gainLossAttached: 1 });
    const sells = await db.prisma.transaction.findMany({
      where: { accountId: "acct-import-9902", type: "SELL" },
      orderBy: { tradeDate: "asc" },
    });
    expect(
      sells.map((s) => [s.securityId, s.quantity?.toString(), s.realizedGainLoss?.toString(), s.source]),
    ).toEqual([
      ["sec-vea", "-10", "-34", "schwab.realized-gain-loss-csv"],
      ["sec-scha", "-5", "-41.62", "schwab.transactions-csv"],
    ]);
  });

  it("a file with a trade in an unknown security imports nothing, and the refusal names the line", async () => {
    const before = await counts();
    const text = readFileSync(join(dir, "XXXX9902_Transactions_20250314-161000.csv"), "utf8").replace(
      '"03/03/2025 as of 02/28/2025","Credit Interest","","SCHWAB1 INT 01/30-02/27","","",',
      '"03/03/2025","Buy","QQQX","QQQX CORP","5","$10.00",',
    );
    const outcome = await importText("XXXX9902_Transactions_20250314-161000.csv", text);
    expect(outcome).toEqual({
      ok: false,
      error: {
        line: 3,
        field: "symbol",
        message:
          "unknown security QQQX on line 3: add it to the security master first (lotwise needs its asset class)",
      },
    });
    expect(await counts()).toEqual(before);
  });

  it("a value with more digits than the database keeps is refused, not rounded", async () => {
    const before = await counts();
    const text = readFileSync(join(dir, "XXXX9902_Transactions_20250314-161000.csv"), "utf8").replace(
      '"50","$22.50"',
      '"50.123456789","$22.50"',
    );
    const outcome = await importText("XXXX9902_Transactions_20250314-161000.csv", text);
    expect(outcome.ok ? "" : outcome.error.message).toBe(
      "line 2, quantity: 50.123456789 has more digits than lotwise stores (12 before the point, 8 after); refused rather than rounded",
    );
    expect(await counts()).toEqual(before);
  });

  it("an option position refuses the file with why", async () => {
    const text = readFileSync(join(dir, "Brokerage-Positions-2020-11-13-150500.CSV"), "utf8").replace(
      '"BND","VANGUARD TOTAL BOND MARKET ETF","100"',
      '"SCHA 12/18/2020 75.00 P","PUT SCHWAB US SMALL CAP $75","100"',
    );
    const outcome = await importText("Brokerage-Positions-2020-11-13-150500.CSV", text);
    expect(outcome.ok ? "" : outcome.error.message).toBe(
      "unknown security SCHA 12/18/2020 75.00 P on line 6: it is an option, and lotwise does not hold options",
    );
  });

  it("position changes the recorded transactions do not explain are reported", async () => {
    summaryOf(await importFixture("Brokerage-Positions-2020-11-13-150500.CSV"));
    const later = (scha: string) =>
      readFileSync(join(dir, "Brokerage-Positions-2020-11-13-150500.CSV"), "utf8")
        .replace("03:05 PM ET, 11/13/2020", "03:05 PM ET, 11/20/2020")
        .replace('"SCHA","SCHWAB US SMALL CAP ETF",35', `"SCHA","SCHWAB US SMALL CAP ETF",${scha}`);
    // 11/18: bought 10 SCHA (recorded). 35 -> 50 is not explained; 35 -> 45 is.
    const unexplained = summaryOf(await importText("Positions-2020-11-20-b.CSV", later("50")));
    expect(unexplained.findings.filter((f) => f.code === "unexplained-change").map((f) => f.message)).toEqual(
      [
        "Pat - Schwab brokerage SCHA: the position changed by +15 shares between 2020-11-13 and 2020-11-20, the recorded transactions by +10",
      ],
    );
    const explained = summaryOf(
      await importText("Positions-2020-11-20-a.CSV", later("45").replace("03:05 PM", "03:04 PM")),
    );
    expect(explained.findings.filter((f) => f.code === "unexplained-change")).toEqual([]);
  });

  it("an older file is recorded but planning keeps the newer data", async () => {
    summaryOf(await importFixture("Joint-Positions-2025-03-14-161000.CSV"));
    const summary = summaryOf(
      await importText(
        "older-Positions.CSV",
        readFileSync(join(dir, "Brokerage-Positions-2020-11-13-150500.CSV"), "utf8").replace(
          "03:05 PM",
          "03:01 PM",
        ),
      ),
    );
    expect(summary.warnings.map((w) => w.message)).toContain(
      "Pat - Schwab brokerage: the file is as of 2020-11-13T20:01:00.000Z, older than the account's latest data (2025-03-14T20:10:00.000Z); it is recorded, but planning keeps using the newer data",
    );
    const latest = await db.prisma.accountSnapshot.findFirst({
      where: { accountId: "acct-import-9902" },
      orderBy: { asOf: "desc" },
    });
    expect(latest?.source).toBe("schwab.positions-csv");
    expect(latest?.asOf.toISOString()).toBe("2025-03-14T20:10:00.000Z");
  });

  it("an All-Accounts file writes both accounts' snapshots in one go", async () => {
    const summary = summaryOf(await importFixture("All-Accounts-Positions-2020-11-13-150500.CSV"));
    expect(summary.accounts.map((a) => [a.accountId, a.snapshot?.positions, a.snapshot?.cash])).toEqual([
      ["acct-import-9902", 1, "206"],
      ["acct-import-5510", 1, "100"],
    ]);
    expect(summary.findings.map((f) => [f.accountId, f.symbol, f.code])).toEqual([
      ["acct-import-9902", "VTI", "lots-quantity"],
      ["acct-import-5510", "BND", "lots-quantity"],
    ]);
  });

  it("unknown, unnamed and ambiguous accounts are refused, naming the candidates", async () => {
    const unknown = await importText(
      "x.CSV",
      readFileSync(join(dir, "Brokerage-Positions-2020-11-13-150500.CSV"), "utf8").replace(
        "XXXX-9902",
        "XXXX-7777",
      ),
    );
    expect(unknown.ok ? "" : unknown.error.message).toMatch(
      /^account "Brokerage XXXX-7777" matches no schwab account; candidates: acct-alvarez-schwab-ira \(Sofia - Schwab rollover IRA, \*\*\*\*8836\);/,
    );
    const unnamed = await importText(
      "Transactions.csv",
      readFileSync(join(dir, "XXXX9902_Transactions_20250314-161000.csv"), "utf8"),
      { householdId: "hh-import" },
    );
    expect(unnamed.ok ? "" : unnamed.error.message).toMatch(
      /^the file does not give a usable account number for account \(unnamed\); name the account with --account <id> \(candidates: acct-import-5510 \(Pat - Schwab Roth IRA, \*\*\*\*5510\); acct-import-9902/,
    );
    const wrongAccount = await importText(
      "Brokerage-Positions.CSV",
      readFileSync(join(dir, "Brokerage-Positions-2020-11-13-150500.CSV"), "utf8").replace(
        "03:05 PM",
        "03:07 PM",
      ),
      { accountId: "acct-chen-schwab-taxable" },
    );
    expect(wrongAccount.ok ? "" : wrongAccount.error.message).toBe(
      'the file is for account "Brokerage XXXX-9902", but --account acct-chen-schwab-taxable is ****4821',
    );
  });

  it("two imports of the same file at once: one imports it, the other finds it already imported", async () => {
    const before = await counts();
    const outcomes = await Promise.all([
      importFixture("XXXX9902_Transactions_multi-account_20201113.CSV"),
      importFixture("XXXX9902_Transactions_multi-account_20201113.CSV"),
    ]);
    expect(outcomes.map((o) => summaryOf(o).status).sort()).toEqual(["already-imported", "imported"]);
    const after = await counts();
    expect(after.import_batch).toBe(before.import_batch + 1);
    expect(after.transaction).toBe(before.transaction + 3);
  });
});
