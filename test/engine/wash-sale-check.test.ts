// Pre-trade household wash-sale check (IRC §1091; Pub 550; Rev. Rul. 2008-5).
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/domain/decimal.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import {
  checkWashSales,
  type KnownAcquisition,
  type ProposedTrade,
  type RealisedLoss,
} from "../../src/engine/wash-sale-check.ts";

const d = (v: string) => new Decimal(v);
const accounts = new Map([
  ["david-taxable", { id: "david-taxable", taxable: true }],
  ["mei-ira", { id: "mei-ira", taxable: false }],
  ["david-401k", { id: "david-401k", taxable: false }],
  ["joint", { id: "joint", taxable: true }],
]);
const FAMILIES: Record<string, string> = {
  VOO: "sp500",
  IVV: "sp500",
  SPY: "sp500",
  VTI: "crsp",
  VTSAX: "crsp",
};
const familyOf = (symbol: string) => FAMILIES[symbol] ?? symbol;
const TODAY = isoDate("2026-11-20");

function check(options: {
  acquisitions?: KnownAcquisition[];
  losses?: RealisedLoss[];
  trades: ProposedTrade[];
}) {
  return checkWashSales({
    tradeDate: TODAY,
    accounts,
    familyOf,
    acquisitions: options.acquisitions ?? [],
    realisedLosses: options.losses ?? [],
    trades: options.trades,
  });
}

const sellVooAtLoss: ProposedTrade = {
  accountId: "david-taxable",
  symbol: "VOO",
  side: "sell",
  quantity: d("60"),
  expectedGainLoss: d("-2472.00"),
};

function buy(
  partial: Omit<Partial<KnownAcquisition>, "date"> & { txId: string; date: string },
): KnownAcquisition {
  return {
    accountId: "mei-ira",
    symbol: "IVV",
    status: "settled",
    quantity: d("20"),
    kind: "buy",
    ...partial,
    date: isoDate(partial.date),
  };
}

describe("checkWashSales: proposed sales at a loss", () => {
  it("is blocked by the spouse's IRA buying a same-index fund 14 days ago, safe 31 days after that purchase", () => {
    const [conflict, ...rest] = check({
      acquisitions: [buy({ txId: "tx-ivv", date: "2026-11-06" })],
      trades: [sellVooAtLoss],
    });
    expect(rest).toEqual([]);
    expect(conflict).toMatchObject({
      code: "wash.purchase-in-lookback",
      tradeIndex: 0,
      with: { txId: "tx-ivv", accountId: "mei-ira", symbol: "IVV", date: "2026-11-06", permanent: true },
      safeFrom: "2026-12-07",
    });
    expect(conflict?.message).toContain("lost for good");
  });

  it.each([
    ["2026-10-21", true, "30 days before"],
    ["2026-10-20", false, "31 days before"],
  ])("counts a purchase on %s (%s, %s)", (date, blocked) => {
    expect(check({ acquisitions: [buy({ txId: "b", date })], trades: [sellVooAtLoss] }).length > 0).toBe(
      blocked,
    );
  });

  it("is blocked by scheduled investments in the next 30 days; the safe date clears every one of them", () => {
    const conflicts = check({
      acquisitions: [
        buy({
          txId: "s1",
          date: "2026-11-25",
          status: "scheduled",
          accountId: "david-401k",
          symbol: "VTSAX",
          quantity: null,
        }),
        buy({
          txId: "s2",
          date: "2026-12-09",
          status: "scheduled",
          accountId: "david-401k",
          symbol: "VTSAX",
          quantity: null,
        }),
        buy({
          txId: "s3",
          date: "2027-02-01",
          status: "scheduled",
          accountId: "david-401k",
          symbol: "VTSAX",
          quantity: null,
        }),
      ],
      trades: [{ ...sellVooAtLoss, symbol: "VTI" }],
    });
    // 2026-12-09 + 31 = 2027-01-09, but s3 (2027-02-01) is inside that day's window: 2027-03-04.
    expect(conflicts.map((c) => [c.code, c.with.txId, c.safeFrom])).toEqual([
      ["wash.scheduled-investment", "s1", "2027-03-04"],
      ["wash.scheduled-investment", "s2", "2027-03-04"],
    ]);
  });

  it("is blocked by a pending order whatever its date, and names a dividend reinvestment as such", () => {
    const conflicts = check({
      acquisitions: [
        buy({ txId: "p1", date: "2026-09-01", status: "pending", accountId: "joint", symbol: "SPY" }),
        buy({
          txId: "r1",
          date: "2026-11-10",
          kind: "dividend-reinvest",
          accountId: "joint",
          symbol: "VOO",
          quantity: d("1.843"),
        }),
      ],
      trades: [sellVooAtLoss],
    });
    expect(conflicts.map((c) => [c.code, c.safeFrom])).toEqual([
      ["wash.pending-order", "2026-12-21"],
      ["wash.dividend-reinvestment", "2026-12-21"],
    ]);
  });

  it("does not count the purchase of the very lot being sold, not even its unsold rest (Rev. Rul. 56-602)", () => {
    const own = buy({
      txId: "own",
      date: "2026-11-01",
      accountId: "david-taxable",
      symbol: "VOO",
      quantity: d("60"),
      lotKey: "L-new",
    });
    const sellAll = { ...sellVooAtLoss, lots: [{ lotKey: "L-new", quantity: d("60") }] };
    expect(check({ acquisitions: [own], trades: [sellAll] })).toEqual([]);
    const sellPart = { ...sellVooAtLoss, quantity: d("40"), lots: [{ lotKey: "L-new", quantity: d("40") }] };
    expect(check({ acquisitions: [own], trades: [sellPart] })).toEqual([]);
  });

  it("ignores gains, sales in tax-advantaged accounts, and other families", () => {
    const acquisitions = [buy({ txId: "b", date: "2026-11-06" })];
    expect(check({ acquisitions, trades: [{ ...sellVooAtLoss, expectedGainLoss: d("100") }] })).toEqual([]);
    expect(check({ acquisitions, trades: [{ ...sellVooAtLoss, accountId: "mei-ira" }] })).toEqual([]);
    expect(check({ acquisitions, trades: [{ ...sellVooAtLoss, symbol: "VTI" }] })).toEqual([]);
  });

  it("treats an unknown gain or loss as a possible loss (conservative)", () => {
    const trades = [{ ...sellVooAtLoss, expectedGainLoss: null }];
    expect(check({ acquisitions: [buy({ txId: "b", date: "2026-11-06" })], trades })).toHaveLength(1);
  });

  it("is blocked by the plan's own buy of a substantially identical fund", () => {
    const conflicts = check({
      trades: [sellVooAtLoss, { accountId: "joint", symbol: "IVV", side: "buy", quantity: d("50") }],
    });
    expect(conflicts.map((c) => [c.tradeIndex, c.code, c.with.tradeIndex, c.safeFrom])).toEqual([
      [0, "wash.buy-in-plan", 1, null],
      [1, "wash.loss-in-plan", 0, "2026-12-21"],
    ]);
  });

  it("a pending order, counted as filling today, holds back the safe date of every other conflict", () => {
    const conflicts = check({
      acquisitions: [
        buy({ txId: "b1", date: "2026-11-01" }),
        buy({ txId: "p1", date: "2026-11-19", status: "pending", accountId: "joint", symbol: "SPY" }),
      ],
      trades: [sellVooAtLoss],
    });
    expect(conflicts.map((c) => [c.with.txId, c.safeFrom])).toEqual([
      ["b1", "2026-12-21"],
      ["p1", "2026-12-21"],
    ]);
  });
});

describe("checkWashSales: proposed buys", () => {
  const itotLoss: RealisedLoss = {
    txId: "s-itot",
    accountId: "joint",
    symbol: "ITOT",
    date: isoDate("2026-10-30"),
    loss: d("1120"),
  };

  it("would wash a loss realised in the last 30 days on the same family, in any account", () => {
    const conflicts = check({
      losses: [itotLoss],
      trades: [{ accountId: "mei-ira", symbol: "ITOT", side: "buy", quantity: d("10") }],
    });
    expect(conflicts).toEqual([
      expect.objectContaining({
        code: "wash.recent-loss",
        safeFrom: "2026-11-30",
        with: expect.objectContaining({ permanent: true }),
      }),
    ]);
  });

  it("ignores losses older than 30 days, losses in IRAs, and other families", () => {
    const trades: ProposedTrade[] = [{ accountId: "joint", symbol: "ITOT", side: "buy", quantity: d("10") }];
    expect(check({ losses: [{ ...itotLoss, date: isoDate("2026-10-20") }], trades })).toEqual([]);
    expect(check({ losses: [{ ...itotLoss, accountId: "mei-ira" }], trades })).toEqual([]);
    expect(check({ losses: [{ ...itotLoss, symbol: "VTI" }], trades })).toEqual([]);
  });

  it("does not conflict with a gain or a tax-advantaged sale in the same plan", () => {
    const trades: ProposedTrade[] = [
      { ...sellVooAtLoss, expectedGainLoss: d("5") },
      { ...sellVooAtLoss, accountId: "mei-ira" },
      { accountId: "joint", symbol: "IVV", side: "buy", quantity: d("1") },
    ];
    expect(check({ trades }).filter((c) => c.side === "buy")).toEqual([]);
  });
});

describe("checkWashSales with an account it does not know", () => {
  it("treats the unknown account as tax-advantaged: a purchase there washes for good, a sale there is not checked", () => {
    const purchase = buy({ txId: "x", date: "2026-11-10", accountId: "held-elsewhere" });
    expect(check({ acquisitions: [purchase], trades: [sellVooAtLoss] })[0]?.with.permanent).toBe(true);
    expect(
      check({ acquisitions: [purchase], trades: [{ ...sellVooAtLoss, accountId: "held-elsewhere" }] }),
    ).toEqual([]);
  });
});
