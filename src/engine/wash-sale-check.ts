// Pre-trade wash-sale check for a household (IRC §1091; Pub 550; Rev. Rul. 2008-5). Before a plan
// goes out: would a proposed sale at a loss be washed by a purchase in any household account
// (spouse and IRAs included) in the last 30 days, a pending order, a scheduled investment in the
// next 30 days, or a buy in the same plan? Would a proposed buy wash a loss realised in the last 30
// days, or one the plan itself realises? Every conflict says why and when the trade becomes safe.
import type { Decimal } from "../domain/decimal.ts";
import { addDays, type IsoDate, maxIsoDate } from "../domain/iso-date.ts";

export interface CheckAccount {
  id: string;
  taxable: boolean;
}

/** A purchase that can be a replacement: settled (in the lookback), pending, or scheduled. */
export interface KnownAcquisition {
  txId: string;
  accountId: string;
  symbol: string;
  /** Trade date; for a pending order, when it was placed (it may fill any day now). */
  date: IsoDate;
  status: "settled" | "pending" | "scheduled";
  /** Shares, or null for an amount-only scheduled investment. */
  quantity: Decimal | null;
  /** The lot it opened, so a sale of that very lot is not washed by its own purchase. */
  lotKey?: string;
  kind: "buy" | "dividend-reinvest";
}

export interface RealisedLoss {
  txId: string;
  accountId: string;
  symbol: string;
  date: IsoDate;
  /** Positive amount. */
  loss: Decimal;
}

export interface ProposedTrade {
  accountId: string;
  symbol: string;
  side: "buy" | "sell";
  quantity: Decimal;
  /** For sells: expected gain (+) or loss (-); null when unknown, which is treated as a possible loss. */
  expectedGainLoss?: Decimal | null;
  /** For sells: the lots sold, so their own purchases are not counted as replacements. */
  lots?: readonly { lotKey: string; quantity: Decimal }[];
}

export interface WashCheckInput {
  tradeDate: IsoDate;
  accounts: ReadonlyMap<string, CheckAccount>;
  familyOf(symbol: string): string;
  acquisitions: readonly KnownAcquisition[];
  realisedLosses: readonly RealisedLoss[];
  trades: readonly ProposedTrade[];
}

export type WashConflictCode =
  | "wash.purchase-in-lookback"
  | "wash.dividend-reinvestment"
  | "wash.pending-order"
  | "wash.scheduled-investment"
  | "wash.buy-in-plan"
  | "wash.recent-loss"
  | "wash.loss-in-plan";

export interface WashConflict {
  code: WashConflictCode;
  /** Index of the proposed trade that is blocked. */
  tradeIndex: number;
  side: "buy" | "sell";
  accountId: string;
  symbol: string;
  /** What it conflicts with: a transaction (txId) or another trade of the plan (tradeIndex). */
  with: {
    txId?: string;
    tradeIndex?: number;
    accountId: string;
    symbol: string;
    date: IsoDate;
    /** Replacement shares involved (null when unknown, e.g. an amount-only scheduled investment). */
    quantity: Decimal | null;
    /** Bought in an IRA/Roth/401k/HSA: a washed loss would be lost for good (Rev. Rul. 2008-5). */
    permanent: boolean;
  };
  /** First trade date on which this trade no longer conflicts (null: not until the plan itself changes). */
  safeFrom: IsoDate | null;
  message: string;
}

/** An account the check does not know is treated as tax-advantaged: no recognised loss, no basis. */
function isTaxable(input: WashCheckInput, accountId: string): boolean {
  return input.accounts.get(accountId)?.taxable === true;
}

export function checkWashSales(input: WashCheckInput): WashConflict[] {
  const conflicts: WashConflict[] = [];
  input.trades.forEach((trade, tradeIndex) => {
    if (trade.side === "sell") {
      if (
        isTaxable(input, trade.accountId) &&
        !(trade.expectedGainLoss && !trade.expectedGainLoss.isNegative())
      ) {
        conflicts.push(...sellConflicts(input, trade, tradeIndex));
      }
    } else {
      conflicts.push(...buyConflicts(input, trade, tradeIndex));
    }
  });
  return conflicts;
}

function sellConflicts(input: WashCheckInput, trade: ProposedTrade, tradeIndex: number): WashConflict[] {
  const family = input.familyOf(trade.symbol);
  const { tradeDate } = input;
  const from = addDays(tradeDate, -30);
  const to = addDays(tradeDate, 30);
  const soldLots = new Set((trade.lots ?? []).map((lot) => lot.lotKey));
  const conflicts: WashConflict[] = [];
  const permanent = (accountId: string) => !isTaxable(input, accountId);

  for (const acq of input.acquisitions) {
    if (input.familyOf(acq.symbol) !== family) continue;
    // A pending order may fill on any day now: it is inside the window whatever its date.
    const inWindow = acq.status === "pending" || (acq.date >= from && acq.date <= to);
    if (!inWindow) continue;
    // The purchase of a lot being sold is no replacement, not even for its unsold rest (Rev. Rul. 56-602).
    if (acq.lotKey && acq.accountId === trade.accountId && soldLots.has(acq.lotKey)) continue;
    const quantity = acq.quantity;
    const code: WashConflictCode =
      acq.status === "pending"
        ? "wash.pending-order"
        : acq.status === "scheduled"
          ? "wash.scheduled-investment"
          : acq.kind === "dividend-reinvest"
            ? "wash.dividend-reinvestment"
            : "wash.purchase-in-lookback";
    const effectiveDate = acq.status === "pending" ? maxIsoDate(acq.date, tradeDate) : acq.date;
    const safeFrom = safeSaleDate(input, family, addDays(effectiveDate, 31));
    const what =
      code === "wash.pending-order"
        ? `a pending order for ${acq.symbol} in ${acq.accountId}`
        : code === "wash.scheduled-investment"
          ? `a scheduled investment in ${acq.symbol} in ${acq.accountId} on ${acq.date}`
          : code === "wash.dividend-reinvestment"
            ? `a dividend reinvestment in ${acq.symbol} in ${acq.accountId} on ${acq.date}`
            : `a purchase of ${acq.symbol} in ${acq.accountId} on ${acq.date}`;
    conflicts.push({
      code,
      tradeIndex,
      side: "sell",
      accountId: trade.accountId,
      symbol: trade.symbol,
      with: {
        txId: acq.txId,
        accountId: acq.accountId,
        symbol: acq.symbol,
        date: acq.date,
        quantity,
        permanent: permanent(acq.accountId),
      },
      safeFrom,
      message: `selling ${trade.symbol} at a loss in ${trade.accountId} on ${tradeDate} would be a wash sale because of ${what}${permanent(acq.accountId) ? " (a tax-advantaged account: the loss would be lost for good)" : ""}; safe from ${safeFrom}`,
    });
  }

  input.trades.forEach((other, otherIndex) => {
    if (other.side !== "buy" || input.familyOf(other.symbol) !== family) return;
    conflicts.push({
      code: "wash.buy-in-plan",
      tradeIndex,
      side: "sell",
      accountId: trade.accountId,
      symbol: trade.symbol,
      with: planTrade(other, otherIndex, tradeDate, permanent(other.accountId)),
      safeFrom: null,
      message: `selling ${trade.symbol} at a loss in ${trade.accountId} would be washed by this plan's own buy of ${other.symbol} in ${other.accountId}`,
    });
  });
  return conflicts;
}

/**
 * The first date on or after `candidate` whose 61-day window holds no known purchase of the
 * family; a later scheduled investment can push it further. A pending order counts as filling on
 * the trade date.
 */
function safeSaleDate(input: WashCheckInput, family: string, candidate: IsoDate): IsoDate {
  const dates = input.acquisitions
    .filter((acq) => input.familyOf(acq.symbol) === family)
    .map((acq) => (acq.status === "pending" ? maxIsoDate(acq.date, input.tradeDate) : acq.date));
  let date = candidate;
  for (;;) {
    const from = addDays(date, -30);
    const to = addDays(date, 30);
    const blocking = dates.filter((d) => d >= from && d <= to);
    if (blocking.length === 0) return date;
    date = blocking.reduce((latest, d) => maxIsoDate(latest, addDays(d, 31)), date);
  }
}

function buyConflicts(input: WashCheckInput, trade: ProposedTrade, tradeIndex: number): WashConflict[] {
  const family = input.familyOf(trade.symbol);
  const { tradeDate } = input;
  const from = addDays(tradeDate, -30);
  const permanent = !isTaxable(input, trade.accountId);
  const conflicts: WashConflict[] = [];
  for (const loss of input.realisedLosses) {
    if (input.familyOf(loss.symbol) !== family || loss.date < from || loss.date > tradeDate) continue;
    if (!isTaxable(input, loss.accountId)) continue;
    const safeFrom = addDays(loss.date, 31);
    conflicts.push({
      code: "wash.recent-loss",
      tradeIndex,
      side: "buy",
      accountId: trade.accountId,
      symbol: trade.symbol,
      with: {
        txId: loss.txId,
        accountId: loss.accountId,
        symbol: loss.symbol,
        date: loss.date,
        quantity: null,
        permanent,
      },
      safeFrom,
      message: `buying ${trade.symbol} in ${trade.accountId} on ${tradeDate} would wash the loss realised on ${loss.symbol} in ${loss.accountId} on ${loss.date}; safe from ${safeFrom}`,
    });
  }
  input.trades.forEach((other, otherIndex) => {
    if (other.side !== "sell" || input.familyOf(other.symbol) !== family) return;
    if (!isTaxable(input, other.accountId)) return;
    if (other.expectedGainLoss && !other.expectedGainLoss.isNegative()) return;
    conflicts.push({
      code: "wash.loss-in-plan",
      tradeIndex,
      side: "buy",
      accountId: trade.accountId,
      symbol: trade.symbol,
      with: planTrade(other, otherIndex, tradeDate, permanent),
      safeFrom: addDays(tradeDate, 31),
      message: `buying ${trade.symbol} in ${trade.accountId} would wash the loss this plan realises selling ${other.symbol} in ${other.accountId}; safe from ${addDays(tradeDate, 31)}`,
    });
  });
  return conflicts;
}

/** Another trade of the same plan, as the other side of a conflict. */
function planTrade(
  trade: ProposedTrade,
  tradeIndex: number,
  date: IsoDate,
  permanent: boolean,
): WashConflict["with"] {
  return {
    tradeIndex,
    accountId: trade.accountId,
    symbol: trade.symbol,
    date,
    quantity: trade.quantity,
    permanent,
  };
}
