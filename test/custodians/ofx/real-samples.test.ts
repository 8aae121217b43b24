// The real generic OFX sample in ../shared/custodian-samples/ofx (reference data, never copied into
// the project). Runs only where that folder exists.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ofxParser } from "../../../src/custodians/ofx/ofx-parser.ts";

const SAMPLES = join(import.meta.dirname, "../../../../shared/custodian-samples/ofx");

describe.skipIf(!existsSync(SAMPLES))("real OFX samples (../shared/custodian-samples/ofx)", () => {
  it("td_ameritrade_invposlist.ofx: one account, a stock and a bond, no transactions", () => {
    const text = readFileSync(join(SAMPLES, "td_ameritrade_invposlist.ofx"), "utf8");
    expect(ofxParser.detect(text, "td_ameritrade_invposlist.ofx")).toBe(true);
    const result = ofxParser.parse(text, "td_ameritrade_invposlist.ofx");
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const [account] = result.value.accounts;
    expect(result.value.accounts).toHaveLength(1);
    expect(account).toMatchObject({
      accountRef: "121212121",
      asOf: "2017-12-03T17:12:12.000Z",
      cash: "0",
      transactions: [],
    });
    expect(
      account?.positions.map((p) => [p.instrument.symbol, p.instrument.cusip, p.quantity, p.marketValue]),
    ).toEqual([
      ["AMZN", "023135106", "1", "1000"],
      [null, "912810RW0", "1000", "1000"],
    ]);
    expect(result.value.warnings).toHaveLength(1);
  });
});
