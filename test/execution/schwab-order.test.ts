// The Schwab order body's edge rules, without a server.
import { describe, expect, it } from "vitest";
import { Decimal } from "../../src/domain/decimal.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import {
  clientOrderIdentifierOf,
  equityOrderItem,
  schwabAccountRefOf,
  toJsonWithDecimals,
} from "../../src/execution/schwab-order.ts";
import type { OrderAccount, VenueOrder } from "../../src/ports/trading-venue.ts";

const account: OrderAccount = {
  id: "acct-1",
  custodianId: "schwab",
  supportsSpecificLot: true,
  custodianRef: "8001234/34982732",
  accountNumberMasked: "****2732",
  taxable: true,
};
const ref = { masterAccount: "8001234", account: "34982732" };

function sell(overrides: Partial<VenueOrder> = {}): VenueOrder {
  return {
    id: "order-1",
    planId: "plan-1",
    idempotencyKey: "plan-1:0",
    attempt: 1,
    side: "sell",
    quantity: new Decimal("200"),
    limitPrice: null,
    security: { id: "sec-t", symbol: "T", cusip: null },
    account,
    lots: [
      {
        lotKey: "lot-t",
        quantity: new Decimal("200"),
        tradeDate: isoDate("2023-01-01"),
        heldQuantity: new Decimal("300"),
        costBasis: new Decimal("6942.00"),
      },
    ],
    custodianOrderId: null,
    createdAt: new Date("2026-11-20T20:00:00Z"),
    ...overrides,
  };
}

describe("Schwab order bodies", () => {
  it("the-same-idempotency-key-is-always-the-same-v4-guid", () => {
    const id = clientOrderIdentifierOf("plan-1:0");
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(clientOrderIdentifierOf("plan-1:0")).toBe(id);
    expect(clientOrderIdentifierOf("plan-1:1")).not.toBe(id);
    expect(clientOrderIdentifierOf("5D5F1010-5AEE-4B13-8839-F46BD7DC35EE")).toBe(
      "5d5f1010-5aee-4b13-8839-f46bd7dc35ee",
    );
  });

  it("a-sell-names-its-lots-versus-purchase-and-a-limit-goes-as-a-limit-order", () => {
    const item = equityOrderItem(sell({ limitPrice: new Decimal("23.14") }), ref);
    if (!item.ok) throw new Error(item.error);
    expect(JSON.parse(toJsonWithDecimals(item.value))).toMatchObject({
      masterAccount: 8001234,
      account: 34982732,
      quantity: 200,
      transactionType: {
        type: "Sell",
        taxLot: {
          taxLotMethod: "SpecificLot",
          taxLotInfoList: [{ purchaseDate: "2023-01-01", quantity: 200, purchasePrice: 23.14 }],
        },
      },
      orderType: { type: "Limit", limit: { duration: "Day", limitPrice: 23.14 } },
    });
  });

  it("a-sell-naming-no-lot-uses-the-account-default", () => {
    const item = equityOrderItem(sell({ lots: [] }), ref);
    expect(item.ok && item.value.transactionType).toEqual({ type: "Sell", taxLot: { taxLotMethod: "None" } });
  });

  it("refuses-what-schwab-cannot-express", () => {
    expect(equityOrderItem(sell({ quantity: new Decimal("1.123456") }), ref)).toMatchObject({ ok: false });
    const [lot] = sell().lots;
    if (!lot) throw new Error("no lot");
    expect(equityOrderItem(sell({ lots: [{ ...lot, costBasis: null }] }), ref)).toEqual({
      ok: false,
      error: "lot lot-t has no cost basis; Schwab identifies a lot by purchase date and price",
    });
    expect(
      equityOrderItem(sell({ lots: [{ ...lot, tradeDate: null, heldQuantity: null }] }), ref),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not in the account's latest holdings/),
    });
  });

  it("decimals-go-out-as-json-numbers-digit-for-digit", () => {
    expect(
      toJsonWithDecimals({
        a: new Decimal("0.1"),
        b: [new Decimal("123456789012.12345")],
        c: undefined,
        d: "x",
      }),
    ).toBe('{"a":0.1,"b":[123456789012.12345],"d":"x"}');
  });

  it("account-numbers-come-from-the-custodian-reference-else-a-stable-derivation", () => {
    expect(schwabAccountRefOf(account, null)).toEqual(ref);
    expect(schwabAccountRefOf({ ...account, custodianRef: "34982732" }, "8001234")).toEqual(ref);
    expect(schwabAccountRefOf({ ...account, custodianRef: "34982732" }, null)).toBeNull();
    expect(schwabAccountRefOf({ ...account, custodianRef: "ABCDEF0123" }, null)).toBeNull();
    const derived = schwabAccountRefOf({ ...account, custodianRef: null }, null);
    expect(derived?.account).toMatch(/^[1-9]\d{7}$/);
    expect(derived?.masterAccount).toMatch(/^[1-9]\d{6}$/);
    expect(schwabAccountRefOf({ ...account, custodianRef: null }, null)).toEqual(derived);
  });
});
