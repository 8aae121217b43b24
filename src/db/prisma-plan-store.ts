// Drafted plans in the database: one transaction writes the settings version (content-addressed,
// shared), the plan, the snapshots it read and its trades. The plan's `content` is its canonical JSON
// text as a JSON string, because jsonb would reorder keys: the stored bytes are the hashed bytes, so
// `encode(sha256(convert_to(content #>> '{}', 'UTF8')), 'hex') = content_hash` holds in SQL too.
import { createHash } from "node:crypto";
import { assert } from "../domain/assert.ts";
import { Decimal } from "../domain/decimal.ts";
import type { Plan, PlanTrade, TradePurpose } from "../engine/planning/plan.ts";
import type { PlanStatus, PlanStore, PlanToStore, StoredPlan } from "../ports/plan-store.ts";
import type { Plan as PlanRow, PrismaClient } from "./generated/client.ts";
import type { PlanStatus as PlanStatusRow, TradePurpose as TradePurposeRow } from "./generated/enums.ts";
import { fromIsoDate } from "./mapping.ts";

export { ENGINE_VERSION } from "../engine/version.ts";

import { ENGINE_VERSION } from "../engine/version.ts";

const STATUS: Record<PlanStatusRow, PlanStatus> = {
  PENDING_APPROVAL: "pending-approval",
  APPROVED: "approved",
  REJECTED: "rejected",
  EXPIRED: "expired",
  SUPERSEDED: "superseded",
  EXECUTING: "executing",
  EXECUTED: "executed",
  FAILED: "failed",
};

// A trade row has one purpose: the one that explains it best when it has several.
const PURPOSE_ORDER: readonly [TradePurpose, TradePurposeRow][] = [
  ["harvest", "HARVEST"],
  ["replacement", "REPLACEMENT"],
  ["rebalance", "REBALANCE"],
];

export function createPrismaPlanStore(prisma: PrismaClient): PlanStore {
  const byHash = async (hash: string) => {
    const row = await prisma.plan.findUnique({ where: { contentHash: hash } });
    return row ? toStoredPlan(row) : null;
  };
  return {
    async savePlan(toStore) {
      const existing = await byHash(toStore.hash);
      if (existing) return existing;
      try {
        await insertPlan(prisma, toStore);
      } catch (error) {
        // Another request stored the same content first: that plan is this plan.
        const raced = isUniqueViolation(error) ? await byHash(toStore.hash) : null;
        if (raced) return raced;
        throw error;
      }
      const saved = await byHash(toStore.hash);
      assert(saved, `plan ${toStore.hash} was not stored`);
      return saved;
    },
    async getPlan(planId) {
      const row = await prisma.plan.findUnique({ where: { id: planId } });
      return row ? toStoredPlan(row) : null;
    },
    async latestPlan(householdId) {
      const row = await prisma.plan.findFirst({
        where: { householdId },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      });
      return row ? toStoredPlan(row) : null;
    },
    async countPending(now) {
      const groups = await prisma.plan.groupBy({
        by: ["householdId"],
        where: { status: "PENDING_APPROVAL", expiresAt: { gt: new Date(now) } },
        _count: { _all: true },
      });
      return new Map(groups.map((group) => [group.householdId, group._count._all]));
    },
  };
}

export function planIdOf(hash: string): string {
  return `plan-${hash.slice(0, 16)}`;
}

async function insertPlan(prisma: PrismaClient, toStore: PlanToStore): Promise<void> {
  const { plan } = toStore;
  assert(sha256(toStore.json) === toStore.hash, "the plan's hash does not match its JSON");
  const { modelVersionId } = plan.inputs;
  assert(modelVersionId, "a plan without a model version cannot be stored");
  const policyVersion = /^si-policy-v(\d+)$/.exec(plan.inputs.policyVersion ?? "")?.[1];
  assert(policyVersion, `unknown policy version ${plan.inputs.policyVersion}`);
  const id = planIdOf(toStore.hash);
  const settingsJson = JSON.stringify(toStore.settings);
  await prisma.$transaction(async (tx) => {
    const policy = await tx.substantiallyIdenticalPolicy.findUniqueOrThrow({
      where: { version: Number(policyVersion) },
    });
    await tx.settingsVersion.createMany({
      data: [{ id: plan.inputs.settingsId, values: toStore.settings, sha256: sha256(settingsJson) }],
      skipDuplicates: true,
    });
    await tx.plan.create({
      data: {
        id,
        householdId: plan.householdId,
        conversationId: toStore.conversationId,
        modelVersionId,
        policyId: policy.id,
        settingsId: plan.inputs.settingsId,
        asOf: fromIsoDate(plan.asOf),
        stale: plan.stale,
        engineVersion: ENGINE_VERSION,
        content: toStore.json,
        contentHash: toStore.hash,
        requestedBy: toStore.requestedBy,
        expiresAt: new Date(toStore.expiresAt),
      },
    });
    await tx.planSnapshot.createMany({
      data: plan.inputs.snapshots.map((s) => ({ planId: id, snapshotId: s.snapshotId })),
    });
    await tx.planTrade.createMany({ data: plan.trades.map((trade) => tradeRow(id, trade)) });
  });
}

function tradeRow(planId: string, trade: PlanTrade) {
  const purpose = PURPOSE_ORDER.find(([p]) => trade.purposes.includes(p))?.[1] ?? "REBALANCE";
  return {
    id: `${planId}:${trade.index}`,
    planId,
    seq: trade.index,
    accountId: trade.accountId,
    securityId: trade.securityId,
    side: trade.side === "buy" ? ("BUY" as const) : ("SELL" as const),
    purpose,
    quantity: trade.quantity,
    estimatedPrice: trade.price,
    estimatedAmount: trade.amount,
    expectedGainLoss: trade.realized
      ? new Decimal(trade.realized.shortTerm).plus(trade.realized.longTerm).toString()
      : null,
    lots: trade.lots.map((lot) => ({ ...lot })),
  };
}

function toStoredPlan(row: PlanRow): StoredPlan {
  const json = row.content;
  assert(typeof json === "string", `plan ${row.id} has no canonical JSON`);
  assert(sha256(json) === row.contentHash, `plan ${row.id} does not match its hash`);
  return {
    id: row.id,
    householdId: row.householdId,
    hash: row.contentHash,
    status: STATUS[row.status],
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    plan: JSON.parse(json) as Plan,
  };
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
