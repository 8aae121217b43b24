// What planning sees of a household: accounts, positions, lots, prices, recent and expected
// purchases, restrictions, the model version and settings. Plain data, passed in: the engine reads
// no database and no clock (`asOf` is an argument).
import type { AccountType, RebalanceTarget, RestrictionKind, Security } from "./book.ts";
import type { Decimal } from "./decimal.ts";
import type { IsoDate } from "./iso-date.ts";

export interface PlanningAccount {
  id: string;
  name: string;
  type: AccountType;
  taxable: boolean;
  /** false: held away (counts in the weights, never traded). */
  tradeable: boolean;
  cash: Decimal;
  cashReserve: Decimal;
  fractionalShares: boolean;
}

export interface PlanningPosition {
  accountId: string;
  securityId: string;
  quantity: Decimal;
  reportedCostBasis: Decimal | null;
}

export interface PlanningLot {
  lotKey: string;
  accountId: string;
  securityId: string;
  tradeDate: IsoDate;
  acquiredDate: IsoDate;
  quantity: Decimal;
  /** Null when the custodian has no basis for it. */
  costBasis: Decimal | null;
}

/** A purchase or sale that matters for wash sales: settled, pending at the custodian, or scheduled. */
export interface PlanningTransaction {
  id: string;
  accountId: string;
  securityId: string;
  kind: "buy" | "dividend-reinvest" | "sell";
  status: "settled" | "pending" | "scheduled";
  tradeDate: IsoDate;
  quantity: Decimal | null;
  /** Sells: the realised gain (+) or loss (-), when known. */
  realizedGainLoss?: Decimal | null;
  lotKey?: string;
}

export interface PlanningRestriction {
  kind: RestrictionKind;
  accountId: string | null;
  securityId: string | null;
  reason: string;
}

export interface ModelTargetSpec {
  assetClassId: string;
  weight: Decimal;
  bandAbsolute: Decimal | null;
  bandRelative: Decimal | null;
  primarySecurityId: string;
  alternateSecurityIds: readonly string[];
}

export interface ModelVersionSpec {
  id: string;
  name: string;
  version: number;
  bandAbsolute: Decimal;
  bandRelative: Decimal;
  rebalanceTo: RebalanceTarget;
  targets: readonly ModelTargetSpec[];
}

export interface HouseholdBook {
  householdId: string;
  /** The trade date plans are drafted for. */
  asOf: IsoDate;
  accounts: readonly PlanningAccount[];
  positions: readonly PlanningPosition[];
  lots: readonly PlanningLot[];
  securities: ReadonlyMap<string, Security>;
  /** The class that holds cash (account cash and money-market funds). */
  cashClassId: string;
  prices: ReadonlyMap<string, Decimal>;
  transactions: readonly PlanningTransaction[];
  restrictions: readonly PlanningRestriction[];
}

/** The immutable rows a plan or a tool call read: enough to read exactly them again (replay). */
export interface PlanningPins {
  accountIds: string[];
  snapshotIds: string[];
  priceIds: string[];
  transactionIds: string[];
  restrictionIds: string[];
  modelVersionId: string | null;
  policyId: string | null;
}
