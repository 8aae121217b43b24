// The pure pieces of the approval re-check: a plan's recorded settings read back exactly, and what
// counts as "the same trades".
import { describe, expect, it } from "vitest";
import { planSettingsOf } from "../../src/approval/plan-settings-of.ts";
import { sameTrades } from "../../src/approval/same-trades.ts";
import { Decimal } from "../../src/domain/decimal.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { DEFAULT_PLAN_SETTINGS, settingsRecord } from "../../src/engine/planning/draft-plan.ts";
import type { PlanTrade } from "../../src/engine/planning/plan.ts";

describe("planSettingsOf", () => {
  it("reads back the settings a plan records, gain budget included", () => {
    const custom = {
      ...DEFAULT_PLAN_SETTINGS,
      shortTermGains: "never" as const,
      gainBudget: { limit: new Decimal("20000"), mode: "soft" as const },
      minTradeAmount: new Decimal("250.5"),
      harvestWhenInBand: true,
    };
    for (const settings of [DEFAULT_PLAN_SETTINGS, custom]) {
      const read = planSettingsOf(settingsRecord(settings));
      expect(read && settingsRecord(read)).toEqual(settingsRecord(settings));
    }
  });

  it("gives null for a record it cannot read in full", () => {
    const record = settingsRecord(DEFAULT_PLAN_SETTINGS);
    expect(planSettingsOf({ ...record, minLossAmount: "lots" })).toBeNull();
    expect(planSettingsOf({ ...record, shortTermGains: "sometimes" })).toBeNull();
    expect(planSettingsOf({ ...record, gainBudgetLimit: "100", gainBudgetMode: null })).toBeNull();
  });
});

describe("sameTrades", () => {
  const trade = (overrides: Partial<PlanTrade> = {}): PlanTrade => ({
    index: 0,
    accountId: "acct-a",
    accountName: "A",
    taxable: true,
    side: "sell",
    securityId: "sec-vti",
    symbol: "VTI",
    assetClassId: "us_equity",
    quantity: "10.50",
    price: "300.00",
    amount: "3150.00",
    purposes: ["rebalance"],
    lots: [
      {
        lotKey: "lot-1",
        acquiredDate: isoDate("2020-01-02"),
        quantity: "10.5",
        basis: "1000.00",
        proceeds: "3150.00",
        gainLoss: "2150.00",
        term: "long",
      },
    ],
    realized: { shortTerm: "0.00", longTerm: "2150.00" },
    replaces: null,
    ...overrides,
  });

  it("ignores prices, amounts, order and how a quantity is written", () => {
    const buy = trade({ index: 1, side: "buy", securityId: "sec-bnd", symbol: "BND", lots: [] });
    expect(
      sameTrades([trade(), buy], [{ ...buy, index: 0 }, trade({ index: 1, quantity: "10.5", price: "301" })]),
    ).toBe(true);
  });

  it("sees another quantity, side, account, security, lot or number of trades", () => {
    const [lot] = trade().lots;
    for (const changed of [
      trade({ quantity: "11" }),
      trade({ side: "buy" }),
      trade({ accountId: "acct-b" }),
      trade({ securityId: "sec-itot" }),
      trade({ lots: lot ? [{ ...lot, lotKey: "lot-2" }] : [] }),
      trade({ lots: lot ? [{ ...lot, quantity: "10" }] : [] }),
    ]) {
      expect(sameTrades([trade()], [changed])).toBe(false);
    }
    expect(sameTrades([trade()], [])).toBe(false);
  });
});
