// Which open lots a sale consumes (Treas. Reg. §1.1012-1): FIFO when nothing is identified
// (§1.1012-1(c)(1)), LIFO, HIFO, specific identification of named lots (§1.1012-1(c)(2)), and
// average cost for fund shares (§1.1012-1(e): basis is the pool's average; shares deemed sold are
// the earliest acquired, for the holding period).
import type { LotReliefMethod } from "../../domain/book.ts";
import { type Decimal, ZERO } from "../../domain/decimal.ts";
import { err, ok, type Result } from "../../domain/result.ts";
import { allocate, proRata } from "../allocate.ts";
import type { Part, Piece } from "./ledger-state.ts";

export type ReliefRequest =
  | { kind: "method"; method: LotReliefMethod; quantity: Decimal }
  | { kind: "named"; lots: readonly { lotId: string; quantity: Decimal }[] };

export type ReliefError =
  | { code: "ledger.oversold"; held: Decimal; lotId?: string }
  | { code: "ledger.unknown-lot"; lotId: string };

/** Removes the sold shares from `pool` (mutated) and returns them as pieces, in relief order. */
export function relieveLots(pool: Part[], request: ReliefRequest): Result<Piece[], ReliefError> {
  if (request.kind === "named") return relieveNamed(pool, request.lots);
  const held = sumQuantity(pool);
  if (held.lessThan(request.quantity)) return err({ code: "ledger.oversold", held });
  if (request.method === "AVERAGE_COST") return ok(relieveAverageCost(pool, request.quantity));
  return ok(take(pool, reliefOrder(pool, request.method), request.quantity));
}

function reliefOrder(pool: readonly Part[], method: Exclude<LotReliefMethod, "AVERAGE_COST">): Part[] {
  switch (method) {
    case "LIFO": {
      // Latest acquisition first; the parts of one acquisition keep their order.
      const groups: Part[][] = [];
      for (const part of pool) {
        const last = groups[groups.length - 1];
        if (last && last[0]?.acq === part.acq) last.push(part);
        else groups.push([part]);
      }
      return groups.reverse().flat();
    }
    case "HIFO":
      // Highest cost per share first; ties in first-in order (sort is stable).
      return [...pool].sort((a, b) => perShare(b).comparedTo(perShare(a)));
    default:
      // FIFO, and SPECIFIC_ID with nothing identified (§1.1012-1(c)(1)).
      return [...pool];
  }
}

function relieveNamed(
  pool: Part[],
  lots: readonly { lotId: string; quantity: Decimal }[],
): Result<Piece[], ReliefError> {
  for (const named of lots) {
    const parts = pool.filter((part) => part.acq.lotId === named.lotId);
    if (parts.length === 0) return err({ code: "ledger.unknown-lot", lotId: named.lotId });
    const held = sumQuantity(parts);
    const wanted = lots
      .filter((other) => other.lotId === named.lotId)
      .reduce((sum, l) => sum.plus(l.quantity), ZERO);
    if (held.lessThan(wanted)) return err({ code: "ledger.oversold", held, lotId: named.lotId });
  }
  return ok(
    lots.flatMap((named) =>
      take(
        pool,
        pool.filter((part) => part.acq.lotId === named.lotId),
        named.quantity,
      ),
    ),
  );
}

function relieveAverageCost(pool: Part[], quantity: Decimal): Piece[] {
  const poolQuantity = sumQuantity(pool);
  const poolBasis = pool.reduce((sum, part) => sum.plus(part.basis), ZERO);
  const soldBasis = proRata(poolBasis, quantity, poolQuantity);
  const pieces = take(pool, [...pool], quantity);
  allocate(
    soldBasis,
    pieces.map((piece) => piece.quantity),
  ).forEach((basis, i) => {
    (pieces[i] as Piece).basis = basis;
  });
  // The shares left keep the pool's average basis.
  if (pool.length === 0) return pieces;
  allocate(
    poolBasis.minus(soldBasis),
    pool.map((part) => part.quantity),
  ).forEach((basis, i) => {
    (pool[i] as Part).basis = basis;
  });
  return pieces;
}

/** Takes `quantity` shares from `order` (parts of `pool`), splitting the last part if needed. */
function take(pool: Part[], order: readonly Part[], quantity: Decimal): Piece[] {
  const pieces: Piece[] = [];
  let left = quantity;
  for (const part of order) {
    if (left.isZero()) break;
    const taken = left.lessThan(part.quantity) ? left : part.quantity;
    pieces.push(splitOff(pool, part, taken));
    left = left.minus(taken);
  }
  return pieces;
}

/**
 * Removes `quantity` shares from `part` as a piece. Basis and deferred loss split pro rata, to the
 * cent, with the remainder kept on the open part so totals are preserved.
 */
export function splitOff(pool: Part[], part: Part, quantity: Decimal): Piece {
  const whole = part.quantity;
  const piece: Piece = {
    acq: part.acq,
    quantity,
    basis: proRata(part.basis, quantity, whole),
    acquiredDate: part.acquiredDate,
    deferredLoss: proRata(part.deferredLoss, quantity, whole),
    matched: part.matched,
  };
  if (!part.matched) part.acq.openUnmatched = part.acq.openUnmatched.minus(quantity);
  if (quantity.equals(whole)) {
    pool.splice(pool.indexOf(part), 1);
  } else {
    part.quantity = whole.minus(quantity);
    part.basis = part.basis.minus(piece.basis);
    part.deferredLoss = part.deferredLoss.minus(piece.deferredLoss);
  }
  return piece;
}

function perShare(part: Part): Decimal {
  return part.basis.dividedBy(part.quantity);
}

function sumQuantity(parts: readonly Part[]): Decimal {
  return parts.reduce((sum, part) => sum.plus(part.quantity), ZERO);
}
