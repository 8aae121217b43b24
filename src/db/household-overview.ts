// Reads households with their accounts, each account's latest snapshot and the latest prices,
// mapped to plain domain values for the engine and the front ends.
import type { HouseholdOverview, LatestPrice } from "../ports/book-store.ts";
import type { PrismaClient } from "./generated/client.ts";
import { latestSnapshotsOf, toDecimal, toIsoDate } from "./mapping.ts";

export async function loadHouseholdOverviews(prisma: PrismaClient): Promise<HouseholdOverview[]> {
  const households = await prisma.household.findMany({
    orderBy: [{ name: "asc" }, { id: "asc" }],
    include: {
      people: { orderBy: [{ role: "asc" }, { name: "asc" }] },
      assignments: {
        orderBy: [{ effectiveDate: "desc" }, { createdAt: "desc" }],
        take: 1,
        include: { modelVersion: { include: { model: true } } },
      },
      accounts: {
        where: { closedOn: null },
        orderBy: [{ custodianId: "asc" }, { type: "asc" }, { id: "asc" }],
        include: { custodian: true, owner: true },
      },
    },
  });
  const accountIds = households.flatMap((household) => household.accounts.map((account) => account.id));
  const snapshots = await prisma.accountSnapshot.findMany({
    ...latestSnapshotsOf(accountIds),
    include: {
      positions: { include: { security: true }, orderBy: { securityId: "asc" } },
      content: { include: { positions: { include: { security: true }, orderBy: { securityId: "asc" } } } },
    },
  });
  // A confirmation snapshot holds what the snapshot it confirms holds.
  const snapshotByAccount = new Map(
    snapshots.map((snapshot) => [
      snapshot.accountId,
      { ...snapshot, positions: (snapshot.content ?? snapshot).positions },
    ]),
  );

  return households.map((household) => {
    const assignment = household.assignments[0];
    return {
      id: household.id,
      name: household.name,
      notes: household.notes,
      people: household.people.map(({ id, role, name }) => ({ id, role, name })),
      model: assignment
        ? {
            modelId: assignment.modelVersion.modelId,
            name: assignment.modelVersion.model.name,
            versionId: assignment.modelVersion.id,
            version: assignment.modelVersion.version,
            effectiveDate: toIsoDate(assignment.modelVersion.effectiveDate),
          }
        : null,
      accounts: household.accounts.map((account) => {
        const snapshot = snapshotByAccount.get(account.id);
        return {
          id: account.id,
          custodianId: account.custodianId,
          custodianName: account.custodian.name,
          type: account.type,
          owner: account.owner.name,
          nickname: account.nickname,
          accountNumberMasked: account.accountNumberMasked,
          tradeable: account.tradeable,
          lotReliefMethod: account.lotReliefMethod,
          fractionalShares: account.fractionalShares,
          cashReserve: toDecimal(account.cashReserve),
          snapshot: snapshot
            ? {
                id: snapshot.id,
                asOf: snapshot.asOf.toISOString(),
                source: snapshot.source,
                cash: toDecimal(snapshot.cash),
                positions: snapshot.positions.map((position) => ({
                  securityId: position.securityId,
                  symbol: position.security.symbol,
                  quantity: toDecimal(position.quantity),
                })),
              }
            : null,
        };
      }),
    };
  });
}

/** The most recent price of each security (any source). */
export async function loadLatestPrices(
  prisma: PrismaClient,
  securityIds?: string[],
): Promise<Map<string, LatestPrice>> {
  const rows = await prisma.price.findMany({
    ...(securityIds ? { where: { securityId: { in: securityIds } } } : {}),
    distinct: ["securityId"],
    orderBy: [{ securityId: "asc" }, { asOf: "desc" }, { createdAt: "desc" }],
  });
  return new Map(
    rows.map((row) => [
      row.securityId,
      { id: row.id, price: toDecimal(row.price), asOf: row.asOf.toISOString(), source: row.source },
    ]),
  );
}
