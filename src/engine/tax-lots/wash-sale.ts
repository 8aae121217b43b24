// Household wash sales (IRC §1091; Treas. Reg. §1.1091-1 and -2; IRS Pub 550 "Wash Sales";
// Rev. Rul. 2008-5). A loss is disallowed to the extent substantially identical shares are
// acquired in any household account (spouse and IRAs included) from 30 days before to 30 days
// after the sale. Brokers only adjust within one account and one CUSIP; this is household-wide.
import { type Decimal, ZERO } from "../../domain/decimal.ts";
import { addDays, type IsoDate } from "../../domain/iso-date.ts";
import { allocate, proRata } from "../allocate.ts";
import { tackedAcquiredDate, termOf } from "../holding-period.ts";
import type { Acquisition, Part, Piece } from "./ledger-state.ts";
import type { SaleRow, WashSalePolicy } from "./types.ts";

export interface WashContext {
  policy: WashSalePolicy;
  /** Acquisitions per family, in order of acquisition (date, then processing order). */
  acquisitionsByFamily: ReadonlyMap<string, readonly Acquisition[]>;
  poolOf(acq: Acquisition): Part[];
  /** All sale rows so far (a revised earlier sale may be split in place). */
  sales: SaleRow[];
}

export interface LossSale {
  seq: number;
  date: IsoDate;
  family: string;
  /** Unused shares of each acquisition relieved by this very sale: never their own replacement. */
  soldNow: ReadonlyMap<Acquisition, Decimal>;
}

/** Disallows the loss on one sold piece to the extent replacement shares match it, and moves it on. */
export function washLoss(context: WashContext, sale: LossSale, piece: Piece, row: SaleRow): void {
  const loss = row.realizedGainLoss.negated();
  const matches = matchReplacements(context, sale, piece.quantity);
  if (matches.length === 0) return;
  const matched = matches.reduce((sum, match) => sum.plus(match.quantity), ZERO);
  // Fewer replacement shares than loss shares: only that proportion is disallowed (§1.1091-1(c)).
  const disallowed = proRata(loss, matched, piece.quantity);
  const shares = allocate(
    disallowed,
    matches.map((match) => match.quantity),
  );
  matches.forEach(({ acq, quantity }, i) => {
    const amount = shares[i] as Decimal;
    acq.used = acq.used.plus(quantity);
    row.washedBy.push({ txId: acq.txId, lotId: acq.lotId, quantity });
    // An IRA or Roth replacement: the loss is gone for good, and no basis moves (Rev. Rul. 2008-5).
    if (!acq.taxable) row.lossPermanentlyDisallowed = true;
    const acquiredDate = acq.taxable ? tackedAcquiredDate(acq.date, piece.acquiredDate, sale.date) : acq.date;
    const adjustment = acq.taxable ? amount : ZERO;
    if (acq.seq > sale.seq) {
      acq.pending.push({ quantity, disallowed: adjustment, acquiredDate });
    } else {
      moveIntoHeldOrSoldShares(context, acq, quantity, adjustment, acquiredDate);
    }
  });
  row.disallowedLoss = row.disallowedLoss.plus(disallowed);
  row.recognizedGainLoss = row.realizedGainLoss.plus(row.disallowedLoss);
}

/**
 * Replacement shares are matched to loss shares in the order they were acquired, each share
 * used once (§1.1091-1(c), (d), (e)). Shares sold in the same sale are not their own replacement.
 */
function matchReplacements(
  context: WashContext,
  sale: LossSale,
  lossShares: Decimal,
): { acq: Acquisition; quantity: Decimal }[] {
  // The family has at least the acquisition of the shares being sold.
  const candidates = context.acquisitionsByFamily.get(sale.family) as readonly Acquisition[];
  const from = addDays(sale.date, -30);
  const to = addDays(sale.date, 30);
  const matches: { acq: Acquisition; quantity: Decimal }[] = [];
  let need = lossShares;
  for (let i = firstOnOrAfter(candidates, from); i < candidates.length && !need.isZero(); i++) {
    const acq = candidates[i] as Acquisition;
    if (acq.date > to) break;
    const available = capacity(context.policy, sale, acq);
    if (!available.greaterThan(0)) continue;
    const quantity = available.lessThan(need) ? available : need;
    matches.push({ acq, quantity });
    need = need.minus(quantity);
  }
  return matches;
}

function capacity(policy: WashSalePolicy, sale: LossSale, acq: Acquisition): Decimal {
  if (acq.seq > sale.seq) return acq.quantity.minus(acq.used);
  if (policy.priorDisposedReplacement === "ignore") return acq.openUnmatched;
  return acq.quantity.minus(acq.used).minus(sale.soldNow.get(acq) ?? ZERO);
}

/**
 * Applies a match to an acquisition already processed: first to its unused shares still held
 * (split into a matched part carrying the deferred loss and tacked holding period), then, under
 * priorDisposedReplacement "count", to unused shares already sold (their sale is revised).
 */
function moveIntoHeldOrSoldShares(
  context: WashContext,
  acq: Acquisition,
  quantity: Decimal,
  adjustment: Decimal,
  acquiredDate: IsoDate,
): void {
  const pool = context.poolOf(acq);
  const segments: { take: Decimal; apply: (amount: Decimal) => void }[] = [];
  let left = quantity;
  // An acquisition has at most one unmatched part: the remainder after its matched parts.
  const held = pool.find((p) => p.acq === acq && !p.matched);
  if (held) {
    const take = left.lessThan(held.quantity) ? left : held.quantity;
    left = left.minus(take);
    segments.push({ take, apply: (amount) => splitIntoMatched(pool, held, take, amount, acquiredDate) });
  }
  for (const disposal of acq.disposals) {
    if (left.isZero()) break;
    if (disposal.quantity.isZero()) continue;
    const take = left.lessThan(disposal.quantity) ? left : disposal.quantity;
    left = left.minus(take);
    disposal.quantity = disposal.quantity.minus(take);
    segments.push({
      take,
      apply: (amount) => reviseEarlierSale(context.sales, disposal.row, take, amount, acquiredDate),
    });
  }
  allocate(
    adjustment,
    segments.map((segment) => segment.take),
  ).forEach((amount, i) => {
    segments[i]?.apply(amount);
  });
}

function splitIntoMatched(
  pool: Part[],
  part: Part,
  quantity: Decimal,
  adjustment: Decimal,
  acquiredDate: IsoDate,
): void {
  const basis = proRata(part.basis, quantity, part.quantity);
  const matched: Part = {
    acq: part.acq,
    quantity,
    basis: basis.plus(adjustment),
    acquiredDate,
    deferredLoss: adjustment,
    matched: true,
  };
  part.acq.openUnmatched = part.acq.openUnmatched.minus(quantity);
  if (quantity.equals(part.quantity)) {
    pool.splice(pool.indexOf(part), 1, matched);
  } else {
    part.quantity = part.quantity.minus(quantity);
    part.basis = part.basis.minus(basis);
    pool.splice(pool.indexOf(part), 0, matched);
  }
}

/**
 * priorDisposedReplacement "count": the shares were sold before the loss sale, so the deferred
 * loss lands on that earlier sale (basis up, holding period tacked). The earlier sale is not
 * examined again for wash sales.
 */
function reviseEarlierSale(
  sales: SaleRow[],
  row: SaleRow,
  quantity: Decimal,
  adjustment: Decimal,
  acquiredDate: IsoDate,
): void {
  const target = quantity.equals(row.quantity) ? row : splitRow(sales, row, quantity);
  target.basis = target.basis.plus(adjustment);
  target.basisAdjustedByLaterWash = target.basisAdjustedByLaterWash.plus(adjustment);
  target.realizedGainLoss = target.proceeds.minus(target.basis);
  target.recognizedGainLoss = target.realizedGainLoss.plus(target.disallowedLoss);
  target.acquiredDate = acquiredDate;
  target.term = termOf(acquiredDate, target.soldDate);
}

/** Splits `quantity` shares off a sale row into a new row placed just before it. */
function splitRow(sales: SaleRow[], row: SaleRow, quantity: Decimal): SaleRow {
  const whole = row.quantity;
  const part = (amount: Decimal) => proRata(amount, quantity, whole);
  const washedBy: SaleRow["washedBy"] = [];
  let left = quantity;
  for (const entry of row.washedBy) {
    if (left.isZero()) break;
    const take = left.lessThan(entry.quantity) ? left : entry.quantity;
    washedBy.push({ ...entry, quantity: take });
    entry.quantity = entry.quantity.minus(take);
    left = left.minus(take);
  }
  const split: SaleRow = {
    ...row,
    quantity,
    proceeds: part(row.proceeds),
    basis: part(row.basis),
    disallowedLoss: part(row.disallowedLoss),
    basisAdjustedByLaterWash: part(row.basisAdjustedByLaterWash),
    washedBy,
  };
  split.realizedGainLoss = split.proceeds.minus(split.basis);
  split.recognizedGainLoss = split.realizedGainLoss.plus(split.disallowedLoss);
  row.quantity = whole.minus(quantity);
  row.proceeds = row.proceeds.minus(split.proceeds);
  row.basis = row.basis.minus(split.basis);
  row.disallowedLoss = row.disallowedLoss.minus(split.disallowedLoss);
  row.basisAdjustedByLaterWash = row.basisAdjustedByLaterWash.minus(split.basisAdjustedByLaterWash);
  row.washedBy = row.washedBy.filter((entry) => !entry.quantity.isZero());
  row.realizedGainLoss = row.proceeds.minus(row.basis);
  row.recognizedGainLoss = row.realizedGainLoss.plus(row.disallowedLoss);
  sales.splice(sales.indexOf(row), 0, split);
  return split;
}

function firstOnOrAfter(acquisitions: readonly Acquisition[], date: IsoDate): number {
  let lo = 0;
  let hi = acquisitions.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((acquisitions[mid] as Acquisition).date < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
