// What a fill does to a book, on plain data.
import { describe, expect, it } from "vitest";
import { Decimal, ZERO } from "../../src/domain/decimal.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { applyFill, OrderNotFillableError } from "../../src/execution/apply-fill.ts";
import type { AccountBook, VenueFill, VenueOrder } from "../../src/ports/trading-venue.ts";

const d = (text: string) => new Decimal(text);
const book: AccountBook = {
  accountId: "acct-1",
  snapshotId: "snap-1",
  cash: d("1000.00"),
  positions: [
    { securityId: "sec-x", quantity: d("10"), reportedCostBasis: d("1000.00"), reportedPrice: null },
  ],
  lots: [
    {
      lotKey: "old",
      securityId: "sec-x",
      tradeDate: isoDate("2020-01-02"),
      acquiredDate: isoDate("2020-01-02"),
      quantity: d("3"),
      costBasis: d("100.00"),
      deferredWashLoss: d("10.00"),
    },
    {
      lotKey: "new",
      securityId: "sec-x",
      tradeDate: isoDate("2024-01-02"),
      acquiredDate: isoDate("2024-01-02"),
      quantity: d("7"),
      costBasis: d("900.00"),
      deferredWashLoss: ZERO,
    },
  ],
};
const order = (side: "buy" | "sell", quantity: string, lots: [string, string][] = []): VenueOrder => ({
  id: "order-9",
  planId: "plan-1",
  idempotencyKey: "plan-1:9",
  attempt: 1,
  side,
  quantity: d(quantity),
  limitPrice: null,
  security: { id: "sec-x", symbol: "X", cusip: null },
  account: {
    id: "acct-1",
    custodianId: "paper",
    supportsSpecificLot: true,
    custodianRef: null,
    accountNumberMasked: "****0001",
    taxable: true,
  },
  lots: lots.map(([lotKey, q]) => ({
    lotKey,
    quantity: d(q),
    tradeDate: null,
    heldQuantity: null,
    costBasis: null,
  })),
  custodianOrderId: null,
  createdAt: new Date("2026-11-20T20:00:00Z"),
});
const fill = (quantity: string, price: string): VenueFill => ({
  externalId: "paper:order-9",
  quantity: d(quantity),
  price: d(price),
  filledAt: new Date("2026-11-20T20:03:00Z"),
  tradeDate: isoDate("2026-11-20"),
});

describe("applying a fill", () => {
  it("a-partial-lot-keeps-its-pro-rata-basis-and-deferred-loss", () => {
    const change = applyFill(book, order("sell", "1", [["old", "1"]]), fill("1", "120"), "paper");
    expect(
      change.holdings?.lots.map((l) => [
        l.lotKey,
        l.quantity.toFixed(),
        l.costBasis?.toFixed(2),
        l.deferredWashLoss.toFixed(2),
      ]),
    ).toEqual([
      ["old", "2", "66.67", "6.67"],
      ["new", "7", "900.00", "0.00"],
    ]);
    expect(change.transactions.map((t) => [t.amount.toFixed(2), t.realizedGainLoss?.toFixed(2)])).toEqual([
      ["120.00", "86.67"],
    ]);
    expect(change.holdings?.cash.toFixed(2)).toBe("1120.00");
    expect(change.holdings?.positions[0]?.reportedCostBasis?.toFixed(2)).toBe("966.67");
  });

  it("proceeds-split-across-lots-add-up-to-the-cent", () => {
    const change = applyFill(
      book,
      order("sell", "10", [
        ["old", "3"],
        ["new", "7"],
      ]),
      fill("10", "33.333"),
      "paper",
    );
    expect(change.transactions.map((t) => t.amount.toFixed(2))).toEqual(["100.00", "233.33"]);
    expect(change.holdings?.cash.toFixed(2)).toBe("1333.33");
    expect(change.holdings?.positions).toEqual([]);
    expect(change.holdings?.lots).toEqual([]);
  });

  it("a-sell-naming-no-lot-relieves-the-oldest-first", () => {
    const change = applyFill(book, order("sell", "4"), fill("4", "100"), "paper");
    expect(change.transactions.map((t) => [t.lotKeys[0], t.quantity.toFixed()])).toEqual([
      ["old", "3"],
      ["new", "1"],
    ]);
  });

  it("a-buy-opens-a-lot-dated-the-trade-date", () => {
    const change = applyFill(book, order("buy", "2.5"), fill("2.5", "10.003"), "paper");
    expect(change.holdings?.lots.at(-1)).toMatchObject({
      lotKey: "lot-order-9",
      tradeDate: "2026-11-20",
      acquiredDate: "2026-11-20",
    });
    expect(change.holdings?.lots.at(-1)?.costBasis?.toFixed(2)).toBe("25.01");
    expect(change.holdings?.cash.toFixed(2)).toBe("974.99");
    expect(change.transactions[0]).toMatchObject({
      type: "buy",
      lotKeys: ["lot-order-9"],
      realizedGainLoss: null,
    });
  });

  it("a-book-that-cannot-take-the-fill-refuses-it", () => {
    expect(() => applyFill(book, order("sell", "4", [["old", "4"]]), fill("4", "1"), "paper")).toThrow(
      OrderNotFillableError,
    );
    expect(() => applyFill(book, order("sell", "1", [["gone", "1"]]), fill("1", "1"), "paper")).toThrow(
      /no longer held/,
    );
    expect(() => applyFill(book, order("sell", "2", [["old", "1"]]), fill("2", "1"), "paper")).toThrow(
      /add up to 1/,
    );
    expect(() => applyFill(book, order("sell", "11"), fill("11", "1"), "paper")).toThrow(
      OrderNotFillableError,
    );
  });
});
