// The planning inputs read from the database are the demo book itself, on both backends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { Decimal } from "../../src/domain/decimal.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { computeDrift } from "../../src/engine/planning/compute-drift.ts";
import { findHarvestableLots } from "../../src/engine/planning/find-harvestable-lots.ts";
import { suggestReplacements } from "../../src/engine/planning/suggest-replacements.ts";
import { buildFamilies } from "../../src/engine/substantially-identical.ts";
import type { BookStore, PlanningInputs } from "../../src/ports/book-store.ts";
import { demoBook, demoFamilies, demoHousehold, demoModel } from "../support/demo-household.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const ASOF = isoDate("2026-11-20");
const settings = {
  minLossAmount: new Decimal("500"),
  minLossFraction: new Decimal("0.05"),
  shortTermRate: new Decimal("0.37"),
  longTermRate: new Decimal("0.2"),
};

describe(`planning inputs from the database (${BACKEND})`, () => {
  let db: TestDatabase;
  let store: BookStore;
  let chen: PlanningInputs;

  beforeAll(async () => {
    db = await openTestDatabase();
    store = createPrismaBookStore(db.prisma);
    await store.seedDemo(demoBook);
    chen = (await store.loadPlanningInputs("hh-chen", ASOF)) as PlanningInputs;
  });
  afterAll(() => db.close());

  it("gives the same drift as the demo book itself", () => {
    const fromDb = computeDrift(chen.book, chen.model as NonNullable<PlanningInputs["model"]>);
    const fromDemo = computeDrift(demoHousehold("hh-chen"), demoModel("hh-chen"));
    expect(fromDb.totalValue.equals(fromDemo.totalValue)).toBe(true);
    expect(fromDb.classes.map((c) => [c.assetClassId, c.actualWeight.toFixed(12), c.outOfBand])).toEqual(
      fromDemo.classes.map((c) => [c.assetClassId, c.actualWeight.toFixed(12), c.outOfBand]),
    );
  });

  it("gives the same harvest scan, with the policy version in force", () => {
    expect(chen.policy).toMatchObject({
      id: "si-policy-v1",
      version: "si-policy-v1",
      sameIndexIsIdentical: true,
    });
    const families = buildFamilies(chen.policy as NonNullable<PlanningInputs["policy"]>, [
      ...chen.book.securities.values(),
    ]);
    const fromDb = findHarvestableLots(chen.book, families, settings);
    const fromDemo = findHarvestableLots(demoHousehold("hh-chen"), demoFamilies(), settings);
    const summary = (scan: typeof fromDb) => [
      scan.candidates.map((c) => `${c.lotKey}:${c.loss.toFixed(2)}`).sort(),
      scan.skipped.map((s) => `${s.lotKey}:${s.code}:${s.harvestableFrom}`).sort(),
    ];
    expect(summary(fromDb)).toEqual(summary(fromDemo));
  });

  it("knows recent realised losses: ITOT is no replacement for Alvarez yet", async () => {
    const alvarez = (await store.loadPlanningInputs("hh-alvarez", ASOF)) as PlanningInputs;
    const families = buildFamilies(alvarez.policy as NonNullable<PlanningInputs["policy"]>, [
      ...alvarez.book.securities.values(),
    ]);
    const search = suggestReplacements(alvarez.book, families, "si-policy-v1", "sec-vti", alvarez.model);
    expect(search.rejected.find((r) => r.symbol === "ITOT")?.code).toBe("replacement.recent-loss");
  });

  it("says where every number came from: snapshots and prices with their times", () => {
    expect(chen.dataAsOf.snapshots).toHaveLength(7);
    expect(chen.dataAsOf.snapshots.every((s) => s.asOf === "2026-11-20T19:58:00.000Z")).toBe(true);
    expect(chen.dataAsOf.prices.find((p) => p.securityId === "sec-vti")).toMatchObject({
      source: "demo-feed",
    });
  });

  it("a household without a model has none, and an unknown household is null", async () => {
    expect((await store.loadPlanningInputs("hh-brooks", ASOF))?.model).toBeNull();
    expect(await store.loadPlanningInputs("hh-nobody", ASOF)).toBeNull();
  });

  it("a model assigned after the trade date is not in force", async () => {
    const before = await store.loadPlanningInputs("hh-chen", isoDate("2020-01-01"));
    expect(before?.model).toBeNull();
    expect(before?.policy).toBeNull();
  });
});
