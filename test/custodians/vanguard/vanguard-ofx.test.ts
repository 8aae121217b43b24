// Vanguard OFX/QFX: a brokerage download (SGML, bare-date DTASOF, REINVEST) and a 401(k) plan
// (indented, INTU.* elements, money sources, a source move netted away, fees paid in units).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Statement } from "../../../src/custodians/statement.ts";
import { vanguardOfxParser } from "../../../src/custodians/vanguard/vanguard-ofx.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/custodians/vanguard");

function parsed(name: string): Statement {
  const result = vanguardOfxParser.parse(readFileSync(join(FIXTURES, name), "utf8"), name);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

describe("Vanguard brokerage QFX", () => {
  const statement = parsed("OfxDownload-brokerage.qfx");
  const account = statement.accounts[0];

  it("reads a bare-date DTASOF as New York midnight, and tickers from the SECLIST", () => {
    expect(statement).toMatchObject({ custodian: "vanguard", format: "vanguard.ofx", warnings: [] });
    expect(account).toMatchObject({
      accountRef: "99887766",
      asOf: "2024-06-28T04:00:00.000Z",
      cash: "448.06",
    });
    expect(
      account?.positions.map((p) => [p.instrument.symbol, p.instrument.cusip, p.quantity, p.price]),
    ).toEqual([
      ["VTI", "922908728", "108.373", "125"],
      ["BND", "921937827", "80", "72.5"],
    ]);
  });

  it("reads REINVEST as the dividend and the purchase it paid for", () => {
    expect(account?.transactions.map((t) => [t.externalId, t.type, t.quantity, t.amount])).toEqual([
      ["99887766.0001.06032024.0", "BUY", "8.123", "-999.94"],
      ["99887766.0002.06102024.0", "SELL", "-20", "1448"],
      ["99887766.0003.06282024.0.income", "DIVIDEND", null, "31.25"],
      ["99887766.0003.06282024.0", "DIVIDEND_REINVEST", "0.25", "-31.25"],
    ]);
  });
});

describe("Vanguard 401(k) QFX", () => {
  const statement = parsed("OfxDownload-401k.qfx");
  const account = statement.accounts[0];

  it("adds the money sources' holdings of one fund into one position; cash from INV401KBAL", () => {
    expect(account).toMatchObject({ accountRef: "777888", asOf: "2024-05-31T21:00:00.000Z", cash: "0" });
    expect(account?.positions).toEqual([
      {
        instrument: {
          symbol: null,
          cusip: "VGI001234",
          description: "Vanguard Target Retirement 2055 Trust",
        },
        quantity: "5.9875",
        price: "108",
        marketValue: "646.65",
        costBasis: null,
        line: 140,
      },
    ]);
  });

  it("drops the source move (TRANSFER OUT and IN) and imports the unit-paid expense as a FEE", () => {
    expect(account?.transactions.map((t) => [t.externalId, t.type, t.quantity, t.price, t.amount])).toEqual([
      ["K401-0001", "BUY", "4.5", "100.25", "-451.13"],
      ["K401-0002", "BUY", "1.5", "100.25", "-150.38"],
      ["K401-0005", "FEE", "-0.0125", "106.4", null],
    ]);
    expect(statement.warnings.map((w) => w.message)).toEqual([
      "VGI001234 is labelled CUSIP but fails the CUSIP check digit (an institution's own fund code?); it is kept as the identifier",
      "VGI001234 is listed more than once (sub-accounts); the holdings are added into one position",
      "a 401(k) money-source move of 1.5 units of VGI001234 on 2024-03-01 (TRANSFER OUT and IN) nets to zero and is not imported",
    ]);
  });
});
