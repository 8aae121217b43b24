// Fidelity account history CSV in its four layouts: actions classified by prefix, signs by type,
// accounts from the Account Number column, the end of the Account label, or the file name.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyAction } from "../../../src/custodians/fidelity/history-actions.ts";
import { fidelityHistoryCsvParser } from "../../../src/custodians/fidelity/history-csv.ts";
import type { ImportError, Statement } from "../../../src/custodians/statement.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/custodians/fidelity");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const HEADER =
  "Run Date,Action,Symbol,Security Description,Security Type,Quantity,Price ($),Commission ($),Fees ($),Accrued Interest ($),Amount ($),Settlement Date";

function parsed(text: string, name: string): Statement {
  const result = fidelityHistoryCsvParser.parse(text, name);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

function refused(text: string, name: string): ImportError {
  const result = fidelityHistoryCsvParser.parse(text, name);
  if (result.ok) throw new Error("expected a refusal");
  return result.error;
}

const rows = (statement: Statement) =>
  statement.accounts.flatMap((account) =>
    account.transactions.map((t) => [
      account.accountRef,
      t.type,
      t.tradeDate,
      t.instrument?.symbol ?? t.instrument?.cusip ?? null,
      t.quantity,
      t.price,
      t.amount,
      t.fees,
    ]),
  );

describe("Fidelity history, 2021 Accounts_History layout", () => {
  const statement = parsed(fixture("Accounts_History_2021.csv"), "Accounts_History.csv");

  it("takes the account number from the end of the Account label and trims leading spaces", () => {
    expect(rows(statement)).toEqual([
      ["X11111111", "BUY", "2021-03-01", "VT", "10", "98.76", "-987.62", "0.02"],
      ["X11111111", "SELL", "2021-03-05", "IVV", "-5", "380.1", "1900.45", "0.05"],
      ["X11111111", "DIVIDEND", "2021-03-15", "VT", null, null, "4.21", null],
      ["X11111111", "DIVIDEND_REINVEST", "2021-03-15", "VT", "0.043", "97.9", "-4.21", null],
      ["X22222222", "DEPOSIT", "2021-03-25", null, null, null, "6000", null],
    ]);
    expect(statement.accounts[0]?.transactions[0]).toMatchObject({
      externalId: null,
      rawAction: "YOU BOUGHT VANGUARD TOTAL WORLD STOCK ETF (VT) (Cash)",
      settleDate: "2021-03-03",
      instrument: { symbol: "VT", cusip: null, description: "VANGUARD TOTAL WORLD STOCK ETF" },
    });
  });

  it("dates the accounts by the footer and warns about what it leaves out", () => {
    expect(statement.accounts.map((account) => account.asOf)).toEqual([
      "2021-03-31T13:15:00.000Z",
      "2021-03-31T13:15:00.000Z",
    ]);
    expect(statement.warnings.map((warning) => warning.line)).toEqual([11, 12]);
    expect(statement.warnings[0]?.message).toMatch(
      /MERGER .*\(a merger \(check the position after it\)\) is not imported/,
    );
    expect(statement.warnings[1]?.message).toBe(
      'unrecognised action "LOYALTY REWARD CREDIT (Cash)" is not imported',
    );
  });
});

describe("Fidelity history, per-account and Dec-2025 layouts", () => {
  it("takes the account from the file name when there is no Account column", () => {
    const statement = parsed(
      fixture("History_for_Account_Z12345678.csv"),
      "History_for_Account_Z12345678.csv",
    );
    expect(rows(statement)).toEqual([
      ["Z12345678", "BUY", "2023-02-01", "FXAIX", "5.123", "146.4", "-750.01", null],
      ["Z12345678", "INTEREST", "2023-02-03", "QPIFQ", null, null, "0.87", null],
      ["Z12345678", "DEPOSIT", "2023-01-31", null, null, null, "250", null],
      ["Z12345678", "WITHDRAWAL", "2023-01-30", null, null, null, "-84.12", null],
    ]);
    expect(statement.accounts[0]?.asOf).toBe("2023-02-05T15:28:00.000Z");
  });

  it("reads the Description/Type/Cash Balance variant; shares transferred in are a TRANSFER_IN", () => {
    const statement = parsed(
      fixture("History_for_Account_Y55555555.csv"),
      "History_for_Account_Y55555555.csv",
    );
    expect(rows(statement)).toEqual([
      ["Y55555555", "SELL", "2024-04-03", "MSFT", "-3", "420", "1259.97", "0.03"],
      ["Y55555555", "DIVIDEND", "2024-04-01", "MSFT", null, null, "2.25", null],
      ["Y55555555", "TRANSFER_IN", "2024-03-28", "VOO", "2", null, "0", null],
    ]);
    expect(statement.warnings).toEqual([
      { line: 4, message: 'Settlement Date "Processing" is not a date; left empty' },
    ]);
  });

  it("reads the Dec-2025 layout by Account Number, with plain numbers", () => {
    const statement = parsed(fixture("Accounts_History_2025-12.csv"), "Accounts_History.csv");
    expect(rows(statement)).toEqual([
      ["Z77777777", "BUY", "2025-12-02", "IEFA", "12", "80.25", "-963", null],
      ["Z77777777", "DIVIDEND", "2025-12-01", "IEFA", null, null, "41.5", null],
      ["Z77777777", "WITHDRAWAL", "2025-11-25", null, null, null, "-500", null],
      ["Z88888888", "FEE", "2025-11-28", "IEFA", null, null, "-4.15", null],
      ["Z88888888", "SELL", "2025-11-20", "IEFA", "-10", "79.9", "798.98", "0.02"],
    ]);
  });
});

describe("Fidelity history: refusals", () => {
  it("refuses a file whose account is neither in a column nor in its name", () => {
    expect(
      refused(`${HEADER}\n01/02/2024,CHECK RECEIVED (Cash),,No Description,Cash,,,,,,5,\n`, "history.csv"),
    ).toMatchObject({
      line: 2,
      field: "Account",
    });
  });

  it("refuses amounts in another currency, a trade with no quantity, and a file where nothing can be imported", () => {
    const dec2025 =
      "Run Date,Account,Account Number,Action,Symbol,Description,Type,Currency,Price,Quantity,Amount";
    expect(
      refused(`${dec2025}\n12/02/2025,Ind,Z1,YOU BOUGHT X (X) (Cash),X,X,Cash,CAD,1,1,-1\n`, "a.csv"),
    ).toMatchObject({
      line: 2,
      field: "Currency",
      message: "line 2: amounts in CAD are not supported (USD only)",
    });
    expect(
      refused(`${dec2025}\n12/02/2025,Ind,Z1,YOU BOUGHT X (X) (Cash),X,X,Cash,USD,1,,-1\n`, "a.csv"),
    ).toMatchObject({
      line: 2,
      field: "Quantity",
    });
    expect(
      refused(`${dec2025}\n12/02/2025,Ind,Z1,STOCK SPLIT X (X),X,X,Cash,USD,,5,0\n`, "a.csv").message,
    ).toMatch(/no row of the history could be imported/);
  });

  it("classifies actions by their longest known prefix", () => {
    expect(classifyAction(" MARGIN INTEREST CHARGED")).toEqual({ kind: "type", type: "INTEREST" });
    expect(classifyAction("REINVESTMENT FIDELITY GOVERNMENT MONEY MARKET (SPAXX) (Cash)")).toEqual({
      kind: "type",
      type: "DIVIDEND_REINVEST",
    });
    expect(classifyAction("TRANSFERRED TO 444444444 (Cash)")?.kind).toBe("cash-or-securities");
    expect(classifyAction("SOMETHING ELSE")).toBeNull();
  });
});
