// `lotwise sync` against local fakes of Schwab's Trader API and IBKR's Flex Web Service, importing
// into a real database (PGlite by default, PostgreSQL in CI) seeded with the demo book.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "../support/cli.ts";
import { type FakeIbkrFlex, startFakeIbkrFlex } from "../support/fake-ibkr-flex.ts";
import { type FakeSchwabTrader, startFakeSchwabTrader } from "../support/fake-schwab-trader.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };
const IBKR_STATEMENT = readFileSync(
  join(import.meta.dirname, "../fixtures/custodians/ibkr/chen-ibkr-2026-11-20.xml"),
  "utf8",
);

// The Chen household's Schwab brokerage account (****4821) as the Trader API reports it.
const CHEN_SCHWAB = `{"securitiesAccount":{"type":"MARGIN","accountNumber":"55504821","positions":[
  {"shortQuantity":0,"averagePrice":218.3857,"longQuantity":700,"instrument":{"assetType":"COLLECTIVE_INVESTMENT","cusip":"922908769","symbol":"VTI","description":"VANGUARD TOTAL STOCK MARKET ETF","type":"EXCHANGE_TRADED_FUND"},"marketValue":217000.0,"taxLotAverageLongPrice":218.3857},
  {"longQuantity":60,"averagePrice":601.2,"instrument":{"assetType":"COLLECTIVE_INVESTMENT","cusip":"922908363","symbol":"VOO","type":"EXCHANGE_TRADED_FUND"},"marketValue":33600.0,"taxLotAverageLongPrice":601.2}],
  "currentBalances":{"cashBalance":3250.0}}}`;
const CHEN_DIVIDEND = `{"activityId":81234567001,"time":"2026-11-18T15:55:14+0000","description":"Qualified Dividend~VTI","accountNumber":"55504821","type":"DIVIDEND_OR_INTEREST","status":"VALID","subAccount":"CASH","tradeDate":"2026-11-18T05:00:00+0000","settlementDate":"2026-11-18T05:00:00+0000","netAmount":668.5,"transferItems":[{"instrument":{"assetType":"CURRENCY","symbol":"CURRENCY_USD"},"amount":668.5,"cost":0,"price":0}]}`;

describe(`lotwise sync (${BACKEND})`, () => {
  let db: TestDatabase;
  let schwab: FakeSchwabTrader;
  let ibkr: FakeIbkrFlex;
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    runInProcess(argv, { database: db, clock, env });

  beforeAll(async () => {
    db = await openTestDatabase();
    await run(["seed", "--demo", "--as-of", "2026-11-20"]);
    schwab = await startFakeSchwabTrader({
      accounts: [
        {
          accountNumber: "55504821",
          hashValue: "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
          accountJson: CHEN_SCHWAB,
          transactions: [{ at: "2026-11-18T15:55:14+0000", json: CHEN_DIVIDEND }],
        },
      ],
    });
    ibkr = await startFakeIbkrFlex({ statement: IBKR_STATEMENT });
  });
  afterAll(async () => {
    await schwab.close();
    await ibkr.close();
    await db.close();
  });

  const schwabEnv = (token = schwab.token) => ({
    SCHWAB_ACCESS_TOKEN: token,
    SCHWAB_ACCOUNTS_API_URL: schwab.url,
  });
  const ibkrEnv = (token = ibkr.token) => ({
    IBKR_FLEX_URL: ibkr.url,
    IBKR_FLEX_TOKEN: token,
    IBKR_FLEX_QUERY_ID: ibkr.queryId,
  });

  it("schwab dry run: fetched over the API, matched to the household's account, nothing written", async () => {
    const before = await db.prisma.accountSnapshot.count({
      where: { accountId: "acct-chen-schwab-taxable" },
    });
    const result = await run(
      ["sync", "--custodian", "schwab", "--household", "chen", "--dry-run", "--json"],
      schwabEnv(),
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      status: "dry-run",
      file: { format: "schwab.trader-api", custodian: "schwab" },
      accounts: [{ accountId: "acct-chen-schwab-taxable", ref: "55504821" }],
    });
    expect(await db.prisma.accountSnapshot.count({ where: { accountId: "acct-chen-schwab-taxable" } })).toBe(
      before,
    );
  });

  it("schwab sync imports positions and transactions; the same sync again is already imported", async () => {
    const result = await run(["sync", "--custodian", "schwab", "--household", "chen", "--json"], schwabEnv());
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary.status).toBe("imported");
    expect(summary.accounts[0]).toMatchObject({
      accountId: "acct-chen-schwab-taxable",
      snapshot: { asOf: "2026-11-20T20:03:00.000Z", positions: 2, cash: "3250" },
      transactions: { added: 1 },
    });
    const again = await run(["sync", "--custodian", "schwab", "--household", "chen"], schwabEnv());
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/was already imported/);
  });

  it("schwab with an expired token: a clear error, exit 1, nothing imported", async () => {
    const result = await run(["sync", "--custodian", "schwab"], schwabEnv("expired"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "lotwise sync: Schwab refused the access token (401 Unauthorized): it is missing, expired (Schwab access tokens last 30 minutes) or revoked. Get a fresh token and set SCHWAB_ACCESS_TOKEN.\n",
    );
  });

  it("schwab without a token says which variable to set", async () => {
    const result = await run(["sync", "--custodian", "schwab"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("set SCHWAB_ACCESS_TOKEN");
  });

  it("ibkr sync: requests the Flex query, polls, and imports lots into the matched account", async () => {
    const result = await run(["sync", "--custodian", "ibkr", "--household", "chen", "--json"], ibkrEnv());
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      status: "imported",
      file: { format: "ibkr.flex-xml", custodian: "ibkr" },
      accounts: [
        {
          accountId: "acct-chen-ibkr-taxable",
          ref: "U9993390",
          snapshot: { asOf: "2026-11-20T20:00:00.000Z", positions: 2, lots: 2, cash: "2781.2" },
          transactions: { added: 1 },
        },
      ],
    });
    expect(ibkr.requests.map((r) => r.path.split("/").pop())).toEqual(["SendRequest", "GetStatement"]);
  }, 20_000);

  it("ibkr with a bad token: IBKR's error code, explained; without credentials: which variables", async () => {
    const bad = await run(["sync", "--custodian", "ibkr"], ibkrEnv("bad-token"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("IBKR refused the Flex Web Service token (error 1015: Token is invalid.)");
    expect(bad.stderr).not.toContain("bad-token");
    const missing = await run(["sync", "--custodian", "ibkr"], ibkrEnv(""));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("set IBKR_FLEX_TOKEN and IBKR_FLEX_QUERY_ID");
  });

  it("bad command lines are usage errors", async () => {
    expect((await run(["sync"])).stderr).toContain("--custodian must be schwab or ibkr");
    expect((await run(["sync", "--custodian", "fidelity"])).code).toBe(2);
    expect((await run(["sync", "--custodian", "schwab", "--days", "0"])).stderr).toContain("--days must be");
    expect((await run(["sync", "--custodian", "ibkr", "--days", "5"])).stderr).toContain(
      "--account and --days apply to Schwab",
    );
  });
});
