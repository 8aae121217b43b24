// fast-check arbitraries for planning: small households on the demo security master, with random
// accounts, lots (gains and losses, short and long term), recent purchases and losses,
// restrictions and a model over a random subset of asset classes.
import fc from "fast-check";
import type { AccountType } from "../../src/domain/book.ts";
import { isTaxable } from "../../src/domain/book.ts";
import { Decimal } from "../../src/domain/decimal.ts";
import type {
  HouseholdBook,
  ModelVersionSpec,
  PlanningLot,
  PlanningTransaction,
} from "../../src/domain/household-book.ts";
import { addDays, isoDate } from "../../src/domain/iso-date.ts";
import { computeDrift } from "../../src/engine/planning/compute-drift.ts";
import { demoBook, demoHousehold } from "./demo-household.ts";

const AS_OF = isoDate("2026-11-20");
const template = demoHousehold("hh-chen");
const CLASSES = ["us_equity", "us_small_cap", "intl_developed", "emerging", "us_bonds", "muni_bonds"];
const securitiesOf = (classId: string) =>
  demoBook.securities.filter((s) => s.assetClassId === classId && s.type !== "MUTUAL_FUND").map((s) => s.id);
const TYPES: AccountType[] = ["TAXABLE", "JOINT_TAXABLE", "TRADITIONAL_IRA", "ROTH_IRA"];

const cents = (min: number, max: number) =>
  fc.integer({ min, max }).map((n) => new Decimal(n).dividedBy(100));

const accountArb = fc.record({
  type: fc.constantFrom(...TYPES),
  heldAway: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
  cash: cents(0, 2_000_000),
  reserve: cents(0, 300_000),
  fractional: fc.boolean(),
});

const lotArb = fc.record({
  account: fc.nat(),
  classIndex: fc.nat(),
  securityIndex: fc.nat(),
  quantity: fc.integer({ min: 1, max: 800 }),
  daysHeld: fc.integer({ min: 1, max: 3000 }),
  /** Basis as a percentage of market value: under 100 is a gain, over 100 a loss. */
  basisPercent: fc.integer({ min: 40, max: 140 }),
});

const txArb = fc.record({
  account: fc.nat(),
  lot: fc.nat(),
  kind: fc.constantFrom("buy" as const, "sell" as const, "dividend-reinvest" as const),
  status: fc.constantFrom("settled" as const, "settled" as const, "pending" as const, "scheduled" as const),
  daysAgo: fc.integer({ min: -25, max: 40 }),
  loss: fc.boolean(),
});

export interface RandomPlanInput {
  book: HouseholdBook;
  model: ModelVersionSpec;
}

export const householdArb: fc.Arbitrary<RandomPlanInput> = fc
  .record({
    accounts: fc.array(accountArb, { minLength: 1, maxLength: 4 }),
    lots: fc.array(lotArb, { minLength: 1, maxLength: 14 }),
    txs: fc.array(txArb, { maxLength: 4 }),
    modelClasses: fc.subarray(CLASSES, { minLength: 1 }),
    weights: fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 7, maxLength: 7 }),
    rebalanceTo: fc.constantFrom("TARGET" as const, "BAND_EDGE" as const),
    restrict: fc.option(
      fc.record({
        lot: fc.nat(),
        kind: fc.constantFrom("DO_NOT_SELL" as const, "DO_NOT_BUY" as const, "DO_NOT_TRADE" as const),
      }),
    ),
  })
  .map(({ accounts, lots, txs, modelClasses, weights, rebalanceTo, restrict }) => {
    const planningAccounts = accounts.map((a, i) => ({
      id: `acct-${i}`,
      name: `Account ${i}`,
      type: a.type,
      taxable: isTaxable(a.type),
      tradeable: !a.heldAway,
      cash: a.cash,
      cashReserve: a.reserve,
      fractionalShares: a.fractional,
    }));
    const planningLots: PlanningLot[] = lots.map((l, i) => {
      const classId = CLASSES[l.classIndex % CLASSES.length] as string;
      const ids = securitiesOf(classId);
      const securityId = ids[l.securityIndex % ids.length] as string;
      const price = template.prices.get(securityId) as Decimal;
      const date = addDays(AS_OF, -l.daysHeld);
      return {
        lotKey: `lot-${i}`,
        accountId: `acct-${l.account % accounts.length}`,
        securityId,
        tradeDate: date,
        acquiredDate: date,
        quantity: new Decimal(l.quantity),
        costBasis: price.times(l.quantity).times(l.basisPercent).dividedBy(100).toDecimalPlaces(2),
      };
    });
    const positions = new Map<string, { accountId: string; securityId: string; quantity: Decimal }>();
    for (const lot of planningLots) {
      const key = `${lot.accountId}/${lot.securityId}`;
      const held = positions.get(key);
      positions.set(key, {
        accountId: lot.accountId,
        securityId: lot.securityId,
        quantity: (held?.quantity ?? new Decimal(0)).plus(lot.quantity),
      });
    }
    const transactions: PlanningTransaction[] = txs.map((t, i) => {
      const lot = planningLots[t.lot % planningLots.length] as PlanningLot;
      const date = addDays(AS_OF, -t.daysAgo);
      return {
        id: `tx-${i}`,
        accountId: `acct-${t.account % accounts.length}`,
        securityId: lot.securityId,
        kind: t.kind,
        status:
          t.kind === "sell"
            ? "settled"
            : t.daysAgo < 0
              ? "scheduled"
              : t.status === "scheduled"
                ? "settled"
                : t.status,
        tradeDate: date,
        quantity: new Decimal(5),
        ...(t.kind === "sell" ? { realizedGainLoss: new Decimal(t.loss ? -750 : 300) } : {}),
      };
    });
    const restrictedLot = restrict ? (planningLots[restrict.lot % planningLots.length] as PlanningLot) : null;
    const weightParts = modelClasses.map((_, i) => weights[i] as number);
    const cashPart = weights[6] as number;
    const total = weightParts.reduce((a, b) => a + b, 0) + cashPart;
    const targets = [...modelClasses, "cash"].map((classId, i) => {
      const ids = classId === "cash" ? ["sec-swvxx"] : securitiesOf(classId);
      const part = i < modelClasses.length ? (weightParts[i] as number) : cashPart;
      return {
        assetClassId: classId,
        weight: new Decimal(part).dividedBy(total),
        bandAbsolute: null,
        bandRelative: null,
        primarySecurityId: ids[0] as string,
        alternateSecurityIds: ids.slice(1),
      };
    });
    // Exact weights summing to 1: the last class takes the remainder.
    const sum = targets.slice(0, -1).reduce((acc, t) => acc.plus(t.weight), new Decimal(0));
    targets[targets.length - 1] = {
      ...(targets.at(-1) as (typeof targets)[number]),
      weight: new Decimal(1).minus(sum),
    };
    const book: HouseholdBook = {
      ...template,
      householdId: "hh-random",
      asOf: AS_OF,
      accounts: planningAccounts,
      positions: [...positions.values()].map((p) => ({ ...p, reportedCostBasis: null })),
      lots: planningLots,
      transactions,
      restrictions: restrictedLot
        ? [
            {
              kind: restrict?.kind ?? "DO_NOT_SELL",
              accountId: restrictedLot.accountId,
              securityId: restrictedLot.securityId,
              reason: "random restriction",
            },
          ]
        : [],
    };
    const model: ModelVersionSpec = {
      id: "mv-random",
      name: "Random",
      version: 1,
      bandAbsolute: new Decimal("0.05"),
      bandRelative: new Decimal("0.25"),
      rebalanceTo,
      targets,
    };
    return { book, model };
  });

/** The same households with a model whose targets are their current weights: inside every band. */
export const inBandHouseholdArb: fc.Arbitrary<RandomPlanInput> = householdArb.map(({ book, model }) => {
  const drift = computeDrift(book, model);
  const held = drift.classes.filter((c) => !c.value.isZero() || c.assetClassId === "cash");
  const targets = held.map((c) => {
    const security = securitiesOf(c.assetClassId)[0] ?? "sec-swvxx";
    return {
      assetClassId: c.assetClassId,
      weight: c.actualWeight,
      bandAbsolute: null,
      bandRelative: null,
      primarySecurityId: c.assetClassId === "cash" ? "sec-swvxx" : security,
      alternateSecurityIds: [],
    };
  });
  return { book, model: { ...model, targets } };
});
