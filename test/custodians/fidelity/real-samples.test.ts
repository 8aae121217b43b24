// The real Fidelity samples in ../shared/custodian-samples/fidelity (reference data from open-source
// test fixtures, never copied into the project). Each is detected by exactly one Fidelity adapter
// and read into a statement with the counts below. Runs only where that folder exists.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIDELITY_PARSERS } from "../../../src/custodians/fidelity/parsers.ts";
import type { Statement } from "../../../src/custodians/statement.ts";
import { Decimal } from "../../../src/domain/decimal.ts";

const SAMPLES = join(import.meta.dirname, "../../../../shared/custodian-samples/fidelity");

function read(name: string): Statement {
  const text = readFileSync(join(SAMPLES, name), "utf8");
  const claimed = FIDELITY_PARSERS.filter((parser) => parser.detect(text, name));
  expect(claimed).toHaveLength(1);
  const result = claimed[0]?.parse(text, name);
  if (!result?.ok) throw new Error(`${name}: ${JSON.stringify(result?.error)}`);
  return result.value;
}

const total = (values: (string | null)[]) =>
  values.reduce((sum, value) => sum.plus(value ?? 0), new Decimal(0)).toFixed();

describe.skipIf(!existsSync(SAMPLES))("real Fidelity samples (../shared/custodian-samples/fidelity)", () => {
  it("Portfolio_Positions_2021-format.csv: two accounts of one ETF each; no footer, so no as-of time", () => {
    const statement = read("Portfolio_Positions_2021-format.csv");
    expect(statement.format).toBe("fidelity.positions-csv");
    expect(
      statement.accounts.map((a) => [
        a.accountRef,
        a.asOf,
        a.positions.map((p) => [p.instrument.symbol, p.quantity, p.costBasis]),
      ]),
    ).toEqual([
      ["Z00000000", null, [["VWO", "900", "38362.05"]]],
      ["Z00000001", null, [["VOO", "800", "38362.05"]]],
    ]);
    expect(statement.warnings.map((w) => w.message)).toEqual([
      'no "Date downloaded" footer in Portfolio_Positions_2021-format.csv: the as-of time is unknown',
    ]);
  });

  it("History_for_Account_2021-format.csv: one fractional buy in account X00000000", () => {
    const statement = read("History_for_Account_2021-format.csv");
    expect(statement.format).toBe("fidelity.history-csv");
    expect(statement.accounts).toHaveLength(1);
    expect(statement.accounts[0]?.accountRef).toBe("X00000000");
    expect(statement.accounts[0]?.transactions).toMatchObject([
      {
        type: "BUY",
        tradeDate: "2021-03-01",
        settleDate: "2021-03-03",
        quantity: "0.999",
        price: "180.95",
        amount: "-150",
      },
    ]);
  });

  it("History_for_Account_X8YYYYYYY_CMA.csv: eleven cash movements, the account from the file name", () => {
    const statement = read("History_for_Account_X8YYYYYYY_CMA.csv");
    const [account] = statement.accounts;
    expect(account?.accountRef).toBe("X8YYYYYYY");
    expect(account?.asOf).toBe("2023-01-24T15:28:00.000Z");
    expect(account?.transactions.filter((t) => t.type === "DEPOSIT")).toHaveLength(4);
    expect(account?.transactions.filter((t) => t.type === "WITHDRAWAL")).toHaveLength(7);
    expect(total(account?.transactions.map((t) => t.amount) ?? [])).toBe("-7671.75");
  });

  it("Accounts_History_2025-format.csv: five accounts, twenty transactions, the merger left out", () => {
    const statement = read("Accounts_History_2025-format.csv");
    expect(statement.accounts.map((a) => [a.accountRef, a.transactions.length])).toEqual([
      ["111111111", 2],
      ["222222222", 1],
      ["333333333", 12],
      ["444444444", 4],
      ["555555555", 1],
    ]);
    expect(statement.accounts.every((a) => a.asOf === "2025-12-03T20:00:00.000Z")).toBe(true);
    const brokerage = statement.accounts[2]?.transactions ?? [];
    expect(brokerage.find((t) => t.instrument?.symbol === "VVV")).toMatchObject({
      type: "SELL",
      quantity: "-341",
      amount: "10378.37",
    });
    expect(brokerage.find((t) => t.instrument?.cusip === "44244CCF2")).toMatchObject({
      type: "SELL",
      quantity: "-25000",
    });
    expect(statement.warnings).toHaveLength(1);
    expect(statement.warnings[0]?.message).toMatch(/^"MERGER MER FROM 54211N101/);
  });

  it("Realized_Gain_Loss_Account_X12345678.csv: one closed lot, a SELL with its realised gain", () => {
    const statement = read("Realized_Gain_Loss_Account_X12345678.csv");
    expect(statement.accounts[0]?.accountRef).toBe("X12345678");
    expect(statement.accounts[0]?.transactions).toMatchObject([
      {
        type: "SELL",
        tradeDate: "2021-01-29",
        quantity: "-3",
        amount: "12",
        realizedGainLoss: "2",
        instrument: { symbol: "VEA" },
      },
    ]);
    // The sample's CUSIP (100000000) is a placeholder that fails the check digit.
    expect(statement.warnings).toHaveLength(1);
  });

  it("fidelity.ofx: six positions, core cash, seventeen transactions with Fidelity's quirks", () => {
    const statement = read("fidelity.ofx");
    const [account] = statement.accounts;
    expect(statement.format).toBe("fidelity.ofx");
    expect(account).toMatchObject({
      accountRef: "01234567890",
      asOf: "2012-09-08T07:30:34.000Z",
      cash: "18073.98",
    });
    expect(account?.positions).toHaveLength(6);
    expect(total(account?.positions.map((p) => p.marketValue) ?? [])).toBe("14919.8");
    const types = account?.transactions.map((t) => t.type) ?? [];
    expect(types.filter((t) => t === "BUY")).toHaveLength(5);
    expect(types.filter((t) => t === "DIVIDEND_REINVEST")).toHaveLength(3);
    expect(types.filter((t) => t === "DIVIDEND")).toHaveLength(4);
    expect(types.filter((t) => t === "SELL")).toHaveLength(2);
    expect(types.filter((t) => t === "INTEREST")).toHaveLength(2);
    expect(types.filter((t) => t === "FEE")).toHaveLength(1);
    expect(account?.transactions[0]).toMatchObject({
      instrument: { symbol: "INTC", cusip: "458140100" },
      quantity: "100",
      price: "25.635",
    });
    expect(statement.warnings).toEqual([]);
  });
});
