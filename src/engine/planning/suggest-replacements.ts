// Replacement securities for a harvest sale (domain-rules.md, "Tax-loss harvesting"): same asset
// class, not substantially identical under the policy version, not blocked by a loss realised on
// its own family in the last 30 days, and not restricted. Ranked: the model's own securities for
// the class first (primary, then alternates in order), then the rest of the class by expense ratio.
import type { Security } from "../../domain/book.ts";
import { Decimal } from "../../domain/decimal.ts";
import type { HouseholdBook, ModelVersionSpec } from "../../domain/household-book.ts";
import { addDays, type IsoDate } from "../../domain/iso-date.ts";
import type { Families } from "../substantially-identical.ts";

export interface Replacement {
  securityId: string;
  symbol: string;
  rank: number;
  /** Why the policy allows it, naming the policy version. */
  allowedBecause: string;
  inModel: boolean;
}

export type ReplacementRejection = {
  securityId: string;
  symbol: string;
  code: "replacement.identical" | "replacement.recent-loss" | "replacement.restricted";
  message: string;
  /** For a recent loss: the first day it can be bought without washing it. */
  availableFrom: IsoDate | null;
};

export interface ReplacementSearch {
  replacements: Replacement[];
  rejected: ReplacementRejection[];
}

export function suggestReplacements(
  book: HouseholdBook,
  families: Families,
  policyVersion: string,
  soldSecurityId: string,
  model: ModelVersionSpec | null,
): ReplacementSearch {
  const sold = book.securities.get(soldSecurityId);
  if (!sold) return { replacements: [], rejected: [] };
  const target = model?.targets.find((t) => t.assetClassId === sold.assetClassId);
  const modelOrder = target ? [target.primarySecurityId, ...target.alternateSecurityIds] : [];
  const peers = [...book.securities.values()]
    .filter((s) => s.assetClassId === sold.assetClassId && s.id !== sold.id)
    .sort((a, b) => compareCandidates(a, b, modelOrder));
  const recentLossDates = recentLosses(book, families);

  const search: ReplacementSearch = { replacements: [], rejected: [] };
  for (const candidate of peers) {
    const identical = families.whyIdentical(sold.symbol, candidate.symbol);
    if (identical) {
      search.rejected.push({
        securityId: candidate.id,
        symbol: candidate.symbol,
        code: "replacement.identical",
        message: `substantially identical to ${sold.symbol}: ${identical.detail}`,
        availableFrom: null,
      });
      continue;
    }
    const lossDate = recentLossDates.get(families.familyOf(candidate.symbol));
    if (lossDate) {
      const availableFrom = addDays(lossDate, 31);
      search.rejected.push({
        securityId: candidate.id,
        symbol: candidate.symbol,
        code: "replacement.recent-loss",
        message: `buying ${candidate.symbol} would wash the loss realised on its family on ${lossDate}; available from ${availableFrom}`,
        availableFrom,
      });
      continue;
    }
    const restriction = book.restrictions.find(
      (r) =>
        (r.kind === "DO_NOT_BUY" || r.kind === "DO_NOT_TRADE") &&
        r.accountId === null &&
        r.securityId === candidate.id,
    );
    if (restriction) {
      search.rejected.push({
        securityId: candidate.id,
        symbol: candidate.symbol,
        code: "replacement.restricted",
        message: `${candidate.symbol} is restricted for this household (${restriction.reason})`,
        availableFrom: null,
      });
      continue;
    }
    search.replacements.push({
      securityId: candidate.id,
      symbol: candidate.symbol,
      rank: search.replacements.length + 1,
      allowedBecause: allowedBecause(sold, candidate, policyVersion),
      inModel: modelOrder.includes(candidate.id),
    });
  }
  return search;
}

// Model order first (primary, then alternates), then the cheapest fund, then the symbol; a fund
// without a known expense ratio sorts after those with one.
const UNKNOWN_EXPENSE = new Decimal("Infinity");

/** The ranking of securities within a class, for replacements and for buys. */
export function compareCandidates(a: Security, b: Security, modelOrder: readonly string[]): number {
  const rank = (s: Security) => (modelOrder.includes(s.id) ? modelOrder.indexOf(s.id) : modelOrder.length);
  const expense = (s: Security) => s.expenseRatio ?? UNKNOWN_EXPENSE;
  return rank(a) - rank(b) || expense(a).comparedTo(expense(b)) || a.symbol.localeCompare(b.symbol, "en");
}

function allowedBecause(sold: Security, candidate: Security, policyVersion: string): string {
  const index = (s: Security) => s.trackedIndex ?? "no tracked index";
  return `${policyVersion}: different index (${sold.symbol} tracks ${index(sold)}, ${candidate.symbol} tracks ${index(candidate)}), same asset class`;
}

/** The latest loss realised in the last 30 days in a taxable account, per family. */
function recentLosses(book: HouseholdBook, families: Families): Map<string, IsoDate> {
  const taxable = new Set(book.accounts.filter((a) => a.taxable).map((a) => a.id));
  const from = addDays(book.asOf, -30);
  const latest = new Map<string, IsoDate>();
  for (const tx of book.transactions) {
    if (tx.kind !== "sell" || tx.status !== "settled" || !taxable.has(tx.accountId)) continue;
    if (!tx.realizedGainLoss?.isNegative() || tx.tradeDate < from || tx.tradeDate > book.asOf) continue;
    const symbol = book.securities.get(tx.securityId)?.symbol ?? tx.securityId;
    const family = families.familyOf(symbol);
    const previous = latest.get(family);
    if (!previous || tx.tradeDate > previous) latest.set(family, tx.tradeDate);
  }
  return latest;
}
