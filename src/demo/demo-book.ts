// The demo book that `lotwise seed --demo` writes: five households which, between them, exercise the
// domain rules of the design (bands, wash-sale windows across spouse/IRA/401k accounts, harvest
// thresholds, replacements, restrictions, unreconciled basis, stale data, a household with no model).
//
// Pure and deterministic: every date is an offset from `anchorDate`, every instant an offset from
// `now`; money, quantities and prices are decimal strings computed with Decimal, never JS numbers.
import type {
  AccountType,
  LotReliefMethod,
  PersonRole,
  RestrictionKind,
  Role,
  SecurityType,
  TransactionType,
} from "../domain/book.ts";
import { Decimal, formatFixed, sumDecimals } from "../domain/decimal.ts";
import { addDays, addYears, type IsoDate, toDayNumber } from "../domain/iso-date.ts";
import type {
  DemoAccount,
  DemoAssetClass,
  DemoBook,
  DemoCustodian,
  DemoHousehold,
  DemoModel,
  DemoModelVersion,
  DemoPolicy,
  DemoPrice,
  DemoSecurity,
  DemoSnapshot,
  DemoTransaction,
  DemoUser,
} from "./types.ts";

export interface DemoBookOptions {
  /** The calendar date every dated scenario is relative to (normally "today" at seeding). */
  anchorDate: IsoDate;
  /** ISO 8601 UTC instant that fresh snapshots and quotes are stamped relative to. */
  now: string;
}

export function buildDemoBook(options: DemoBookOptions): DemoBook {
  const t = timeline(options.anchorDate);
  const stamps = {
    live: shiftInstant(options.now, -2), // fresh custodian API pulls: 2 minutes old
    nightly: shiftInstant(options.now, -20 * 60), // last night's files: 20 hours old
  };
  return {
    anchorDate: options.anchorDate,
    now: options.now,
    custodians: CUSTODIANS.map((custodian) => ({ ...custodian })),
    assetClasses: ASSET_CLASSES.map((assetClass) => ({ ...assetClass })),
    securities: SECURITIES.map(toSecurity).sort(byKey((security) => security.id)),
    policy: buildPolicy(t),
    models: buildModels(t),
    households: [chen(t), alvarez(t), okafor(t), patel(t), brooks(t)].map((spec) =>
      buildHousehold(spec, stamps),
    ),
    users: buildUsers(),
    prices: buildPrices(options.anchorDate, options.now),
  };
}

// ---------------------------------------------------------------------------------------------
// Reference data: custodians, asset classes, securities (with the current demo price)
// ---------------------------------------------------------------------------------------------

const CUSTODIANS: DemoCustodian[] = [
  {
    id: "empower",
    name: "Empower (401k record-keeper)",
    supportsFractional: false,
    supportsSpecificLot: false,
  },
  { id: "fidelity", name: "Fidelity", supportsFractional: true, supportsSpecificLot: true },
  { id: "ibkr", name: "Interactive Brokers", supportsFractional: true, supportsSpecificLot: true },
  { id: "schwab", name: "Charles Schwab", supportsFractional: false, supportsSpecificLot: true },
  { id: "vanguard", name: "Vanguard", supportsFractional: false, supportsSpecificLot: true },
];
type CustodianId = "empower" | "fidelity" | "ibkr" | "schwab" | "vanguard";

const ASSET_CLASSES: DemoAssetClass[] = [
  { id: "us_equity", name: "US equity", isCash: false, sortOrder: 10 },
  { id: "us_small_cap", name: "US small cap", isCash: false, sortOrder: 20 },
  { id: "intl_equity", name: "International equity (total)", isCash: false, sortOrder: 30 },
  { id: "intl_developed", name: "International developed", isCash: false, sortOrder: 40 },
  { id: "emerging", name: "Emerging markets", isCash: false, sortOrder: 50 },
  { id: "us_bonds", name: "US bonds", isCash: false, sortOrder: 60 },
  { id: "muni_bonds", name: "Municipal bonds", isCash: false, sortOrder: 70 },
  { id: "cash", name: "Cash", isCash: true, sortOrder: 80 },
];

interface SecurityRow {
  symbol: string;
  name: string;
  type: SecurityType;
  assetClassId: string;
  /** Funds with the same tracked index are substantially identical under the default policy. */
  trackedIndex: string | null;
  fundFamily: string;
  expenseRatio: string;
  cusip: string | null;
  /** The demo feed's current quote. */
  price: string;
}

const CRSP_TOTAL = "CRSP US Total Market Index";
const SP500 = "S&P 500 Index";
const US_AGG = "Bloomberg U.S. Aggregate Bond Index";
const US_AGG_FLOAT = "Bloomberg U.S. Aggregate Float Adjusted Index";

// biome-ignore format: one security per line reads best as a table
const SECURITIES: SecurityRow[] = [
  // US equity
  { symbol: "VTI", name: "Vanguard Total Stock Market ETF", type: "ETF", assetClassId: "us_equity", trackedIndex: CRSP_TOTAL, fundFamily: "Vanguard", expenseRatio: "0.0003", cusip: "922908769", price: "310.00" },
  { symbol: "ITOT", name: "iShares Core S&P Total U.S. Stock Market ETF", type: "ETF", assetClassId: "us_equity", trackedIndex: "S&P Total Market Index", fundFamily: "iShares", expenseRatio: "0.0003", cusip: "464287150", price: "135.00" },
  { symbol: "SCHB", name: "Schwab U.S. Broad Market ETF", type: "ETF", assetClassId: "us_equity", trackedIndex: "Dow Jones U.S. Broad Stock Market Index", fundFamily: "Schwab", expenseRatio: "0.0003", cusip: "808524102", price: "25.50" },
  { symbol: "VOO", name: "Vanguard S&P 500 ETF", type: "ETF", assetClassId: "us_equity", trackedIndex: SP500, fundFamily: "Vanguard", expenseRatio: "0.0003", cusip: "922908363", price: "560.00" },
  { symbol: "IVV", name: "iShares Core S&P 500 ETF", type: "ETF", assetClassId: "us_equity", trackedIndex: SP500, fundFamily: "iShares", expenseRatio: "0.0003", cusip: "464287200", price: "610.00" },
  { symbol: "SPY", name: "SPDR S&P 500 ETF Trust", type: "ETF", assetClassId: "us_equity", trackedIndex: SP500, fundFamily: "State Street SPDR", expenseRatio: "0.000945", cusip: "78462F103", price: "605.00" },
  { symbol: "VTSAX", name: "Vanguard Total Stock Market Index Fund Admiral Shares", type: "MUTUAL_FUND", assetClassId: "us_equity", trackedIndex: CRSP_TOTAL, fundFamily: "Vanguard", expenseRatio: "0.0004", cusip: "922908728", price: "150.00" },
  { symbol: "VFIAX", name: "Vanguard 500 Index Fund Admiral Shares", type: "MUTUAL_FUND", assetClassId: "us_equity", trackedIndex: SP500, fundFamily: "Vanguard", expenseRatio: "0.0004", cusip: "922908710", price: "520.00" },
  { symbol: "FXAIX", name: "Fidelity 500 Index Fund", type: "MUTUAL_FUND", assetClassId: "us_equity", trackedIndex: SP500, fundFamily: "Fidelity", expenseRatio: "0.00015", cusip: "315911750", price: "210.00" },
  // US small cap
  { symbol: "VB", name: "Vanguard Small-Cap ETF", type: "ETF", assetClassId: "us_small_cap", trackedIndex: "CRSP US Small Cap Index", fundFamily: "Vanguard", expenseRatio: "0.0005", cusip: "922908751", price: "245.00" },
  { symbol: "IJR", name: "iShares Core S&P Small-Cap ETF", type: "ETF", assetClassId: "us_small_cap", trackedIndex: "S&P SmallCap 600 Index", fundFamily: "iShares", expenseRatio: "0.0006", cusip: "464287804", price: "118.00" },
  { symbol: "SCHA", name: "Schwab U.S. Small-Cap ETF", type: "ETF", assetClassId: "us_small_cap", trackedIndex: "Dow Jones U.S. Small-Cap Total Stock Market Index", fundFamily: "Schwab", expenseRatio: "0.0004", cusip: "808524607", price: "26.00" },
  // International equity (total)
  { symbol: "VXUS", name: "Vanguard Total International Stock ETF", type: "ETF", assetClassId: "intl_equity", trackedIndex: "FTSE Global All Cap ex US Index", fundFamily: "Vanguard", expenseRatio: "0.0005", cusip: "921909768", price: "65.00" },
  { symbol: "IXUS", name: "iShares Core MSCI Total International Stock ETF", type: "ETF", assetClassId: "intl_equity", trackedIndex: "MSCI ACWI ex USA IMI Index", fundFamily: "iShares", expenseRatio: "0.0007", cusip: "46432F834", price: "72.00" },
  // International developed
  { symbol: "VEA", name: "Vanguard FTSE Developed Markets ETF", type: "ETF", assetClassId: "intl_developed", trackedIndex: "FTSE Developed All Cap ex US Index", fundFamily: "Vanguard", expenseRatio: "0.0003", cusip: "921943858", price: "52.00" },
  { symbol: "IEFA", name: "iShares Core MSCI EAFE ETF", type: "ETF", assetClassId: "intl_developed", trackedIndex: "MSCI EAFE IMI Index", fundFamily: "iShares", expenseRatio: "0.0007", cusip: "46432F842", price: "78.00" },
  { symbol: "SCHF", name: "Schwab International Equity ETF", type: "ETF", assetClassId: "intl_developed", trackedIndex: "FTSE Developed ex US Index", fundFamily: "Schwab", expenseRatio: "0.0003", cusip: "808524805", price: "21.50" },
  // Emerging markets
  { symbol: "VWO", name: "Vanguard FTSE Emerging Markets ETF", type: "ETF", assetClassId: "emerging", trackedIndex: "FTSE Emerging Markets All Cap China A Inclusion Index", fundFamily: "Vanguard", expenseRatio: "0.0007", cusip: "922042858", price: "46.00" },
  { symbol: "IEMG", name: "iShares Core MSCI Emerging Markets ETF", type: "ETF", assetClassId: "emerging", trackedIndex: "MSCI Emerging Markets IMI Index", fundFamily: "iShares", expenseRatio: "0.0009", cusip: "46434G103", price: "57.00" },
  { symbol: "SCHE", name: "Schwab Emerging Markets Equity ETF", type: "ETF", assetClassId: "emerging", trackedIndex: "FTSE Emerging Index", fundFamily: "Schwab", expenseRatio: "0.0007", cusip: "808524706", price: "28.00" },
  // US bonds
  { symbol: "BND", name: "Vanguard Total Bond Market ETF", type: "ETF", assetClassId: "us_bonds", trackedIndex: US_AGG_FLOAT, fundFamily: "Vanguard", expenseRatio: "0.0003", cusip: "921937835", price: "72.50" },
  { symbol: "AGG", name: "iShares Core U.S. Aggregate Bond ETF", type: "ETF", assetClassId: "us_bonds", trackedIndex: US_AGG, fundFamily: "iShares", expenseRatio: "0.0003", cusip: "464287226", price: "98.50" },
  { symbol: "SCHZ", name: "Schwab U.S. Aggregate Bond ETF", type: "ETF", assetClassId: "us_bonds", trackedIndex: US_AGG, fundFamily: "Schwab", expenseRatio: "0.0003", cusip: "808524839", price: "23.40" },
  { symbol: "VBTLX", name: "Vanguard Total Bond Market Index Fund Admiral Shares", type: "MUTUAL_FUND", assetClassId: "us_bonds", trackedIndex: US_AGG_FLOAT, fundFamily: "Vanguard", expenseRatio: "0.0004", cusip: "921937603", price: "9.70" },
  // Municipal bonds
  { symbol: "VTEB", name: "Vanguard Tax-Exempt Bond ETF", type: "ETF", assetClassId: "muni_bonds", trackedIndex: "S&P National AMT-Free Municipal Bond Index", fundFamily: "Vanguard", expenseRatio: "0.0003", cusip: "922907746", price: "50.20" },
  { symbol: "MUB", name: "iShares National Muni Bond ETF", type: "ETF", assetClassId: "muni_bonds", trackedIndex: "ICE AMT-Free US National Municipal Index", fundFamily: "iShares", expenseRatio: "0.0005", cusip: "464288414", price: "106.50" },
  // Cash (money market funds: stable $1.00 NAV, no index)
  { symbol: "SWVXX", name: "Schwab Value Advantage Money Fund Investor Shares", type: "MONEY_MARKET", assetClassId: "cash", trackedIndex: null, fundFamily: "Schwab", expenseRatio: "0.0034", cusip: null, price: "1.00" },
  { symbol: "VMFXX", name: "Vanguard Federal Money Market Fund", type: "MONEY_MARKET", assetClassId: "cash", trackedIndex: null, fundFamily: "Vanguard", expenseRatio: "0.0011", cusip: "922906300", price: "1.00" },
  { symbol: "SPAXX", name: "Fidelity Government Money Market Fund", type: "MONEY_MARKET", assetClassId: "cash", trackedIndex: null, fundFamily: "Fidelity", expenseRatio: "0.0042", cusip: "31617H102", price: "1.00" },
];

/** "VTI" -> "sec-vti". */
function sec(symbol: string): string {
  return `sec-${symbol.toLowerCase()}`;
}

function toSecurity(row: SecurityRow): DemoSecurity {
  return {
    id: sec(row.symbol),
    symbol: row.symbol,
    cusip: row.cusip,
    name: row.name,
    type: row.type,
    assetClassId: row.assetClassId,
    trackedIndex: row.trackedIndex,
    fundFamily: row.fundFamily,
    expenseRatio: row.expenseRatio,
  };
}

// ---------------------------------------------------------------------------------------------
// Dates and instants
// ---------------------------------------------------------------------------------------------

interface Timeline {
  anchor: IsoDate;
  daysAgo(days: number): IsoDate;
  daysAhead(days: number): IsoDate;
  /** `years` calendar years before the anchor, then `plusDays` more (negative: further back). */
  yearsAgo(years: number, plusDays?: number): IsoDate;
}

// Trades happen on business days: past dates step back to a weekday, future ones forward.
function timeline(anchor: IsoDate): Timeline {
  return {
    anchor,
    daysAgo: (days) => businessDayOnOrBefore(addDays(anchor, -days)),
    daysAhead: (days) => businessDayOnOrAfter(addDays(anchor, days)),
    yearsAgo: (years, plusDays = 0) => businessDayOnOrBefore(addDays(addYears(anchor, -years), plusDays)),
  };
}

/** An ISO instant `minutes` after `instant` (negative: before). */
function shiftInstant(instant: string, minutes: number): string {
  return new Date(new Date(instant).getTime() + minutes * 60_000).toISOString();
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01, day 0, was a Thursday). */
function weekday(date: IsoDate): number {
  return (((toDayNumber(date) + 4) % 7) + 7) % 7;
}

function isWeekend(date: IsoDate): boolean {
  return weekday(date) === 0 || weekday(date) === 6;
}

function businessDayOnOrBefore(date: IsoDate): IsoDate {
  return isWeekend(date) ? previousBusinessDay(date) : date;
}

function businessDayOnOrAfter(date: IsoDate): IsoDate {
  let day = date;
  while (isWeekend(day)) day = addDays(day, 1);
  return day;
}

function previousBusinessDay(date: IsoDate): IsoDate {
  let day = addDays(date, -1);
  while (weekday(day) === 0 || weekday(day) === 6) day = addDays(day, -1);
  return day;
}

function byKey<T>(key: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

// ---------------------------------------------------------------------------------------------
// Prices: yesterday's close (current - 0.5%) and a fresh quote at the current demo price
// ---------------------------------------------------------------------------------------------

function buildPrices(anchor: IsoDate, now: string): DemoPrice[] {
  const closeAt = `${previousBusinessDay(anchor)}T21:00:00.000Z`;
  const quoteAt = shiftInstant(now, -1);
  return SECURITIES.flatMap((row): DemoPrice[] => {
    const current = new Decimal(row.price);
    // Money market funds hold a stable $1.00 NAV; everything else closed 0.5% lower yesterday.
    const close = row.type === "MONEY_MARKET" ? current : current.times("0.995");
    return [
      {
        securityId: sec(row.symbol),
        asOf: closeAt,
        price: formatFixed(close, 2),
        kind: "CLOSE",
        source: "demo-close",
      },
      { securityId: sec(row.symbol), asOf: quoteAt, price: row.price, kind: "QUOTE", source: "demo-feed" },
    ];
  }).sort(byKey((price) => `${price.securityId}|${price.asOf}`));
}

// ---------------------------------------------------------------------------------------------
// Substantially-identical policy and target models
// ---------------------------------------------------------------------------------------------

function buildPolicy(t: Timeline): DemoPolicy {
  const shareClasses = "share classes of the same fund";
  return {
    id: "si-policy-v1",
    version: 1,
    effectiveDate: t.yearsAgo(2),
    sameIndexIsIdentical: true,
    description:
      "Firm rule (compliance-owned): funds tracking the same index are treated as substantially identical " +
      "(conservative reading of IRC §1091), as are all share classes of the same fund; funds tracking a " +
      "different index of the same asset class are acceptable tax-loss-harvesting replacements.",
    groups: [
      group("si-group-vanguard-total-bond", "Vanguard Total Bond Market (ETF and Admiral shares)", [
        "BND",
        "VBTLX",
      ]),
      group("si-group-vanguard-500", "Vanguard 500 Index (ETF and Admiral shares)", ["VOO", "VFIAX"]),
      group("si-group-vanguard-total-stock", "Vanguard Total Stock Market (ETF and Admiral shares)", [
        "VTI",
        "VTSAX",
      ]),
    ],
  };

  function group(id: string, name: string, symbols: string[]): DemoPolicy["groups"][number] {
    return { id, name, reason: shareClasses, securityIds: symbols.map(sec) };
  }
}

/** [asset class, weight, primary, ...ordered alternates] */
type TargetRow = [assetClassId: string, weight: string, primary: string, ...alternates: string[]];

const BALANCED_V1: TargetRow[] = [
  ["us_equity", "0.38", "VTI", "ITOT", "SCHB"],
  ["us_small_cap", "0.05", "VB", "IJR", "SCHA"],
  ["intl_developed", "0.12", "VEA", "IEFA", "SCHF"],
  ["emerging", "0.05", "VWO", "IEMG", "SCHE"],
  ["us_bonds", "0.30", "BND", "AGG", "SCHZ"],
  ["muni_bonds", "0.08", "VTEB", "MUB"],
  ["cash", "0.02", "SWVXX", "VMFXX", "SPAXX"],
];

const BALANCED_V2: TargetRow[] = [
  ["us_equity", "0.36", "VTI", "ITOT", "SCHB"],
  ["us_small_cap", "0.06", "VB", "IJR", "SCHA"],
  ["intl_developed", "0.12", "VEA", "IEFA", "SCHF"],
  ["emerging", "0.04", "VWO", "IEMG", "SCHE"],
  ["us_bonds", "0.30", "BND", "AGG", "SCHZ"],
  ["muni_bonds", "0.10", "VTEB", "MUB"],
  ["cash", "0.02", "SWVXX", "VMFXX", "SPAXX"],
];

const GROWTH_V1: TargetRow[] = [
  ["us_equity", "0.55", "VTI", "ITOT", "SCHB"],
  ["intl_equity", "0.23", "VXUS", "IXUS"],
  ["us_bonds", "0.20", "BND", "AGG", "SCHZ"],
  ["cash", "0.02", "SWVXX", "VMFXX", "SPAXX"],
];

function buildModels(t: Timeline): DemoModel[] {
  return [
    {
      id: "model-balanced",
      name: "Balanced 60/40",
      description: "60% equity / 40% fixed income, with a municipal sleeve for taxable households.",
      versions: [
        version("mv-balanced-1", 1, t.yearsAgo(3), "TARGET", BALANCED_V1, {}, "Original allocation."),
        version(
          "mv-balanced-2",
          2,
          t.yearsAgo(1),
          "TARGET",
          BALANCED_V2,
          // Per-class override: cash may drift one point either way (25% of a 2% target is only 0.5).
          { cash: { bandAbsolute: "0.01", bandRelative: "0.50" } },
          "More small cap and munis, less emerging markets; own absolute band for cash.",
        ),
      ],
    },
    {
      id: "model-growth",
      name: "Growth 80/20",
      description: "80% equity / 20% fixed income; rebalances only back to the band edge to limit turnover.",
      versions: [version("mv-growth-1", 1, t.yearsAgo(2), "BAND_EDGE", GROWTH_V1, {}, null)],
    },
  ];
}

function version(
  id: string,
  number: number,
  effectiveDate: IsoDate,
  rebalanceTo: DemoModelVersion["rebalanceTo"],
  rows: TargetRow[],
  overrides: Record<string, { bandAbsolute: string | null; bandRelative: string | null }>,
  notes: string | null,
): DemoModelVersion {
  return {
    id,
    version: number,
    effectiveDate,
    bandAbsolute: "0.05",
    bandRelative: "0.25",
    rebalanceTo,
    notes,
    targets: rows.map(([assetClassId, weight, primary, ...alternates]) => ({
      id: `tgt-${id}-${assetClassId}`,
      assetClassId,
      weight,
      bandAbsolute: overrides[assetClassId]?.bandAbsolute ?? null,
      bandRelative: overrides[assetClassId]?.bandRelative ?? null,
      primarySecurityId: sec(primary),
      alternateSecurityIds: alternates.map(sec),
    })),
  };
}

// ---------------------------------------------------------------------------------------------
// Users
// ---------------------------------------------------------------------------------------------

const ALL_HOUSEHOLDS = ["hh-chen", "hh-alvarez", "hh-okafor", "hh-patel", "hh-brooks"];

function buildUsers(): DemoUser[] {
  const grant = (householdIds: string[], roles: Role[]) =>
    householdIds.flatMap((householdId) => roles.map((role) => ({ householdId, role })));
  const user = (
    key: string,
    slackUserId: string,
    name: string,
    roles: Role[],
    access: DemoUser["access"],
  ) => ({
    id: `user-${key.replace(".", "-")}`,
    slackUserId,
    name,
    email: `${key}@lotwise-demo.example`,
    roles,
    access,
  });
  return [
    user("alice.moreno", "U0ADVISOR1", "Alice Moreno", [], grant(ALL_HOUSEHOLDS, ["ADVISOR"])),
    user("ben.whitaker", "U0APPROVER1", "Ben Whitaker", [], grant(ALL_HOUSEHOLDS, ["APPROVER"])),
    user("carla.jensen", "U0COMPLIANCE1", "Carla Jensen", ["COMPLIANCE"], []),
    // Known to lotwise but serving none of the demo households: the demo of a refused click.
    user("oscar.lind", "U0OUTSIDER1", "Oscar Lind", [], []),
  ];
}

// ---------------------------------------------------------------------------------------------
// Households: specs (data) and the builder that turns them into snapshots and transactions
// ---------------------------------------------------------------------------------------------

/** An open lot and the transaction that acquired it. */
interface Holding {
  symbol: string;
  on: IsoDate;
  quantity: string;
  /** Per-share price; null when the basis is unknown (transfer in without basis). */
  price: string | null;
  via: "BUY" | "DIVIDEND_REINVEST" | "TRANSFER_IN";
  note?: string;
}

/** Transactions that do not open a lot still held today. */
type Activity =
  | {
      kind: "round-trip";
      symbol: string;
      boughtOn: IsoDate;
      soldOn: IsoDate;
      quantity: string;
      buyPrice: string;
      sellPrice: string;
      note: string;
    }
  | { kind: "scheduled-buy"; symbol: string; on: IsoDate; amount: string; note: string }
  | { kind: "deposit"; on: IsoDate; amount: string }
  | { kind: "dividend"; symbol: string; on: IsoDate; amount: string };

interface AccountSpec {
  /** Short readable key, e.g. "chen-schwab-taxable" (account id is "acct-" + key). */
  key: string;
  /** Person key within the household, e.g. "david". */
  owner: string;
  custodian: CustodianId;
  type: AccountType;
  nickname: string;
  masked: string;
  relief?: LotReliefMethod;
  /** false: held away (reported and counted in weights, never traded). */
  tradeable?: boolean;
  cashReserve: string;
  cash: string;
  openedOn: IsoDate;
  holdings: Holding[];
  activity?: Activity[];
  /** Positions the custodian reports differently from our lots (deliberately unreconciled). */
  reported?: Record<string, { quantity: string; costBasis: string | null }>;
}

interface HouseholdSpec {
  key: string;
  name: string;
  notes: string;
  people: { key: string; role: PersonRole; name: string }[];
  model: { versionId: string; assignedOn: IsoDate } | null;
  /** Which feed the household's custodians deliver through ("nightly" files are 20 hours old). */
  feed: "live" | "nightly";
  restrictions: {
    key: string;
    account: string | null;
    symbol: string | null;
    kind: RestrictionKind;
    reason: string;
  }[];
  accounts: AccountSpec[];
}

const buy = (symbol: string, on: IsoDate, quantity: string, price: string, note?: string): Holding =>
  note === undefined
    ? { symbol, on, quantity, price, via: "BUY" }
    : { symbol, on, quantity, price, via: "BUY", note };

const reinvest = (symbol: string, on: IsoDate, quantity: string, price: string): Holding => ({
  symbol,
  on,
  quantity,
  price,
  via: "DIVIDEND_REINVEST",
});

const transferInWithoutBasis = (symbol: string, on: IsoDate, quantity: string, note: string): Holding => ({
  symbol,
  on,
  quantity,
  price: null,
  via: "TRANSFER_IN",
  note,
});

/** A payroll contribution of `amount` dollars buying whole thousandths of a share at `price`. */
function contribution(symbol: string, on: IsoDate, amount: string, price: string): Holding {
  const quantity = new Decimal(amount).div(price).toDecimalPlaces(3, Decimal.ROUND_DOWN);
  return buy(symbol, on, quantity.toString(), price, `Payroll contribution: ${symbol}`);
}

/** A future automatic investment of `amount` dollars (shares and price unknown until it runs). */
const scheduledContribution = (symbol: string, on: IsoDate, amount: string): Activity => ({
  kind: "scheduled-buy",
  symbol,
  on,
  amount: formatFixed(new Decimal(amount).neg(), 2),
  note: `Payroll contribution: ${symbol} (scheduled)`,
});

const deposit = (on: IsoDate, amount: string): Activity => ({ kind: "deposit", on, amount });

const dividend = (symbol: string, on: IsoDate, amount: string): Activity => ({
  kind: "dividend",
  symbol,
  on,
  amount,
});

// --- 1. Chen: far out of band; every harvestable-looking loss but one is blocked by a wash-sale conflict.
function chen(t: Timeline): HouseholdSpec {
  return {
    key: "chen",
    name: "Chen Household",
    notes:
      "Far out of band (US equity heavy, bonds light) with losses blocked by a spouse-IRA IVV buy, a BND " +
      "dividend reinvestment and scheduled 401k VTSAX contributions; only the IBKR VEA loss is harvestable.",
    people: [
      { key: "david", role: "CLIENT", name: "David Chen" },
      { key: "mei", role: "SPOUSE", name: "Mei Chen" },
    ],
    model: { versionId: "mv-balanced-2", assignedOn: t.yearsAgo(1, 7) },
    feed: "live",
    restrictions: [],
    accounts: [
      {
        // Long-term VTI gains; a short-term VTI loss (blocked by the 401k VTSAX buys) and a VOO loss
        // (blocked by Mei's IVV purchase: same index).
        key: "chen-schwab-taxable",
        owner: "david",
        custodian: "schwab",
        type: "TAXABLE",
        nickname: "David - Schwab brokerage",
        masked: "****4821",
        cashReserve: "2000.00",
        cash: "3250.00",
        openedOn: t.yearsAgo(7, -40),
        holdings: [
          buy("VTI", t.yearsAgo(6), "300", "165.20"),
          buy("VTI", t.yearsAgo(4), "200", "221.75"),
          buy("VTI", t.yearsAgo(2, -35), "100", "262.40"),
          buy("VTI", t.daysAgo(240), "100", "328.40"),
          buy("VOO", t.daysAgo(270), "60", "601.20"),
        ],
        activity: [deposit(t.daysAgo(45), "5000.00"), dividend("VTI", t.daysAgo(55), "668.50")],
      },
      {
        // The spouse's IRA bought IVV (S&P 500, like VOO) 12 days ago: VOO loss blocked until anchor+19.
        key: "chen-fidelity-ira",
        owner: "mei",
        custodian: "fidelity",
        type: "TRADITIONAL_IRA",
        nickname: "Mei - Fidelity IRA",
        masked: "****7315",
        cashReserve: "100.00",
        cash: "210.00",
        openedOn: t.yearsAgo(6),
        holdings: [
          buy("BND", t.yearsAgo(5), "400", "86.90"),
          buy("VEA", t.yearsAgo(3), "300", "45.10"),
          buy("IVV", t.daysAgo(12), "20", "606.35", "IRA contribution invested in IVV"),
        ],
      },
      {
        // Tax-advantaged emerging markets and small cap: sales here cost no tax.
        key: "chen-schwab-roth",
        owner: "david",
        custodian: "schwab",
        type: "ROTH_IRA",
        nickname: "David - Schwab Roth IRA",
        masked: "****5907",
        cashReserve: "0.00",
        cash: "95.00",
        openedOn: t.yearsAgo(6),
        holdings: [buy("VWO", t.yearsAgo(5), "250", "41.30"), buy("VB", t.yearsAgo(3), "120", "198.60")],
      },
      {
        // A small spouse Roth with a fractional VTI position (Fidelity supports fractional shares).
        key: "chen-fidelity-roth",
        owner: "mei",
        custodian: "fidelity",
        type: "ROTH_IRA",
        nickname: "Mei - Fidelity Roth IRA",
        masked: "****2268",
        cashReserve: "50.00",
        cash: "45.00",
        openedOn: t.yearsAgo(3),
        holdings: [
          buy("VTI", t.yearsAgo(2), "40.5", "232.10"),
          buy("SPAXX", t.yearsAgo(2), "612.40", "1.00"),
        ],
      },
      {
        // BND losses, but a dividend reinvestment 10 days ago would wash a BND harvest today.
        key: "chen-vanguard-joint",
        owner: "david",
        custodian: "vanguard",
        type: "JOINT_TAXABLE",
        nickname: "David & Mei - Vanguard joint",
        masked: "****6142",
        cashReserve: "1500.00",
        cash: "1800.00",
        openedOn: t.yearsAgo(8),
        holdings: [
          buy("VTI", t.yearsAgo(7), "250", "148.60"),
          buy("BND", t.yearsAgo(5, 60), "200", "87.95"),
          buy("BND", t.yearsAgo(4), "300", "85.10"),
          reinvest("BND", t.daysAgo(10), "1.843", "72.35"),
        ],
      },
      {
        // The clean harvest: VEA at a 10% long-term loss with no conflicts (IEFA is the replacement);
        // VWO at a $40 loss, below any sensible threshold.
        key: "chen-ibkr-taxable",
        owner: "david",
        custodian: "ibkr",
        type: "TAXABLE",
        nickname: "David - IBKR trading",
        masked: "****3390",
        cashReserve: "1000.00",
        cash: "2750.00",
        openedOn: t.yearsAgo(2),
        holdings: [buy("VEA", t.daysAgo(425), "400", "58.00"), buy("VWO", t.daysAgo(200), "40", "47.00")],
      },
      {
        // Held-away 401k: counted in weights, never traded; biweekly VTSAX contributions (VTI's share
        // class twin) settled 9 days ago and scheduled at anchor+5 and +19 block the VTI loss.
        key: "chen-empower-401k",
        owner: "david",
        custodian: "empower",
        type: "K401",
        nickname: "David - employer 401(k)",
        masked: "****0457",
        relief: "AVERAGE_COST",
        tradeable: false,
        cashReserve: "0.00",
        cash: "0.00",
        openedOn: t.yearsAgo(9),
        holdings: [
          buy("VTSAX", t.yearsAgo(6), "250", "82.40"),
          buy("VTSAX", t.yearsAgo(3), "150", "104.70"),
          buy("VBTLX", t.yearsAgo(5), "2000", "10.85"),
          contribution("VTSAX", t.daysAgo(51), "500.00", "146.80"),
          contribution("VTSAX", t.daysAgo(37), "500.00", "149.20"),
          contribution("VTSAX", t.daysAgo(23), "500.00", "151.35"),
          contribution("VTSAX", t.daysAgo(9), "500.00", "148.10"),
        ],
        activity: [
          scheduledContribution("VTSAX", t.daysAhead(5), "500.00"),
          scheduledContribution("VTSAX", t.daysAhead(19), "500.00"),
        ],
      },
    ],
  };
}

// --- 2. Alvarez: moderately out of band; restriction, unreconciled position, unknown basis, recent loss sale.
function alvarez(t: Timeline): HouseholdSpec {
  return {
    key: "alvarez",
    name: "Alvarez Household",
    notes:
      "International developed is more than 25% under target; shows a do-not-sell restriction, an " +
      "unreconciled IJR position, a lot without basis, and an ITOT loss sale that blocks ITOT as a replacement.",
    people: [
      { key: "sofia", role: "CLIENT", name: "Sofia Alvarez" },
      { key: "marco", role: "SPOUSE", name: "Marco Alvarez" },
    ],
    model: { versionId: "mv-balanced-2", assignedOn: t.yearsAgo(1, 14) },
    feed: "live",
    restrictions: [
      {
        key: "schb-do-not-sell",
        account: "alvarez-schwab-taxable",
        symbol: "SCHB",
        kind: "DO_NOT_SELL",
        reason: "Client gifting appreciated SCHB to charity in December",
      },
    ],
    accounts: [
      {
        // HIFO taxable with large long-term gains (SCHB, VTEB), a VB lot whose basis never arrived,
        // and an ITOT round trip sold at a loss 20 days ago (buying ITOT before anchor+11 would wash it).
        key: "alvarez-schwab-taxable",
        owner: "sofia",
        custodian: "schwab",
        type: "TAXABLE",
        nickname: "Sofia - Schwab brokerage",
        masked: "****1184",
        relief: "HIFO",
        cashReserve: "2500.00",
        cash: "2600.00",
        openedOn: t.yearsAgo(8),
        holdings: [
          buy("SCHB", t.yearsAgo(7), "3000", "12.40"),
          buy("SCHB", t.yearsAgo(5), "2000", "16.10"),
          buy("VTEB", t.yearsAgo(6), "1000", "46.80"),
          buy("VTEB", t.yearsAgo(4), "650", "47.30"),
          buy("VB", t.yearsAgo(4), "75", "205.00"),
          transferInWithoutBasis(
            "VB",
            t.yearsAgo(3),
            "60",
            "Transferred in from prior advisor; basis not provided",
          ),
        ],
        activity: [
          {
            kind: "round-trip",
            symbol: "ITOT",
            boughtOn: t.daysAgo(20 + 548),
            soldOn: t.daysAgo(20),
            quantity: "100",
            buyPrice: "142.30",
            sellPrice: "131.10",
            note: "Tax-loss harvest",
          },
        ],
      },
      {
        // The custodian reports 150 IJR; our lots only account for 120 (unreconciled: not harvestable).
        key: "alvarez-schwab-ira",
        owner: "sofia",
        custodian: "schwab",
        type: "TRADITIONAL_IRA",
        nickname: "Sofia - Schwab rollover IRA",
        masked: "****8836",
        cashReserve: "100.00",
        cash: "150.00",
        openedOn: t.yearsAgo(5),
        holdings: [
          buy("IJR", t.yearsAgo(4), "80", "96.40"),
          buy("IJR", t.yearsAgo(2), "40", "108.90"),
          buy("BND", t.yearsAgo(3), "1290", "71.90"),
          buy("AGG", t.yearsAgo(2), "500", "97.60"),
          buy("VWO", t.yearsAgo(4), "500", "40.10"),
          buy("SWVXX", t.yearsAgo(1), "6000", "1.00"),
        ],
        // Lots: 7712.00 + 4356.00; the custodian also counts 30 shares (3036.00) we have no lot for.
        reported: { IJR: { quantity: "150", costBasis: "15104.00" } },
      },
      {
        // Spouse Roth holding the (underweight) developed-markets sleeve.
        key: "alvarez-fidelity-roth",
        owner: "marco",
        custodian: "fidelity",
        type: "ROTH_IRA",
        nickname: "Marco - Fidelity Roth IRA",
        masked: "****2051",
        cashReserve: "0.00",
        cash: "80.00",
        openedOn: t.yearsAgo(6),
        holdings: [buy("VTI", t.yearsAgo(5), "200", "205.30"), buy("VEA", t.yearsAgo(3), "1300", "46.25")],
      },
      {
        // Spouse IRA at Vanguard (whole shares only).
        key: "alvarez-vanguard-ira",
        owner: "marco",
        custodian: "vanguard",
        type: "TRADITIONAL_IRA",
        nickname: "Marco - Vanguard IRA",
        masked: "****6679",
        cashReserve: "250.00",
        cash: "120.00",
        openedOn: t.yearsAgo(7),
        holdings: [
          buy("VTI", t.yearsAgo(6), "250", "170.10"),
          buy("BND", t.yearsAgo(4), "800", "84.70"),
          buy("VWO", t.yearsAgo(2), "230", "42.80"),
          buy("VMFXX", t.yearsAgo(1), "9000", "1.00"),
        ],
      },
      {
        // Held-away 401k (reported only).
        key: "alvarez-empower-401k",
        owner: "sofia",
        custodian: "empower",
        type: "K401",
        nickname: "Sofia - employer 401(k)",
        masked: "****3712",
        relief: "AVERAGE_COST",
        tradeable: false,
        cashReserve: "0.00",
        cash: "0.00",
        openedOn: t.yearsAgo(6),
        holdings: [
          buy("VFIAX", t.yearsAgo(5), "130", "340.00"),
          buy("VBTLX", t.yearsAgo(4), "6000", "10.20"),
        ],
      },
    ],
  };
}

// --- 3. Okafor: every class inside its bands, so the plan must be empty.
function okafor(t: Timeline): HouseholdSpec {
  return {
    key: "okafor",
    name: "Okafor Household",
    notes: "Inside its bands for every asset class: a correct plan for this household is empty.",
    people: [
      { key: "grace", role: "CLIENT", name: "Grace Okafor" },
      { key: "daniel", role: "SPOUSE", name: "Daniel Okafor" },
    ],
    model: { versionId: "mv-growth-1", assignedOn: t.yearsAgo(2, 30) },
    feed: "live",
    restrictions: [],
    accounts: [
      {
        key: "okafor-vanguard-taxable",
        owner: "grace",
        custodian: "vanguard",
        type: "TAXABLE",
        nickname: "Grace - Vanguard brokerage",
        masked: "****9024",
        cashReserve: "1000.00",
        cash: "1500.00",
        openedOn: t.yearsAgo(8),
        holdings: [
          buy("VTI", t.yearsAgo(7), "400", "152.30"),
          buy("VTI", t.yearsAgo(4), "250", "218.60"),
          buy("VXUS", t.yearsAgo(5), "800", "61.40"),
          buy("VMFXX", t.yearsAgo(1), "3000", "1.00"),
        ],
        activity: [dividend("VXUS", t.daysAgo(30), "312.40")],
      },
      {
        key: "okafor-vanguard-roth",
        owner: "daniel",
        custodian: "vanguard",
        type: "ROTH_IRA",
        nickname: "Daniel - Vanguard Roth IRA",
        masked: "****4410",
        cashReserve: "0.00",
        cash: "60.00",
        openedOn: t.yearsAgo(4),
        holdings: [buy("VTI", t.yearsAgo(3), "420", "201.50"), buy("VXUS", t.yearsAgo(3), "1300", "55.80")],
      },
      {
        key: "okafor-schwab-ira",
        owner: "grace",
        custodian: "schwab",
        type: "TRADITIONAL_IRA",
        nickname: "Grace - Schwab IRA",
        masked: "****5573",
        cashReserve: "150.00",
        cash: "200.00",
        openedOn: t.yearsAgo(5),
        holdings: [buy("BND", t.yearsAgo(4), "1650", "84.40"), buy("SWVXX", t.yearsAgo(1), "7800", "1.00")],
      },
    ],
  };
}

// --- 4. Patel: out of band, but its custodian data arrived in last night's files (stale-plan refusal).
function patel(t: Timeline): HouseholdSpec {
  return {
    key: "patel",
    name: "Patel Household",
    notes:
      "Out of band, but its IBKR and Vanguard data are 20-hour-old nightly files, so a plan is refused as stale.",
    people: [
      { key: "raj", role: "CLIENT", name: "Raj Patel" },
      { key: "anika", role: "SPOUSE", name: "Anika Patel" },
    ],
    model: { versionId: "mv-growth-1", assignedOn: t.yearsAgo(2, 45) },
    feed: "nightly",
    restrictions: [],
    accounts: [
      {
        key: "patel-ibkr-taxable",
        owner: "raj",
        custodian: "ibkr",
        type: "TAXABLE",
        nickname: "Raj - IBKR brokerage",
        masked: "****7748",
        cashReserve: "1500.00",
        cash: "2200.00",
        openedOn: t.yearsAgo(6),
        holdings: [
          buy("VTI", t.yearsAgo(5), "500", "204.90"),
          buy("ITOT", t.yearsAgo(3), "400", "98.20"),
          buy("VXUS", t.daysAgo(300), "600", "68.90"),
        ],
        activity: [deposit(t.daysAgo(60), "2500.00")],
      },
      {
        key: "patel-ibkr-roth",
        owner: "anika",
        custodian: "ibkr",
        type: "ROTH_IRA",
        nickname: "Anika - IBKR Roth IRA",
        masked: "****1936",
        cashReserve: "0.00",
        cash: "90.00",
        openedOn: t.yearsAgo(4),
        holdings: [buy("VTI", t.yearsAgo(3), "250", "225.10"), buy("VXUS", t.yearsAgo(2), "500", "60.30")],
      },
      {
        key: "patel-vanguard-ira",
        owner: "raj",
        custodian: "vanguard",
        type: "TRADITIONAL_IRA",
        nickname: "Raj - Vanguard rollover IRA",
        masked: "****8205",
        cashReserve: "200.00",
        cash: "150.00",
        openedOn: t.yearsAgo(5),
        holdings: [buy("BND", t.yearsAgo(4), "800", "83.80"), buy("VMFXX", t.yearsAgo(1), "5000", "1.00")],
      },
    ],
  };
}

// --- 5. Brooks: no model assigned, so no plan (harvest-only conversations still work).
function brooks(t: Timeline): HouseholdSpec {
  return {
    key: "brooks",
    name: "Brooks Household",
    notes: "A single client with no model assigned: the household gets no plan until a model version is set.",
    people: [{ key: "jordan", role: "CLIENT", name: "Jordan Brooks" }],
    model: null,
    feed: "live",
    restrictions: [],
    accounts: [
      {
        key: "brooks-fidelity-taxable",
        owner: "jordan",
        custodian: "fidelity",
        type: "TAXABLE",
        nickname: "Jordan - Fidelity brokerage",
        masked: "****6390",
        cashReserve: "1000.00",
        cash: "1250.00",
        openedOn: t.yearsAgo(4),
        holdings: [
          buy("FXAIX", t.yearsAgo(3), "200", "152.40"),
          buy("IEMG", t.daysAgo(180), "150", "60.20"),
          buy("SPAXX", t.yearsAgo(1), "3000", "1.00"),
        ],
        activity: [deposit(t.daysAgo(90), "3000.00")],
      },
      {
        key: "brooks-fidelity-roth",
        owner: "jordan",
        custodian: "fidelity",
        type: "ROTH_IRA",
        nickname: "Jordan - Fidelity Roth IRA",
        masked: "****0815",
        cashReserve: "0.00",
        cash: "35.00",
        openedOn: t.yearsAgo(4),
        holdings: [buy("VTI", t.yearsAgo(3), "60.25", "240.00")],
      },
    ],
  };
}

// --- Builder ---------------------------------------------------------------------------------

function buildHousehold(spec: HouseholdSpec, stamps: { live: string; nightly: string }): DemoHousehold {
  const personId = (key: string) => `person-${spec.key}-${key}`;
  const asOf = stamps[spec.feed];
  const source = spec.feed === "live" ? "demo" : "demo-nightly";
  return {
    id: `hh-${spec.key}`,
    name: spec.name,
    notes: spec.notes,
    people: spec.people.map((person) => ({ id: personId(person.key), role: person.role, name: person.name })),
    modelVersionId: spec.model?.versionId ?? null,
    modelAssignedOn: spec.model?.assignedOn ?? null,
    restrictions: spec.restrictions.map((restriction) => ({
      id: `rstr-${spec.key}-${restriction.key}`,
      accountId: restriction.account === null ? null : `acct-${restriction.account}`,
      securityId: restriction.symbol === null ? null : sec(restriction.symbol),
      kind: restriction.kind,
      reason: restriction.reason,
    })),
    accounts: spec.accounts.map((account) => buildAccount(account, personId(account.owner), asOf, source)),
  };
}

function buildAccount(spec: AccountSpec, ownerId: string, asOf: string, source: string): DemoAccount {
  const custodian = CUSTODIANS.find((candidate) => candidate.id === spec.custodian);
  const accountId = `acct-${spec.key}`;
  const lots = spec.holdings.map((holding) => toLot(spec.key, holding));
  const transactions = [
    ...spec.holdings.map((holding) => acquisition(spec.key, holding)),
    ...(spec.activity ?? []).flatMap((activity) => activityTransactions(spec.key, activity)),
  ];
  const snapshot: DemoSnapshot = {
    id: `snap-${accountId}`,
    asOf,
    source,
    cash: spec.cash,
    positions: positionsFromLots(lots, spec.reported ?? {}),
    lots: lots.sort(byKey((lot) => `${lot.securityId}|${lot.tradeDate}|${lot.lotKey}`)),
  };
  return {
    id: accountId,
    ownerId,
    custodianId: spec.custodian,
    type: spec.type,
    nickname: spec.nickname,
    accountNumberMasked: spec.masked,
    lotReliefMethod: spec.relief ?? "FIFO",
    tradeable: spec.tradeable ?? true,
    cashReserve: spec.cashReserve,
    fractionalShares: custodian?.supportsFractional ?? false,
    openedOn: spec.openedOn,
    snapshot,
    transactions: transactions.sort(byKey((tx) => `${tx.tradeDate}|${tx.id}`)),
  };
}

type DemoLot = DemoSnapshot["lots"][number];

function lotKeyOf(accountKey: string, symbol: string, on: IsoDate): string {
  return `lot-${accountKey}-${symbol.toLowerCase()}-${on}`;
}

/** quantity x price, to cents. */
function extended(quantity: string, price: string): Decimal {
  return new Decimal(quantity).times(price).toDecimalPlaces(2);
}

function toLot(accountKey: string, holding: Holding): DemoLot {
  return {
    lotKey: lotKeyOf(accountKey, holding.symbol, holding.on),
    securityId: sec(holding.symbol),
    tradeDate: holding.on,
    acquiredDate: holding.on,
    quantity: holding.quantity,
    costBasis: holding.price === null ? null : formatFixed(extended(holding.quantity, holding.price), 2),
    deferredWashLoss: "0.00",
  };
}

const TX_SLUG: Record<TransactionType, string> = {
  BUY: "buy",
  SELL: "sell",
  DIVIDEND_REINVEST: "reinvest",
  DIVIDEND: "dividend",
  INTEREST: "interest",
  DEPOSIT: "deposit",
  WITHDRAWAL: "withdrawal",
  FEE: "fee",
  TRANSFER_IN: "transfer-in",
  TRANSFER_OUT: "transfer-out",
};

function transaction(
  accountKey: string,
  fields: Omit<DemoTransaction, "id" | "externalId" | "status"> & { status?: DemoTransaction["status"] },
): DemoTransaction {
  const what = fields.securityId === null ? "cash" : fields.securityId.slice("sec-".length);
  const status = fields.status ?? "SETTLED";
  const id = `tx-${accountKey}-${TX_SLUG[fields.type]}${status === "SCHEDULED" ? "-scheduled" : ""}-${what}-${fields.tradeDate}`;
  return {
    id,
    securityId: fields.securityId,
    type: fields.type,
    status,
    tradeDate: fields.tradeDate,
    quantity: fields.quantity,
    price: fields.price,
    amount: fields.amount,
    lotKeys: fields.lotKeys,
    description: fields.description,
    externalId: `demo:${id}`,
    ...(fields.realizedGainLoss === undefined ? {} : { realizedGainLoss: fields.realizedGainLoss }),
  };
}

function acquisition(accountKey: string, holding: Holding): DemoTransaction {
  const amount =
    holding.price === null ? "0.00" : formatFixed(extended(holding.quantity, holding.price).neg(), 2);
  const verb = { BUY: "Bought", DIVIDEND_REINVEST: "Reinvested dividend:", TRANSFER_IN: "Transferred in" }[
    holding.via
  ];
  const priced = holding.price === null ? "" : ` @ ${holding.price}`;
  return transaction(accountKey, {
    securityId: sec(holding.symbol),
    type: holding.via,
    tradeDate: holding.on,
    quantity: holding.quantity,
    price: holding.price,
    amount,
    lotKeys: [lotKeyOf(accountKey, holding.symbol, holding.on)],
    description: holding.note ?? `${verb} ${holding.quantity} ${holding.symbol}${priced}`,
  });
}

function activityTransactions(accountKey: string, activity: Activity): DemoTransaction[] {
  switch (activity.kind) {
    case "round-trip": {
      // A lot bought and later sold in full: history only, no open lot remains.
      const lotKey = lotKeyOf(accountKey, activity.symbol, activity.boughtOn);
      const common = { securityId: sec(activity.symbol), quantity: activity.quantity, lotKeys: [lotKey] };
      return [
        transaction(accountKey, {
          ...common,
          type: "BUY",
          tradeDate: activity.boughtOn,
          price: activity.buyPrice,
          amount: formatFixed(extended(activity.quantity, activity.buyPrice).neg(), 2),
          description: `Bought ${activity.quantity} ${activity.symbol} @ ${activity.buyPrice}`,
        }),
        transaction(accountKey, {
          ...common,
          type: "SELL",
          tradeDate: activity.soldOn,
          price: activity.sellPrice,
          amount: formatFixed(extended(activity.quantity, activity.sellPrice), 2),
          realizedGainLoss: formatFixed(
            extended(activity.quantity, activity.sellPrice).minus(
              extended(activity.quantity, activity.buyPrice),
            ),
            2,
          ),
          description: `${activity.note}: sold ${activity.quantity} ${activity.symbol} @ ${activity.sellPrice}`,
        }),
      ];
    }
    case "scheduled-buy":
      // A recurring automatic investment: dollar amount known, shares and price not yet.
      return [
        transaction(accountKey, {
          securityId: sec(activity.symbol),
          type: "BUY",
          status: "SCHEDULED",
          tradeDate: activity.on,
          quantity: null,
          price: null,
          amount: activity.amount,
          lotKeys: [],
          description: activity.note,
        }),
      ];
    case "deposit":
      return [
        transaction(accountKey, {
          securityId: null,
          type: "DEPOSIT",
          tradeDate: activity.on,
          quantity: null,
          price: null,
          amount: activity.amount,
          lotKeys: [],
          description: "Client deposit",
        }),
      ];
    case "dividend":
      return [
        transaction(accountKey, {
          securityId: sec(activity.symbol),
          type: "DIVIDEND",
          tradeDate: activity.on,
          quantity: null,
          price: null,
          amount: activity.amount,
          lotKeys: [],
          description: `${activity.symbol} cash dividend`,
        }),
      ];
  }
}

/** One position per security: the sum of its lots, unless the custodian reports it differently. */
function positionsFromLots(
  lots: DemoLot[],
  reported: Record<string, { quantity: string; costBasis: string | null }>,
): DemoSnapshot["positions"] {
  const securityIds = [...new Set(lots.map((lot) => lot.securityId))].sort();
  return securityIds.map((securityId) => {
    const override = Object.entries(reported).find(([symbol]) => sec(symbol) === securityId)?.[1];
    if (override !== undefined) {
      return { securityId, quantity: override.quantity, reportedCostBasis: override.costBasis };
    }
    const mine = lots.filter((lot) => lot.securityId === securityId);
    const bases = mine.map((lot) => lot.costBasis);
    return {
      securityId,
      quantity: sumDecimals(mine.map((lot) => new Decimal(lot.quantity))).toString(),
      reportedCostBasis: bases.some((basis) => basis === null)
        ? null
        : formatFixed(sumDecimals(bases.map((basis) => new Decimal(basis ?? "0"))), 2),
    };
  });
}
