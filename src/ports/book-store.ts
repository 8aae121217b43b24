// What the front ends read and write about households, whatever the database behind it.

import type { DemoBook } from "../demo/types.ts";
import type { AccountType, LotReliefMethod, PersonRole } from "../domain/book.ts";
import type { Decimal } from "../domain/decimal.ts";
import type { HouseholdBook, ModelVersionSpec, PlanningPins } from "../domain/household-book.ts";

export type { PlanningPins };

import type { IsoDate } from "../domain/iso-date.ts";

export interface BookStore {
  listHouseholds(): Promise<HouseholdOverview[]>;
  /** Household names by id (every household when `householdIds` is null): the scan's light list. */
  householdNames(householdIds: readonly string[] | null): Promise<Map<string, string>>;
  /** The most recent price of each security (all securities when ids are omitted). */
  latestPrices(securityIds?: string[]): Promise<Map<string, LatestPrice>>;
  /** Loads the demo book, all or nothing; a second load changes nothing. */
  seedDemo(book: DemoBook, onStep?: (label: string) => void): Promise<SeedOutcome>;
  /**
   * Everything planning needs for one household as of a trade date; null if there is no such
   * household. With pins, exactly the recorded rows are read (replay), whatever came after.
   */
  loadPlanningInputs(householdId: string, asOf: IsoDate, pins?: PlanningPins): Promise<PlanningInputs | null>;
  /**
   * The planning inputs of many households (every household when `householdIds` is null), in chunks
   * of at most `chunkSize` (default 500), in household id order: the book-wide read path. Bounded
   * memory: the next chunks (at most three) are read while the consumer works on the current one.
   * Firm-wide data (securities, prices, the policy) is read once per stream and shared by its
   * households; households that do not exist are skipped.
   */
  streamPlanningInputs(
    householdIds: readonly string[] | null,
    asOf: IsoDate,
    options?: { chunkSize?: number },
  ): AsyncIterable<PlanningInputs[]>;
  /** The demo's simulated feed: re-stamps live demo accounts and quotes at `now` (real data untouched). */
  refreshDemoFeed(now: Date): Promise<DemoFeedRefresh>;
}

export interface DemoFeedRefresh {
  /** Account snapshots and prices written (0 and 0 when the book is not the demo, or is fresh). */
  snapshots: number;
  prices: number;
}

export interface PlanningInputs {
  book: HouseholdBook;
  /** The model version in force on the trade date, if the household has one. */
  model: ModelVersionSpec | null;
  /** The substantially-identical policy version in force on the trade date. */
  policy: {
    id: string;
    version: string;
    sameIndexIsIdentical: boolean;
    groups: { name: string; symbols: string[] }[];
  } | null;
  /** The rows read, for the audit log and replay. */
  pins: PlanningPins;
  /** Where each number came from and how old it is (for the freshness rule and the plan's inputs). */
  dataAsOf: {
    snapshots: { accountId: string; snapshotId: string; asOf: string; source: string }[];
    prices: { securityId: string; asOf: string; source: string }[];
  };
}

export type SeedOutcome =
  | { status: "created"; counts: Record<string, number> }
  | { status: "already-present"; householdIds: string[] };

export interface HouseholdOverview {
  id: string;
  name: string;
  notes: string | null;
  people: { id: string; role: PersonRole; name: string }[];
  model: { modelId: string; name: string; versionId: string; version: number; effectiveDate: IsoDate } | null;
  accounts: AccountOverview[];
}

export interface AccountOverview {
  id: string;
  custodianId: string;
  custodianName: string;
  type: AccountType;
  owner: string;
  nickname: string;
  accountNumberMasked: string;
  tradeable: boolean;
  lotReliefMethod: LotReliefMethod;
  fractionalShares: boolean;
  cashReserve: Decimal;
  snapshot: {
    id: string;
    asOf: string;
    source: string;
    cash: Decimal;
    positions: { securityId: string; symbol: string; quantity: Decimal }[];
  } | null;
}

export interface LatestPrice {
  /** The price row (immutable), for pinning. */
  id: string;
  price: Decimal;
  asOf: string;
  source: string;
}
