// A deterministic synthetic book for the planning benchmark. Households hold the demo book's funds
// (its security master, quotes, substantially-identical policy and models, plus a conservative
// model) in taxable, joint, trust, IRA, Roth, HSA and sometimes held-away 401(k) accounts. Lots were
// bought over the last eight years along a seeded price path per fund, which ends at today's quote
// and peaks a few months back, so old lots are mostly at a gain and the last year's buys often 5-30%
// underwater. Recent buys, bond-fund dividend reinvestments in IRAs, 401(k) contributions (settled
// and scheduled), pending orders and recent loss sales give the wash-sale checks work; there are a
// few restrictions, lots without basis and positions that do not reconcile.
//
// Household i is the same whatever the book's size (each has its own seeded PRNG), so the first
// 1,000 households of a 10,000-household book are those of a 1,000-household book. No Math.random.
import { buildDemoBook } from "../src/demo/demo-book.ts";
import type { DemoModelVersion } from "../src/demo/types.ts";
import { type AccountType, isTaxable, type RestrictionKind, type Security } from "../src/domain/book.ts";
import { Decimal } from "../src/domain/decimal.ts";
import type {
  HouseholdBook,
  ModelVersionSpec,
  PlanningAccount,
  PlanningLot,
  PlanningPosition,
  PlanningRestriction,
  PlanningTransaction,
} from "../src/domain/household-book.ts";
import { fromDayNumber, type IsoDate, isoDate, toDayNumber } from "../src/domain/iso-date.ts";
import type { IdenticalPolicy } from "../src/engine/substantially-identical.ts";

export const AS_OF = isoDate("2026-11-20");
const HISTORY_DAYS = 8 * 365;
const ZERO_DECIMAL = new Decimal(0);

export interface SyntheticHousehold {
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

/** What every household shares: securities, quotes, policy, models, price history. */
export interface Market {
  asOf: IsoDate;
  securities: ReadonlyMap<string, Security>;
  prices: ReadonlyMap<string, Decimal>;
  policy: IdenticalPolicy;
  models: readonly ModelVersionSpec[];
  /** Security ids per asset class (the demo master's order). */
  classMembers: ReadonlyMap<string, readonly string[]>;
  /** Price per security `daysAgo` (effective business days) before asOf. */
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

// ---------------------------------------------------------------------------------------------
// Decimal text from integers (thousandths of a share, cents): exact, and cheap to parse
// ---------------------------------------------------------------------------------------------

function shares(thousandths: number): string {
  return thousandths % 1000 === 0 ? String(thousandths / 1000) : (thousandths / 1000).toFixed(3);
}

function money(cents: number): string {
  return (cents / 100).toFixed(2);
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
const CONSERVATIVE: [string, string, string, ...string[]][] = [
  ["us_equity", "0.24", "sec-vti", "sec-itot", "sec-schb"],
  ["us_small_cap", "0.03", "sec-vb", "sec-ijr", "sec-scha"],
  ["intl_developed", "0.10", "sec-vea", "sec-iefa", "sec-schf"],
  ["emerging", "0.03", "sec-vwo", "sec-iemg", "sec-sche"],
  ["us_bonds", "0.40", "sec-bnd", "sec-agg", "sec-schz"],
  ["muni_bonds", "0.15", "sec-vteb", "sec-mub"],
  ["cash", "0.05", "sec-swvxx", "sec-vmfxx", "sec-spaxx"],
];

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

export function buildMarket(seed = 20261120): Market {
  const demo = buildDemoBook({ anchorDate: AS_OF, now: `${AS_OF}T20:00:00.000Z` });
  const securities = new Map<string, Security>(
    demo.securities.map((s) => [
      s.id,
      { ...s, expenseRatio: s.expenseRatio === null ? null : new Decimal(s.expenseRatio) },
    ]),
  );
  const quotes = demo.prices.filter((p) => p.kind === "QUOTE");
  const prices = new Map(quotes.map((p) => [p.securityId, new Decimal(p.price)]));
  const quote = new Map(quotes.map((p) => [p.securityId, Number(p.price)]));
  const symbolOf = new Map(demo.securities.map((s) => [s.id, s.symbol]));
  const policy: IdenticalPolicy = {
    version: `si-policy-v${demo.policy.version}`,
    sameIndexIsIdentical: demo.policy.sameIndexIsIdentical,
    groups: demo.policy.groups.map((g) => ({
      name: g.name,
      symbols: g.securityIds.map((id) => symbolOf.get(id) ?? id),
    })),
  };
  const models: ModelVersionSpec[] = [];
  for (const model of demo.models) {
    const latest = model.versions.reduce((a, b) => (b.version > a.version ? b : a));
    models.push(modelSpec(model.name, latest));
  }
  models.push(
    modelSpec("Conservative 40/60", {
      id: "mv-conservative-1",
      version: 1,
      effectiveDate: AS_OF,
      bandAbsolute: "0.05",
      bandRelative: "0.25",
      rebalanceTo: "TARGET",
      notes: null,
      targets: CONSERVATIVE.map(([assetClassId, weight, primary, ...alternates]) => ({
        id: `tgt-mv-conservative-1-${assetClassId}`,
        assetClassId,
        weight,
        bandAbsolute: null,
        bandRelative: null,
        primarySecurityId: primary,
        alternateSecurityIds: alternates,
      })),
    }),
  );

  const classMembers = new Map<string, string[]>();
  for (const s of demo.securities) {
    const members = classMembers.get(s.assetClassId) ?? [];
    members.push(s.id);
    classMembers.set(s.assetClassId, members);
  }

  // Price paths back from today's quote: the class's trend, a random walk pinned to zero today and
  // eight years ago (a shared class shock plus the fund's own noise), and a bump that puts prices
  // `peak` above today around 140 days ago.
  const rng = mulberry32(seed);
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

  const asOfDay = toDayNumber(AS_OF);
  const weekday = (day: number) => (((day + 4) % 7) + 7) % 7; // 0 = Sunday
  const dates = Array.from({ length: HISTORY_DAYS + 1 }, (_, d) => {
    let day = asOfDay - d;
    if (weekday(day) === 6) day -= 1;
    else if (weekday(day) === 0) day -= 2;
    return { date: fromDayNumber(day), daysAgo: asOfDay - day };
  });

  return {
    asOf: AS_OF,
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
  ["TRADITIONAL_IRA", 26], ["ROTH_IRA", 20], ["JOINT_TAXABLE", 10], ["TAXABLE", 6], ["ROLLOVER_IRA", 9],
  ["K401", 12], ["ROTH_401K", 2], ["TRUST", 6], ["HSA", 5], ["SEP_IRA", 4],
];

// biome-ignore format: a table
const ACCOUNT_COUNT: (readonly [number, number])[] = [[3, 15], [4, 25], [5, 25], [6, 15], [7, 12], [8, 8]];

const CUSTODIANS = [
  { name: "Schwab", fractional: false },
  { name: "Fidelity", fractional: true },
  { name: "Vanguard", fractional: false },
  { name: "IBKR", fractional: true },
] as const;

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

interface Holding {
  account: PlanningAccount;
  securityId: string;
  classId: string;
  value: number;
  lots: number;
  dripAccount: boolean;
  /** Days ago of buys in the last few weeks (a household's recent activity, not a share of its lots). */
  recent: number[];
  /** A held-away 401(k) fund with biweekly payroll contributions (four lots) and two more scheduled. */
  payroll: boolean;
}

const PAYROLL_DAYS_AGO = [51, 37, 23, 9];

export function generateHousehold(
  market: Market,
  index: number,
  seed = 7,
  shape: HouseholdShape = {},
): SyntheticHousehold {
  const rng = mulberry32(mix(seed, index));
  const householdId = `hh-${String(index + 1).padStart(5, "0")}`;
  const model =
    market.models.find((m) => m.id === shape.modelId) ??
    market.models[
      weighted(rng, [
        [0, 45],
        [1, 35],
        [2, 20],
      ])
    ] ??
    (market.models[0] as ModelVersionSpec);

  // Accounts.
  const types: AccountType[] = shape.accountTypes
    ? [...shape.accountTypes]
    : (() => {
        const count = weighted(rng, ACCOUNT_COUNT);
        const list: AccountType[] = [rng() < 0.7 ? "TAXABLE" : "JOINT_TAXABLE"];
        while (list.length < count) {
          const type = weighted(rng, OTHER_ACCOUNTS);
          if (HELD_AWAY.has(type) && list.some((t) => HELD_AWAY.has(t))) continue;
          list.push(type);
        }
        return list;
      })();
  const accounts: PlanningAccount[] = [];
  const accountBase: number[] = [];
  const dripOn: boolean[] = [];
  for (const [i, type] of types.entries()) {
    const heldAway = HELD_AWAY.has(type);
    const custodian = heldAway ? { name: "Empower", fractional: false } : pick(rng, CUSTODIANS);
    const reserve = heldAway
      ? 0
      : weighted(rng, [
          [0, 50],
          [100_000, 20],
          [250_000, 20],
          [500_000, 10],
        ] as const);
    accounts.push({
      id: `${householdId}-a${i + 1}`,
      name: `${LABEL[type]} (${custodian.name})`,
      type,
      taxable: isTaxable(type),
      tradeable: !heldAway,
      cash: ZERO_DECIMAL, // set below, once the cash is known
      cashReserve: reserve === 0 ? ZERO_DECIMAL : new Decimal(money(reserve)),
      fractionalShares: custodian.fractional,
    });
    accountBase.push(
      isTaxable(type)
        ? between(rng, 1, 3)
        : type === "ROTH_IRA"
          ? between(rng, 0.2, 0.8)
          : type === "HSA"
            ? 0.1
            : between(rng, 0.5, 2),
    );
    dripOn.push(heldAway || rng() < (DEFERRED.has(type) ? 0.6 : 0.3));
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
  const cashCents = accounts.map(() => 0);
  for (const [classId, weight] of weights) {
    const classValue = (total * weight) / weightSum;
    const share = accounts.map((account, a) => {
      const p = preference(account.type, classId);
      return p === 0 || rng() < 0.25 ? 0 : (accountBase[a] as number) * p * between(rng, 0.2, 1.8);
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
        cashCents[a] = (cashCents[a] as number) + Math.round((value - mmf) * 100);
        if (mmf > 0)
          holdings.push({
            account,
            securityId: pick(rng, members),
            classId,
            value: mmf,
            lots: 1,
            dripAccount: false,
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
        dripAccount: dripOn[a] as boolean,
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
          dripAccount: dripOn[a] as boolean,
          recent: [],
          payroll: false,
        });
    }
  }
  for (const [a, account] of accounts.entries()) {
    const cents = cashCents[a] as number;
    if (cents > 0) account.cash = new Decimal(money(cents));
  }

  // Lots: one per holding, recent buys and payroll contributions, the rest spread in proportion to
  // sqrt(value).
  const invested = holdings.filter((h) => h.classId !== "cash");
  // Recent buys (new money, last month's rebalance): a few per household, whatever its size.
  const recentBuys = weighted(rng, [
    [0, 35],
    [1, 35],
    [2, 20],
    [3, 10],
  ]);
  for (let i = 0; i < recentBuys && invested.length > 0; i++) {
    pick(rng, invested).recent.push(intBetween(rng, 1, 44));
  }
  const lotTarget = shape.lots ?? intBetween(rng, 30, 170);
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

  const positions: PlanningPosition[] = [];
  const lots: PlanningLot[] = [];
  const transactions: PlanningTransaction[] = [];
  const bondLike = (classId: string) => classId === "us_bonds" || classId === "muni_bonds";
  for (const h of holdings) {
    const price = market.priceOn(h.securityId, 0);
    const drafts: { daysAgo: number; weight: number; drip: boolean }[] = [];
    for (let i = 0; i < h.lots; i++) {
      // Bond funds pay monthly: in a reinvesting account, the latest reinvestment was 17 days ago.
      if (i === 0 && h.lots > 1 && h.dripAccount && bondLike(h.classId)) {
        drafts.push({ daysAgo: 17, weight: between(rng, 0.005, 0.02), drip: true });
        continue;
      }
      const u = rng();
      const daysAgo =
        h.classId === "cash"
          ? intBetween(rng, 30, HISTORY_DAYS)
          : u < 0.17
            ? intBetween(rng, 45, 364)
            : intBetween(rng, 366, HISTORY_DAYS);
      const drip = h.classId !== "cash" && rng() < 0.12;
      drafts.push({ daysAgo, weight: drip ? between(rng, 0.01, 0.05) : between(rng, 0.3, 1.7), drip });
    }
    for (const daysAgo of h.recent) drafts.push({ daysAgo, weight: between(rng, 0.1, 0.5), drip: false });
    // A held-away 401(k)'s equity fund: biweekly payroll contributions, two more scheduled.
    const payroll = h.payroll;
    if (payroll) {
      for (const daysAgo of PAYROLL_DAYS_AGO) drafts.push({ daysAgo, weight: 0.01, drip: false });
    }
    const weightSum = drafts.reduce((sum, lot) => sum + lot.weight, 0);
    const placed = drafts
      .map((lot) => ({ ...lot, when: market.dates[lot.daysAgo] ?? { date: AS_OF, daysAgo: 0 } }))
      .sort((a, b) => b.when.daysAgo - a.when.daysAgo);
    let held = 0;
    let basisCents = 0;
    let basisKnown = true;
    for (const [n, lot] of placed.entries()) {
      const quantityShares = (h.value * lot.weight) / weightSum / price;
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
      const quantity = new Decimal(shares(thousandths));
      lots.push({
        lotKey,
        accountId: h.account.id,
        securityId: h.securityId,
        tradeDate: lot.when.date,
        acquiredDate: lot.when.date,
        quantity,
        costBasis: noBasis ? null : new Decimal(money(cents)),
      });
      if (lot.when.daysAgo <= 60) {
        transactions.push({
          id: `tx-${lotKey}`,
          accountId: h.account.id,
          securityId: h.securityId,
          kind: lot.drip ? "dividend-reinvest" : "buy",
          status: "settled",
          tradeDate: lot.when.date,
          quantity,
          lotKey,
        });
      }
    }
    if (payroll) {
      for (const days of [5, 19]) {
        transactions.push({
          id: `tx-${h.account.id}-${h.securityId.slice(4)}-scheduled-${days}`,
          accountId: h.account.id,
          securityId: h.securityId,
          kind: "buy",
          status: "scheduled",
          tradeDate: market.ahead(days),
          quantity: null,
        });
      }
    }
    // Now and then the custodian reports a position its lots do not add up to.
    const misreported = rng() < 0.003;
    positions.push({
      accountId: h.account.id,
      securityId: h.securityId,
      quantity: new Decimal(shares(misreported ? held + 1000 : held)),
      reportedCostBasis: basisKnown ? new Decimal(money(basisCents)) : null,
    });
  }

  // A pending order, a loss sold last week or two, a restriction.
  const tradeable = accounts.filter((a) => a.tradeable);
  const heldInvested = holdings.filter((h) => h.classId !== "cash" && h.account.tradeable);
  if (rng() < 0.03 && heldInvested.length > 0) {
    const h = pick(rng, heldInvested);
    transactions.push({
      id: `tx-${h.account.id}-pending`,
      accountId: h.account.id,
      securityId: h.securityId,
      kind: "buy",
      status: "pending",
      tradeDate: (market.dates[1] as { date: IsoDate }).date,
      quantity: new Decimal(intBetween(rng, 5, 100)),
    });
  }
  const taxableAccounts = tradeable.filter((a) => a.taxable);
  if (rng() < 0.1 && taxableAccounts.length > 0) {
    const account = pick(rng, taxableAccounts);
    const classId = pick(rng, ["us_equity", "intl_developed", "emerging", "us_small_cap"]);
    const securityId = pick(rng, market.classMembers.get(classId) ?? ["sec-vti"]);
    const when = market.dates[intBetween(rng, 3, 28)] ?? { date: AS_OF };
    transactions.push({
      id: `tx-${account.id}-${securityId.slice(4)}-loss-sale`,
      accountId: account.id,
      securityId,
      kind: "sell",
      status: "settled",
      tradeDate: when.date,
      quantity: new Decimal(intBetween(rng, 10, 200)),
      realizedGainLoss: new Decimal(money(-intBetween(rng, 50_000, 800_000))),
    });
  }
  const restrictions: PlanningRestriction[] = [];
  if (rng() < 0.08 && heldInvested.length > 0) {
    const h = pick(rng, heldInvested);
    const kind = weighted<RestrictionKind>(rng, [
      ["DO_NOT_SELL", 50],
      ["DO_NOT_BUY", 30],
      ["DO_NOT_TRADE", 20],
    ]);
    restrictions.push({
      kind,
      accountId: kind === "DO_NOT_BUY" ? null : h.account.id,
      securityId: kind === "DO_NOT_TRADE" ? null : h.securityId,
      reason: RESTRICTION_REASONS[kind],
    });
  }

  return {
    model,
    book: {
      householdId,
      asOf: market.asOf,
      accounts,
      positions,
      lots,
      securities: market.securities,
      cashClassId: "cash",
      prices: market.prices,
      transactions,
      restrictions,
    },
  };
}

export function generateBook(
  households: number,
  options: { seed?: number; market?: Market } = {},
): SyntheticBook {
  const market = options.market ?? buildMarket();
  const list: SyntheticHousehold[] = [];
  const counts: BookCounts = {
    households,
    accounts: 0,
    positions: 0,
    lots: 0,
    transactions: 0,
    restrictions: 0,
  };
  for (let i = 0; i < households; i++) {
    const household = generateHousehold(market, i, options.seed);
    list.push(household);
    counts.accounts += household.book.accounts.length;
    counts.positions += household.book.positions.length;
    counts.lots += household.book.lots.length;
    counts.transactions += household.book.transactions.length;
    counts.restrictions += household.book.restrictions.length;
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
