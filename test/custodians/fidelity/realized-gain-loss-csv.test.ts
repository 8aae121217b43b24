// Fidelity realised gain/loss CSV: closed lots of one security sold on one day become one SELL
// carrying the reported gain or loss; the account comes from the file name.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fidelityRealizedGainLossCsvParser } from "../../../src/custodians/fidelity/realized-gain-loss-csv.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/custodians/fidelity");
const NAME = "Realized_Gain_Loss_Account_Z12345678.csv";
const HEADER =
  "Symbol(CUSIP),Security Description,Quantity,Date Acquired,Date Sold,Proceeds,Cost Basis,Short Term Gain/Loss,Long Term Gain/Loss";

describe("Fidelity realised gain/loss CSV", () => {
  it("sums the lots of each sale, and their short- and long-term gains", () => {
    const result = fidelityRealizedGainLossCsvParser.parse(readFileSync(join(FIXTURES, NAME), "utf8"), NAME);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.value.accounts).toEqual([
      {
        accountRef: "Z12345678",
        asOf: null,
        cash: null,
        positions: [],
        lots: [],
        transactions: [
          {
            externalId: null,
            type: "SELL",
            rawAction: "Realized Gain/Loss",
            tradeDate: "2023-06-15",
            settleDate: null,
            instrument: {
              symbol: "VTI",
              cusip: "922908769",
              description: "VANGUARD INDEX FDS TOTAL STK MKT ETF",
            },
            quantity: "-15",
            price: null,
            amount: "3225",
            fees: null,
            realizedGainLoss: "825",
            line: 2,
          },
          {
            externalId: null,
            type: "SELL",
            rawAction: "Realized Gain/Loss",
            tradeDate: "2023-07-01",
            settleDate: null,
            instrument: {
              symbol: "VXUS",
              cusip: "921909768",
              description: "VANGUARD STAR FDS TOTAL INTL STK ETF",
            },
            quantity: "-20",
            price: null,
            amount: "1100",
            fees: null,
            realizedGainLoss: "-150.5",
            line: 4,
          },
        ],
      },
    ]);
  });

  it("falls back to proceeds minus basis, and drops a CUSIP that fails its check digit (with a warning)", () => {
    const text = `${HEADER}\nABC(123456789),ABC CORP,2,01/02/2020,02/03/2024,"$30.00 ","$20.00 ",--,--\n`;
    const result = fidelityRealizedGainLossCsvParser.parse(text, NAME);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.value.accounts[0]?.transactions[0]).toMatchObject({
      instrument: { symbol: "ABC", cusip: null },
      realizedGainLoss: "10",
    });
    expect(result.value.warnings).toEqual([
      { line: 2, message: "123456789 (for ABC) fails the CUSIP check digit; only the symbol is kept" },
    ]);
  });

  it("refuses a file whose name does not carry the account, and a bad acquisition date", () => {
    const row = `${HEADER}\nVTI(922908769),VTI,1,01/02/2020,02/03/2024,$1.00,$1.00,$0.00,$0.00\n`;
    const unnamed = fidelityRealizedGainLossCsvParser.parse(row, "gains.csv");
    expect(unnamed.ok ? null : unnamed.error.message).toMatch(/account is not in the file name/);
    const badDate = fidelityRealizedGainLossCsvParser.parse(row.replace("01/02/2020", "2020-01-02"), NAME);
    expect(badDate.ok ? null : badDate.error).toMatchObject({ line: 2, field: "Date Acquired" });
  });
});
