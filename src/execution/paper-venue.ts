// The paper custodian (the demo's default venue): every order fills at once, completely, at the
// account's latest snapshot price for the security (its latest quote when the snapshot has none),
// and the fill becomes the account's next snapshot and its transactions (apply-fill.ts). Limit
// orders fill only at or better than the limit.

import { marketDate } from "../domain/market-date.ts";
import type { FillPrices, TradingVenue, VenueFill } from "../ports/trading-venue.ts";
import { applyFill } from "./apply-fill.ts";

export function createPaperVenue(options: { prices: FillPrices }): TradingVenue {
  return {
    name: "paper",
    async submit(order, { now }) {
      const symbol = order.security.symbol;
      const quote = await options.prices.fillPrice(order.account.id, order.security.id);
      if (!quote) return { kind: "rejected", reason: `the paper custodian has no price for ${symbol}` };
      const { limitPrice } = order;
      const outsideLimit =
        limitPrice !== null &&
        (order.side === "buy" ? quote.price.greaterThan(limitPrice) : quote.price.lessThan(limitPrice));
      if (outsideLimit) {
        return {
          kind: "rejected",
          reason: `${symbol} is at ${quote.price}, outside the limit of ${limitPrice} (paper orders do not rest)`,
        };
      }
      const id = `paper:${order.id}`;
      const fill: VenueFill = {
        externalId: id,
        quantity: order.quantity,
        price: quote.price,
        filledAt: now,
        tradeDate: marketDate(now),
      };
      return {
        kind: "filled",
        custodianOrderId: id,
        fills: [fill],
        updateBook: (book) => applyFill(book, order, fill, "paper"),
        message: `${order.side === "buy" ? "Bought" : "Sold"} ${order.quantity} ${symbol} at ${quote.price} (paper custodian, ${quote.source} price)`,
      };
    },
  };
}
