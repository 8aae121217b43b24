// Vanguard OfxDownload.csv (assumed layout, see src/custodians/vanguard/vanguard-csv.ts): holdings
// blocks then transactions, the settlement fund as cash, both date formats, header aliases,
// direction from Transaction Type.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { ImportError, Statement } from "../../../src/custodians/statement.ts";
import { vanguardCsvParser } from "../../../src/custodians/vanguard/vanguard-csv.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/custodians/vanguard");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
const TX_HEADER =
  "Account Number,Trade Date,Settlement Date,Transaction Type,Transaction Description,Investment Name,Symbol,Shares,Share Price,Principal Amount,Commissions and Fees,Net Amount,Accrued Interest,Account Type,";

function parsed(text: string): Statement {
  const result = vanguardCsvParser.parse(text, "OfxDownload.csv");
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

function refused(text: string): ImportError {
  const result = vanguardCsvParser.parse(text, "OfxDownload.csv");
  if (result.ok) throw new Error("expected a refusal");
  return result.error;
}

describe("Vanguard CSV: holdings and transactions", () => {
  const statement = parsed(fixture("OfxDownload.csv"));
  const [brokerage, second] = statement.accounts;

  it("reads one holdings block per account; the settlement fund (VMFXX) is the cash", () => {
    expect(statement).toMatchObject({ custodian: "vanguard", format: "vanguard.csv" });
    expect(brokerage?.accountRef).toBe("12345678");
    expect(brokerage?.cash).toBe("1520.33");
    expect(
      brokerage?.positions.map((p) => [p.instrument.symbol, p.quantity, p.price, p.marketValue, p.costBasis]),
    ).toEqual([
      ["VTI", "55.5", "220.14", "12217.77", null],
      ["BND", "100", "72.05", "7205", null],
    ]);
    expect(second?.cash).toBe("10");
    expect(second?.positions[0]).toMatchObject({ instrument: { symbol: "VFIAX" }, quantity: "12.3456" });
  });

  it("takes direction from Transaction Type; an Exchange by its cash; settlement-fund income has no security", () => {
    expect(
      brokerage?.transactions.map((t) => [
        t.type,
        t.tradeDate,
        t.instrument?.symbol ?? null,
        t.quantity,
        t.amount,
        t.fees,
      ]),
    ).toEqual([
      ["BUY", "2022-09-26", "VTI", "5.5", "-1000.01", "0"],
      ["SELL", "2022-09-20", "BND", "-10", "724.98", "0.02"],
      ["DIVIDEND", "2022-09-30", "VTI", null, "18.22", "0"],
      ["DIVIDEND_REINVEST", "2022-09-30", "VTI", "0.1", "-18.22", "0"],
      ["DEPOSIT", "2022-09-01", null, null, "2500", "0"],
      ["DIVIDEND", "2022-09-30", null, null, "3.05", "0"],
    ]);
    expect(second?.transactions.map((t) => [t.type, t.quantity, t.price, t.amount, t.rawAction])).toEqual([
      ["DIVIDEND", null, null, "12.5", "Capital gain (LT): Long-Term Capital Gain"],
      ["BUY", "1.2345", "405", "-499.97", "Exchange: Exchange To VFIAX"],
      ["TRANSFER_IN", "2", "406", "0", "Transfer (incoming): Transfer Of Shares"],
    ]);
  });

  it("warns about sweeps, unknown types, and the missing as-of time", () => {
    expect(statement.warnings).toEqual([
      {
        line: 17,
        message: '"Sweep out" (a sweep out of the settlement fund, which is cash) is not imported',
      },
      { line: 23, message: '"Stock split" (a split) is not imported' },
      {
        line: null,
        message: "a Vanguard CSV does not say when it was downloaded: the holdings have no as-of time",
      },
    ]);
  });
});

describe("Vanguard CSV: 2024 style and the older 529 layout", () => {
  it("reads ISO dates, 'Commission Fees' and an 'Investment Type' column without warnings", () => {
    const statement = parsed(fixture("OfxDownload-2024.csv"));
    expect(
      statement.accounts[0]?.transactions.map((t) => [t.type, t.tradeDate, t.settleDate, t.amount]),
    ).toEqual([
      ["BUY", "2024-02-01", "2024-02-02", "-580.2"],
      ["FEE", "2024-01-15", "2024-01-15", "-20"],
      ["WITHDRAWAL", "2024-01-10", "2024-01-10", "-1000"],
    ]);
    expect(statement.warnings).toEqual([]);
  });

  it("recognises the older 529 layout (no Symbol) and refuses it precisely", () => {
    const text =
      "Fund Account Number,Fund Name,Price,Shares,Total Value\n0123-4567,Vanguard 529 Growth,31.50,10,315\n";
    expect(vanguardCsvParser.detect(text, "OfxDownload.csv")).toBe(true);
    expect(refused(text)).toMatchObject({ line: 1, field: "Symbol" });
    expect(refused(text).message).toMatch(/no Symbol column \(the older 529-plan layout\)/);
  });

  it("warns about unknown columns", () => {
    const statement = parsed(
      `${TX_HEADER}Memo,\n1,01/02/2024,01/02/2024,Dividend,Dividend,X FUND,XFUND,0,0,1,0,1,0,CASH,hello,\n`,
    );
    expect(statement.warnings).toEqual([{ line: 1, message: 'unknown column "Memo" ignored' }]);
  });
});

describe("Vanguard CSV: refusals", () => {
  it("refuses rows before any header, a trade with no shares, and an Exchange with neither shares nor cash", () => {
    expect(refused(`hello\n${TX_HEADER}\n`)).toMatchObject({ line: 1 });
    expect(
      refused(`${TX_HEADER}\n1,01/02/2024,01/02/2024,Buy,Buy,X FUND,XFUND,0,1,-1,0,-1,0,CASH,\n`),
    ).toMatchObject({
      line: 2,
      field: "Shares",
    });
    expect(
      refused(`${TX_HEADER}\n1,01/02/2024,01/02/2024,Exchange,Exchange,X FUND,XFUND,0,1,0,0,0,0,CASH,\n`)
        .message,
    ).toMatch(/an Exchange with neither shares nor amount/);
  });

  it("refuses a file with nothing importable", () => {
    expect(
      refused(
        `${TX_HEADER}\n1,01/02/2024,01/02/2024,Sweep in,Sweep,VANGUARD FEDERAL MONEY MARKET FUND,VMFXX,5,1,5,0,5,0,CASH,\n`,
      ).message,
    ).toBe("the file has no holdings or transactions that can be imported");
  });
});
