// The daily sweep's view of one household (book-scan spec): how far it is out of band, what its
// harvestable losses are worth, which losses wait on a wash-sale window and when the first clears,
// and whether its data is stale or unreconciled. Nothing is drafted. Broken data (no model, no
// policy, a position without a price or a security) is a reason on the row, never a throw; the
// figures are printed once (two places for money, four for drift) and every total is summed from
// the printed values, so the totals foot.
import { Decimal, formatFixed, ZERO } from "../../domain/decimal.ts";
import type { HouseholdBook, ModelVersionSpec } from "../../domain/household-book.ts";
import type { IsoDate } from "../../domain/iso-date.ts";
import { buildFamilies, type IdenticalPolicy } from "../substantially-identical.ts";
import { assessFreshness, datedInputsOf } from "./assess-freshness.ts";
import { computeDrift } from "./compute-drift.ts";
import { findHarvestableLots, type HarvestSettings, unreconciledPositions } from "./find-harvestable-lots.ts";

export interface ScanSettings extends HarvestSettings {
  /** Positions or prices older than this make the household stale. */
  maxDataAgeSeconds: number;
}

/** What one household's scan reads (the planning inputs, structurally). */
export interface ScanInputs {
  book: HouseholdBook;
  model: ModelVersionSpec | null;
  policy: IdenticalPolicy | null;
  dataAsOf: {
    snapshots: readonly { accountId: string; asOf: string; source: string }[];
    prices: readonly { securityId: string; asOf: string; source: string }[];
  };
}

export interface ScanReason {
  code: string;
  message: string;
}

export interface HouseholdScan {
  householdId: string;
  outOfBand: boolean;
  classesOutOfBand: string[];
  /** The largest |actual - target| over the classes, four places ("0.0712" = 7.12 points). */
  maxDrift: string;
  /** Money, two places. */
  harvestableLoss: string;
  taxValue: string;
  harvestableLots: number;
  blockedByWash: number;
  /** The first day a loss blocked by a wash-sale window becomes harvestable. */
  nextClearDate: IsoDate | null;
  stale: boolean;
  /** Positions whose lots do not add up to what the custodian reports. */
  unreconciled: number;
  reasons: ScanReason[];
}

export const NO_DRIFT = "0.0000";
export const NO_MONEY = "0.00";

export function scanHousehold(inputs: ScanInputs, settings: ScanSettings, now: string): HouseholdScan {
  const { book, model, policy } = inputs;
  const reasons: ScanReason[] = [];

  const freshness = assessFreshness(datedInputsOf(inputs), now, settings.maxDataAgeSeconds);
  if (freshness.stale) {
    const oldest = freshness.staleInputs[0] as (typeof freshness.staleInputs)[number];
    reasons.push({
      code: "data.stale",
      message: `${freshness.staleInputs.length} input(s) older than ${settings.maxDataAgeSeconds} s, the oldest ${oldest.label} as of ${oldest.asOf}: the figures are from that data`,
    });
  }

  let outOfBand = false;
  let classesOutOfBand: string[] = [];
  let maxDrift = ZERO;
  if (model) {
    const drift = computeDrift(book, model);
    outOfBand = drift.outOfBand;
    classesOutOfBand = drift.classes.filter((c) => c.outOfBand).map((c) => c.assetClassId);
    for (const c of drift.classes) {
      if (c.absoluteDrift.abs().greaterThan(maxDrift)) maxDrift = c.absoluteDrift.abs();
    }
    for (const reason of ["unknown-security", "no-price"] as const) {
      const symbols = drift.unvalued.filter((u) => u.reason === reason).map((u) => u.securityId);
      if (symbols.length === 0) continue;
      reasons.push({
        code: reason === "no-price" ? "data.no-price" : "data.unknown-security",
        message: `${reason === "no-price" ? "no price for" : "no such security as"} ${[...new Set(symbols)].sort().join(", ")}: left out of the weights`,
      });
    }
    if (outOfBand) {
      reasons.push({ code: "drift.out-of-band", message: `out of band: ${classesOutOfBand.join(", ")}` });
    }
  } else {
    reasons.push({
      code: "scan.no-model",
      message: `no model version in force on ${book.asOf}: no drift is measured`,
    });
  }

  const unreconciled = unreconciledPositions(book);
  if (unreconciled.size > 0) {
    reasons.push({
      code: "data.unreconciled",
      message: `${unreconciled.size} position(s) whose lots do not add up to what the custodian reports: not harvested`,
    });
  }

  let harvestableLoss = ZERO;
  let taxValue = ZERO;
  let harvestableLots = 0;
  let blockedByWash = 0;
  let nextClearDate: IsoDate | null = null;
  if (policy) {
    const families = buildFamilies(
      policy,
      [...book.securities.values()].map((s) => ({ symbol: s.symbol, trackedIndex: s.trackedIndex })),
    );
    const harvest = findHarvestableLots(book, families, settings, unreconciled);
    harvestableLots = harvest.candidates.length;
    for (const candidate of harvest.candidates) {
      harvestableLoss = harvestableLoss.plus(candidate.loss);
      taxValue = taxValue.plus(candidate.estimatedTaxValue);
    }
    const washed = harvest.skipped.filter((skip) => skip.code === "harvest.wash-sale");
    blockedByWash = washed.length;
    // Every wash-sale skip has the date its window closes; the earliest is when a loss first clears.
    const clears = washed
      .map((skip) => skip.harvestableFrom)
      .filter((from): from is IsoDate => from !== null);
    nextClearDate = clears.sort()[0] ?? null;
    if (harvestableLots > 0) {
      reasons.push({
        code: "harvest.available",
        message: `${harvestableLots} lot(s) can be harvested today: a loss of ${formatFixed(harvestableLoss, 2)}, worth about ${formatFixed(taxValue, 2)} in tax`,
      });
    }
    if (blockedByWash > 0) {
      reasons.push({
        code: "harvest.wash-sale",
        message: `${blockedByWash} lot(s) at a loss are inside a wash-sale window; the first clears on ${nextClearDate}`,
      });
    }
  } else {
    reasons.push({
      code: "scan.no-policy",
      message: `no substantially-identical policy in force on ${book.asOf}: no harvest is assessed`,
    });
  }

  return {
    householdId: book.householdId,
    outOfBand,
    classesOutOfBand,
    maxDrift: formatFixed(maxDrift, 4),
    harvestableLoss: formatFixed(harvestableLoss, 2),
    taxValue: formatFixed(taxValue, 2),
    harvestableLots,
    blockedByWash,
    nextClearDate,
    stale: freshness.stale,
    unreconciled: unreconciled.size,
    reasons,
  };
}

/** The row of a household whose own data could not be scanned: zero figures and the reason. */
export function failedScan(householdId: string, reason: ScanReason): HouseholdScan {
  return {
    householdId,
    outOfBand: false,
    classesOutOfBand: [],
    maxDrift: NO_DRIFT,
    harvestableLoss: NO_MONEY,
    taxValue: NO_MONEY,
    harvestableLots: 0,
    blockedByWash: 0,
    nextClearDate: null,
    stale: false,
    unreconciled: 0,
    reasons: [reason],
  };
}

// --- ranking and totals ------------------------------------------------------------------------

export interface RankedFields {
  householdId: string;
  taxValue: string;
  maxDrift: string;
}

/** taxValue descending, then maxDrift descending, then householdId: a total order on households. */
export function compareScanRows(a: RankedFields, b: RankedFields): number {
  const tax = new Decimal(b.taxValue).comparedTo(a.taxValue);
  if (tax !== 0) return tax;
  const drift = new Decimal(b.maxDrift).comparedTo(a.maxDrift);
  if (drift !== 0) return drift;
  return a.householdId < b.householdId ? -1 : a.householdId > b.householdId ? 1 : 0;
}

export interface TotalledFields {
  outOfBand: boolean;
  harvestableLoss: string;
  taxValue: string;
  harvestableLots: number;
  blockedByWash: number;
  stale: boolean;
  unreconciled: number;
  awaitingApproval: number;
}

export interface ScanTotals {
  outOfBand: number;
  harvestableLoss: string;
  taxValue: string;
  harvestableLots: number;
  blockedByWash: number;
  stale: number;
  awaitingApproval: number;
  /** Households with at least one unreconciled position. */
  unreconciled: number;
}

/** Sums and counts over every row, money summed from the rows' printed two-place values. */
export function totalScanRows(rows: Iterable<TotalledFields>): ScanTotals {
  let harvestableLoss = ZERO;
  let taxValue = ZERO;
  const totals = {
    outOfBand: 0,
    harvestableLots: 0,
    blockedByWash: 0,
    stale: 0,
    awaitingApproval: 0,
    unreconciled: 0,
  };
  for (const row of rows) {
    harvestableLoss = harvestableLoss.plus(row.harvestableLoss);
    taxValue = taxValue.plus(row.taxValue);
    if (row.outOfBand) totals.outOfBand += 1;
    if (row.stale) totals.stale += 1;
    if (row.unreconciled > 0) totals.unreconciled += 1;
    totals.harvestableLots += row.harvestableLots;
    totals.blockedByWash += row.blockedByWash;
    totals.awaitingApproval += row.awaitingApproval;
  }
  return {
    outOfBand: totals.outOfBand,
    harvestableLoss: formatFixed(harvestableLoss, 2),
    taxValue: formatFixed(taxValue, 2),
    harvestableLots: totals.harvestableLots,
    blockedByWash: totals.blockedByWash,
    stale: totals.stale,
    awaitingApproval: totals.awaitingApproval,
    unreconciled: totals.unreconciled,
  };
}
