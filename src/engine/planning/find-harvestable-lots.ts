// Tax-loss harvesting candidates (domain-rules.md, "Tax-loss harvesting"): lots in taxable
// accounts with an unrealised loss at or above both a dollar and a percent threshold, reconciled,
// not restricted, and not blocked by a household wash sale. Every taxable lot considered and not
// harvested carries a reason code, and the date it becomes harvestable where one is known.
import { type Decimal, ZERO } from "../../domain/decimal.ts";
import type { HouseholdBook, PlanningLot } from "../../domain/household-book.ts";
import { addDays, type IsoDate, maxIsoDate } from "../../domain/iso-date.ts";
import { type Term, termOf } from "../holding-period.ts";
import type { Families } from "../substantially-identical.ts";
import { checkWashSales, type WashConflict } from "../wash-sale-check.ts";
import { knownAcquisitions } from "./household-wash-inputs.ts";

export interface HarvestSettings {
  /** Smallest loss worth harvesting, in dollars. */
  minLossAmount: Decimal;
  /** Smallest loss worth harvesting, as a fraction of basis (0.05 = 5%). */
  minLossFraction: Decimal;
  shortTermRate: Decimal;
  longTermRate: Decimal;
}

export interface HarvestCandidate {
  lotKey: string;
  accountId: string;
  securityId: string;
  symbol: string;
  quantity: Decimal;
  basis: Decimal;
  marketValue: Decimal;
  /** Positive amount. */
  loss: Decimal;
  lossFraction: Decimal;
  term: Term;
  estimatedTaxValue: Decimal;
  /** First day the same security can be bought back without washing this loss (sale + 31 days). */
  rebuyFrom: IsoDate;
}

export type HarvestSkipCode =
  | "harvest.no-loss"
  | "harvest.below-threshold"
  | "harvest.no-basis"
  | "harvest.unreconciled"
  | "harvest.no-price"
  | "harvest.restricted"
  | "harvest.wash-sale";

export interface HarvestSkip {
  lotKey: string;
  accountId: string;
  securityId: string;
  symbol: string;
  code: HarvestSkipCode;
  message: string;
  /** When it becomes harvestable, if that is only a matter of time (a wash-sale window closing). */
  harvestableFrom: IsoDate | null;
  conflicts: WashConflict[];
}

// What can block the sale of a lot (the check is given no other trades of a plan).
type SaleConflictCode = Exclude<
  WashConflict["code"],
  "wash.buy-in-plan" | "wash.recent-loss" | "wash.loss-in-plan"
>;
const CONFLICT_WORDS: Record<SaleConflictCode, string> = {
  "wash.purchase-in-lookback": "a purchase",
  "wash.dividend-reinvestment": "a dividend reinvestment",
  "wash.pending-order": "a pending order",
  "wash.scheduled-investment": "a scheduled investment",
};

export interface HarvestScan {
  candidates: HarvestCandidate[];
  skipped: HarvestSkip[];
}

export function findHarvestableLots(
  book: HouseholdBook,
  families: Families,
  settings: HarvestSettings,
  /** The positions that do not reconcile, when the caller has them already. */
  unreconciled: ReadonlySet<string> = unreconciledPositions(book),
): HarvestScan {
  const symbolOf = (securityId: string) => book.securities.get(securityId)?.symbol ?? securityId;
  const accountName = new Map(book.accounts.map((account) => [account.id, account.name]));
  const taxable = new Set(book.accounts.filter((account) => account.taxable).map((account) => account.id));
  const acquisitions = knownAcquisitions(book);
  const checkAccounts = new Map(
    book.accounts.map((account) => [account.id, { id: account.id, taxable: account.taxable }]),
  );

  const scan: HarvestScan = { candidates: [], skipped: [] };
  for (const lot of book.lots) {
    if (!taxable.has(lot.accountId)) continue;
    const symbol = symbolOf(lot.securityId);
    const skip = (
      code: HarvestSkipCode,
      message: string,
      harvestableFrom: IsoDate | null = null,
      conflicts: WashConflict[] = [],
    ) =>
      scan.skipped.push({
        lotKey: lot.lotKey,
        accountId: lot.accountId,
        securityId: lot.securityId,
        symbol,
        code,
        message,
        harvestableFrom,
        conflicts,
      });
    const price = book.prices.get(lot.securityId);
    if (lot.costBasis === null) {
      skip("harvest.no-basis", `${symbol} lot ${lot.lotKey} has no cost basis from the custodian`);
      continue;
    }
    if (unreconciled.has(`${lot.accountId}/${lot.securityId}`)) {
      skip(
        "harvest.unreconciled",
        `${symbol} in ${accountName.get(lot.accountId)}: its lots do not add up to the position the custodian reports`,
      );
      continue;
    }
    if (!price) {
      skip("harvest.no-price", `no current price for ${symbol}`);
      continue;
    }
    const marketValue = lot.quantity.times(price);
    const loss = lot.costBasis.minus(marketValue);
    if (!loss.greaterThan(ZERO)) {
      skip("harvest.no-loss", `${symbol} lot ${lot.lotKey} is not at a loss`);
      continue;
    }
    const lossFraction = loss.dividedBy(lot.costBasis);
    if (loss.lessThan(settings.minLossAmount) || lossFraction.lessThan(settings.minLossFraction)) {
      skip(
        "harvest.below-threshold",
        `${symbol} lot ${lot.lotKey}: a loss of ${loss.toFixed(2)} (${lossFraction.times(100).toFixed(1)}%) is below the thresholds (${settings.minLossAmount.toFixed(2)} and ${settings.minLossFraction.times(100).toFixed(1)}%)`,
      );
      continue;
    }
    const restriction = restrictionOn(book, lot);
    if (restriction) {
      skip("harvest.restricted", `${symbol} in ${accountName.get(lot.accountId)}: ${restriction}`);
      continue;
    }
    const conflicts = checkWashSales({
      tradeDate: book.asOf,
      accounts: checkAccounts,
      familyOf: (s) => families.familyOf(s),
      acquisitions,
      realisedLosses: [],
      trades: [
        {
          accountId: lot.accountId,
          symbol,
          side: "sell",
          quantity: lot.quantity,
          expectedGainLoss: loss.negated(),
          lots: [{ lotKey: lot.lotKey, quantity: lot.quantity }],
        },
      ],
    });
    if (conflicts.length > 0) {
      // Only the proposed sale is checked, so every conflict has a date it clears.
      const from = conflicts.map((c) => c.safeFrom as IsoDate).reduce(maxIsoDate);
      const first = conflicts[0] as WashConflict;
      const more = conflicts.length > 1 ? ` (and ${conflicts.length - 1} more)` : "";
      skip(
        "harvest.wash-sale",
        `${symbol} lot ${lot.lotKey}: wash-sale window open until ${addDays(from, -1)} because of ${CONFLICT_WORDS[first.code as SaleConflictCode]}: ${first.with.symbol} in ${accountName.get(first.with.accountId)} on ${first.with.date}${more}`,
        from,
        conflicts,
      );
      continue;
    }
    const term = termOf(lot.acquiredDate, book.asOf);
    scan.candidates.push({
      lotKey: lot.lotKey,
      accountId: lot.accountId,
      securityId: lot.securityId,
      symbol,
      quantity: lot.quantity,
      basis: lot.costBasis,
      marketValue,
      loss,
      lossFraction,
      term,
      estimatedTaxValue: loss.times(term === "short" ? settings.shortTermRate : settings.longTermRate),
      rebuyFrom: addDays(book.asOf, 31),
    });
  }
  return scan;
}

/** Positions whose lots do not sum to the reported quantity (lots with no reported position
 * included), or that have lots without basis. */
export function unreconciledPositions(book: HouseholdBook): Set<string> {
  const held = new Map<string, Decimal>();
  const noBasis = new Set<string>();
  for (const lot of book.lots) {
    const key = `${lot.accountId}/${lot.securityId}`;
    held.set(key, (held.get(key) ?? ZERO).plus(lot.quantity));
    if (lot.costBasis === null) noBasis.add(key);
  }
  const out = new Set<string>(noBasis);
  const reported = new Set<string>();
  for (const position of book.positions) {
    const key = `${position.accountId}/${position.securityId}`;
    reported.add(key);
    if (!(held.get(key) ?? ZERO).equals(position.quantity)) out.add(key);
  }
  for (const key of held.keys()) if (!reported.has(key)) out.add(key);
  return out;
}

function restrictionOn(book: HouseholdBook, lot: PlanningLot): string | null {
  const found = book.restrictions.find(
    (r) =>
      (r.kind === "DO_NOT_TRADE" || r.kind === "DO_NOT_SELL") &&
      (r.accountId === null || r.accountId === lot.accountId) &&
      (r.securityId === null || r.securityId === lot.securityId),
  );
  return found ? `${found.kind === "DO_NOT_TRADE" ? "do not trade" : "do not sell"} (${found.reason})` : null;
}
