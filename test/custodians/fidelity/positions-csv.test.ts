// Fidelity positions CSV: the 2021-2024 and 2025 (lower-case) headers, money-market and pending
// rows as cash, Cash and Margin rows of one security merged, options and wrapper rows left out, the
// "Date downloaded" footer as the as-of time (US/Eastern, DST included).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fidelityPositionsCsvParser } from "../../../src/custodians/fidelity/positions-csv.ts";
import type { ImportError, Statement } from "../../../src/custodians/statement.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/custodians/fidelity");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const HEADER =
  "Account Number,Account Name,Symbol,Description,Quantity,Last Price,Last Price Change,Current Value,Today's Gain/Loss Dollar,Today's Gain/Loss Percent,Total Gain/Loss Dollar,Total Gain/Loss Percent,Percent Of Account,Cost Basis Total,Average Cost Basis,Type";

function parsed(text: string, name = "Portfolio_Positions_Jan-02-2024.csv"): Statement {
  const result = fidelityPositionsCsvParser.parse(text, name);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

function refused(text: string): ImportError {
  const result = fidelityPositionsCsvParser.parse(text, "Portfolio_Positions_Jan-02-2024.csv");
  if (result.ok) throw new Error("expected a refusal");
  return result.error;
}

describe("Fidelity positions CSV, 2021-2024 layout", () => {
  const statement = parsed(
    fixture("Portfolio_Positions_Mar-15-2024.csv"),
    "Portfolio_Positions_Mar-15-2024.csv",
  );
  const [joint, roth, plan] = statement.accounts;

  it("groups rows by account number, dated by the footer's Eastern time (EDT)", () => {
    expect(statement).toMatchObject({ custodian: "fidelity", format: "fidelity.positions-csv" });
    expect(statement.accounts.map((account) => [account.accountRef, account.asOf])).toEqual([
      ["Z11111111", "2024-03-15T20:05:00.000Z"],
      ["Z22222222", "2024-03-15T20:05:00.000Z"],
      ["12345", "2024-03-15T20:05:00.000Z"],
    ]);
  });

  it("counts money-market (SPAXX**, FZFXX**) and Pending Activity rows as cash", () => {
    expect(joint?.cash).toBe("11111.17");
    expect(roth?.cash).toBe("500");
    expect(plan?.cash).toBeNull();
  });

  it("adds the Cash and Margin rows of one security into one position", () => {
    expect(
      joint?.positions.map((p) => [p.instrument.symbol, p.quantity, p.price, p.marketValue, p.costBasis]),
    ).toEqual([
      ["AAPL", "120", "172.5", "20700", "18500"],
      ["VXUS", "250.5", "58.1", "14554.05", "15000"],
    ]);
  });

  it("reads n/a and -- as no cost basis, and a 401(k) fund's CUSIP as a CUSIP", () => {
    expect(roth?.positions[0]).toMatchObject({ instrument: { symbol: "VTI" }, costBasis: null });
    expect(plan?.positions[0]).toEqual({
      instrument: { symbol: null, cusip: "315911750", description: "FIDELITY 500 INDEX FUND" },
      quantity: "153.219",
      price: "171.66",
      marketValue: "26301.57",
      costBasis: "20000",
      line: 11,
    });
  });

  it("warns about the unknown column, pending activity, the merge, the option and the wrapper row", () => {
    expect(statement.warnings).toEqual([
      { line: 1, message: 'unknown column "Dividend Yield" ignored' },
      { line: 3, message: "Pending Activity (-1234.5) in account Z11111111 is counted as cash" },
      {
        line: 5,
        message:
          "AAPL appears twice in account Z11111111 (Cash and Margin): the rows are added into one position",
      },
      { line: 7, message: "option -SNDK270917C1500 is not imported: options are not supported" },
      { line: 10, message: "a row without a symbol (BROKERAGELINK) is not imported" },
    ]);
  });
});

describe("Fidelity positions CSV, 2025 lower-case layout", () => {
  it("matches headers case-insensitively, reads USD*** as cash and a 'p.m' footer across midnight UTC (EST)", () => {
    const statement = parsed(
      fixture("Portfolio_Positions_Feb-18-2026.csv"),
      "Portfolio_Positions_Feb-18-2026.csv",
    );
    expect(statement.accounts).toEqual([
      {
        accountRef: "X99999999",
        asOf: "2026-02-19T00:04:00.000Z",
        cash: "260",
        positions: [
          {
            instrument: { symbol: "FXAIX", cusip: null, description: "FIDELITY 500 INDEX FUND" },
            quantity: "10.5",
            price: "210.1",
            marketValue: "2206.05",
            costBasis: "2000",
            line: 3,
          },
        ],
        lots: [],
        transactions: [],
      },
    ]);
    expect(statement.warnings).toEqual([]);
  });

  it("takes the pre-2021 'Account Name/Number' and 'Cost Basis Per Share' columns", () => {
    const text =
      "Account Name/Number,Symbol,Description,Quantity,Last Price,Current Value,Cost Basis Per Share\nZ1,VTI,VTI ETF,-4,$200.00,-$800.00,$150.00\n";
    expect(parsed(text).accounts[0]?.positions[0]).toMatchObject({ quantity: "-4", costBasis: "600" });
  });
});

describe("Fidelity positions CSV: edge cases and refusals", () => {
  it("imports a file without the footer, with no as-of time and a warning", () => {
    const statement = parsed(`${HEADER}\nZ1,Ind,VTI,VTI ETF,1,$1.00,,$1.00,,,,,,,,Cash,\n`, "positions.csv");
    expect(statement.accounts[0]?.asOf).toBeNull();
    expect(statement.warnings).toEqual([
      { line: null, message: 'no "Date downloaded" footer in positions.csv: the as-of time is unknown' },
    ]);
  });

  it("refuses a header with no rows, a file with no header, and a position with no quantity", () => {
    expect(refused(`${HEADER}\n\n"Date downloaded 01/02/2024 4:00 PM ET"\n`)).toMatchObject({
      line: 2,
      message: "the positions table has no rows: nothing to import",
    });
    expect(refused("Symbol,Quantity\nVTI,1\n").message).toMatch(/no Fidelity positions header/);
    expect(refused(`${HEADER}\nZ1,Ind,VTI,VTI ETF,,$1.00,,$1.00,,,,,,,,Cash,\n`)).toMatchObject({
      line: 2,
      field: "Quantity",
    });
  });

  it("detects only positions files", () => {
    expect(fidelityPositionsCsvParser.detect(fixture("Portfolio_Positions_Mar-15-2024.csv"), "x.csv")).toBe(
      true,
    );
    expect(fidelityPositionsCsvParser.detect(fixture("Accounts_History_2021.csv"), "x.csv")).toBe(false);
    expect(
      fidelityPositionsCsvParser.detect(fixture("Realized_Gain_Loss_Account_Z12345678.csv"), "x.csv"),
    ).toBe(false);
  });
});
