// A custodian's next sync of one account, written as its next snapshot: the latest snapshot with
// another cash balance and without the lots sold elsewhere (positions follow their lots). For tests
// where the book moves between a plan's approval and its execution.
import type { PrismaClient } from "../../src/db/generated/client.ts";
import { Decimal } from "../../src/domain/decimal.ts";

export async function syncAccount(
  prisma: PrismaClient,
  accountId: string,
  at: Date,
  { cash, lotsGone = [] }: { cash?: string; lotsGone?: string[] },
): Promise<void> {
  const found = await prisma.accountSnapshot.findFirstOrThrow({
    where: { accountId },
    orderBy: [{ asOf: "desc" }, { createdAt: "desc" }],
    include: { positions: true, lots: true, content: { include: { positions: true, lots: true } } },
  });
  // A feed confirmation holds what the snapshot it confirms holds.
  const latest = {
    ...found,
    ...(found.content ? { positions: found.content.positions, lots: found.content.lots } : {}),
  };
  const id = `${accountId}@sync-${at.toISOString()}`;
  const lots = latest.lots.filter((lot) => !lotsGone.includes(lot.lotKey));
  const held = (securityId: string) =>
    lots
      .filter((l) => l.securityId === securityId)
      .reduce((sum, l) => sum.plus(l.quantity.toString()), new Decimal(0));
  const positions = latest.positions.flatMap((p) => {
    const hadLots = latest.lots.some((l) => l.securityId === p.securityId);
    const quantity = hadLots ? held(p.securityId) : new Decimal(p.quantity.toString());
    if (quantity.isZero()) return [];
    const same = quantity.equals(p.quantity.toString());
    return [{ ...p, quantity: quantity.toFixed(), reportedCostBasis: same ? p.reportedCostBasis : null }];
  });
  await prisma.accountSnapshot.create({
    data: { id, accountId, asOf: at, source: latest.source, cash: cash ?? latest.cash },
  });
  await prisma.position.createMany({
    data: positions.map(({ id: _, snapshotId: __, ...p }) => ({
      ...p,
      id: `${id}:${p.securityId}`,
      snapshotId: id,
    })),
  });
  await prisma.lot.createMany({
    data: lots.map(({ id: _, snapshotId: __, ...l }) => ({ ...l, id: `${id}:${l.lotKey}`, snapshotId: id })),
  });
}
