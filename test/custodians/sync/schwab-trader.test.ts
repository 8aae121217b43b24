// Schwab Trader API sync against a local fake built from the documented shapes: account numbers to
// hash values, positions (exact numbers), transactions (trades, dividends, cash), a refused token,
// and transactions fetched in date windows that are split when Schwab's cap cuts them short.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { syncSchwabTrader } from "../../../src/custodians/sync/schwab-trader.ts";
import { Decimal } from "../../../src/domain/decimal.ts";
import { type FakeSchwabTrader, startFakeSchwabTrader } from "../../support/fake-schwab-trader.ts";

const NOW = new Date("2026-11-20T20:03:00.000Z");
const DAY = 86_400_000;

const USD =
  '{"assetType":"CURRENCY","status":"ACTIVE","symbol":"CURRENCY_USD","description":"USD currency","instrumentId":1,"closingPrice":0}';
const fee = (type: string, cost: string) =>
  `{"instrument":${USD},"amount":${cost.replace("-", "")},"cost":${cost},"feeType":"${type}"}`;

const TAXABLE_ACCOUNT = `{
  "securitiesAccount": {
    "type": "CASH", "accountNumber": "12345678", "roundTrips": 0, "isDayTrader": false,
    "isClosingOnlyRestricted": false, "pfcbFlag": false,
    "positions": [
      {"shortQuantity": 0, "averagePrice": 210.5012, "currentDayProfitLoss": 12.5, "longQuantity": 100,
       "settledLongQuantity": 100, "instrument": {"assetType": "COLLECTIVE_INVESTMENT", "cusip": "922908769",
       "symbol": "VTI", "description": "VANGUARD TOTAL STOCK MARKET ETF", "instrumentId": 5215623,
       "type": "EXCHANGE_TRADED_FUND"}, "marketValue": 31000.00, "averageLongPrice": 210.5012,
       "taxLotAverageLongPrice": 210.50, "longOpenProfitLoss": 9950.0, "previousSessionLongQuantity": 100},
      {"longQuantity": 12.3456789012345678, "averagePrice": 71.38722, "instrument": {"assetType": "COLLECTIVE_INVESTMENT",
       "cusip": "921937835", "symbol": "BND", "description": "VANGUARD TOTAL BOND MARKET ETF", "type": "EXCHANGE_TRADED_FUND"},
       "marketValue": 895.06, "taxLotAverageLongPrice": 71.38722},
      {"shortQuantity": 1.0, "averagePrice": 5.0, "instrument": {"assetType": "OPTION", "symbol": "VTI   261218C00320000",
       "putCall": "CALL", "underlyingSymbol": "VTI"}, "marketValue": -410.0},
      {"longQuantity": 1500.25, "averagePrice": 1, "instrument": {"assetType": "CASH_EQUIVALENT", "symbol": "SWVXX",
       "type": "MONEY_MARKET_FUND"}, "marketValue": 1500.25}
    ],
    "initialBalances": {"cashBalance": 1000.0},
    "currentBalances": {"cashBalance": 2500.17, "liquidationValue": 35895.48},
    "projectedBalances": {"cashBalance": 2500.17}
  }
}`;

const IRA_ACCOUNT = `{"securitiesAccount": {"type": "CASH", "accountNumber": "87654321", "positions": [
  {"longQuantity": 20, "averagePrice": 50.1, "instrument": {"assetType": "COLLECTIVE_INVESTMENT", "symbol": "VEA", "cusip": "921943858"},
   "marketValue": 1040}], "currentBalances": {"cashBalance": 0}}}`;

interface Tx {
  at: string;
  json: string;
}

function tx(fields: {
  id: number;
  time: string;
  type: string;
  description?: string;
  tradeDate?: string;
  netAmount: string;
  items: string[];
  extra?: string;
}): Tx {
  return {
    at: fields.time,
    json: `{"activityId":${fields.id},"time":"${fields.time}",${fields.description ? `"description":"${fields.description}",` : ""}"accountNumber":"12345678","type":"${fields.type}","status":"VALID","subAccount":"CASH","tradeDate":"${fields.tradeDate ?? fields.time}","settlementDate":"${fields.tradeDate ?? fields.time}",${fields.extra ?? ""}"netAmount":${fields.netAmount},"transferItems":[${fields.items.join(",")}]}`,
  };
}

const security = (
  symbol: string,
  amount: string,
  cost: string,
  price: string,
  effect: string,
  assetType = "COLLECTIVE_INVESTMENT",
) =>
  `{"instrument":{"assetType":"${assetType}","status":"ACTIVE","symbol":"${symbol}","description":"${symbol} FUND","closingPrice":1},"amount":${amount},"cost":${cost},"price":${price},"positionEffect":"${effect}"}`;
const cashItem = (amount: string) => `{"instrument":${USD},"amount":${amount},"cost":0,"price":0}`;

const TRANSACTIONS: Tx[] = [
  tx({
    id: 90000000001,
    time: "2026-09-01T11:32:28+0000",
    tradeDate: "2026-09-01T04:00:00+0000",
    type: "ACH_RECEIPT",
    description: "ACH Credit Received",
    netAmount: "5000",
    items: [cashItem("5000")],
  }),
  tx({
    id: 90000000002,
    time: "2026-09-30T15:55:14+0000",
    tradeDate: "2026-09-30T04:00:00+0000",
    type: "DIVIDEND_OR_INTEREST",
    description: "Ordinary Dividend~VTI",
    netAmount: "95.12",
    items: [cashItem("95.12")],
  }),
  tx({
    id: 90000000003,
    time: "2026-09-30T15:55:15+0000",
    tradeDate: "2026-09-30T04:00:00+0000",
    type: "DIVIDEND_OR_INTEREST",
    description: "W-8 Withholding~VXUS",
    netAmount: "-2.10",
    items: [cashItem("-2.10")],
  }),
  tx({
    id: 90000000004,
    time: "2026-10-06T15:57:00+0000",
    tradeDate: "2026-10-06T04:00:00+0000",
    type: "TRADE",
    description: "Dividend Reinvest",
    netAmount: "-12.34",
    items: [security("BND", "0.17284", "-12.34", "71.38722", "OPENING")],
  }),
  tx({
    id: 90000000005,
    time: "2026-10-31T01:18:24+0000",
    tradeDate: "2026-10-30T04:00:00+0000",
    type: "DIVIDEND_OR_INTEREST",
    description: "Free Balance Interest Adjustment",
    netAmount: "1.07",
    items: [cashItem("1.07")],
  }),
  tx({
    id: 90000000006,
    time: "2026-11-10T14:40:17+0000",
    tradeDate: "2026-11-10T14:40:17+0000",
    type: "TRADE",
    netAmount: "1549.91",
    extra: '"orderId":1005629000001,',
    items: [
      fee("COMMISSION", "0"),
      fee("SEC_FEE", "-0.03"),
      fee("TAF_FEE", "-0.01"),
      security("VTI", "-5", "1549.95", "309.99", "CLOSING"),
    ],
  }),
  tx({
    id: 90000000007,
    time: "2026-11-12T14:00:00+0000",
    type: "TRADE",
    netAmount: "-500.65",
    extra: '"orderId":1005629000002,',
    items: [
      fee("COMMISSION", "-0.65"),
      security("VTI   261218C00320000", "1", "-500", "5", "OPENING", "OPTION"),
    ],
  }),
  tx({
    id: 90000000008,
    time: "2026-11-13T12:00:00+0000",
    type: "MARGIN_CALL",
    description: "Margin call",
    netAmount: "0",
    items: [],
  }),
];

describe("Schwab Trader API sync (fake)", () => {
  let fake: FakeSchwabTrader;

  beforeEach(async () => {
    fake = await startFakeSchwabTrader({
      accounts: [
        {
          accountNumber: "12345678",
          hashValue: "3F1A0C77E09B2D2D1A0F9A8C8A4B77B2C0E1D6F5A4B3C2D1E0F9A8B7C6D5E4F3",
          accountJson: TAXABLE_ACCOUNT,
          transactions: TRANSACTIONS,
        },
        {
          accountNumber: "87654321",
          hashValue: "9E8D7C6B5A49382716050F1E2D3C4B5A69788796A5B4C3D2E1F0A9B8C7D6E5F4",
          accountJson: IRA_ACCOUNT,
          // Only a record of a type lotwise does not record: no transactions, and no error.
          transactions: [
            tx({
              id: 90000000101,
              time: "2026-11-02T12:00:00+0000",
              type: "MONEY_MARKET",
              description: "Sweep",
              netAmount: "0",
              items: [],
            }),
          ],
        },
      ],
    });
  });
  afterEach(() => fake.close());

  const sync = (
    overrides: {
      token?: string;
      windowDays?: number;
      maxPerCall?: number;
      accountNumbers?: string[];
      days?: number;
    } = {},
  ) =>
    syncSchwabTrader(
      {
        baseUrl: fake.url,
        accessToken: overrides.token ?? fake.token,
        now: () => NOW,
        http: { retries: 0 },
        ...(overrides.windowDays ? { windowDays: overrides.windowDays } : {}),
        ...(overrides.maxPerCall ? { maxPerCall: overrides.maxPerCall } : {}),
      },
      {
        from: new Date(NOW.getTime() - (overrides.days ?? 90) * DAY),
        to: NOW,
        ...(overrides.accountNumbers ? { accountNumbers: overrides.accountNumbers } : {}),
      },
    );

  it("hash-values-map-to-account-numbers: every call after accountNumbers uses the hash; the statement names the account number", async () => {
    const result = await sync();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toMatchObject({ custodian: "schwab", format: "schwab.trader-api" });
    expect(result.value.accounts.map((a) => a.accountRef)).toEqual(["12345678", "87654321"]);
    expect(fake.requests[0]?.path).toBe("/trader/v1/accounts/accountNumbers");
    const later = fake.requests.slice(1).map((r) => r.path);
    expect(later.every((path) => !path.includes("12345678") && !path.includes("87654321"))).toBe(true);
    expect(later).toContain(`/trader/v1/accounts/${fake.accounts[0]?.hashValue}`);
    expect(fake.requests.every((r) => r.authorization === `Bearer ${fake.token}`)).toBe(true);
    expect(result.value.accounts.every((a) => a.asOf === NOW.toISOString() && a.lots.length === 0)).toBe(
      true,
    );
  });

  it("positions: long minus short, exact digits from the response text, tax-lot basis, cash from the balances", async () => {
    const result = await sync();
    if (!result.ok) throw new Error(result.error.message);
    const [taxable] = result.value.accounts;
    expect(taxable?.cash).toBe("2500.17");
    const bndQuantity = "12.3456789012345678"; // 18 significant digits: more than a float holds
    expect(taxable?.positions.map((p) => [p.instrument.symbol, p.quantity, p.marketValue])).toEqual([
      ["VTI", "100", "31000"],
      ["BND", bndQuantity, "895.06"],
      // Options are passed on as Schwab reports them; the import refuses securities lotwise does not hold.
      ["VTI   261218C00320000", "-1", "-410"],
      ["SWVXX", "1500.25", "1500.25"],
    ]);
    // The basis is the tax-lot average price times the quantity (to the cent).
    const basis = new Decimal(taxable?.positions[1]?.costBasis ?? "0");
    expect(basis.minus(new Decimal(bndQuantity).times("71.38722")).abs().lessThan("0.01")).toBe(true);
    expect(taxable?.positions[0]?.costBasis).toBe("21050");
  });

  it("transactions: every record in the window, mapped as a saved transactions file would be", async () => {
    const result = await sync();
    if (!result.ok) throw new Error(result.error.message);
    const rows = result.value.accounts[0]?.transactions.map((t) => [
      t.externalId,
      t.type,
      t.tradeDate,
      t.instrument?.symbol ?? null,
      t.quantity,
      t.amount,
      t.fees,
    ]);
    expect(rows).toEqual([
      ["90000000001", "DEPOSIT", "2026-09-01", null, null, "5000", null],
      ["90000000002", "DIVIDEND", "2026-09-30", "VTI", null, "95.12", null],
      ["90000000003", "DIVIDEND", "2026-09-30", "VXUS", null, "-2.1", null],
      ["90000000004", "DIVIDEND_REINVEST", "2026-10-06", "BND", "0.17284", "-12.34", null],
      ["90000000005", "INTEREST", "2026-10-30", null, null, "1.07", null],
      ["90000000006", "SELL", "2026-11-10", "VTI", "-5", "1549.91", "0.04"],
      ["90000000007", "BUY", "2026-11-12", "VTI   261218C00320000", "1", "-500.65", "0.65"],
    ]);
    expect(result.value.warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(/^account \.\.\.5678: .*MARGIN_CALL.*skipped$/),
    );
    expect(result.value.warnings.every((w) => w.line === null)).toBe(true);
  });

  it("an-expired-token-is-a-clear-error (401), and nothing else is asked", async () => {
    const result = await sync({ token: "expired-token" });
    expect(result).toEqual({
      ok: false,
      error: {
        code: "schwab.unauthorized",
        message:
          "Schwab refused the access token (401 Unauthorized): it is missing, expired (Schwab access tokens last 30 minutes) or revoked. Get a fresh token and set SCHWAB_ACCESS_TOKEN.",
      },
    });
    expect(fake.requests).toHaveLength(1);
  });

  it("transactions-are-fetched-in-date-windows: contiguous, within the range, in Schwab's date format", async () => {
    const result = await sync({ windowDays: 30, days: 90 });
    expect(result.ok).toBe(true);
    const windows = fake.requests
      .filter((r) => r.path.endsWith(`${fake.accounts[0]?.hashValue}/transactions`))
      .map((r) => [r.query.startDate, r.query.endDate]);
    expect(windows).toEqual([
      ["2026-08-22T20:03:00.000Z", "2026-09-21T20:02:59.999Z"],
      ["2026-09-21T20:03:00.000Z", "2026-10-21T20:02:59.999Z"],
      ["2026-10-21T20:03:00.000Z", "2026-11-20T20:03:00.000Z"],
    ]);
    const types = fake.requests.find((r) => r.path.endsWith("/transactions"))?.query.types?.split(",");
    expect(types).toContain("TRADE");
    expect(types).toContain("DIVIDEND_OR_INTEREST");
  });

  it("a window Schwab cuts short at its cap is split and fetched again, so nothing is lost", async () => {
    fake.maxPerCall = 3;
    const result = await sync({ windowDays: 120, maxPerCall: 3 });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.accounts[0]?.transactions).toHaveLength(7);
    const calls = fake.requests.filter((r) => r.path.endsWith(`${fake.accounts[0]?.hashValue}/transactions`));
    expect(calls.length).toBeGreaterThan(3);
  });

  it("only the accounts asked for; an account the token cannot see is refused by its last digits", async () => {
    const one = await sync({ accountNumbers: ["87654321"] });
    if (!one.ok) throw new Error(one.error.message);
    expect(one.value.accounts.map((a) => a.accountRef)).toEqual(["87654321"]);
    expect(
      one.value.accounts[0]?.positions.map((p) => [p.instrument.symbol, p.quantity, p.costBasis]),
    ).toEqual([["VEA", "20", "1002"]]);
    expect(one.value.accounts[0]?.transactions).toEqual([]);
    const missing = await sync({ accountNumbers: ["11112222"] });
    expect(missing).toEqual({
      ok: false,
      error: {
        code: "schwab.unknown-account",
        message: "the token cannot see account(s) ...2222; it sees ...5678, ...4321",
      },
    });
  });
});
