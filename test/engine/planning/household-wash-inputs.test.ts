// The household's purchases and realised losses as the wash-sale check reads them.
import { describe, expect, it } from "vitest";
import { Decimal } from "../../../src/domain/decimal.ts";
import { isoDate } from "../../../src/domain/iso-date.ts";
import { knownAcquisitions, realisedLosses } from "../../../src/engine/planning/household-wash-inputs.ts";
import { demoHousehold } from "../../support/demo-household.ts";

describe("household wash-sale inputs", () => {
  it("alvarez-recent-itot-loss-is-a-realised-loss; its purchases are acquisitions", () => {
    const book = demoHousehold("hh-alvarez");
    expect(realisedLosses(book)).toEqual([
      expect.objectContaining({ symbol: "ITOT", date: "2026-10-30", loss: new Decimal("1120") }),
    ]);
    expect(knownAcquisitions(book).map((a) => a.symbol)).toContain("ITOT");
    expect(knownAcquisitions(book).every((a) => a.kind === "buy" || a.kind === "dividend-reinvest")).toBe(
      true,
    );
  });

  it("gains, pending sales and unknown securities are handled", () => {
    const book = demoHousehold("hh-okafor");
    const sale = (id: string, gain: string, status: "settled" | "pending", securityId = "sec-vti") => ({
      id,
      accountId: "acct-okafor-vanguard-taxable",
      securityId,
      kind: "sell" as const,
      status,
      tradeDate: isoDate("2026-11-10"),
      quantity: new Decimal(1),
      realizedGainLoss: new Decimal(gain),
    });
    const withSales = {
      ...book,
      transactions: [
        sale("gain", "50", "settled"),
        sale("pending", "-50", "pending"),
        sale("mystery", "-10", "settled", "sec-unknown"),
      ],
    };
    expect(realisedLosses(withSales).map((l) => [l.txId, l.symbol])).toEqual([["mystery", "sec-unknown"]]);
  });
});
