// Fidelity OFX: the shared OFX reader with Fidelity's free-text quirks (REINVESTMENT memos on BUYs,
// interest and fees as bank transactions), zero-padded numbers and padded BUYTYPE values.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fidelityOfxParser } from "../../../src/custodians/fidelity/fidelity-ofx.ts";
import { ofxParser } from "../../../src/custodians/ofx/ofx-parser.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/custodians");
const text = readFileSync(join(FIXTURES, "fidelity/fidelity-Z11111111.ofx"), "utf8");

describe("Fidelity OFX", () => {
  const result = fidelityOfxParser.parse(text, "Fidelity.ofx");
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  const statement = result.value;
  const account = statement.accounts[0];

  it("is claimed by the Fidelity adapter, not the generic one", () => {
    expect(fidelityOfxParser.detect(text, "Fidelity.ofx")).toBe(true);
    expect(ofxParser.detect(text, "Fidelity.ofx")).toBe(false);
    expect(statement).toMatchObject({ custodian: "fidelity", format: "fidelity.ofx" });
  });

  it("reads zero-padded signed numbers exactly and the statement time from DTASOF", () => {
    expect(account).toMatchObject({
      accountRef: "Z11111111",
      asOf: "2024-03-15T07:30:00.000Z",
      cash: "11111.17",
    });
    expect(account?.transactions[0]).toMatchObject({
      externalId: "Z1111111120240205001",
      type: "BUY",
      rawAction: "BUYSTOCK BUY (YOU BOUGHT)",
      tradeDate: "2024-02-05",
      settleDate: "2024-02-07",
      instrument: { symbol: "AAPL", cusip: "037833100", description: "APPLE INC" },
      quantity: "50",
      price: "187.68",
      amount: "-9384.04",
      fees: "0.04",
    });
  });

  it("reclassifies reinvestments, interest and fees from Fidelity's free text", () => {
    expect(account?.transactions.map((t) => [t.type, t.rawAction, t.amount])).toEqual([
      ["BUY", "BUYSTOCK BUY (YOU BOUGHT)", "-9384.04"],
      ["DIVIDEND", "INCOME DIV (DIVIDEND RECEIVED)", "20"],
      ["DIVIDEND_REINVEST", "BUYMF BUY (REINVESTMENT)", "-20"],
      ["SELL", "SELLSTOCK SELL (YOU SOLD)", "574.98"],
      ["INTEREST", "INVBANKTRAN DEP (INTEREST EARNED)", "1.23"],
      ["FEE", "INVBANKTRAN OTHER (WIRE FEE)", "-0.5"],
      ["DEPOSIT", "INVBANKTRAN DEP (DIRECT DEPOSIT)", "1000"],
    ]);
  });

  it("keeps positions (AVGCOSTBASIS as a total) and leaves options out with warnings", () => {
    expect(
      account?.positions.map((p) => [p.instrument.symbol, p.quantity, p.marketValue, p.costBasis]),
    ).toEqual([
      ["AAPL", "120", "20700", null],
      ["VXUS", "250.5", "14554.05", "14999.94"],
      ["VTI", "40.081", "9819.85", null],
    ]);
    expect(statement.warnings.map((warning) => warning.message)).toEqual([
      "an option position (POSOPT) is not imported: options are not supported",
      "BUYOPT is not imported: options are not supported",
    ]);
  });

  it("generic OFX would read the same file without the quirks", () => {
    const generic = ofxParser.parse(text, "Fidelity.ofx");
    if (!generic.ok) throw new Error(JSON.stringify(generic.error));
    expect(generic.value.accounts[0]?.transactions.map((t) => t.type)).toEqual([
      "BUY",
      "DIVIDEND",
      "BUY",
      "SELL",
      "DEPOSIT",
      "WITHDRAWAL",
      "DEPOSIT",
    ]);
  });
});
