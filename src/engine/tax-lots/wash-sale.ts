// Household wash sales (IRC §1091; Treas. Reg. §1.1091-1 and -2; IRS Pub 550 "Wash Sales";
// Rev. Rul. 2008-5). A loss is disallowed to the extent substantially identical shares are
// acquired in any household account (spouse and IRAs included) from 30 days before to 30 days
// after the sale. Brokers only adjust within one account and one CUSIP; this is household-wide.
import { allocateCents, type Fixed, minFixed, proRataCents } from "../../domain/fixed-point.ts";
import type { IsoDate } from "../../domain/iso-date.ts";
import { tackedAcquiredDate, termOf } from "../holding-period.ts";
import type { Acquisition, Part, Piece, Row } from "./ledger-state.ts";
import type { WashSalePolicy } from "./types.ts";

export interface WashContext {
  policy: WashSalePolicy;
  /** Acquisitions per family, in order of acquisition (date, then processing order). */
  acquisitionsByFamily: ReadonlyMap<string, readonly Acquisition[]>;
  poolOf(acq: Acquisition): Part[];
  /** Rows split off an earlier sale row, to be listed just before it. */
  splitsBefore: Map<Row, Row[]>;
}

export interface LossSale {
  seq: number;
  date: IsoDate;
  /** The 61-day window: 30 days before the sale to 30 days after. */
  windowFrom: IsoDate;
  windowTo: IsoDate;
  family: string;
}

/** Disallows the loss on one sold piece to the extent replacement shares match it, and moves it on. */
export function washLoss(context: WashContext, sale: LossSale, piece: Piece, row: Row): void {
  const loss = row.basis - row.proceeds;
  const matches = matchReplacements(context, sale, piece.quantity);
  if (matches.length === 0) return;
  let matched = 0n;
  for (const match of matches) matched += match.quantity;
  // Fewer replacement shares than loss shares: only that proportion is disallowed (§1.1091-1(c)).
  const disallowed = proRataCents(loss, matched, piece.quantity);
  const shares = allocateCents(
    disallowed,
    matches.map((match) => match.quantity),
  );
  matches.forEach(({ acq, quantity }, i) => {
    const amount = shares[i] as Fixed;
    acq.unused -= quantity;
    row.washedBy.push({ txId: acq.txId, lotId: acq.lotId, quantity });
    // An IRA or Roth replacement: the loss is gone for good, and no basis moves (Rev. Rul. 2008-5).
    if (!acq.taxable) row.lossPermanentlyDisallowed = true;
    const acquiredDate = acq.taxable ? tackedAcquiredDate(acq.date, piece.acquiredDate, sale.date) : acq.date;
    const adjustment = acq.taxable ? amount : 0n;
    if (acq.seq > sale.seq) {
      acq.pending.push({ quantity, disallowed: adjustment, acquiredDate });
    } else {
      moveIntoHeldOrSoldShares(context, acq, quantity, adjustment, acquiredDate);
    }
  });
  row.disallowedLoss += disallowed;
}

/**
 * Replacement shares are matched to loss shares in the order they were acquired, each share
 * used once (§1.1091-1(c), (d), (e)). A block the sale sells from is not a replacement (Rev. Rul. 56-602).
 */
function matchReplacements(
  context: WashContext,
  sale: LossSale,
  lossShares: Fixed,
): { acq: Acquisition; quantity: Fixed }[] {
  // The family has at least the acquisition of the shares being sold.
  const candidates = context.acquisitionsByFamily.get(sale.family) as readonly Acquisition[];
  const matches: { acq: Acquisition; quantity: Fixed }[] = [];
  let need = lossShares;
  for (let i = firstOnOrAfter(candidates, sale.windowFrom); i < candidates.length && need > 0n; i++) {
    const acq = candidates[i] as Acquisition;
    if (acq.date > sale.windowTo) break;
    const available = capacity(context.policy, sale, acq);
    if (available <= 0n) continue;
    const quantity = minFixed(available, need);
    matches.push({ acq, quantity });
    need -= quantity;
  }
  return matches;
}

function capacity(policy: WashSalePolicy, sale: LossSale, acq: Acquisition): Fixed {
  // A block this sale sells from is not its own replacement, not even its unsold rest (Rev. Rul. 56-602).
  if (acq.soldInSale === sale.seq) return 0n;
  if (acq.seq > sale.seq || policy.priorDisposedReplacement === "count") return acq.unused;
  return acq.openUnmatched;
}

/**
 * Applies a match to an acquisition already processed: first to its unused shares still held
 * (split into a matched part carrying the deferred loss and tacked holding period), then, under
 * priorDisposedReplacement "count", to unused shares already sold (their sale is revised).
 */
function moveIntoHeldOrSoldShares(
  context: WashContext,
  acq: Acquisition,
  quantity: Fixed,
  adjustment: Fixed,
  acquiredDate: IsoDate,
): void {
  const pool = context.poolOf(acq);
  const segments: { take: Fixed; part?: Part; row?: Row }[] = [];
  let left = quantity;
  // An acquisition has at most one unmatched part: the remainder after its matched parts.
  const held = pool.find((p) => p.acq === acq && !p.matched);
  if (held) {
    const take = minFixed(left, held.quantity);
    left -= take;
    segments.push({ take, part: held });
  }
  for (const disposal of acq.disposals) {
    if (left === 0n) break;
    if (disposal.quantity === 0n) continue;
    const take = minFixed(left, disposal.quantity);
    left -= take;
    disposal.quantity -= take;
    segments.push({ take, row: disposal.row });
  }
  const amounts = allocateCents(
    adjustment,
    segments.map((segment) => segment.take),
  );
  segments.forEach((segment, i) => {
    const amount = amounts[i] as Fixed;
    if (segment.part) splitIntoMatched(pool, segment.part, segment.take, amount, acquiredDate);
    else reviseEarlierSale(context, segment.row as Row, segment.take, amount, acquiredDate);
  });
}

function splitIntoMatched(
  pool: Part[],
  part: Part,
  quantity: Fixed,
  adjustment: Fixed,
  acquiredDate: IsoDate,
): void {
  const basis = proRataCents(part.basis, quantity, part.quantity);
  const matched: Part = {
    acq: part.acq,
    quantity,
    basis: basis + adjustment,
    acquiredDate,
    deferredLoss: adjustment,
    matched: true,
  };
  part.acq.openUnmatched -= quantity;
  if (quantity === part.quantity) {
    pool.splice(pool.indexOf(part), 1, matched);
  } else {
    part.quantity -= quantity;
    part.basis -= basis;
    pool.splice(pool.indexOf(part), 0, matched);
  }
}

/**
 * priorDisposedReplacement "count": the shares were sold before the loss sale, so the deferred
 * loss lands on that earlier sale (basis up, holding period tacked). The earlier sale is not
 * examined again for wash sales.
 */
function reviseEarlierSale(
  context: WashContext,
  row: Row,
  quantity: Fixed,
  adjustment: Fixed,
  acquiredDate: IsoDate,
): void {
  const target = quantity === row.quantity ? row : splitRow(context, row, quantity);
  target.basis += adjustment;
  target.basisAdjustedByLaterWash += adjustment;
  target.acquiredDate = acquiredDate;
  target.term = termOf(acquiredDate, target.soldDate);
}

/** Splits `quantity` shares off a sale row into a new row listed just before it. */
function splitRow(context: WashContext, row: Row, quantity: Fixed): Row {
  const whole = row.quantity;
  const part = (amount: Fixed) => proRataCents(amount, quantity, whole);
  const washedBy: Row["washedBy"] = [];
  let left = quantity;
  for (const entry of row.washedBy) {
    if (left === 0n) break;
    const take = minFixed(left, entry.quantity);
    washedBy.push({ ...entry, quantity: take });
    entry.quantity -= take;
    left -= take;
  }
  const split: Row = {
    saleTxId: row.saleTxId,
    lotId: row.lotId,
    accountId: row.accountId,
    symbol: row.symbol,
    quantity,
    acquiredDate: row.acquiredDate,
    soldDate: row.soldDate,
    term: row.term,
    realizedGainLoss: 0n,
    recognizedGainLoss: 0n,
    lossPermanentlyDisallowed: row.lossPermanentlyDisallowed,
    taxAdvantaged: row.taxAdvantaged,
    proceeds: part(row.proceeds),
    basis: part(row.basis),
    disallowedLoss: part(row.disallowedLoss),
    basisAdjustedByLaterWash: part(row.basisAdjustedByLaterWash),
    washedBy,
  };
  row.quantity = whole - quantity;
  row.proceeds -= split.proceeds;
  row.basis -= split.basis;
  row.disallowedLoss -= split.disallowedLoss;
  row.basisAdjustedByLaterWash -= split.basisAdjustedByLaterWash;
  row.washedBy = row.washedBy.filter((entry) => entry.quantity !== 0n);
  const before = context.splitsBefore.get(row);
  if (before) before.push(split);
  else context.splitsBefore.set(row, [split]);
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
