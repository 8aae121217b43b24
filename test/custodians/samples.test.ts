// Every file in ../shared/custodian-samples/ through `lotwise import`, as a user would run it: it
// imports, or it is refused with a precise, correct reason. Skipped when the folder is absent (it
// sits beside the project, not in it). Samples are reference data and are never copied into the
// project; the project's own fixtures (test/fixtures/custodians) are tested by the conformance suite.
//
// To add a custodian's samples: give each file an entry in EXPECTATIONS (keyed by its path in the
// samples folder), and add the accounts and securities they name to SAMPLE_ACCOUNTS and
// SAMPLE_SECURITIES. A file without an entry fails the test, so new samples are never unchecked.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ImportSummary } from "../../src/ports/import-store.ts";
import { PROJECT_ROOT } from "../../src/project-root.ts";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const SAMPLES = join(PROJECT_ROOT, "../shared/custodian-samples");

type Expectation =
  /** `lotwise import` succeeds: the detected format, and what the summary must contain. */
  | {
      expect: "imports";
      format: string;
      args?: string[];
      totals?: Partial<ImportSummary["totals"]>;
      accounts?: string[];
      /** Warnings the summary must include (substrings). */
      warnings?: string[];
    }
  /** `lotwise import` refuses the file; the one-line reason must match. */
  | { expect: "refused"; reason: RegExp; args?: string[] }
  /** Not yet specified by the custodian's engineer: imports or is refused, never crashes. */
  | { expect: "pending"; owner: string; args?: string[] };

export const EXPECTATIONS: Record<string, Expectation> = {
  // --- Schwab -------------------------------------------------------------------------------
  "schwab/All-Accounts-Positions-2020-11-15.CSV": {
    expect: "refused",
    reason:
      /unknown security SMAL 04\/01\/2020 32\.00 P on line 13: it is an option, and lotwise does not hold options/,
  },
  "schwab/Brokerage_Transactions_20201115-180021.CSV": {
    expect: "imports",
    format: "schwab.transactions-csv",
    accounts: ["acct-sample-schwab-1234"],
    totals: { transactions: 15, duplicates: 0, snapshots: 0 },
    warnings: [
      'line 9: "Expired" (SPY 03/31/2020 284.00 P) is a corporate action or option event',
      'line 19: "Stock Merger" (QQZ) is a corporate action',
      "Bond Interest for 912810SP4, which is not in the security master; recorded without a security",
    ],
  },
  "schwab/Individual-Positions-2023-04-23.CSV": {
    expect: "imports",
    format: "schwab.positions-csv",
    accounts: ["acct-sample-schwab-1234"],
    totals: { snapshots: 1, positions: 1, lots: 0 },
    warnings: ["the Account Total market value 85661.87 differs from the rows' sum 24690.37"],
  },
  "schwab/Intelligent-Positions-2020-10-25.CSV": {
    expect: "imports",
    format: "schwab.positions-csv",
    accounts: ["acct-sample-schwab-4321"],
    totals: { snapshots: 1, positions: 1, lots: 0 },
  },
  "schwab/XXXX1234_GainLoss_Realized_2021.CSV": {
    expect: "imports",
    format: "schwab.realized-gain-loss-csv",
    accounts: ["acct-sample-schwab-1234"],
    totals: { transactions: 1 },
  },
  "schwab/XXXX1234_Transactions_multi-account_2021.CSV": {
    expect: "imports",
    format: "schwab.transactions-csv",
    accounts: ["acct-sample-schwab-1234", "acct-sample-schwab-5678"],
    totals: { transactions: 5 },
  },
  "schwab/advisor-costbasis-ugl-position-lots.CONSTRUCTED.json": {
    expect: "refused",
    reason:
      /names the security only by Schwab's internal security number 1801784391, with no symbol or CUSIP/,
  },
  "schwab/advisor-trading-submit-sell-specificlot.CONSTRUCTED.json": {
    expect: "refused",
    reason: /this is a Schwab Advisor trading request \(orders to submit\), not a statement/,
  },
  "schwab/lot-details-SCHA-2020-10-25.csv": {
    expect: "imports",
    format: "schwab.lot-details-csv",
    accounts: ["acct-sample-schwab-4321"],
    totals: { snapshots: 1, positions: 1, lots: 1 },
    warnings: ["the Total row says 10 shares but the lots add up to 10.5; the lots are imported as listed"],
  },
  "schwab/schwab_csv_brokerage_XX876_Transactions_20220731.csv": {
    // The title masks the whole number ("General Investing ...XXX"): the account must be named.
    expect: "imports",
    args: ["--account", "acct-sample-schwab-0876"],
    format: "schwab.transactions-csv",
    totals: { transactions: 11 },
  },
  "schwab/trader-api-account-spec-example.json": {
    // Schwab's spec example: placeholder values ("string", 0) and no real account number.
    expect: "refused",
    reason: /does not give a usable account number for account "string"/,
  },
  "schwab/trader-api-order-real.json": {
    expect: "refused",
    reason: /this is a Schwab Trader API order \(GET \/orders\/\{id\}\), not a statement/,
  },
  "schwab/trader-api-transactions-real-subset.json": {
    expect: "imports",
    format: "schwab.trader-api-transactions",
    accounts: ["acct-sample-schwab-5678"],
    totals: { transactions: 8 },
    warnings: [
      "activityId 12345678910 is used by 8 different records; they are recognised by content instead",
    ],
  },
  // --- Fidelity, Vanguard, OFX (owner: the Fidelity/Vanguard/OFX adapters) ---------------------
  "fidelity/Accounts_History_2025-format.csv": {
    expect: "imports",
    format: "fidelity.history-csv",
    accounts: [
      "acct-sample-fidelity-1111",
      "acct-sample-fidelity-2222",
      "acct-sample-fidelity-3333",
      "acct-sample-fidelity-4444",
      "acct-sample-fidelity-5555",
    ],
    totals: { transactions: 20, duplicates: 0, snapshots: 0 },
    warnings: [
      '"MERGER MER FROM 54211N101#REOR M0051702100001 LONDON STOCK EXCHANGE GROUP SPON ADS... (LSEGY) (Margin)" (a merger (check the position after it)) is not imported',
      "for TSM, which is not in the security master; recorded without a security",
    ],
  },
  "fidelity/History_for_Account_2021-format.csv": {
    expect: "imports",
    format: "fidelity.history-csv",
    accounts: ["acct-sample-fidelity-0000"],
    totals: { transactions: 1, snapshots: 0 },
  },
  "fidelity/History_for_Account_X8YYYYYYY_CMA.csv": {
    // The file name's account is masked ("X8YYYYYYY"): the account must be named.
    expect: "imports",
    args: ["--account", "acct-sample-fidelity-cma"],
    format: "fidelity.history-csv",
    totals: { transactions: 11, snapshots: 0 },
  },
  "fidelity/Portfolio_Positions_2021-format.csv": {
    // FINporter's test literal leaves out the "Date downloaded" footer: no as-of time in the file.
    expect: "imports",
    format: "fidelity.positions-csv",
    accounts: ["acct-sample-fidelity-0000", "acct-sample-fidelity-0001"],
    totals: { snapshots: 2, positions: 2, lots: 0 },
    warnings: [
      'no "Date downloaded" footer in Portfolio_Positions_2021-format.csv: the as-of time is unknown',
    ],
  },
  "fidelity/Realized_Gain_Loss_Account_X12345678.csv": {
    expect: "imports",
    format: "fidelity.realized-gain-loss-csv",
    accounts: ["acct-sample-fidelity-5678"],
    totals: { transactions: 1, snapshots: 0 },
    warnings: ["100000000 (for VEA) fails the CUSIP check digit; only the symbol is kept"],
  },
  "fidelity/fidelity.ofx": {
    expect: "imports",
    format: "fidelity.ofx",
    accounts: ["acct-sample-fidelity-7890"],
    totals: { snapshots: 1, positions: 6, lots: 0, transactions: 17 },
  },
  "vanguard/OfxDownload-401k.qfx": {
    expect: "imports",
    format: "vanguard.ofx",
    accounts: ["acct-sample-vanguard-4555"],
    totals: { snapshots: 1, positions: 1, lots: 0, transactions: 3 },
    warnings: [
      "a 401(k) money-source move of 5.58049 units of VGI007743 on 2023-01-20 (TRANSFER OUT and IN) nets to zero and is not imported",
    ],
  },
  "vanguard/vanguard.ofx": {
    expect: "imports",
    format: "vanguard.ofx",
    accounts: ["acct-sample-vanguard-7890"],
    totals: { snapshots: 1, positions: 1, lots: 0, transactions: 1 },
    warnings: ["SECLIST lists CUSIP 012345678 more than once with different tickers (VFINX, VFIAX)"],
  },
  "ofx/td_ameritrade_invposlist.ofx": {
    expect: "imports",
    format: "ofx.invstmt",
    accounts: ["acct-sample-tdameritrade-2121"],
    totals: { snapshots: 1, positions: 2, lots: 0, transactions: 0 },
    warnings: ["912810RW0: a bond; UNITPRICE is a percentage of par"],
  },
  // --- IBKR (owner: the IBKR adapter) ----------------------------------------------------------
  "ibkr/activity_simple_synthetic.xml": {
    // Not well-formed XML: `type="Deposits & Withdrawals"` has a bare "&" (IBKR writes &amp;).
    expect: "refused",
    reason: /line 81: not readable XML: bare "&" \(write &amp;\)/,
  },
  "ibkr/flex_elements_from_ibflex_tests.xml": {
    expect: "imports",
    format: "ibkr.flex-xml",
    accounts: ["acct-sample-ibkr-3456"],
    totals: { snapshots: 1, positions: 1, lots: 1, transactions: 1 },
    warnings: [
      "OPT trade in VXX   110917C00005000 skipped",
      "1 currency conversion trade(s) (assetCategory CASH) skipped",
      "1 closed-lot row(s) (Trades > Lot) not imported",
    ],
  },
};

/** Accounts the samples name (matched by the last digits of their numbers). */
export const SAMPLE_ACCOUNTS: {
  id: string;
  custodianId: string;
  masked: string;
  nickname: string;
  type: "TAXABLE" | "ROTH_IRA" | "TRADITIONAL_IRA" | "HSA" | "K401";
}[] = [
  {
    id: "acct-sample-schwab-1234",
    custodianId: "schwab",
    masked: "****1234",
    nickname: "Schwab Brokerage",
    type: "TAXABLE",
  },
  {
    id: "acct-sample-schwab-4321",
    custodianId: "schwab",
    masked: "****4321",
    nickname: "Schwab Intelligent",
    type: "TAXABLE",
  },
  {
    id: "acct-sample-schwab-5678",
    custodianId: "schwab",
    masked: "****5678",
    nickname: "Schwab Trader",
    type: "TAXABLE",
  },
  {
    id: "acct-sample-schwab-0876",
    custodianId: "schwab",
    masked: "****0876",
    nickname: "Schwab General",
    type: "TAXABLE",
  },
  // Fidelity, Vanguard, OFX samples.
  {
    id: "acct-sample-fidelity-0000",
    custodianId: "fidelity",
    masked: "****0000",
    nickname: "Fidelity Tactical",
    type: "TAXABLE",
  },
  {
    id: "acct-sample-fidelity-0001",
    custodianId: "fidelity",
    masked: "****0001",
    nickname: "Fidelity BBBB",
    type: "TAXABLE",
  },
  {
    id: "acct-sample-fidelity-1111",
    custodianId: "fidelity",
    masked: "****1111",
    nickname: "Fidelity IRA",
    type: "TRADITIONAL_IRA",
  },
  {
    id: "acct-sample-fidelity-2222",
    custodianId: "fidelity",
    masked: "****2222",
    nickname: "Fidelity HSA",
    type: "HSA",
  },
  {
    id: "acct-sample-fidelity-3333",
    custodianId: "fidelity",
    masked: "****3333",
    nickname: "Fidelity Brokerage",
    type: "TAXABLE",
  },
  {
    id: "acct-sample-fidelity-4444",
    custodianId: "fidelity",
    masked: "****4444",
    nickname: "Fidelity CMA",
    type: "TAXABLE",
  },
  {
    id: "acct-sample-fidelity-5555",
    custodianId: "fidelity",
    masked: "****5555",
    nickname: "Fidelity 529",
    type: "TAXABLE",
  },
  {
    id: "acct-sample-fidelity-5678",
    custodianId: "fidelity",
    masked: "****5678",
    nickname: "Fidelity Gains",
    type: "TAXABLE",
  },
  {
    id: "acct-sample-fidelity-7890",
    custodianId: "fidelity",
    masked: "****7890",
    nickname: "Fidelity OFX",
    type: "TAXABLE",
  },
  {
    id: "acct-sample-fidelity-cma",
    custodianId: "fidelity",
    masked: "X8YYYYYYY",
    nickname: "Fidelity Cash Management",
    type: "TAXABLE",
  },
  {
    id: "acct-sample-vanguard-4555",
    custodianId: "vanguard",
    masked: "****4555",
    nickname: "Vanguard 401(k)",
    type: "K401",
  },
  {
    id: "acct-sample-vanguard-7890",
    custodianId: "vanguard",
    masked: "****7890",
    nickname: "Vanguard Brokerage",
    type: "TAXABLE",
  },
  // IBKR samples.
  {
    id: "acct-sample-ibkr-3456",
    custodianId: "ibkr",
    masked: "****3456",
    nickname: "IBKR ibflex test",
    type: "TAXABLE",
  },
  {
    id: "acct-sample-tdameritrade-2121",
    custodianId: "tdameritrade",
    masked: "****2121",
    nickname: "TD Ameritrade",
    type: "TAXABLE",
  },
];

/** Securities the samples hold (the security master must know a security's asset class). */
export const SAMPLE_SECURITIES: {
  symbol: string;
  cusip?: string;
  name: string;
  type: "ETF" | "STOCK" | "MONEY_MARKET" | "MUTUAL_FUND" | "BOND";
}[] = [
  { symbol: "FNDA", name: "Schwab Fundamental US Small Company ETF", type: "ETF" },
  { symbol: "SCHA", cusip: "808524607", name: "Schwab US Small-Cap ETF", type: "ETF" },
  { symbol: "SCHB", cusip: "808524102", name: "Schwab US Broad Market ETF", type: "ETF" },
  { symbol: "VEA", cusip: "921943858", name: "Vanguard FTSE Developed Markets ETF", type: "ETF" },
  { symbol: "VOO", cusip: "922908363", name: "Vanguard S&P 500 ETF", type: "ETF" },
  { symbol: "VTI", cusip: "922908769", name: "Vanguard Total Stock Market ETF", type: "ETF" },
  { symbol: "BND", cusip: "921937835", name: "Vanguard Total Bond Market ETF", type: "ETF" },
  { symbol: "BNDX", name: "Vanguard Total International Bond ETF", type: "ETF" },
  { symbol: "BWX", name: "SPDR Bloomberg International Treasury Bond ETF", type: "ETF" },
  { symbol: "ICLN", name: "iShares Global Clean Energy ETF", type: "ETF" },
  { symbol: "ARKK", name: "ARK Innovation ETF", type: "ETF" },
  { symbol: "FB", name: "Facebook Inc Class A", type: "STOCK" },
  { symbol: "GIS", name: "General Mills Inc", type: "STOCK" },
  { symbol: "SWVXX", name: "Schwab Value Advantage Money Fund", type: "MONEY_MARKET" },
  // Fidelity, Vanguard, OFX samples (the OFX files name securities by CUSIP only).
  { symbol: "VWO", name: "Vanguard FTSE Emerging Markets ETF", type: "ETF" },
  { symbol: "VV", name: "Vanguard Large-Cap ETF", type: "ETF" },
  { symbol: "VTEB", name: "Vanguard Tax-Exempt Bond ETF", type: "ETF" },
  { symbol: "WM", name: "Waste Management Inc", type: "STOCK" },
  { symbol: "VVV", name: "Valvoline Inc", type: "STOCK" },
  { symbol: "44244CCF2", cusip: "44244CCF2", name: "Houston Tex Util Sys Rev 5% 11/15/2025", type: "BOND" },
  {
    symbol: "412003AD7",
    cusip: "412003AD7",
    name: "Hardin Cnty Ohio Econ Dev 5.5% 05/01/2050",
    type: "BOND",
  },
  { symbol: "SDRL", cusip: "G7945E105", name: "Seadrill Ltd", type: "STOCK" },
  { symbol: "CLCT", cusip: "19421R200", name: "Collectors Universe Inc", type: "STOCK" },
  { symbol: "HI", cusip: "431571108", name: "Hillenbrand Inc", type: "STOCK" },
  { symbol: "INTC", cusip: "458140100", name: "Intel Corp", type: "STOCK" },
  { symbol: "RHT", cusip: "756577102", name: "Red Hat Inc", type: "STOCK" },
  { symbol: "XIN", cusip: "98417P105", name: "Xinyuan Real Estate ADR", type: "STOCK" },
  { symbol: "SPY", cusip: "78462F103", name: "SPDR S&P 500 ETF Trust", type: "ETF" },
  {
    symbol: "VGI007743",
    cusip: "VGI007743",
    name: "Vanguard Target Retirement 2050 Trust",
    type: "MUTUAL_FUND",
  },
  // vanguard.ofx gives one placeholder CUSIP two tickers; the sample master resolves it.
  { symbol: "VFIAX", cusip: "012345678", name: "Vanguard 500 Index Admiral", type: "MUTUAL_FUND" },
  { symbol: "AMZN", cusip: "023135106", name: "Amazon.com Inc", type: "STOCK" },
  { symbol: "912810RW0", cusip: "912810RW0", name: "US Treasury 2047", type: "BOND" },
  // IBKR samples.
  { symbol: "VXX", name: "iPath S&P 500 VIX Short-Term Futures ETN", type: "STOCK" },
  { symbol: "RHDGF", name: "Retail Holdings NV", type: "STOCK" },
];

function sampleFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!/^(SOURCES|README)\.md$/i.test(name)) out.push(relative(SAMPLES, path).split("\\").join("/"));
    }
  };
  walk(SAMPLES);
  return out;
}

describe.skipIf(!existsSync(SAMPLES))(
  `every shared custodian sample through lotwise import (${BACKEND})`,
  () => {
    let db: TestDatabase;
    const clock = { now: () => new Date("2026-11-20T20:00:00.000Z") };
    const files = existsSync(SAMPLES) ? sampleFiles() : [];

    beforeAll(async () => {
      db = await openTestDatabase();
      const custodians = [...new Set(SAMPLE_ACCOUNTS.map((a) => a.custodianId))];
      await db.prisma.custodian.createMany({ data: custodians.map((id) => ({ id, name: id })) });
      await db.prisma.assetClass.createMany({
        data: [
          { id: "equity", name: "Equity" },
          { id: "cash", name: "Cash", isCash: true },
        ],
      });
      await db.prisma.security.createMany({
        data: SAMPLE_SECURITIES.map((s) => ({
          id: `sample-${s.symbol.toLowerCase()}`,
          symbol: s.symbol,
          cusip: s.cusip ?? null,
          name: s.name,
          type: s.type,
          assetClassId: s.type === "MONEY_MARKET" ? "cash" : "equity",
        })),
      });
      await db.prisma.household.create({ data: { id: "hh-samples", name: "Samples Household" } });
      await db.prisma.person.create({
        data: { id: "p-samples", householdId: "hh-samples", role: "CLIENT", name: "Sam Ple" },
      });
      await db.prisma.account.createMany({
        data: SAMPLE_ACCOUNTS.map((a) => ({
          id: a.id,
          householdId: "hh-samples",
          ownerId: "p-samples",
          custodianId: a.custodianId,
          type: a.type,
          nickname: a.nickname,
          accountNumberMasked: a.masked,
        })),
      });
    });
    afterAll(() => db?.close());

    it("every sample has an expectation, and every expectation a sample", () => {
      expect(
        files.filter((file) => !(file in EXPECTATIONS)),
        "samples without an expectation",
      ).toEqual([]);
      expect(
        Object.keys(EXPECTATIONS).filter((file) => !files.includes(file)),
        "expectations without a sample",
      ).toEqual([]);
    });

    it.each(files.filter((file) => file in EXPECTATIONS))("%s", async (file) => {
      const expectation = EXPECTATIONS[file] as Expectation;
      const result = await runInProcess(
        ["import", join(SAMPLES, file), "--json", ...(expectation.args ?? [])],
        {
          database: db,
          clock,
        },
      );
      // Whatever the outcome: an exit code of 0 (imported) or 1 (refused in one line), never a crash.
      expect(result.stderr).not.toContain("unexpected error");
      expect([0, 1]).toContain(result.code);
      if (expectation.expect === "pending") {
        if (result.code === 1) expect(result.stderr.trim().split("\n")).toHaveLength(1);
        return;
      }
      if (expectation.expect === "refused") {
        expect(result.code, result.stdout).toBe(1);
        expect(result.stderr).toMatch(expectation.reason);
        expect(result.stderr).toContain("Nothing was imported.");
        return;
      }
      expect(result.code, result.stderr).toBe(0);
      const summary = JSON.parse(result.stdout) as ImportSummary;
      expect(summary.status).toBe("imported");
      expect(summary.file.format).toBe(expectation.format);
      if (expectation.accounts)
        expect(summary.accounts.map((a) => a.accountId)).toEqual(expectation.accounts);
      if (expectation.totals) expect(summary.totals).toMatchObject(expectation.totals);
      for (const warning of expectation.warnings ?? []) {
        expect(summary.warnings.map((w) => w.message).join("\n")).toContain(warning);
      }
    });
  },
);
