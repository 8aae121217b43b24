// The plan store on a real database (PGlite by default, PostgreSQL in CI): a drafted plan goes in
// once, in one transaction, with its settings, snapshots and trades, and comes back byte for byte.
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { createPrismaPlanStore } from "../../src/db/prisma-plan-store.ts";
import { buildDemoBook } from "../../src/demo/demo-book.ts";
import { Decimal } from "../../src/domain/decimal.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../../src/engine/planning/draft-plan.ts";
import type { PlanSettings } from "../../src/engine/planning/plan.ts";
import { type HashedPlan, planHousehold } from "../../src/planning/plan-household.ts";
import type { BookStore } from "../../src/ports/book-store.ts";
import type { PlanStore, PlanToStore } from "../../src/ports/plan-store.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const NOW = "2026-11-20T20:03:00.000Z";
const TRADE_DATE = isoDate("2026-11-20");

describe(`the plan store (${BACKEND})`, () => {
  let db: TestDatabase;
  let store: BookStore;
  let plans: PlanStore;

  const draft = async (
    householdId: string,
    options: { settings?: Partial<PlanSettings>; allowStale?: boolean } = {},
  ): Promise<HashedPlan> => {
    const result = await planHousehold(store, {
      householdId,
      asOf: TRADE_DATE,
      now: NOW,
      allowStale: options.allowStale ?? false,
      settings: { ...DEFAULT_PLAN_SETTINGS, ...options.settings },
    });
    if (!result.ok) throw new Error(result.error.message);
    return result.value;
  };
  const toStore = ({ plan, json, hash }: HashedPlan): PlanToStore => ({
    plan,
    json,
    hash,
    settings: plan.settings,
    conversationId: null,
    requestedBy: "U-ADVISOR",
    expiresAt: "2026-11-21T20:03:00.000Z",
  });

  beforeAll(async () => {
    db = await openTestDatabase();
    store = createPrismaBookStore(db.prisma);
    await store.seedDemo(buildDemoBook({ anchorDate: TRADE_DATE, now: "2026-11-20T20:00:00.000Z" }));
    plans = createPrismaPlanStore(db.prisma);
  });
  afterAll(() => db.close());

  it("stores the Chen plan and gives back the same bytes, hash and id", async () => {
    const drafted = await draft("hh-chen");
    const saved = await plans.savePlan(toStore(drafted));
    expect(saved).toMatchObject({
      id: `plan-${drafted.hash.slice(0, 16)}`,
      householdId: "hh-chen",
      hash: drafted.hash,
      status: "pending-approval",
      expiresAt: "2026-11-21T20:03:00.000Z",
    });
    const read = await plans.getPlan(saved.id);
    expect(read).toEqual(saved);
    const json = JSON.stringify(read?.plan);
    expect(json).toBe(drafted.json);
    expect(createHash("sha256").update(json).digest("hex")).toBe(drafted.hash);
  });

  it("keeps the canonical JSON so the database itself can verify the hash", async () => {
    const rows = await db.withSql((sql) =>
      sql.query<{ verified: boolean }>(
        `SELECT encode(sha256(convert_to(content #>> '{}', 'UTF8')), 'hex') = content_hash AS verified FROM plan`,
      ),
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.verified)).toBe(true);
  });

  it("records what the plan was computed from: model, policy, settings, engine and snapshots", async () => {
    const { plan, hash } = await draft("hh-chen");
    const row = await db.prisma.plan.findUniqueOrThrow({
      where: { contentHash: hash },
      include: { snapshots: true, settings: true },
    });
    expect(row).toMatchObject({
      householdId: "hh-chen",
      modelVersionId: "mv-balanced-2",
      policyId: "si-policy-v1",
      settingsId: plan.inputs.settingsId,
      stale: false,
      engineVersion: "lotwise-engine/1",
      requestedBy: "U-ADVISOR",
      conversationId: null,
    });
    expect(row.asOf.toISOString()).toBe("2026-11-20T00:00:00.000Z");
    expect(row.snapshots.map((s) => s.snapshotId).sort()).toEqual(
      plan.inputs.snapshots.map((s) => s.snapshotId).sort(),
    );
    expect(row.settings.values).toEqual(plan.settings);
    expect(row.settings.sha256).toBe(
      createHash("sha256").update(JSON.stringify(plan.settings)).digest("hex"),
    );
  });

  it("writes one trade row per trade with its purpose, amounts, expected gain and lots", async () => {
    const { plan, hash } = await draft("hh-chen");
    const rows = await db.prisma.planTrade.findMany({
      where: { plan: { contentHash: hash } },
      orderBy: { seq: "asc" },
    });
    expect(rows).toHaveLength(plan.trades.length);
    for (const [i, trade] of plan.trades.entries()) {
      const row = rows[i];
      expect(row).toBeDefined();
      if (!row) continue;
      expect(row.seq).toBe(trade.index);
      expect(row.side).toBe(trade.side.toUpperCase());
      expect(new Decimal(row.quantity.toString()).equals(trade.quantity)).toBe(true);
      expect(new Decimal(row.estimatedPrice.toString()).equals(trade.price)).toBe(true);
      expect(new Decimal(row.estimatedAmount.toString()).equals(trade.amount)).toBe(true);
      expect(row.lots).toEqual(trade.lots);
      if (trade.realized) {
        const expected = new Decimal(trade.realized.shortTerm).plus(trade.realized.longTerm);
        expect(new Decimal(String(row.expectedGainLoss)).equals(expected)).toBe(true);
      } else {
        expect(row.expectedGainLoss).toBeNull();
      }
    }
    const purposeOf = (symbol: string, side: "BUY" | "SELL") =>
      rows.find((r) => r.side === side && plan.trades[r.seq]?.symbol === symbol)?.purpose;
    expect(purposeOf("VEA", "SELL")).toBe("HARVEST");
    expect(rows.filter((r) => r.purpose === "REPLACEMENT")).toHaveLength(1);
    expect(purposeOf("BND", "BUY")).toBe("REBALANCE");
  });

  it("a second save of the same content returns the stored plan and writes nothing", async () => {
    const drafted = await draft("hh-chen");
    const count = await db.prisma.plan.count();
    const first = await plans.savePlan(toStore(drafted));
    const again = await plans.savePlan({ ...toStore(drafted), expiresAt: "2026-12-01T00:00:00.000Z" });
    expect(again).toEqual(first);
    expect(await db.prisma.plan.count()).toBe(count);
  });

  it("racing saves of one new plan store it once", async () => {
    const drafted = await draft("hh-alvarez");
    const saved = await Promise.all([1, 2, 3].map(() => plans.savePlan(toStore(drafted))));
    expect(new Set(saved.map((s) => s.id)).size).toBe(1);
    expect(await db.prisma.plan.count({ where: { householdId: "hh-alvarez" } })).toBe(1);
  });

  it("plans with the same settings share one settings version; other settings add one", async () => {
    const before = await db.prisma.settingsVersion.count();
    const capped = await draft("hh-chen", {
      settings: { gainBudget: { limit: new Decimal("20000"), mode: "hard" } },
    });
    await plans.savePlan(toStore(capped));
    expect(await db.prisma.settingsVersion.count()).toBe(before + 1);
    const alsoCapped = await draft("hh-alvarez", {
      settings: { gainBudget: { limit: new Decimal("20000"), mode: "hard" } },
    });
    await plans.savePlan(toStore(alsoCapped));
    expect(await db.prisma.settingsVersion.count()).toBe(before + 1);
  });

  it("the latest plan of a household is the one stored last", async () => {
    const latest = await plans.latestPlan("hh-alvarez");
    expect(latest?.plan.settings.gainBudgetLimit).toBe("20000");
    expect(await plans.latestPlan("hh-brooks")).toBeNull();
    expect(await plans.getPlan("plan-0000000000000000")).toBeNull();
  });

  it("a stale plan the advisor asked for is stored marked stale", async () => {
    const stale = await draft("hh-patel", { allowStale: true });
    const saved = await plans.savePlan(toStore(stale));
    expect(saved.plan.stale).toBe(true);
    const row = await db.prisma.plan.findUniqueOrThrow({ where: { id: saved.id } });
    expect(row.stale).toBe(true);
  });

  it("only the status moves, and it reads back as the port's status", async () => {
    const saved = await plans.savePlan(toStore(await draft("hh-chen")));
    await db.prisma.plan.update({ where: { id: saved.id }, data: { status: "REJECTED" } });
    const read = await plans.getPlan(saved.id);
    expect(read?.status).toBe("rejected");
    expect(read?.hash).toBe(saved.hash);
  });

  it("counts the plans awaiting approval by household, leaving out expired and decided ones", async () => {
    const saved = await plans.savePlan(
      toStore(await draft("hh-chen", { settings: { minTradeAmount: new Decimal(250) } })),
    );
    const pendingChen = () =>
      db.prisma.plan.count({
        where: { householdId: "hh-chen", status: "PENDING_APPROVAL", expiresAt: { gt: new Date(NOW) } },
      });
    const before = await plans.countPending(NOW);
    expect(before.get("hh-chen")).toBe(await pendingChen());
    expect(before.get("hh-chen")).toBeGreaterThan(0);
    expect(before.has("hh-brooks")).toBe(false);
    await db.prisma.plan.update({ where: { id: saved.id }, data: { status: "REJECTED" } });
    expect((await plans.countPending(NOW)).get("hh-chen") ?? 0).toBe((before.get("hh-chen") ?? 0) - 1);
    // Every plan here expires on 2026-11-21 at 20:03 UTC: a day later nothing awaits approval.
    expect(await plans.countPending("2026-11-22T20:03:00.000Z")).toEqual(new Map());
  });

  it("refuses a plan whose JSON does not match its hash, and stores nothing", async () => {
    const drafted = await draft("hh-okafor", { settings: { harvestWhenInBand: true } });
    const count = await db.prisma.plan.count();
    await expect(plans.savePlan({ ...toStore(drafted), hash: "0".repeat(64) })).rejects.toThrow(/hash/);
    expect(await db.prisma.plan.count()).toBe(count);
  });
});
