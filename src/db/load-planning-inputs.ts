// Everything planning needs about one household, read from the database and mapped to domain
// values: the latest snapshot of every open account, security master, latest prices, the wash-sale
// relevant transactions, restrictions, the model version in force and the policy version in force.
import { isTaxable, type Security } from "../domain/book.ts";
import type { HouseholdBook, ModelVersionSpec, PlanningTransaction } from "../domain/household-book.ts";
import { addDays, type IsoDate } from "../domain/iso-date.ts";
import type { LatestPrice, PlanningInputs, PlanningPins } from "../ports/book-store.ts";
import type { PrismaClient } from "./generated/client.ts";
import { loadLatestPrices } from "./household-overview.ts";
import {
  fromIsoDate,
  latestSnapshotsOf,
  toDecimal,
  toDecimalOrNull,
  toIsoDate,
  toSecurity,
} from "./mapping.ts";

const MODEL_VERSION_INCLUDE = {
  model: true,
  targets: {
    orderBy: [{ assetClass: { sortOrder: "asc" as const } }, { assetClassId: "asc" as const }],
    include: { alternates: { orderBy: { rank: "asc" as const } } },
  },
};

/** The recorded price rows, keyed by security (one per security). */
async function loadPinnedPrices(prisma: PrismaClient, priceIds: string[]): Promise<Map<string, LatestPrice>> {
  const rows = await prisma.price.findMany({
    where: { id: { in: priceIds } },
    orderBy: { securityId: "asc" },
  });
  return new Map(
    rows.map((row) => [
      row.securityId,
      { id: row.id, price: toDecimal(row.price), asOf: row.asOf.toISOString(), source: row.source },
    ]),
  );
}

const TRANSACTION_KINDS = { BUY: "buy", DIVIDEND_REINVEST: "dividend-reinvest", SELL: "sell" } as const;
const STATUSES = { SETTLED: "settled", PENDING: "pending", SCHEDULED: "scheduled" } as const;

export async function loadPlanningInputs(
  prisma: PrismaClient,
  householdId: string,
  asOf: IsoDate,
  pins?: PlanningPins,
): Promise<PlanningInputs | null> {
  const household = await prisma.household.findUnique({
    where: { id: householdId },
    include: {
      accounts: {
        where: pins ? { id: { in: pins.accountIds } } : { closedOn: null },
        orderBy: { id: "asc" },
      },
      restrictions: {
        where: pins ? { id: { in: pins.restrictionIds } } : { endedAt: null },
        orderBy: { id: "asc" },
      },
      assignments: {
        where: { effectiveDate: { lte: fromIsoDate(asOf) } },
        orderBy: [{ effectiveDate: "desc" }, { createdAt: "desc" }],
        take: 1,
        include: { modelVersion: { include: MODEL_VERSION_INCLUDE } },
      },
    },
  });
  if (!household) return null;
  const accountIds = household.accounts.map((account) => account.id);
  const [snapshots, securityRows, cashClass, transactions, policy, prices, pinnedModel] = await Promise.all([
    prisma.accountSnapshot.findMany({
      ...latestSnapshotsOf(accountIds, pins?.snapshotIds),
      include: {
        positions: { orderBy: { securityId: "asc" } },
        lots: { orderBy: [{ tradeDate: "asc" }, { lotKey: "asc" }] },
      },
    }),
    prisma.security.findMany({ orderBy: { symbol: "asc" } }),
    prisma.assetClass.findFirst({ where: { isCash: true }, orderBy: { id: "asc" } }),
    prisma.transaction.findMany({
      where: pins
        ? { id: { in: pins.transactionIds } }
        : {
            accountId: { in: accountIds },
            type: { in: ["BUY", "DIVIDEND_REINVEST", "SELL"] },
            OR: [
              { status: { in: ["PENDING", "SCHEDULED"] } },
              {
                status: "SETTLED",
                tradeDate: { gte: fromIsoDate(addDays(asOf, -61)), lte: fromIsoDate(asOf) },
              },
            ],
          },
      orderBy: [{ tradeDate: "asc" }, { id: "asc" }],
    }),
    prisma.substantiallyIdenticalPolicy.findFirst({
      where: pins ? { id: pins.policyId ?? "" } : { effectiveDate: { lte: fromIsoDate(asOf) } },
      orderBy: { version: "desc" },
      include: {
        groups: { orderBy: { name: "asc" }, include: { members: { include: { security: true } } } },
      },
    }),
    pins ? loadPinnedPrices(prisma, pins.priceIds) : loadLatestPrices(prisma),
    pins?.modelVersionId
      ? prisma.modelVersion.findUnique({ where: { id: pins.modelVersionId }, include: MODEL_VERSION_INCLUDE })
      : null,
  ]);
  const snapshotOf = new Map(snapshots.map((snapshot) => [snapshot.accountId, snapshot]));
  const securities = new Map<string, Security>(securityRows.map((row) => [row.id, toSecurity(row)]));
  const book: HouseholdBook = {
    householdId,
    asOf,
    accounts: household.accounts.map((account) => ({
      id: account.id,
      name: account.nickname,
      type: account.type,
      taxable: isTaxable(account.type),
      tradeable: account.tradeable,
      // An account with no snapshot yet holds nothing we know of.
      cash: toDecimal(snapshotOf.get(account.id)?.cash ?? 0),
      cashReserve: toDecimal(account.cashReserve),
      fractionalShares: account.fractionalShares,
    })),
    positions: snapshots.flatMap((snapshot) =>
      snapshot.positions.map((position) => ({
        accountId: snapshot.accountId,
        securityId: position.securityId,
        quantity: toDecimal(position.quantity),
        reportedCostBasis: toDecimalOrNull(position.reportedCostBasis),
      })),
    ),
    lots: snapshots.flatMap((snapshot) =>
      snapshot.lots.map((lot) => ({
        lotKey: lot.lotKey,
        accountId: lot.accountId,
        securityId: lot.securityId,
        tradeDate: toIsoDate(lot.tradeDate),
        acquiredDate: toIsoDate(lot.acquiredDate),
        quantity: toDecimal(lot.quantity),
        costBasis: toDecimalOrNull(lot.costBasis),
      })),
    ),
    securities,
    cashClassId: cashClass?.id ?? "cash",
    prices: new Map([...prices].map(([id, latest]) => [id, latest.price])),
    transactions: transactions.flatMap((tx): PlanningTransaction[] =>
      tx.securityId === null || tx.status === "CANCELLED" || !(tx.type in TRANSACTION_KINDS)
        ? []
        : [
            {
              id: tx.id,
              accountId: tx.accountId,
              securityId: tx.securityId,
              kind: TRANSACTION_KINDS[tx.type as keyof typeof TRANSACTION_KINDS],
              status: STATUSES[tx.status],
              tradeDate: toIsoDate(tx.tradeDate),
              quantity: toDecimalOrNull(tx.quantity),
              realizedGainLoss: toDecimalOrNull(tx.realizedGainLoss),
              ...(tx.lotKeys[0] ? { lotKey: tx.lotKeys[0] } : {}),
            },
          ],
    ),
    restrictions: household.restrictions.map((r) => ({
      kind: r.kind,
      accountId: r.accountId,
      securityId: r.securityId,
      reason: r.reason,
    })),
  };
  const modelVersion = pins ? pinnedModel : household.assignments[0]?.modelVersion;
  const model: ModelVersionSpec | null = modelVersion
    ? {
        id: modelVersion.id,
        name: modelVersion.model.name,
        version: modelVersion.version,
        bandAbsolute: toDecimal(modelVersion.bandAbsolute),
        bandRelative: toDecimal(modelVersion.bandRelative),
        rebalanceTo: modelVersion.rebalanceTo,
        targets: modelVersion.targets.map((target) => ({
          assetClassId: target.assetClassId,
          weight: toDecimal(target.weight),
          bandAbsolute: toDecimalOrNull(target.bandAbsolute),
          bandRelative: toDecimalOrNull(target.bandRelative),
          primarySecurityId: target.primarySecurityId,
          alternateSecurityIds: target.alternates.map((alternate) => alternate.securityId),
        })),
      }
    : null;
  return {
    book,
    model,
    policy: policy
      ? {
          id: policy.id,
          version: `si-policy-v${policy.version}`,
          sameIndexIsIdentical: policy.sameIndexIsIdentical,
          groups: policy.groups.map((group) => ({
            name: group.name,
            symbols: group.members.map((member) => member.security.symbol).sort(),
          })),
        }
      : null,
    pins: {
      accountIds,
      snapshotIds: snapshots.map((snapshot) => snapshot.id).sort(),
      priceIds: [...prices.values()].map((latest) => latest.id).sort(),
      transactionIds: transactions.map((tx) => tx.id).sort(),
      restrictionIds: household.restrictions.map((r) => r.id),
      modelVersionId: model?.id ?? null,
      policyId: policy?.id ?? null,
    },
    dataAsOf: {
      snapshots: snapshots.map((s) => ({
        accountId: s.accountId,
        snapshotId: s.id,
        asOf: s.asOf.toISOString(),
        source: s.source,
      })),
      prices: [...prices].map(([securityId, latest]) => ({
        securityId,
        asOf: latest.asOf,
        source: latest.source,
      })),
    },
  };
}

/** Every household's inputs (or the given ones), in id order and chunks. */
export async function* streamPlanningInputs(
  prisma: PrismaClient,
  householdIds: readonly string[] | null,
  asOf: IsoDate,
  options: { chunkSize?: number } = {},
): AsyncIterable<PlanningInputs[]> {
  const chunkSize = options.chunkSize ?? 500;
  const ids =
    householdIds === null
      ? (await prisma.household.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((h) => h.id)
      : [...householdIds].sort();
  for (let start = 0; start < ids.length; start += chunkSize) {
    const chunk: PlanningInputs[] = [];
    for (const id of ids.slice(start, start + chunkSize)) {
      const inputs = await loadPlanningInputs(prisma, id, asOf);
      if (inputs) chunk.push(inputs);
    }
    yield chunk;
  }
}
