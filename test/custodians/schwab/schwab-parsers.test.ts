// What each Schwab adapter makes of the quirks of its format (the conformance suite checks the
// properties every adapter shares; these are the Schwab specifics).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readStatement } from "../../../src/cli/commands/import.ts";
import type { Statement } from "../../../src/custodians/statement.ts";

const dir = join(import.meta.dirname, "../../fixtures/custodians/schwab");

function read(name: string, text?: string): Statement {
  const result = readStatement(
    text === undefined ? readFileSync(join(dir, name)) : new TextEncoder().encode(text),
    name,
  );
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value.statement;
}

function refusal(name: string, text: string) {
  const result = readStatement(new TextEncoder().encode(text), name);
  if (result.ok) throw new Error(`${name} was not refused`);
  return result.error;
}

describe("Schwab positions CSV", () => {
  it("positions-2020-layout: 25 columns, trailing commas, unquoted numbers and a grouped Volume", () => {
    const statement = read("Brokerage-Positions-2020-11-13-150500.CSV");
    const [account] = statement.accounts;
    expect(
      account?.positions.map((p) => [p.instrument.symbol, p.quantity, p.price, p.marketValue, p.costBasis]),
    ).toEqual([
      ["VTI", "120.5", "185.4", "22340.7", "20011.25"],
      ["SCHA", "35", "80.12", "2804.2", "3100"],
      ["BND", "100", "88.01", "8801", null],
    ]);
    expect(account?.cash).toBe("2530.12");
    expect(account?.positions.map((p) => p.line)).toEqual([4, 5, 6]);
  });

  it("positions-2023-layout: the padded title gives the account and the ET time", () => {
    const [account] = read("Individual-Positions-2026-11-20-150200.CSV").accounts;
    expect(account).toMatchObject({
      accountRef: "Individual ...821",
      asOf: "2026-11-20T20:02:00.000Z",
      cash: "8250",
    });
  });

  it("positions-2024-layout: renamed columns are mapped, an unknown one is a warning", () => {
    const statement = read("Joint-Positions-2025-03-14-161000.CSV");
    expect(statement.accounts[0]?.positions.map((p) => [p.instrument.symbol, p.quantity])).toEqual([
      ["SCHB", "1250"],
      ["VEA", "200.25"],
    ]);
    expect(statement.warnings).toEqual([{ line: 3, message: 'unknown column "Esg Score" ignored' }]);
  });

  it("all-accounts: one account per block, each named by its label line", () => {
    const statement = read("All-Accounts-Positions-2020-11-13-150500.CSV");
    expect(statement.accounts.map((a) => [a.accountRef, a.cash, a.positions.length])).toEqual([
      ["Brokerage XXXX-9902", "206", 1],
      ["Roth IRA XXXX-5510", "100", 1],
    ]);
  });

  it("an Account Total that the rows do not add up to is a warning (the file may be partial)", () => {
    const text = readFileSync(join(dir, "Brokerage-Positions-2020-11-13-150500.CSV"), "utf8").replace(
      '"$36,476.02"',
      '"$99,999.99"',
    );
    const statement = read("Brokerage-Positions-2020-11-13-150500.CSV", text);
    expect(statement.warnings[0]?.message).toContain(
      "Account Total market value 99999.99 differs from the rows' sum 36476.02",
    );
  });

  it("a file with no positions table is refused", () => {
    expect(
      refusal(
        "x-Positions.CSV",
        '"Positions for account X ...123 as of 10:00 AM ET, 2024/01/02"\n\nnothing\n',
      ),
    ).toMatchObject({
      message: expect.stringContaining("no positions table found"),
    });
  });
});

describe("Schwab lot details CSV", () => {
  it("reads Open Date with its time as the Eastern calendar date; the file covers only its symbol", () => {
    const [account] = read("lot-details-SCHA-2020-11-13.csv").accounts;
    expect(account?.partial).toBe(true);
    expect(account?.lots.map((l) => [l.instrument.symbol, l.acquiredDate, l.quantity, l.costBasis])).toEqual([
      ["SCHA", "2020-03-16", "20", "1102"],
      ["SCHA", "2020-08-03", "15", "1998"],
    ]);
  });

  it("a Total row that disagrees with the lots is a warning; the lots are what is imported", () => {
    const text = readFileSync(join(dir, "lot-details-SCHA-2020-11-13.csv"), "utf8").replace(
      '"Total","35"',
      '"Total","34"',
    );
    const statement = read("lot-details-SCHA-2020-11-13.csv", text);
    expect(statement.warnings.map((w) => w.message)).toEqual([
      "line 6: the Total row says 34 shares but the lots add up to 35; the lots are imported as listed",
    ]);
  });
});

describe("Schwab transactions", () => {
  it("'as of' dates give the trade date; sells are negative; option expirations are skipped with a warning", () => {
    const statement = read("Brokerage_Transactions_20201113-150500.CSV");
    const txs = statement.accounts[0]?.transactions ?? [];
    expect(
      txs.map((t) => [t.type, t.tradeDate, t.instrument?.symbol ?? null, t.quantity, t.amount, t.fees]),
    ).toEqual([
      ["BUY", "2020-11-12", "VTI", "10", "-1849", null],
      ["SELL", "2020-11-10", "SCHA", "-5", "390.08", "0.02"],
      ["DIVIDEND", "2020-10-30", "BND", null, "17.41", null],
      ["DIVIDEND", "2020-11-02", "BND", null, "17.41", null],
      ["DIVIDEND_REINVEST", "2020-11-02", "BND", "0.1978", "-17.41", null],
      ["INTEREST", "2020-10-15", null, null, "0.07", null],
      ["DEPOSIT", "2020-10-05", null, null, "5000", null],
      ["FEE", "2020-09-30", "VEA", null, "-1.12", null],
      ["WITHDRAWAL", "2020-09-30", null, null, "-2500", "25"],
    ]);
    expect(statement.warnings[0]?.message).toMatch(
      /line 10: "Expired" \(SCHA 10\/01\/2020 70.00 P\) is a corporate action/,
    );
  });

  it("multi-account: each block is its account; a Cancel Sell removes the Sell it cancels", () => {
    const statement = read("XXXX9902_Transactions_multi-account_20201113.CSV");
    expect(statement.accounts.map((a) => [a.accountRef, a.transactions.map((t) => t.type)])).toEqual([
      ["...902", ["BUY"]],
      ["...510", ["BUY", "DIVIDEND"]],
    ]);
    expect(statement.warnings.map((w) => w.message)).toEqual([
      'line 3 ("Cancel Sell") cancels line 4: neither is recorded',
    ]);
  });

  it("a newer export without a title takes the account from the file name", () => {
    expect(read("XXXX9902_Transactions_20250314-161000.csv").accounts[0]?.accountRef).toBe("XXXX9902");
  });

  it("the JSON download reads the same rows as the CSV", () => {
    const csv = read("Brokerage_Transactions_20201113-150500.CSV").accounts[0]?.transactions ?? [];
    const json = read("XXXX9902_Transactions_20201113-150500.json").accounts[0]?.transactions ?? [];
    const strip = (txs: typeof csv) => txs.map(({ line: _line, ...rest }) => rest);
    expect(strip(json)).toEqual(strip(csv));
  });

  it("an unknown action is skipped with a warning, not guessed", () => {
    const text = readFileSync(join(dir, "XXXX9902_Transactions_20250314-161000.csv"), "utf8").replace(
      '"Credit Interest"',
      '"Crypto Airdrop"',
    );
    const statement = read("XXXX9902_Transactions_20250314-161000.csv", text);
    expect(statement.accounts[0]?.transactions).toHaveLength(1);
    expect(statement.warnings.map((w) => w.message)).toContain(
      'line 3: "Crypto Airdrop" is an action lotwise does not know; skipped',
    );
  });
});

describe("Schwab realised gain/loss CSV", () => {
  it("the lots of one sale become one SELL with the summed gain; a loss stays a loss", () => {
    const txs = read("XXXX9902_GainLoss_Realized_20201113.CSV").accounts[0]?.transactions ?? [];
    expect(
      txs.map((t) => [t.type, t.tradeDate, t.instrument?.symbol, t.quantity, t.amount, t.realizedGainLoss]),
    ).toEqual([
      ["SELL", "2020-11-10", "SCHA", "-5", "390.08", "-41.62"],
      ["SELL", "2020-10-20", "VEA", "-10", "421", "-34"],
    ]);
  });
});

describe("Schwab Trader API JSON", () => {
  it("positions: net quantity, exact JSON numbers, basis from the tax-lot average; the sweep is cash", () => {
    const statement = read("trader-api-account-positions.json");
    const [account] = statement.accounts;
    expect(
      account?.positions.map((p) => [
        p.instrument.symbol,
        p.instrument.cusip,
        p.quantity,
        p.marketValue,
        p.costBasis,
      ]),
    ).toEqual([
      ["VTI", "922908769", "120.5", "22340.7", "20011.435"],
      ["SCHA", "808524607", "35", "2804.2", "3099.999"],
    ]);
    expect(account?.cash).toBe("1029.87");
    expect(statement.warnings[0]?.message).toContain("sweep vehicle SWVXX");
  });

  it("transactions: New York trade dates, fees from the fee items, reinvestments without an order id", () => {
    const txs = read("trader-api-transactions.json").accounts[0]?.transactions ?? [];
    expect(
      txs.map((t) => [
        t.externalId,
        t.type,
        t.tradeDate,
        t.settleDate,
        t.instrument?.symbol ?? null,
        t.quantity,
        t.amount,
        t.fees,
      ]),
    ).toEqual([
      ["90210000001", "BUY", "2020-11-12", "2020-11-16", "VTI", "10", "-1849.01", "0.01"],
      ["90210000002", "SELL", "2020-11-10", "2020-11-12", "SCHA", "-5", "390.08", "0.02"],
      ["90210000003", "DIVIDEND_REINVEST", "2020-11-02", "2020-11-04", "BND", "0.1978", "-17.41", null],
      ["90210000004", "DIVIDEND", "2020-10-30", "2020-10-30", "BND", null, "17.41", null],
      ["90210000005", "DEPOSIT", "2020-10-05", null, null, null, "5000", null],
      ["90210000006", "FEE", "2020-09-30", null, "VEA", null, "-1.12", null],
    ]);
  });

  it("activity ids reused for different records are not trusted: those records are keyed by content", () => {
    const text = readFileSync(join(dir, "trader-api-transactions.json"), "utf8").replace(
      /90210000002/,
      "90210000001",
    );
    const statement = read("trader-api-transactions.json", text);
    const ids = statement.accounts[0]?.transactions.map((t) => t.externalId);
    expect(ids?.slice(0, 3)).toEqual([null, null, "90210000003"]);
    expect(statement.warnings[0]?.message).toContain("activityId 90210000001 is used by 2 different records");
  });
});

describe("Schwab files that are not statements", () => {
  it("an order read back from the Trader API is named, not parsed", () => {
    const error = refusal(
      "order.json",
      JSON.stringify({ orderId: 1, orderLegCollection: [], status: "FILLED" }),
    );
    expect(error.message).toBe(
      "this is a Schwab Trader API order (GET /orders/{id}), not a statement: it holds no positions, lots or transactions to import",
    );
  });

  it("Advisor cost-basis lots that name no security are refused with why", () => {
    const body = {
      data: {
        id: "*****0120",
        type: "ugl-position-lots",
        attributes: {
          positions: [
            {
              positionId: "*****0120-1801784391-L",
              lots: [
                {
                  lotId: "L1",
                  quantity: "8.00000",
                  costBasis: "$795.76",
                  acquiredOrOpenedDate: "2019-01-02",
                },
              ],
            },
          ],
        },
      },
    };
    expect(refusal("lots.json", JSON.stringify(body)).message).toContain(
      "names the security only by Schwab's internal security number 1801784391",
    );
    const withSymbol = structuredClone(body);
    Object.assign(withSymbol.data.attributes.positions[0] as object, { symbol: "VTI" });
    const statement = read("lots.json", JSON.stringify(withSymbol));
    expect(statement.accounts[0]?.lots).toEqual([
      {
        instrument: { symbol: "VTI", cusip: null, description: null },
        lotId: "L1",
        acquiredDate: "2019-01-02",
        quantity: "8",
        costBasis: "795.76",
        line: 1,
      },
    ]);
  });
});
