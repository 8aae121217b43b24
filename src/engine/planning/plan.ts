// The plan a household gets (docs/trade-drafting.md): JSON-ready, decimals as strings, keys in a
// fixed order, so the same inputs serialise to the same bytes.
import type { Decimal } from "../../domain/decimal.ts";
import type { PlanningPins } from "../../domain/household-book.ts";
import type { IsoDate } from "../../domain/iso-date.ts";
import type { Term } from "../holding-period.ts";

export const PLAN_SCHEMA = "lotwise.plan/v1";

export interface PlanSettings {
  /** Smallest harvestable loss, dollars and fraction of basis. */
  minLossAmount: Decimal;
  minLossFraction: Decimal;
  shortTermRate: Decimal;
  longTermRate: Decimal;
  /** "last": short-term gains are sold after everything else; "never": not at all. */
  shortTermGains: "last" | "never";
  /** Net realised gains for the calendar year (year to date + plan). */
  gainBudget: { limit: Decimal; mode: "hard" | "soft" } | null;
  minTradeAmount: Decimal;
  harvestWhenInBand: boolean;
  /** Positions or prices older than this make a plan stale. */
  maxDataAgeSeconds: number;
}

/** Ids of everything a plan was computed from, so it can be replayed. */
export interface PlanInputRefs {
  snapshots: { accountId: string; snapshotId: string; asOf: string }[];
  modelVersionId: string | null;
  policyVersion: string | null;
  settingsId: string;
  /** Every row read (snapshots, prices, transactions, restrictions, model and policy versions). */
  pins?: PlanningPins;
  /** The instant the freshness gate was judged at. */
  draftedAt?: string;
}

export type TradePurpose = "rebalance" | "harvest" | "replacement";

export interface PlanLot {
  lotKey: string;
  acquiredDate: IsoDate;
  quantity: string;
  /** Null in a tax-advantaged account or when the custodian has no basis. */
  basis: string | null;
  proceeds: string;
  /** Null when the sale is not taxable. */
  gainLoss: string | null;
  term: Term | null;
}

export interface PlanTrade {
  index: number;
  accountId: string;
  accountName: string;
  taxable: boolean;
  side: "sell" | "buy";
  securityId: string;
  symbol: string;
  assetClassId: string;
  quantity: string;
  price: string;
  amount: string;
  purposes: TradePurpose[];
  /** Sells: the lots sold (specific identification). */
  lots: PlanLot[];
  /** Sells in taxable accounts: realised gain (+) or loss (-) by term. */
  realized: { shortTerm: string; longTerm: string } | null;
  /** Replacement buys: the harvested security and the policy rule that allowed the swap. */
  replaces: { symbol: string; allowedBecause: string } | null;
}

export interface PlanClassDrift {
  assetClassId: string;
  inModel: boolean;
  value: string;
  targetWeight: string;
  actualWeight: string;
  absoluteDrift: string;
  lowerBand: string;
  upperBand: string;
  outOfBand: boolean;
}

export interface PlanFinding {
  code: string;
  message: string;
  assetClassId?: string;
  accountId?: string;
  symbol?: string;
  lotKey?: string;
  /** When waiting would clear it (a wash-sale window closing). */
  from?: IsoDate;
}

export interface PlanHarvest {
  lotKey: string;
  accountId: string;
  symbol: string;
  loss: string;
  term: Term;
  estimatedTaxValue: string;
  rebuyFrom: IsoDate;
  /** Null when the sale was part of rebalancing away from the class (nothing to replace). */
  replacement: string | null;
}

export interface Plan {
  schema: typeof PLAN_SCHEMA;
  householdId: string;
  asOf: IsoDate;
  model: { versionId: string; name: string; version: number; rebalanceTo: string } | null;
  inputs: PlanInputRefs;
  settings: Record<string, string | boolean | number | null>;
  stale: boolean;
  /** "empty" when no trade was drafted; `reasons` then say why (in band, or what blocked each class). */
  status: "proposed" | "empty";
  trades: PlanTrade[];
  drift: { totalValue: string; before: PlanClassDrift[]; after: PlanClassDrift[] };
  realized: {
    yearToDate: string;
    shortTerm: string;
    longTerm: string;
    total: string;
    estimatedTax: string;
  };
  harvested: PlanHarvest[];
  notHarvested: PlanFinding[];
  cash: { accountId: string; before: string; after: string; reserve: string }[];
  warnings: PlanFinding[];
  /** Why anything was left undone (classes still out of band, trades not drafted). */
  reasons: PlanFinding[];
}
