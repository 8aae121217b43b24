// A deterministic synthetic firm book: what `lotwise seed --synthetic` writes and the benchmarks
// plan. Households hold the demo book's funds (its security master, quotes, substantially-identical
// policy and models, plus a conservative model in two versions) in 3 to 10 accounts at 2 to 4
// custodians: a taxable or joint account, IRAs and Roths for client and spouse, often a held-away
// 401(k), now and then a trust, an HSA or a SEP. Lots were bought over the household's 1 to 15
// years along a seeded price path per fund, which ends at the quote and peaks a few months back, so
// old lots are mostly at a gain and the last year's buys often underwater. Recent buys, bond-fund
// dividend reinvestments, 401(k) contributions (settled and scheduled), pending orders and recent
// loss sales give the wash-sale checks work; there are restrictions, lots without basis, a few
// households whose positions do not reconcile and a few on a custodian's nightly files (stale).
// Six advisors and three approvers own slices of the book.
//
// Pure: no clock, no Math.random. Household i is the same whatever the book's size (each has its own
// seeded PRNG), so a 5-household book is the prefix of a 10-household one.
import type { AccountType, LotReliefMethod, RestrictionKind, Role, Security } from "../domain/book.ts";
import { isTaxable } from "../domain/book.ts";
import { Decimal } from "../domain/decimal.ts";
import type {
  HouseholdBook,
  ModelVersionSpec,
  PlanningLot,
  PlanningPosition,
  PlanningTransaction,
} from "../domain/household-book.ts";
import { addDays, fromDayNumber, type IsoDate, isoDate, toDayNumber } from "../domain/iso-date.ts";
import type { IdenticalPolicy } from "../engine/substantially-identical.ts";
import { buildDemoBook } from "./demo-book.ts";
import type { DemoBook, DemoModel, DemoModelVersion, DemoTransaction, DemoUser } from "./types.ts";

/** The benchmarks' fixed trade date. */
export const AS_OF = isoDate("2026-11-20");
const HISTORY_DAYS = 15 * 365;
export const SYNTHETIC_LIVE_SOURCE = "synthetic";
export const SYNTHETIC_NIGHTLY_SOURCE = "synthetic-nightly";

export function syntheticHouseholdId(index: number): string {
  return `hh-syn-${String(index + 1).padStart(6, "0")}`;
}

// ---------------------------------------------------------------------------------------------
// Shapes
// ---------------------------------------------------------------------------------------------

/** One household as rows (the demo book's shapes, plus model history and access grants). */
export interface SyntheticHouseholdRecord {
  id: string;
  name: string;
  notes: string;
  people: { id: string; role: "CLIENT" | "SPOUSE"; name: string }[];
  assignments: { id: string; modelVersionId: string; effectiveDate: IsoDate }[];
  restrictions: DemoBook["households"][number]["restrictions"];
  accounts: DemoBook["households"][number]["accounts"];
  access: { userId: string; role: Role }[];
}

export interface SyntheticHousehold {
  record: SyntheticHouseholdRecord;
  /** What the read path gives planning for this household. */
  book: HouseholdBook;
  model: ModelVersionSpec;
}

export interface BookCounts {
  households: number;
  accounts: number;
  positions: number;
  lots: number;
  transactions: number;
  restrictions: number;
}

export interface SyntheticBook {
  market: Market;
  households: SyntheticHousehold[];
  counts: BookCounts;
}

/** What every household shares: reference rows, quotes, policy, models, users, price history. */
export interface Market {
  asOf: IsoDate;
  /** The instant fresh data is stamped at. */
  now: string;
  /** Custodians, classes, securities, policy, the demo's models and prices (shared rows). */
  reference: DemoBook;
  /** Every model the book uses (the demo's and the synthetic ones). */
  modelRows: DemoModel[];
  users: DemoUser[];
  securities: ReadonlyMap<string, Security>;
  prices: ReadonlyMap<string, Decimal>;
  policy: IdenticalPolicy;
  models: readonly ModelVersionSpec[];
  /** Security ids per asset class (the demo master's order). */
  classMembers: ReadonlyMap<string, readonly string[]>;
  /** Price per security `daysAgo` (calendar days) before asOf. */
  priceOn(securityId: string, daysAgo: number): number;
  /** Business day on or before asOf - daysAgo, and how many days back it really is. */
  dates: readonly { date: IsoDate; daysAgo: number }[];
  /** Business day on or after asOf + days. */
  ahead(days: number): IsoDate;
}

// ---------------------------------------------------------------------------------------------
// Randomness: mulberry32, seeded per household
// ---------------------------------------------------------------------------------------------

type Rng = () => number;

function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function mix(seed: number, index: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(index + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

function normal(rng: Rng): number {
  const u = 1 - rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

const between = (rng: Rng, low: number, high: number) => low + (high - low) * rng();
const intBetween = (rng: Rng, low: number, high: number) => low + Math.floor(rng() * (high - low + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, w]) => sum + w, 0);
  let r = rng() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return (items.at(-1) as readonly [T, number])[0];
}

function shuffle<T>(rng: Rng, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// Decimal text from integers (thousandths of a share, cents): exact, and cheap to parse
// ---------------------------------------------------------------------------------------------

function shares(thousandths: number): string {
  return thousandths % 1000 === 0 ? String(thousandths / 1000) : (thousandths / 1000).toFixed(3);
}

function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

function shiftInstant(instant: string, minutes: number): string {
  return new Date(new Date(instant).getTime() + minutes * 60_000).toISOString();
}

// ---------------------------------------------------------------------------------------------
// The market
// ---------------------------------------------------------------------------------------------

/** Annual drift and volatility of the price path, and how far above today prices stood ~140 days ago. */
const CLASS_PATH: Record<string, { mu: number; vol: number; peak: number }> = {
  us_equity: { mu: 0.1, vol: 0.16, peak: 0.12 },
  us_small_cap: { mu: 0.08, vol: 0.22, peak: 0.18 },
  intl_equity: { mu: 0.06, vol: 0.16, peak: 0.14 },
  intl_developed: { mu: 0.06, vol: 0.16, peak: 0.14 },
  emerging: { mu: 0.03, vol: 0.22, peak: 0.22 },
  us_bonds: { mu: -0.005, vol: 0.06, peak: 0.05 },
  muni_bonds: { mu: 0, vol: 0.05, peak: 0.04 },
  cash: { mu: 0, vol: 0, peak: 0 },
};

// biome-ignore format: one target per line
const CONSERVATIVE_V1: [string, string, string, ...string[]][] = [
  ["us_equity", "0.28", "sec-vti", "sec-itot", "sec-schb"],
  ["intl_developed", "0.10", "sec-vea", "sec-iefa", "sec-schf"],
  ["us_bonds", "0.45", "sec-bnd", "sec-agg", "sec-schz"],
  ["muni_bonds", "0.12", "sec-vteb", "sec-mub"],
  ["cash", "0.05", "sec-swvxx", "sec-vmfxx", "sec-spaxx"],
];

// biome-ignore format: one target per line
const CONSERVATIVE_V2: [string, string, string, ...string[]][] = [
  ["us_equity", "0.24", "sec-vti", "sec-itot", "sec-schb"],
  ["us_small_cap", "0.03", "sec-vb", "sec-ijr", "sec-scha"],
  ["intl_developed", "0.10", "sec-vea", "sec-iefa", "sec-schf"],
  ["emerging", "0.03", "sec-vwo", "sec-iemg", "sec-sche"],
  ["us_bonds", "0.40", "sec-bnd", "sec-agg", "sec-schz"],
  ["muni_bonds", "0.15", "sec-vteb", "sec-mub"],
  ["cash", "0.05", "sec-swvxx", "sec-vmfxx", "sec-spaxx"],
];

function conservativeVersion(
  version: number,
  effectiveDate: IsoDate,
  rows: [string, string, string, ...string[]][],
  notes: string | null,
): DemoModelVersion {
  const id = `mv-syn-conservative-${version}`;
  return {
    id,
    version,
    effectiveDate,
    bandAbsolute: "0.05",
    bandRelative: "0.25",
    rebalanceTo: "TARGET",
    notes,
    targets: rows.map(([assetClassId, weight, primary, ...alternates]) => ({
      id: `tgt-${id}-${assetClassId}`,
      assetClassId,
      weight,
      bandAbsolute: null,
      bandRelative: null,
      primarySecurityId: primary,
      alternateSecurityIds: alternates,
    })),
  };
}

function modelSpec(name: string, version: DemoModelVersion): ModelVersionSpec {
  const d = (text: string | null) => (text === null ? null : new Decimal(text));
  return {
    id: version.id,
    name,
    version: version.version,
    bandAbsolute: new Decimal(version.bandAbsolute),
    bandRelative: new Decimal(version.bandRelative),
    rebalanceTo: version.rebalanceTo,
    targets: version.targets.map((t) => ({
      assetClassId: t.assetClassId,
      weight: new Decimal(t.weight),
      bandAbsolute: d(t.bandAbsolute),
      bandRelative: d(t.bandRelative),
      primarySecurityId: t.primarySecurityId,
      alternateSecurityIds: t.alternateSecurityIds,
    })),
  };
}

const ADVISORS = [
  "Dana Whitfield",
  "Marcus Lee",
  "Priya Raman",
  "Tom Albrecht",
  "Sofia Gutierrez",
  "Kenji Mori",
];
const APPROVERS = ["Helen Crane", "Omar Haddad", "Ruth Feld"];

function buildUsers(): DemoUser[] {
  const user = (kind: string, n: number, slack: string, name: string, roles: Role[]): DemoUser => ({
    id: `user-syn-${kind}-${n}`,
    slackUserId: `U0SYN${slack}${n}`,
    name,
    email: `${name.toLowerCase().replace(" ", ".")}@lotwise-synthetic.example`,
    roles,
    access: [],
  });
  return [
    ...ADVISORS.map((name, i) => user("advisor", i + 1, "ADV", name, [])),
    ...APPROVERS.map((name, i) => user("approver", i + 1, "APR", name, [])),
    user("compliance", 1, "CMP", "Grace Okoye", ["COMPLIANCE"]),
  ];
}

/**
 * The shared part of the book as of `asOf`, its fresh data stamped at `now` (default: 20:00 UTC
 * that day). The price paths depend on `asOf` only.
 */
export function buildMarket(options: { asOf?: IsoDate; now?: string } = {}): Market {
  const asOf = options.asOf ?? AS_OF;
  const now = options.now ?? `${asOf}T20:00:00.000Z`;
  const reference = buildDemoBook({ anchorDate: asOf, now });
  const securities = new Map<string, Security>(
    [...reference.securities]
      .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
      .map((s) => [
        s.id,
        { ...s, expenseRatio: s.expenseRatio === null ? null : new Decimal(s.expenseRatio) },
      ]),
  );
  const quotes = reference.prices.filter((p) => p.kind === "QUOTE");
  const prices = new Map(quotes.map((p) => [p.securityId, new Decimal(p.price)]));
  const quote = new Map(quotes.map((p) => [p.securityId, Number(p.price)]));
  const symbolOf = new Map(reference.securities.map((s) => [s.id, s.symbol]));
  const policy: IdenticalPolicy = {
    version: `si-policy-v${reference.policy.version}`,
    sameIndexIsIdentical: reference.policy.sameIndexIsIdentical,
    groups: reference.policy.groups.map((g) => ({
      name: g.name,
      symbols: g.securityIds.map((id) => symbolOf.get(id) ?? id).sort(),
    })),
  };
  const modelRows: DemoModel[] = [
    ...reference.models,
    {
      id: "model-syn-conservative",
      name: "Conservative 40/60",
      description: "40% equity / 60% fixed income, for households drawing on their portfolio.",
      versions: [
        conservativeVersion(1, addDays(asOf, -4 * 365), CONSERVATIVE_V1, "Original allocation."),
        conservativeVersion(2, addDays(asOf, -300), CONSERVATIVE_V2, "Adds small cap and emerging sleeves."),
      ],
    },
  ];
  const models = modelRows.flatMap((model) =>
    model.versions.map((version) => modelSpec(model.name, version)),
  );

  const classMembers = new Map<string, string[]>();
  for (const s of reference.securities) {
    const members = classMembers.get(s.assetClassId) ?? [];
    members.push(s.id);
    classMembers.set(s.assetClassId, members);
  }

  // Price paths back from the quote: the class's trend, a random walk pinned to zero today and at
  // the start of the history (a shared class shock plus the fund's own noise), and a bump that puts
  // prices `peak` above today around 140 days ago.
  const rng = mulberry32(20261120);
  const history = new Map<string, Float64Array>();
  const bump = (days: number) => Math.exp(-(((days - 140) / 80) ** 2));
  for (const [classId, members] of classMembers) {
    const path = CLASS_PATH[classId] ?? { mu: 0.05, vol: 0.15, peak: 0.1 };
    const classShock = Float64Array.from({ length: HISTORY_DAYS + 1 }, () => normal(rng));
    const muDay = path.mu / 365;
    const volDay = path.vol / Math.sqrt(365);
    for (const id of members) {
      const walk = new Float64Array(HISTORY_DAYS + 1);
      for (let d = 1; d <= HISTORY_DAYS; d++) {
        walk[d] = (walk[d - 1] as number) + volDay * (0.9 * (classShock[d] as number) + 0.436 * normal(rng));
      }
      const end = walk[HISTORY_DAYS] as number;
      const today = quote.get(id) ?? 1;
      history.set(
        id,
        walk.map((w, d) => {
          const pinned = w - (end * d) / HISTORY_DAYS;
          return today * Math.exp(-muDay * d + pinned) * (1 + path.peak * (bump(d) - bump(0)));
        }),
      );
    }
  }

  const asOfDay = toDayNumber(asOf);
  const weekday = (day: number) => (((day + 4) % 7) + 7) % 7; // 0 = Sunday
  const dates = Array.from({ length: HISTORY_DAYS + 1 }, (_, d) => {
    let day = asOfDay - d;
    if (weekday(day) === 6) day -= 1;
    else if (weekday(day) === 0) day -= 2;
    return { date: fromDayNumber(day), daysAgo: asOfDay - day };
  });

  return {
    asOf,
    now,
    reference,
    modelRows,
    users: buildUsers(),
    securities,
    prices,
    policy,
    models,
    classMembers,
    dates,
    priceOn(securityId, daysAgo) {
      const series = history.get(securityId);
      return series?.[Math.min(daysAgo, HISTORY_DAYS)] ?? quote.get(securityId) ?? 1;
    },
    ahead(days) {
      let day = asOfDay + days;
      while (weekday(day) === 0 || weekday(day) === 6) day += 1;
      return fromDayNumber(day);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Households
// ---------------------------------------------------------------------------------------------

export interface HouseholdShape {
  accountTypes?: readonly AccountType[];
  lots?: number;
  totalValue?: number;
  /** Spread of the actual class weights around the model's (0.3 = weights x e^(0.3 z)). */
  drift?: number;
  modelId?: string;
}

const HELD_AWAY: ReadonlySet<AccountType> = new Set(["K401", "ROTH_401K"]);
const DEFERRED: ReadonlySet<AccountType> = new Set(["TRADITIONAL_IRA", "ROLLOVER_IRA", "SEP_IRA"]);

// biome-ignore format: a table
const OTHER_ACCOUNTS: (readonly [AccountType, number])[] = [
  ["TRADITIONAL_IRA", 10], ["ROTH_IRA", 10], ["TAXABLE", 10], ["ROLLOVER_IRA", 12],
  ["TRUST", 10], ["HSA", 8], ["SEP_IRA", 6],
];

// biome-ignore format: a table
const ACCOUNT_COUNT: (readonly [number, number])[] = [[3, 14], [4, 22], [5, 22], [6, 15], [7, 11], [8, 8], [9, 5], [10, 3]];

const BROKERAGES = ["schwab", "fidelity", "vanguard", "ibkr"] as const;
const FRACTIONAL: ReadonlySet<string> = new Set(["fidelity", "ibkr"]);

const LABEL: Record<AccountType, string> = {
  TAXABLE: "Individual brokerage",
  JOINT_TAXABLE: "Joint brokerage",
  TRADITIONAL_IRA: "IRA",
  ROTH_IRA: "Roth IRA",
  SEP_IRA: "SEP IRA",
  ROLLOVER_IRA: "Rollover IRA",
  K401: "Employer 401(k)",
  ROTH_401K: "Employer Roth 401(k)",
  HSA: "HSA",
  TRUST: "Family trust",
};

// biome-ignore format: lists
const SURNAMES = ["Abbott", "Bauer", "Castillo", "Delgado", "Eriksen", "Fitzgerald", "Gallagher", "Huang", "Ibrahim", "Jablonski", "Kowalski", "Lindqvist", "Mendoza", "Nakamura", "Oyelaran", "Petrov", "Quinn", "Rossi", "Schneider", "Takahashi", "Underwood", "Varga", "Whitaker", "Xu", "Yilmaz", "Zimmerman"];
// biome-ignore format: lists
const FIRST_NAMES = ["Alex", "Beth", "Carlos", "Diane", "Evan", "Fatima", "George", "Hannah", "Ivan", "Julia", "Kevin", "Laura", "Miguel", "Nora", "Owen", "Paula", "Rahul", "Sara", "Victor", "Wendy"];

/** Where a class tends to be held (asset location): a multiplier per account type. */
function preference(type: AccountType, classId: string): number {
  if (classId === "cash") return HELD_AWAY.has(type) ? 0 : 1;
  if (HELD_AWAY.has(type)) {
    return { us_equity: 1.5, us_bonds: 1.5, intl_developed: 0.8, intl_equity: 0.8 }[classId] ?? 0;
  }
  if (type === "HSA") return { us_equity: 1, us_bonds: 0.5 }[classId] ?? 0;
  if (isTaxable(type)) return { us_bonds: 0.4, muni_bonds: 3 }[classId] ?? 1;
  if (type === "ROTH_IRA")
    return { us_small_cap: 2, emerging: 2, us_bonds: 0.3, muni_bonds: 0 }[classId] ?? 1;
  return { us_bonds: 2.5, muni_bonds: 0 }[classId] ?? 1;
}

/** The funds a 401(k) menu offers for a class (mutual funds where the master has them). */
const MENU_401K: Record<string, readonly string[]> = {
  us_equity: ["sec-vfiax", "sec-fxaix", "sec-vtsax"],
  us_bonds: ["sec-vbtlx"],
};

const RESTRICTION_REASONS: Record<RestrictionKind, string> = {
  DO_NOT_SELL: "Client gifting appreciated shares to charity in December",
  DO_NOT_TRADE: "Account transferring custodians",
  DO_NOT_BUY: "Client excludes this fund (ESG screen)",
};

interface AccountDraft {
  id: string;
  type: AccountType;
  ownerId: string;
  custodianId: string;
  tradeable: boolean;
  nickname: string;
  base: number;
  drip: boolean;
  cashCents: number;
}

interface Holding {
  account: AccountDraft;
  securityId: string;
  classId: string;
  value: number;
  lots: number;
  /** Days ago of buys in the last few weeks (a household's recent activity, not a share of its lots). */
  recent: number[];
  /** A held-away 401(k) fund with biweekly payroll contributions (four lots) and two more scheduled. */
  payroll: boolean;
}

const PAYROLL_DAYS_AGO = [51, 37, 23, 9];
/** Transactions are kept for lots bought this recently (the custodian's activity history). */
const ACTIVITY_DAYS = 400;

/** Household `index` of the book generated with `seed`: the same whatever the book's size. */
export function generateHousehold(
  market: Market,
  index: number,
  seed = 1,
  shape: HouseholdShape = {},
): SyntheticHousehold {
  const rng = mulberry32(mix(seed, index));
  const householdId = syntheticHouseholdId(index);
  const asOf = market.asOf;

  // People, tenure, model.
  const surname = pick(rng, SURNAMES);
  const married = rng() < 0.75;
  const client = {
    id: `${householdId}-p1`,
    role: "CLIENT" as const,
    name: `${pick(rng, FIRST_NAMES)} ${surname}`,
  };
  const spouse = married
    ? { id: `${householdId}-p2`, role: "SPOUSE" as const, name: `${pick(rng, FIRST_NAMES)} ${surname}` }
    : null;
  const people = spouse ? [client, spouse] : [client];
  const tenureDays = Math.round(between(rng, 1, 15) * 365);
  const versionId =
    shape.modelId ??
    weighted(rng, [
      ["mv-balanced-2", 32],
      ["mv-balanced-1", 8],
      ["mv-growth-1", 30],
      ["mv-syn-conservative-2", 20],
      ["mv-syn-conservative-1", 10],
    ] as const);
  const model = market.models.find((m) => m.id === versionId) ?? (market.models[0] as ModelVersionSpec);
  const assignedDaysAgo = intBetween(rng, 20, Math.max(20, Math.min(tenureDays, 3 * 365)));
  const assignments: SyntheticHouseholdRecord["assignments"] = [];
  if (versionId === "mv-balanced-2" && rng() < 0.6) {
    assignments.push({
      id: `assign-${householdId}-1`,
      modelVersionId: "mv-balanced-1",
      effectiveDate: addDays(asOf, -assignedDaysAgo - intBetween(rng, 30, 900)),
    });
  }
  assignments.push({
    id: `assign-${householdId}-${assignments.length + 1}`,
    modelVersionId: model.id,
    effectiveDate: addDays(asOf, -assignedDaysAgo),
  });

  // Accounts: the usual ones first, in order of how common they are, then others.
  const types: { type: AccountType; owner: string }[] = [];
  if (shape.accountTypes) {
    for (const type of shape.accountTypes) types.push({ type, owner: client.id });
  } else {
    const count = weighted(rng, ACCOUNT_COUNT);
    const heldAwayOwner = rng() < 0.55 ? (spouse && rng() < 0.4 ? spouse.id : client.id) : null;
    const usual: { type: AccountType; owner: string }[] = [
      { type: spouse ? "JOINT_TAXABLE" : "TAXABLE", owner: client.id },
      { type: rng() < 0.6 ? "TRADITIONAL_IRA" : "ROLLOVER_IRA", owner: client.id },
    ];
    if (spouse) usual.push({ type: "TRADITIONAL_IRA", owner: spouse.id });
    if (heldAwayOwner) usual.push({ type: rng() < 0.1 ? "ROTH_401K" : "K401", owner: heldAwayOwner });
    usual.push({ type: "ROTH_IRA", owner: client.id });
    if (spouse) usual.push({ type: "ROTH_IRA", owner: spouse.id }, { type: "TAXABLE", owner: spouse.id });
    types.push(...usual.slice(0, count));
    while (types.length < count) {
      types.push({
        type: weighted(rng, OTHER_ACCOUNTS),
        owner: spouse && rng() < 0.4 ? spouse.id : client.id,
      });
    }
  }
  const brokerageCount = types.filter((t) => !HELD_AWAY.has(t.type)).length;
  const hasHeldAway = types.length > brokerageCount;
  const custodianTarget = Math.min(
    weighted(rng, [
      [2, 45],
      [3, 40],
      [4, 15],
    ] as const),
    types.length,
  );
  const brokerages = shuffle(rng, [...BROKERAGES]).slice(
    0,
    Math.max(1, Math.min(brokerageCount, custodianTarget - (hasHeldAway ? 1 : 0))),
  );
  const stale = rng() < 0.015;
  const staleCustodian = stale ? pick(rng, brokerages) : null;
  const ownerName = new Map(people.map((p) => [p.id, p.name.split(" ")[0] as string]));
  const accounts: AccountDraft[] = [];
  let brokerageIndex = 0;
  for (const [i, { type, owner }] of types.entries()) {
    const heldAway = HELD_AWAY.has(type);
    // Each chosen custodian holds at least one account; the rest are spread at random.
    const custodianId = heldAway
      ? "empower"
      : brokerageIndex < brokerages.length
        ? (brokerages[brokerageIndex++] as string)
        : pick(rng, brokerages);
    const personal = type !== "JOINT_TAXABLE" && type !== "TRUST" && people.length > 1;
    accounts.push({
      id: `${householdId}-a${String(i + 1).padStart(2, "0")}`,
      type,
      ownerId: owner,
      custodianId,
      tradeable: !heldAway,
      nickname: personal ? `${ownerName.get(owner)}'s ${LABEL[type]}` : LABEL[type],
      base: isTaxable(type)
        ? between(rng, 1, 3)
        : type === "ROTH_IRA"
          ? between(rng, 0.2, 0.8)
          : type === "HSA"
            ? 0.1
            : between(rng, 0.5, 2),
      drip: heldAway || rng() < (DEFERRED.has(type) ? 0.6 : 0.3),
      cashCents: 0,
    });
  }

  // Class weights: the model's, each times e^(drift z); sometimes a class the model does not hold.
  const total =
    shape.totalValue ?? Math.min(25e6, Math.max(150e3, Math.exp(Math.log(1.2e6) + 0.8 * normal(rng))));
  const drift = shape.drift ?? between(rng, 0.05, 0.45);
  const weights = new Map<string, number>();
  for (const target of model.targets) {
    weights.set(target.assetClassId, target.weight.toNumber() * Math.exp(drift * normal(rng)));
  }
  if (rng() < 0.2) {
    const extra = [...market.classMembers.keys()].filter((c) => c !== "cash" && !weights.has(c));
    if (extra.length > 0) weights.set(pick(rng, extra), between(rng, 0.02, 0.08));
  }
  const weightSum = [...weights.values()].reduce((a, b) => a + b, 0);

  // Each class spread over the accounts by size and asset location; tiny slices are not held.
  const holdings: Holding[] = [];
  for (const [classId, weight] of weights) {
    const classValue = (total * weight) / weightSum;
    const share = accounts.map((account) => {
      const p = preference(account.type, classId);
      return p === 0 || rng() < 0.25 ? 0 : account.base * p * between(rng, 0.2, 1.8);
    });
    const shareSum = share.reduce((a, b) => a + b, 0);
    if (shareSum === 0) continue;
    for (const [a, account] of accounts.entries()) {
      const value = (classValue * (share[a] as number)) / shareSum;
      if (value < 1_000) continue;
      const members = market.classMembers.get(classId) ?? [];
      if (classId === "cash") {
        // Mostly sweep cash; a money-market position when there is a lot of it.
        const mmf = value > 20_000 ? value * 0.6 : 0;
        account.cashCents += Math.round((value - mmf) * 100);
        if (mmf > 0)
          holdings.push({
            account,
            securityId: pick(rng, members),
            classId,
            value: mmf,
            lots: 1,
            recent: [],
            payroll: false,
          });
        continue;
      }
      const target = model.targets.find((t) => t.assetClassId === classId);
      const menu = account.tradeable ? undefined : MENU_401K[classId];
      const choose = () =>
        menu
          ? pick(rng, menu)
          : target && rng() < 0.6
            ? target.primarySecurityId
            : pick(rng, members.length > 0 ? members : [target?.primarySecurityId ?? ""]);
      const first = choose();
      const second = rng() < 0.25 ? choose() : first;
      const split = second === first ? 1 : between(rng, 0.4, 0.8);
      holdings.push({
        account,
        securityId: first,
        classId,
        value: value * split,
        lots: 1,
        recent: [],
        payroll: !account.tradeable && classId === "us_equity" && rng() < 0.6,
      });
      if (split < 1)
        holdings.push({
          account,
          securityId: second,
          classId,
          value: value * (1 - split),
          lots: 1,
          recent: [],
          payroll: false,
        });
    }
  }

  // Lots: one per holding, recent buys and payroll contributions, the rest spread in proportion to
  // sqrt(value). About 100 a household (log-normal), 20 to 400.
  const invested = holdings.filter((h) => h.classId !== "cash");
  const recentBuys = weighted(rng, [
    [0, 30],
    [1, 35],
    [2, 22],
    [3, 13],
  ]);
  for (let i = 0; i < recentBuys && invested.length > 0; i++) {
    pick(rng, invested).recent.push(intBetween(rng, 1, 44));
  }
  const lotTarget =
    shape.lots ?? Math.min(390, Math.max(20, Math.round(Math.exp(Math.log(85) + 0.55 * normal(rng)))));
  const cumulative: number[] = [];
  let running = 0;
  for (const h of invested) {
    running += Math.sqrt(h.value);
    cumulative.push(running);
  }
  const payrollLots = PAYROLL_DAYS_AGO.length * holdings.filter((h) => h.payroll).length;
  const recentLots = invested.reduce((sum, h) => sum + h.recent.length, 0);
  for (let extra = lotTarget - holdings.length - recentLots - payrollLots; extra > 0; extra--) {
    const r = rng() * running;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((cumulative[mid] as number) > r) high = mid;
      else low = mid + 1;
    }
    const h = invested[low];
    if (h) h.lots += 1;
  }

  const unreconciled = rng() < 0.015;
  const misreportedHolding =
    unreconciled && holdings.length > 0 ? intBetween(rng, 0, holdings.length - 1) : -1;
  const lotsOf = new Map<string, DemoLotRow[]>();
  const positionsOf = new Map<string, DemoPositionRow[]>();
  const transactionsOf = new Map<string, DemoTransaction[]>();
  const push = <T>(map: Map<string, T[]>, key: string, row: T) => {
    const list = map.get(key);
    if (list) list.push(row);
    else map.set(key, [row]);
  };
  const bondLike = (classId: string) => classId === "us_bonds" || classId === "muni_bonds";
  const oldest = Math.max(60, Math.min(tenureDays, HISTORY_DAYS));
  for (const [holdingIndex, h] of holdings.entries()) {
    const price = market.priceOn(h.securityId, 0);
    const symbol = market.securities.get(h.securityId)?.symbol ?? h.securityId;
    const drafts: { daysAgo: number; weight: number; drip: boolean }[] = [];
    for (let i = 0; i < h.lots; i++) {
      // Bond funds pay monthly: in a reinvesting account, the latest reinvestment was 17 days ago.
      if (i === 0 && h.lots > 1 && h.account.drip && bondLike(h.classId)) {
        drafts.push({ daysAgo: 17, weight: between(rng, 0.005, 0.02), drip: true });
        continue;
      }
      const u = rng();
      const daysAgo =
        h.classId === "cash"
          ? intBetween(rng, 30, oldest)
          : u < 0.17 || oldest <= 366
            ? intBetween(rng, 45, Math.min(364, oldest))
            : intBetween(rng, 366, oldest);
      const drip = h.classId !== "cash" && rng() < 0.12;
      drafts.push({ daysAgo, weight: drip ? between(rng, 0.01, 0.05) : between(rng, 0.3, 1.7), drip });
    }
    for (const daysAgo of h.recent) drafts.push({ daysAgo, weight: between(rng, 0.1, 0.5), drip: false });
    const payroll = h.payroll;
    if (payroll) {
      for (const daysAgo of PAYROLL_DAYS_AGO) drafts.push({ daysAgo, weight: 0.01, drip: false });
    }
    const draftWeight = drafts.reduce((sum, lot) => sum + lot.weight, 0);
    const placed = drafts
      .map((lot) => ({ ...lot, when: market.dates[lot.daysAgo] ?? { date: asOf, daysAgo: 0 } }))
      .sort((a, b) => b.when.daysAgo - a.when.daysAgo);
    let held = 0;
    let basisCents = 0;
    let basisKnown = true;
    for (const [n, lot] of placed.entries()) {
      const quantityShares = (h.value * lot.weight) / draftWeight / price;
      const thousandths =
        lot.drip || h.classId === "cash" || payroll
          ? Math.max(1, Math.round(quantityShares * 1000))
          : Math.max(1, Math.round(quantityShares)) * 1000;
      const paid = market.priceOn(h.securityId, lot.when.daysAgo) * (1 + 0.002 * normal(rng));
      const cents = Math.round((thousandths / 1000) * paid * 100);
      const noBasis = rng() < 0.001;
      const lotKey = `${h.account.id}-${h.securityId.slice(4)}-${n + 1}`;
      held += thousandths;
      basisCents += cents;
      if (noBasis) basisKnown = false;
      const quantity = shares(thousandths);
      push(lotsOf, h.account.id, {
        lotKey,
        securityId: h.securityId,
        tradeDate: lot.when.date,
        acquiredDate: lot.when.date,
        quantity,
        costBasis: noBasis ? null : money(cents),
        deferredWashLoss: "0",
      });
      if (lot.when.daysAgo <= ACTIVITY_DAYS) {
        const type = lot.drip ? "DIVIDEND_REINVEST" : "BUY";
        const pricePaid = (cents / (thousandths / 1000) / 100).toFixed(4);
        push(transactionsOf, h.account.id, {
          id: `tx-${lotKey}`,
          securityId: h.securityId,
          type,
          status: "SETTLED",
          tradeDate: lot.when.date,
          quantity,
          price: pricePaid,
          amount: money(-cents),
          lotKeys: [lotKey],
          description: `${lot.drip ? "Reinvested dividend:" : "Bought"} ${quantity} ${symbol} @ ${pricePaid}`,
          externalId: `syn-${lotKey}`,
        });
      }
    }
    if (payroll) {
      for (const days of [5, 19]) {
        const id = `tx-${h.account.id}-${h.securityId.slice(4)}-scheduled-${days}`;
        push(transactionsOf, h.account.id, {
          id,
          securityId: h.securityId,
          type: "BUY",
          status: "SCHEDULED",
          tradeDate: market.ahead(days),
          quantity: null,
          price: null,
          amount: "-500.00",
          lotKeys: [],
          description: `Payroll contribution: $500 of ${symbol}`,
          externalId: `syn-${id}`,
        });
      }
    }
    // Now and then the custodian reports a position its lots do not add up to.
    push(positionsOf, h.account.id, {
      securityId: h.securityId,
      quantity: shares(holdingIndex === misreportedHolding ? held + 1000 : held),
      reportedCostBasis: basisKnown ? money(basisCents) : null,
    });
  }

  // A pending order, a loss sold in the last few weeks, a restriction.
  const heldInvested = holdings.filter((h) => h.classId !== "cash" && h.account.tradeable);
  if (rng() < 0.03 && heldInvested.length > 0) {
    const h = pick(rng, heldInvested);
    const quantity = intBetween(rng, 5, 100);
    const id = `tx-${h.account.id}-pending`;
    const cents = Math.round(quantity * market.priceOn(h.securityId, 1) * 100);
    push(transactionsOf, h.account.id, {
      id,
      securityId: h.securityId,
      type: "BUY",
      status: "PENDING",
      tradeDate: (market.dates[1] as { date: IsoDate }).date,
      quantity: String(quantity),
      price: null,
      amount: money(-cents),
      lotKeys: [],
      description: `Buy order ${quantity} ${market.securities.get(h.securityId)?.symbol ?? h.securityId} (pending)`,
      externalId: `syn-${id}`,
    });
  }
  const taxableAccounts = accounts.filter((a) => a.tradeable && isTaxable(a.type));
  if (rng() < 0.12 && taxableAccounts.length > 0) {
    const account = pick(rng, taxableAccounts);
    const classId = pick(rng, ["us_equity", "intl_developed", "emerging", "us_small_cap"]);
    const securityId = pick(rng, market.classMembers.get(classId) ?? ["sec-vti"]);
    const when = market.dates[intBetween(rng, 3, 28)] ?? { date: asOf, daysAgo: 0 };
    const quantity = intBetween(rng, 10, 200);
    const proceeds = Math.round(quantity * market.priceOn(securityId, when.daysAgo) * 100);
    const id = `tx-${account.id}-${securityId.slice(4)}-loss-sale`;
    push(transactionsOf, account.id, {
      id,
      securityId,
      type: "SELL",
      status: "SETTLED",
      tradeDate: when.date,
      quantity: String(quantity),
      price: (proceeds / quantity / 100).toFixed(4),
      amount: money(proceeds),
      lotKeys: [],
      description: `Sold ${quantity} ${market.securities.get(securityId)?.symbol ?? securityId} (tax-loss harvest)`,
      externalId: `syn-${id}`,
      realizedGainLoss: money(-intBetween(rng, 50_000, 800_000)),
    });
  }
  const restrictions: SyntheticHouseholdRecord["restrictions"] = [];
  const restrictionCount =
    heldInvested.length === 0
      ? 0
      : weighted(rng, [
          [0, 85],
          [1, 12],
          [2, 3],
        ] as const);
  for (let r = 0; r < restrictionCount; r++) {
    const h = pick(rng, heldInvested);
    const kind = weighted<RestrictionKind>(rng, [
      ["DO_NOT_SELL", 50],
      ["DO_NOT_BUY", 30],
      ["DO_NOT_TRADE", 20],
    ]);
    restrictions.push({
      id: `rstr-${householdId}-${r + 1}`,
      accountId: kind === "DO_NOT_BUY" ? null : h.account.id,
      securityId: kind === "DO_NOT_TRADE" ? null : h.securityId,
      kind,
      reason: RESTRICTION_REASONS[kind],
    });
  }

  // Who serves the household: one advisor (sometimes two) and one approver.
  const advisor = intBetween(rng, 1, ADVISORS.length);
  const access: SyntheticHouseholdRecord["access"] = [
    { userId: `user-syn-advisor-${advisor}`, role: "ADVISOR" },
  ];
  if (rng() < 0.1) {
    access.push({ userId: `user-syn-advisor-${(advisor % ADVISORS.length) + 1}`, role: "ADVISOR" });
  }
  access.push({ userId: `user-syn-approver-${intBetween(rng, 1, APPROVERS.length)}`, role: "APPROVER" });

  const liveStamp = shiftInstant(market.now, -2);
  const nightlyStamp = shiftInstant(market.now, -20 * 60);
  const reliefOf = (type: AccountType): LotReliefMethod =>
    isTaxable(type)
      ? weighted(rng, [
          ["SPECIFIC_ID", 50],
          ["FIFO", 30],
          ["HIFO", 20],
        ] as const)
      : "FIFO";
  const record: SyntheticHouseholdRecord = {
    id: householdId,
    name: `${surname} Household (${householdId.slice(7)})`,
    notes: `Synthetic household ${index + 1} (seed ${seed}); client for ${Math.round(tenureDays / 365)} year(s).`,
    people,
    assignments,
    restrictions,
    access,
    accounts: accounts.map((account) => {
      const nightly = account.custodianId === staleCustodian;
      const asOfStamp = nightly ? nightlyStamp : liveStamp;
      const snapshotId = `snap-${account.id}-seed`;
      return {
        id: account.id,
        ownerId: account.ownerId,
        custodianId: account.custodianId,
        type: account.type,
        nickname: account.nickname,
        accountNumberMasked: `****${String(intBetween(rng, 0, 9999)).padStart(4, "0")}`,
        lotReliefMethod: reliefOf(account.type),
        tradeable: account.tradeable,
        cashReserve: account.tradeable
          ? money(
              weighted(rng, [
                [0, 50],
                [100_000, 20],
                [250_000, 20],
                [500_000, 10],
              ] as const),
            )
          : "0.00",
        fractionalShares: FRACTIONAL.has(account.custodianId),
        openedOn: addDays(asOf, -tenureDays - intBetween(rng, 10, 200)),
        snapshot: {
          id: snapshotId,
          asOf: asOfStamp,
          source: nightly ? SYNTHETIC_NIGHTLY_SOURCE : SYNTHETIC_LIVE_SOURCE,
          cash: money(account.cashCents),
          positions: (positionsOf.get(account.id) ?? []).sort((a, b) => compare(a.securityId, b.securityId)),
          lots: (lotsOf.get(account.id) ?? []).sort(
            (a, b) => compare(a.tradeDate, b.tradeDate) || compare(a.lotKey, b.lotKey),
          ),
        },
        transactions: (transactionsOf.get(account.id) ?? []).sort(
          (a, b) => compare(a.tradeDate, b.tradeDate) || compare(a.id, b.id),
        ),
      };
    }),
  };
  let book: HouseholdBook | undefined;
  return {
    record,
    model,
    // Built when asked for: seeding needs only the rows.
    get book() {
      book ??= toHouseholdBook(market, record);
      return book;
    },
  };
}

type DemoLotRow = SyntheticHouseholdRecord["accounts"][number]["snapshot"]["lots"][number];
type DemoPositionRow = SyntheticHouseholdRecord["accounts"][number]["snapshot"]["positions"][number];

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const TRANSACTION_KINDS = { BUY: "buy", DIVIDEND_REINVEST: "dividend-reinvest", SELL: "sell" } as const;
const STATUSES = { SETTLED: "settled", PENDING: "pending", SCHEDULED: "scheduled" } as const;

/** What planning reads of a household's rows as of the market's date (as the database read does). */
export function toHouseholdBook(market: Market, record: SyntheticHouseholdRecord): HouseholdBook {
  const accounts = [...record.accounts].sort((a, b) => compare(a.id, b.id));
  const from = addDays(market.asOf, -61);
  const positions: PlanningPosition[] = [];
  const lots: PlanningLot[] = [];
  const transactions: (PlanningTransaction & { sortKey: string })[] = [];
  for (const account of accounts) {
    for (const p of account.snapshot.positions) {
      positions.push({
        accountId: account.id,
        securityId: p.securityId,
        quantity: new Decimal(p.quantity),
        reportedCostBasis: p.reportedCostBasis === null ? null : new Decimal(p.reportedCostBasis),
      });
    }
    for (const l of account.snapshot.lots) {
      lots.push({
        lotKey: l.lotKey,
        accountId: account.id,
        securityId: l.securityId,
        tradeDate: l.tradeDate,
        acquiredDate: l.acquiredDate,
        quantity: new Decimal(l.quantity),
        costBasis: l.costBasis === null ? null : new Decimal(l.costBasis),
      });
    }
    for (const tx of account.transactions) {
      if (tx.securityId === null || tx.status === "CANCELLED" || !(tx.type in TRANSACTION_KINDS)) continue;
      if (tx.status === "SETTLED" && (tx.tradeDate < from || tx.tradeDate > market.asOf)) continue;
      transactions.push({
        id: tx.id,
        accountId: account.id,
        securityId: tx.securityId,
        kind: TRANSACTION_KINDS[tx.type as keyof typeof TRANSACTION_KINDS],
        status: STATUSES[tx.status],
        tradeDate: tx.tradeDate,
        quantity: tx.quantity === null ? null : new Decimal(tx.quantity),
        realizedGainLoss: tx.realizedGainLoss === undefined ? null : new Decimal(tx.realizedGainLoss),
        ...(tx.lotKeys[0] ? { lotKey: tx.lotKeys[0] } : {}),
        sortKey: `${tx.tradeDate}|${tx.id}`,
      });
    }
  }
  transactions.sort((a, b) => compare(a.sortKey, b.sortKey));
  return {
    householdId: record.id,
    asOf: market.asOf,
    accounts: accounts.map((account) => ({
      id: account.id,
      name: account.nickname,
      type: account.type,
      taxable: isTaxable(account.type),
      tradeable: account.tradeable,
      cash: new Decimal(account.snapshot.cash),
      cashReserve: new Decimal(account.cashReserve),
      fractionalShares: account.fractionalShares,
    })),
    positions,
    lots,
    securities: market.securities,
    cashClassId: "cash",
    prices: market.prices,
    transactions: transactions.map(({ sortKey: _, ...tx }) => tx),
    restrictions: [...record.restrictions]
      .sort((a, b) => compare(a.id, b.id))
      .map((r) => ({ kind: r.kind, accountId: r.accountId, securityId: r.securityId, reason: r.reason })),
  };
}

export function countHousehold(household: SyntheticHouseholdRecord): Omit<BookCounts, "households"> {
  let positions = 0;
  let lots = 0;
  let transactions = 0;
  for (const account of household.accounts) {
    positions += account.snapshot.positions.length;
    lots += account.snapshot.lots.length;
    transactions += account.transactions.length;
  }
  return {
    accounts: household.accounts.length,
    positions,
    lots,
    transactions,
    restrictions: household.restrictions.length,
  };
}

export function generateBook(
  households: number,
  options: { seed?: number; market?: Market; start?: number } = {},
): SyntheticBook {
  const market = options.market ?? buildMarket();
  const start = options.start ?? 0;
  const list: SyntheticHousehold[] = [];
  const counts: BookCounts = {
    households,
    accounts: 0,
    positions: 0,
    lots: 0,
    transactions: 0,
    restrictions: 0,
  };
  for (let i = start; i < start + households; i++) {
    const household = generateHousehold(market, i, options.seed);
    list.push(household);
    const c = countHousehold(household.record);
    counts.accounts += c.accounts;
    counts.positions += c.positions;
    counts.lots += c.lots;
    counts.transactions += c.transactions;
    counts.restrictions += c.restrictions;
  }
  return { market, households: list, counts };
}

/** One large household: 10 accounts (a held-away 401(k) among them) and 2,000 lots. */
export function generateLargeHousehold(market: Market = buildMarket(), seed = 11): SyntheticHousehold {
  return generateHousehold(market, 0, seed, {
    accountTypes: [
      "TAXABLE",
      "JOINT_TAXABLE",
      "TRUST",
      "TAXABLE",
      "TRADITIONAL_IRA",
      "TRADITIONAL_IRA",
      "ROTH_IRA",
      "ROTH_IRA",
      "ROLLOVER_IRA",
      "K401",
    ],
    lots: 2_000,
    totalValue: 40e6,
    drift: 0.3,
    modelId: "mv-balanced-2",
  });
}
