// The shape of the demo book: what `lotwise seed --demo` writes. Decimals are strings here (exact,
// and what the database takes); dates are IsoDate; instants are ISO 8601 strings in UTC.
import type {
  AccountType,
  LotReliefMethod,
  PersonRole,
  RebalanceTarget,
  RestrictionKind,
  Role,
  SecurityType,
  TransactionStatus,
  TransactionType,
} from "../domain/book.ts";
import type { IsoDate } from "../domain/iso-date.ts";

export interface DemoBook {
  /** The calendar date the book is anchored on; every other date is relative to it. */
  anchorDate: IsoDate;
  /** The instant fresh data is stamped with. */
  now: string;
  custodians: DemoCustodian[];
  assetClasses: DemoAssetClass[];
  securities: DemoSecurity[];
  policy: DemoPolicy;
  models: DemoModel[];
  households: DemoHousehold[];
  users: DemoUser[];
  prices: DemoPrice[];
}

export interface DemoCustodian {
  id: string;
  name: string;
  supportsFractional: boolean;
  supportsSpecificLot: boolean;
}

export interface DemoAssetClass {
  id: string;
  name: string;
  isCash: boolean;
  sortOrder: number;
}

export interface DemoSecurity {
  id: string;
  symbol: string;
  cusip: string | null;
  name: string;
  type: SecurityType;
  assetClassId: string;
  trackedIndex: string | null;
  fundFamily: string | null;
  expenseRatio: string | null;
}

export interface DemoPolicy {
  id: string;
  version: number;
  effectiveDate: IsoDate;
  sameIndexIsIdentical: boolean;
  description: string;
  groups: { id: string; name: string; reason: string; securityIds: string[] }[];
}

export interface DemoModel {
  id: string;
  name: string;
  description: string;
  versions: DemoModelVersion[];
}

export interface DemoModelVersion {
  id: string;
  version: number;
  effectiveDate: IsoDate;
  bandAbsolute: string;
  bandRelative: string;
  rebalanceTo: RebalanceTarget;
  notes: string | null;
  targets: {
    id: string;
    assetClassId: string;
    weight: string;
    bandAbsolute: string | null;
    bandRelative: string | null;
    primarySecurityId: string;
    /** Ordered alternates, best first. */
    alternateSecurityIds: string[];
  }[];
}

export interface DemoHousehold {
  id: string;
  name: string;
  notes: string;
  people: { id: string; role: PersonRole; name: string }[];
  modelVersionId: string | null;
  modelAssignedOn: IsoDate | null;
  restrictions: {
    id: string;
    accountId: string | null;
    securityId: string | null;
    kind: RestrictionKind;
    reason: string;
  }[];
  accounts: DemoAccount[];
}

export interface DemoAccount {
  id: string;
  ownerId: string;
  custodianId: string;
  type: AccountType;
  nickname: string;
  accountNumberMasked: string;
  lotReliefMethod: LotReliefMethod;
  tradeable: boolean;
  cashReserve: string;
  fractionalShares: boolean;
  openedOn: IsoDate;
  snapshot: DemoSnapshot;
  transactions: DemoTransaction[];
}

export interface DemoSnapshot {
  id: string;
  asOf: string;
  source: string;
  cash: string;
  positions: { securityId: string; quantity: string; reportedCostBasis: string | null }[];
  lots: {
    lotKey: string;
    securityId: string;
    tradeDate: IsoDate;
    acquiredDate: IsoDate;
    quantity: string;
    costBasis: string | null;
    deferredWashLoss: string;
  }[];
}

export interface DemoTransaction {
  id: string;
  securityId: string | null;
  type: TransactionType;
  status: TransactionStatus;
  tradeDate: IsoDate;
  quantity: string | null;
  price: string | null;
  amount: string;
  lotKeys: string[];
  description: string;
  externalId: string;
  /** Sells: the realised gain (+) or loss (-) the custodian reported. */
  realizedGainLoss?: string;
}

export interface DemoUser {
  id: string;
  slackUserId: string;
  name: string;
  email: string;
  roles: Role[];
  access: { householdId: string; role: Role }[];
}

export interface DemoPrice {
  securityId: string;
  asOf: string;
  price: string;
  kind: "CLOSE" | "QUOTE";
  source: string;
}
