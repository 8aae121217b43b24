// The planning inputs, and the plans drafted from them, are byte for byte what the per-household
// reader gave before the set-based read path replaced it: the golden file was recorded with that
// reader, on the demo book plus a small synthetic book cloned from it (scaled holdings, a closed
// account, an ended restriction, a later model, an empty household), before and after the demo
// feed wrote newer snapshots and prices, and replayed from pins. Same file on PGlite and PostgreSQL.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import type { DemoBook, DemoHousehold } from "../../src/demo/types.ts";
import { Decimal } from "../../src/domain/decimal.ts";
import { type IsoDate, isoDate } from "../../src/domain/iso-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../../src/engine/planning/draft-plan.ts";
import { planHousehold } from "../../src/planning/plan-household.ts";
import type { BookStore, PlanningInputs, PlanningPins } from "../../src/ports/book-store.ts";
import { demoBook } from "../support/demo-household.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const TRADE_DATE = isoDate("2026-11-20");
const EARLIER = isoDate("2026-10-02");
const DRAFTED_AT = "2026-11-20T20:03:00.000Z";
const FEED_AT = new Date("2026-11-20T21:00:00.000Z");

/** A copy of a demo household under new ids (`~k`), its holdings and cash scaled by `factor`. */
function cloneHousehold(household: DemoHousehold, k: number, factor: number): DemoHousehold {
  const ids = new Set<string>([
    household.id,
    ...household.people.map((p) => p.id),
    ...household.restrictions.map((r) => r.id),
    ...household.accounts.flatMap((a) => [
      a.id,
      a.snapshot.id,
      ...a.snapshot.lots.map((l) => l.lotKey),
      ...a.transactions.flatMap((t) => [t.id, t.externalId]),
    ]),
  ]);
  const scale = (value: string) => new Decimal(value).times(factor).toString();
  const rename = (value: unknown): unknown => {
    if (typeof value === "string") return ids.has(value) ? `${value}~${k}` : value;
    if (Array.isArray(value)) return value.map(rename);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, rename(v)]));
    }
    return value;
  };
  const copy = rename(household) as DemoHousehold;
  return {
    ...copy,
    name: `${household.name} ${k}`,
    accounts: copy.accounts.map((account) => ({
      ...account,
      snapshot: {
        ...account.snapshot,
        cash: scale(account.snapshot.cash),
        positions: account.snapshot.positions.map((p) => ({
          ...p,
          quantity: scale(p.quantity),
          reportedCostBasis: p.reportedCostBasis === null ? null : scale(p.reportedCostBasis),
        })),
        lots: account.snapshot.lots.map((l) => ({
          ...l,
          quantity: scale(l.quantity),
          costBasis: l.costBasis === null ? null : scale(l.costBasis),
        })),
      },
    })),
  };
}

function syntheticBook(): DemoBook {
  const clones = [1, 2].flatMap((k) =>
    demoBook.households.map((household) => cloneHousehold(household, k, k + 1)),
  );
  const empty: DemoHousehold = {
    id: "hh-empty",
    name: "Empty Household",
    notes: "",
    people: [],
    modelVersionId: demoBook.households[0]?.modelVersionId ?? null,
    modelAssignedOn: demoBook.households[0]?.modelAssignedOn ?? null,
    restrictions: [],
    accounts: [],
  };
  return { ...demoBook, households: [...demoBook.households, ...clones, empty], users: [] };
}

/** Canonical JSON of planning inputs: Maps as entry lists (in their order), decimals as strings. */
function canonical(inputs: PlanningInputs | null): string {
  return JSON.stringify(inputs, (_key, value) => (value instanceof Map ? [...value.entries()] : value));
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function record(
  store: BookStore,
  householdId: string,
  asOf: IsoDate,
  pins?: PlanningPins,
): Promise<{ inputs: string; plan: string }> {
  const inputs = await store.loadPlanningInputs(householdId, asOf, pins);
  const plan = await planHousehold(store, {
    householdId,
    asOf,
    now: DRAFTED_AT,
    allowStale: true,
    settings: DEFAULT_PLAN_SETTINGS,
    ...(pins ? { pins } : {}),
  });
  return { inputs: sha256(canonical(inputs)), plan: plan.ok ? plan.value.hash : plan.error.code };
}

describe(`planning inputs are byte-identical to the recorded per-household reads (${BACKEND})`, () => {
  let db: TestDatabase;
  let store: BookStore;
  let householdIds: string[];
  const golden: Record<string, { inputs: string; plan: string }> = {};
  const pinsAtSeed = new Map<string, PlanningPins>();

  beforeAll(async () => {
    db = await openTestDatabase();
    store = createPrismaBookStore(db.prisma);
    const book = syntheticBook();
    await store.seedDemo(book);
    householdIds = [...book.households.map((h) => h.id), "hh-nobody"].sort();
    const { prisma } = db;
    // Rows the demo seed never writes: a closed account, an ended restriction, a later model,
    // transactions the wash-sale read must leave out or keep.
    await prisma.account.update({
      where: { id: "acct-chen-fidelity-roth~1" },
      data: { closedOn: new Date() },
    });
    const restriction = await prisma.restriction.findFirst({
      where: { householdId: { endsWith: "~2" } },
      orderBy: { id: "asc" },
    });
    if (restriction) {
      await prisma.restriction.update({ where: { id: restriction.id }, data: { endedAt: new Date() } });
    }
    await prisma.householdModelAssignment.create({
      data: {
        id: "assign-okafor-later",
        householdId: "hh-okafor~2",
        modelVersionId: "mv-balanced-1",
        effectiveDate: new Date("2026-11-01T00:00:00.000Z"),
      },
    });
    const chenAccount = await prisma.account.findFirstOrThrow({
      where: { householdId: "hh-chen~2", type: "TAXABLE" },
      orderBy: { id: "asc" },
    });
    const base = {
      accountId: chenAccount.id,
      amount: "0",
      lotKeys: [],
      description: "test",
      source: "test",
    };
    await prisma.transaction.createMany({
      data: [
        {
          ...base,
          id: "tx-cancelled",
          externalId: "x1",
          securityId: "sec-vti",
          type: "BUY",
          status: "CANCELLED",
          tradeDate: new Date("2026-11-10T00:00:00.000Z"),
          quantity: "3",
        },
        {
          ...base,
          id: "tx-dividend",
          externalId: "x2",
          securityId: "sec-vti",
          type: "DIVIDEND",
          status: "SETTLED",
          tradeDate: new Date("2026-11-11T00:00:00.000Z"),
        },
        {
          ...base,
          id: "tx-old-buy",
          externalId: "x3",
          securityId: "sec-vti",
          type: "BUY",
          status: "SETTLED",
          tradeDate: new Date("2026-09-01T00:00:00.000Z"),
          quantity: "4",
        },
        {
          ...base,
          id: "tx-scheduled",
          externalId: "x4",
          securityId: "sec-vxus",
          type: "BUY",
          status: "SCHEDULED",
          tradeDate: new Date("2026-12-01T00:00:00.000Z"),
          quantity: "2",
        },
        {
          ...base,
          id: "tx-sell-loss",
          externalId: "x5",
          securityId: "sec-bnd",
          type: "SELL",
          status: "SETTLED",
          tradeDate: new Date("2026-11-19T00:00:00.000Z"),
          quantity: "5",
          realizedGainLoss: "-12.5",
        },
      ],
    });

    for (const id of householdIds) {
      const seeded = await record(store, id, TRADE_DATE);
      golden[`seeded ${TRADE_DATE} ${id}`] = seeded;
      golden[`seeded ${EARLIER} ${id}`] = await record(store, id, EARLIER);
      const inputs = await store.loadPlanningInputs(id, TRADE_DATE);
      if (inputs) pinsAtSeed.set(id, inputs.pins);
    }
    // Newer snapshots and prices; then an account closes: replay must still read what was read.
    await store.refreshDemoFeed(FEED_AT);
    await prisma.account.update({
      where: { id: "acct-alvarez-schwab-taxable~2" },
      data: { closedOn: new Date() },
    });
    for (const id of householdIds) {
      golden[`refreshed ${TRADE_DATE} ${id}`] = await record(store, id, TRADE_DATE);
      const pins = pinsAtSeed.get(id);
      if (pins) golden[`replayed ${TRADE_DATE} ${id}`] = await record(store, id, TRADE_DATE, pins);
    }
  });
  afterAll(() => db.close());

  it("every household's inputs and plan hash match the golden file", async () => {
    await expect(`${JSON.stringify(golden, null, 2)}\n`).toMatchFileSnapshot(
      "../fixtures/planning-inputs-golden.json",
    );
  });

  it("a replay from pins reads exactly what was read then", () => {
    for (const id of pinsAtSeed.keys()) {
      expect(golden[`replayed ${TRADE_DATE} ${id}`]).toEqual(golden[`seeded ${TRADE_DATE} ${id}`]);
    }
  });

  it("the stream yields, chunk by chunk, exactly what the one-household reader gives", async () => {
    const chunks: PlanningInputs[][] = [];
    for await (const chunk of store.streamPlanningInputs(null, TRADE_DATE, { chunkSize: 4 }))
      chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.length <= 4)).toBe(true);
    const streamed = chunks.flat();
    const existing = householdIds.filter((id) => id !== "hh-nobody");
    expect(streamed.map((inputs) => inputs.book.householdId)).toEqual(existing);
    for (const inputs of streamed) {
      expect(canonical(inputs)).toBe(
        canonical(await store.loadPlanningInputs(inputs.book.householdId, TRADE_DATE)),
      );
    }
    const some: PlanningInputs[] = [];
    for await (const chunk of store.streamPlanningInputs(["hh-patel", "hh-nobody", "hh-chen~1"], EARLIER)) {
      some.push(...chunk);
    }
    expect(some.map((inputs) => inputs.book.householdId)).toEqual(["hh-chen~1", "hh-patel"]);
    expect(canonical(some[0] ?? null)).toBe(canonical(await store.loadPlanningInputs("hh-chen~1", EARLIER)));
  });
});
