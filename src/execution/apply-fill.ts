// What a complete fill does to an account's book: sells relieve the lots the plan named (a part of
// a lot keeps the rest of its basis, split pro rata to the cent as the tax-lot ledger does), buys
// open a new lot dated the trade date, cash moves by quantity x price to the cent, and each lot
// sold or bought becomes a transaction so later plans and wash-sale checks see it.
import { Decimal, toCents, ZERO } from "../domain/decimal.ts";
import {
  allocateCents,
  type Fixed,
  formatFixedPoint,
  parseFixed,
  proRataCents,
} from "../domain/fixed-point.ts";
import type {
  AccountBook,
  BookChange,
  BookLot,
  BookPosition,
  NewTransaction,
  VenueFill,
  VenueOrder,
} from "../ports/trading-venue.ts";

/** The book cannot take this fill (a named lot is gone, too few shares); the order is refused. */
export class OrderNotFillableError extends Error {
  override name = "OrderNotFillableError";
}

/** The key of the lot a buy opens. */
export function lotKeyOfBuy(orderId: string): string {
  return `lot-${orderId}`;
}

/** The paper custodian's change for `fill`, the whole order filled at once. */
export function applyFill(book: AccountBook, order: VenueOrder, fill: VenueFill, source: string): BookChange {
  if (!fill.quantity.equals(order.quantity)) {
    throw new OrderNotFillableError(
      `a fill of ${fill.quantity} does not complete an order for ${order.quantity}`,
    );
  }
  return order.side === "buy" ? applyBuy(book, order, fill, source) : applySell(book, order, fill, source);
}

/**
 * The transactions of a fill at a custodian that keeps the lots itself (its next sync brings
 * them): realised gains come from the lots as they were when the order was claimed.
 */
export function fillTransactions(order: VenueOrder, fill: VenueFill): NewTransaction[] {
  const value = toCents(fill.quantity.times(fill.price));
  if (order.side === "buy") return [buyTransaction(order, fill, value, [])];
  const named = order.lots.reduce((sum, lot) => sum.plus(lot.quantity), ZERO);
  if (order.lots.length === 0 || !named.equals(fill.quantity)) {
    return [sellTransaction(order, fill, fill.externalId, fill.quantity, value, [], null)];
  }
  const proceeds = allocate(
    value,
    order.lots.map((lot) => lot.quantity),
  );
  return order.lots.map((lot, i) => {
    const soldBasis =
      lot.heldQuantity === null || lot.costBasis === null
        ? null
        : proRata(lot.costBasis, lot.quantity, lot.heldQuantity);
    return sellTransaction(
      order,
      fill,
      `${fill.externalId}:${i + 1}:${lot.lotKey}`,
      lot.quantity,
      at(proceeds, i),
      [lot.lotKey],
      soldBasis,
    );
  });
}

function applyBuy(book: AccountBook, order: VenueOrder, fill: VenueFill, source: string): BookChange {
  const cost = toCents(fill.quantity.times(fill.price));
  const lotKey = lotKeyOfBuy(order.id);
  if (book.lots.some((lot) => lot.lotKey === lotKey)) {
    throw new OrderNotFillableError(`the book already holds ${lotKey}`);
  }
  const securityId = order.security.id;
  const held = book.positions.find((p) => p.securityId === securityId);
  const position: BookPosition = held
    ? {
        ...held,
        quantity: held.quantity.plus(fill.quantity),
        reportedCostBasis: held.reportedCostBasis?.plus(cost) ?? null,
      }
    : { securityId, quantity: fill.quantity, reportedCostBasis: cost, reportedPrice: null };
  const lot: BookLot = {
    lotKey,
    securityId,
    tradeDate: fill.tradeDate,
    acquiredDate: fill.tradeDate,
    quantity: fill.quantity,
    costBasis: cost,
    deferredWashLoss: ZERO,
  };
  return {
    holdings: {
      cash: book.cash.minus(cost),
      positions: replacePosition(book.positions, position),
      lots: [...book.lots, lot],
    },
    transactions: [buyTransaction(order, fill, cost, [lotKey])],
    source,
  };
}

function applySell(book: AccountBook, order: VenueOrder, fill: VenueFill, source: string): BookChange {
  const securityId = order.security.id;
  const symbol = order.security.symbol;
  const named =
    order.lots.length > 0
      ? order.lots.map((lot) => ({ lotKey: lot.lotKey, quantity: lot.quantity }))
      : firstInFirstOut(book.lots, securityId, fill.quantity);
  const total = named.reduce((sum, lot) => sum.plus(lot.quantity), ZERO);
  if (!total.equals(fill.quantity)) {
    throw new OrderNotFillableError(
      `the lots named add up to ${total} ${symbol}, the order is for ${fill.quantity}`,
    );
  }
  const held = book.positions.find((p) => p.securityId === securityId);
  if (!held || held.quantity.lessThan(fill.quantity)) {
    throw new OrderNotFillableError(
      `the account holds ${held?.quantity ?? 0} ${symbol}, fewer than ${fill.quantity}`,
    );
  }
  const value = toCents(fill.quantity.times(fill.price));
  const proceeds = allocate(
    value,
    named.map((lot) => lot.quantity),
  );
  const lots = new Map(book.lots.map((lot) => [lot.lotKey, lot]));
  const transactions: NewTransaction[] = [];
  let soldBasisTotal: Decimal | null = ZERO;
  for (const [i, sale] of named.entries()) {
    const lot = lots.get(sale.lotKey);
    if (!lot || lot.securityId !== securityId) {
      throw new OrderNotFillableError(`lot ${sale.lotKey} is no longer held in ${symbol}`);
    }
    if (lot.quantity.lessThan(sale.quantity)) {
      throw new OrderNotFillableError(
        `lot ${sale.lotKey} holds ${lot.quantity} ${symbol}, fewer than ${sale.quantity}`,
      );
    }
    const soldBasis = lot.costBasis === null ? null : proRata(lot.costBasis, sale.quantity, lot.quantity);
    const soldDeferred = proRata(lot.deferredWashLoss, sale.quantity, lot.quantity);
    if (sale.quantity.equals(lot.quantity)) {
      lots.delete(lot.lotKey);
    } else {
      lots.set(lot.lotKey, {
        ...lot,
        quantity: lot.quantity.minus(sale.quantity),
        costBasis: lot.costBasis === null || soldBasis === null ? null : lot.costBasis.minus(soldBasis),
        deferredWashLoss: lot.deferredWashLoss.minus(soldDeferred),
      });
    }
    soldBasisTotal = soldBasis === null || soldBasisTotal === null ? null : soldBasisTotal.plus(soldBasis);
    transactions.push(
      sellTransaction(
        order,
        fill,
        `${fill.externalId}:${i + 1}:${sale.lotKey}`,
        sale.quantity,
        at(proceeds, i),
        [sale.lotKey],
        soldBasis,
      ),
    );
  }
  const left = held.quantity.minus(fill.quantity);
  const reportedCostBasis: Decimal | null =
    held.reportedCostBasis === null || soldBasisTotal === null
      ? null
      : held.reportedCostBasis.minus(soldBasisTotal);
  const positions = left.isZero()
    ? book.positions.filter((p) => p.securityId !== securityId)
    : replacePosition(book.positions, { ...held, quantity: left, reportedCostBasis });
  return {
    holdings: { cash: book.cash.plus(value), positions, lots: [...lots.values()] },
    transactions,
    source,
  };
}

/** A sell that names no lot relieves the oldest first (FIFO, Treas. Reg. §1.1012-1(c)(1)). */
function firstInFirstOut(
  lots: readonly BookLot[],
  securityId: string,
  quantity: Decimal,
): { lotKey: string; quantity: Decimal }[] {
  const ordered = lots
    .filter((lot) => lot.securityId === securityId)
    .sort((a, b) =>
      a.tradeDate === b.tradeDate ? (a.lotKey < b.lotKey ? -1 : 1) : a.tradeDate < b.tradeDate ? -1 : 1,
    );
  const taken: { lotKey: string; quantity: Decimal }[] = [];
  let left = quantity;
  for (const lot of ordered) {
    if (left.isZero()) break;
    const take = Decimal.min(left, lot.quantity);
    taken.push({ lotKey: lot.lotKey, quantity: take });
    left = left.minus(take);
  }
  return taken;
}

function buyTransaction(
  order: VenueOrder,
  fill: VenueFill,
  cost: Decimal,
  lotKeys: string[],
): NewTransaction {
  return {
    externalId: fill.externalId,
    securityId: order.security.id,
    type: "buy",
    tradeDate: fill.tradeDate,
    quantity: fill.quantity,
    price: fill.price,
    amount: cost.neg(),
    lotKeys,
    realizedGainLoss: null,
    description: `Bought ${fill.quantity} ${order.security.symbol} @ ${fill.price}`,
  };
}

function sellTransaction(
  order: VenueOrder,
  fill: VenueFill,
  externalId: string,
  quantity: Decimal,
  proceeds: Decimal,
  lotKeys: string[],
  soldBasis: Decimal | null,
): NewTransaction {
  const lot = lotKeys[0] ? ` (${lotKeys[0]})` : "";
  return {
    externalId,
    securityId: order.security.id,
    type: "sell",
    tradeDate: fill.tradeDate,
    quantity,
    price: fill.price,
    amount: proceeds,
    lotKeys,
    realizedGainLoss: order.account.taxable && soldBasis !== null ? proceeds.minus(soldBasis) : null,
    description: `Sold ${quantity} ${order.security.symbol} @ ${fill.price}${lot}`,
  };
}

function replacePosition(positions: readonly BookPosition[], position: BookPosition): BookPosition[] {
  const others = positions.filter((p) => p.securityId !== position.securityId);
  return [...others, position].sort((a, b) => (a.securityId < b.securityId ? -1 : 1));
}

// Money splits use the ledger's fixed-point rules, so a lot sold in part here keeps exactly the
// basis the tax-lot ledger would leave it.

/** amount x part / whole, to the cent (exactly `amount` for the whole). */
function proRata(amount: Decimal, part: Decimal, whole: Decimal): Decimal {
  return fromFixed(proRataCents(toFixed(amount), toFixed(part), toFixed(whole)));
}

/** `amount` split by `weights` to the cent, adding up exactly. */
function allocate(amount: Decimal, weights: readonly Decimal[]): Decimal[] {
  return allocateCents(toFixed(amount), weights.map(toFixed)).map(fromFixed);
}

function at(values: readonly Decimal[], index: number): Decimal {
  const value = values[index];
  if (value === undefined) throw new Error(`no value at ${index}`);
  return value;
}

function toFixed(value: Decimal): Fixed {
  const fixed = parseFixed(value.toFixed());
  if (fixed === undefined) throw new OrderNotFillableError(`${value} has more than 8 decimal places`);
  return fixed;
}

function fromFixed(value: Fixed): Decimal {
  return new Decimal(formatFixedPoint(value));
}
