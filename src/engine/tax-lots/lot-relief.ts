// Which open lots a sale consumes (Treas. Reg. §1.1012-1): FIFO when nothing is identified
// (§1.1012-1(c)(1)), LIFO, HIFO, specific identification of named lots (§1.1012-1(c)(2)), and
// average cost for fund shares (§1.1012-1(e): basis is the pool's average; shares deemed sold are
// the earliest acquired, for the holding period).
import type { LotReliefMethod } from "../../domain/book.ts";
import { allocateCents, type Fixed, minFixed, proRataCents } from "../../domain/fixed-point.ts";
import { err, ok, type Result } from "../../domain/result.ts";
import type { Part, Piece } from "./ledger-state.ts";

export type ReliefRequest =
  | { kind: "method"; method: LotReliefMethod; quantity: Fixed }
  | { kind: "named"; lots: readonly { lotId: string; quantity: Fixed }[] };

export type ReliefError =
  | { code: "ledger.oversold"; held: Fixed; lotId?: string }
  | { code: "ledger.unknown-lot"; lotId: string };

/** Removes the sold shares from `pool` (mutated) and returns them as pieces, in relief order. */
export function relieveLots(pool: Part[], request: ReliefRequest): Result<Piece[], ReliefError> {
  if (request.kind === "named") return relieveNamed(pool, request.lots);
  const held = sumQuantity(pool);
  if (held < request.quantity) return err({ code: "ledger.oversold", held });
  if (request.method === "AVERAGE_COST") return ok(relieveAverageCost(pool, request.quantity));
  return ok(take(pool, reliefOrder(pool, request.method), request.quantity));
}

function reliefOrder(pool: Part[], method: Exclude<LotReliefMethod, "AVERAGE_COST">): readonly Part[] {
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
      // Highest cost per share first (a/qa vs b/qb compared as a*qb vs b*qa); ties first-in (stable sort).
      return [...pool].sort((a, b) => {
        const left = b.basis * a.quantity;
        const right = a.basis * b.quantity;
        return left < right ? -1 : left > right ? 1 : 0;
      });
    default:
      // FIFO, and SPECIFIC_ID with nothing identified (§1.1012-1(c)(1)).
      return pool;
  }
}

function relieveNamed(
  pool: Part[],
  lots: readonly { lotId: string; quantity: Fixed }[],
): Result<Piece[], ReliefError> {
  for (const named of lots) {
    const parts = pool.filter((part) => part.acq.lotId === named.lotId);
    if (parts.length === 0) return err({ code: "ledger.unknown-lot", lotId: named.lotId });
    const held = sumQuantity(parts);
    let wanted = 0n;
    for (const other of lots) if (other.lotId === named.lotId) wanted += other.quantity;
    if (held < wanted) return err({ code: "ledger.oversold", held, lotId: named.lotId });
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

function relieveAverageCost(pool: Part[], quantity: Fixed): Piece[] {
  const poolQuantity = sumQuantity(pool);
  let poolBasis = 0n;
  for (const part of pool) poolBasis += part.basis;
  const soldBasis = proRataCents(poolBasis, quantity, poolQuantity);
  const pieces = take(pool, pool, quantity);
  allocateCents(
    soldBasis,
    pieces.map((piece) => piece.quantity),
  ).forEach((basis, i) => {
    (pieces[i] as Piece).basis = basis;
  });
  // The shares left keep the pool's average basis.
  if (pool.length === 0) return pieces;
  allocateCents(
    poolBasis - soldBasis,
    pool.map((part) => part.quantity),
  ).forEach((basis, i) => {
    (pool[i] as Part).basis = basis;
  });
  return pieces;
}

/** Takes `quantity` shares from `order` (parts of `pool`), splitting the last part if needed. */
function take(pool: Part[], order: readonly Part[], quantity: Fixed): Piece[] {
  const pieces: Piece[] = [];
  let left = quantity;
  // `order` may be `pool` itself, which splitOff shrinks: iterate over a snapshot of the parts needed.
  const parts: Part[] = [];
  let covered = 0n;
  for (const part of order) {
    if (covered >= quantity) break;
    parts.push(part);
    covered += part.quantity;
  }
  for (const part of parts) {
    const taken = minFixed(left, part.quantity);
    pieces.push(splitOff(pool, part, taken));
    left -= taken;
  }
  return pieces;
}

/**
 * Removes `quantity` shares from `part` as a piece. Basis and deferred loss split pro rata, to the
 * cent, with the remainder kept on the open part so totals are preserved.
 */
export function splitOff(pool: Part[], part: Part, quantity: Fixed): Piece {
  const whole = part.quantity;
  const piece: Piece = {
    acq: part.acq,
    quantity,
    basis: proRataCents(part.basis, quantity, whole),
    acquiredDate: part.acquiredDate,
    deferredLoss: proRataCents(part.deferredLoss, quantity, whole),
    matched: part.matched,
  };
  if (!part.matched) part.acq.openUnmatched -= quantity;
  if (quantity === whole) {
    pool.splice(pool.indexOf(part), 1);
  } else {
    part.quantity = whole - quantity;
    part.basis -= piece.basis;
    part.deferredLoss -= piece.deferredLoss;
  }
  return piece;
}

function sumQuantity(parts: readonly Part[]): Fixed {
  let total = 0n;
  for (const part of parts) total += part.quantity;
  return total;
}
