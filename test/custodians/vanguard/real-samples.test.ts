// The real Vanguard samples in ../shared/custodian-samples/vanguard (reference data, never copied
// into the project). Runs only where that folder exists.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Statement } from "../../../src/custodians/statement.ts";
import { VANGUARD_PARSERS } from "../../../src/custodians/vanguard/parsers.ts";

const SAMPLES = join(import.meta.dirname, "../../../../shared/custodian-samples/vanguard");

function read(name: string): Statement {
  const text = readFileSync(join(SAMPLES, name), "utf8");
  const claimed = VANGUARD_PARSERS.filter((parser) => parser.detect(text, name));
  expect(claimed.map((parser) => parser.format)).toEqual(["vanguard.ofx"]);
  const result = claimed[0]?.parse(text, name);
  if (!result?.ok) throw new Error(`${name}: ${JSON.stringify(result?.error)}`);
  return result.value;
}

describe.skipIf(!existsSync(SAMPLES))("real Vanguard samples (../shared/custodian-samples/vanguard)", () => {
  it("OfxDownload-401k.qfx: one fund by plan code, two contributions, a unit-paid fee; the source move dropped", () => {
    const statement = read("OfxDownload-401k.qfx");
    const [account] = statement.accounts;
    expect(account).toMatchObject({ accountRef: "444555", asOf: "2023-05-26T21:00:00.000Z", cash: "0" });
    expect(account?.positions.map((p) => [p.instrument.cusip, p.quantity, p.marketValue])).toEqual([
      ["VGI007743", "113.718", "13385.75"],
    ]);
    expect(account?.transactions.map((t) => [t.type, t.tradeDate, t.quantity, t.amount])).toEqual([
      ["BUY", "2023-01-06", "10.16089", "-1135.48"],
      ["BUY", "2023-01-20", "5.58049", "-641.92"],
      ["FEE", "2023-03-07", "-0.000349", null],
    ]);
    expect(statement.warnings).toHaveLength(2);
  });

  it("vanguard.ofx: a bare-date DTASOF, one sale, and two entries for one CUSIP merged", () => {
    const statement = read("vanguard.ofx");
    const [account] = statement.accounts;
    expect(account).toMatchObject({
      accountRef: "01234567890",
      asOf: "2011-07-27T04:00:00.000Z",
      cash: null,
    });
    expect(
      account?.positions.map((p) => [p.instrument.symbol, p.instrument.cusip, p.quantity, p.marketValue]),
    ).toEqual([[null, "012345678", "244.2", "24479.72"]]);
    expect(account?.transactions).toMatchObject([
      { type: "SELL", tradeDate: "2011-07-15", quantity: "-42.123", price: "100", amount: "4212.3" },
    ]);
    // The SECLIST gives the CUSIP two tickers (VFINX, VFIAX): no ticker is guessed.
    expect(statement.warnings.map((w) => w.message)[0]).toMatch(
      /more than once with different tickers \(VFINX, VFIAX\)/,
    );
    expect(statement.warnings).toHaveLength(3);
  });
});
