// The demo's simulated custodian and market feed (architecture.md, "The embedded demo"): accounts
// synced live ("demo" snapshots) and the demo quotes are re-stamped at `now`, as a real sync would
// deliver them, so a demo plan is fresh. The household on nightly files ("demo-nightly") is left
// as it is, so the stale-data refusal can still be seen. The feed is flat: the same quantities and
// prices, new timestamps. Real books (any other source) are never touched.
import type { DemoFeedRefresh } from "../ports/book-store.ts";
import type { PrismaClient } from "./generated/client.ts";

/** Syncs newer than this are not repeated. */
const MIN_INTERVAL_MS = 60_000;

export async function refreshDemoFeed(prisma: PrismaClient, now: Date): Promise<DemoFeedRefresh> {
  return prisma.$transaction(async (tx) => {
    const accounts = await tx.account.findMany({
      select: {
        id: true,
        snapshots: { orderBy: { asOf: "desc" }, take: 1, include: { positions: true, lots: true } },
      },
      orderBy: { id: "asc" },
    });
    const stamp = now.toISOString();
    let snapshots = 0;
    for (const account of accounts) {
      const latest = account.snapshots[0];
      if (latest?.source !== "demo" || now.getTime() - latest.asOf.getTime() < MIN_INTERVAL_MS) continue;
      const id = `${account.id}@${stamp}`;
      await tx.accountSnapshot.create({
        data: { id, accountId: account.id, asOf: now, source: "demo", cash: latest.cash },
      });
      await tx.position.createMany({
        data: latest.positions.map((p) => ({
          id: `${id}:${p.securityId}`,
          snapshotId: id,
          securityId: p.securityId,
          quantity: p.quantity,
          reportedCostBasis: p.reportedCostBasis,
          reportedPrice: p.reportedPrice,
        })),
      });
      await tx.lot.createMany({
        data: latest.lots.map((l) => ({
          id: `${id}:${l.lotKey}`,
          snapshotId: id,
          accountId: l.accountId,
          securityId: l.securityId,
          lotKey: l.lotKey,
          tradeDate: l.tradeDate,
          acquiredDate: l.acquiredDate,
          quantity: l.quantity,
          costBasis: l.costBasis,
          deferredWashLoss: l.deferredWashLoss,
        })),
      });
      snapshots += 1;
    }
    // Only securities whose latest price is still the feed's: an imported or real quote wins.
    const latest = await tx.price.findMany({
      orderBy: [{ securityId: "asc" }, { asOf: "desc" }, { createdAt: "desc" }],
      distinct: ["securityId"],
    });
    const quotes = latest.filter((q) => q.source === "demo-feed" && q.kind === "QUOTE");
    const stale = quotes.filter((q) => now.getTime() - q.asOf.getTime() >= MIN_INTERVAL_MS);
    await tx.price.createMany({
      data: stale.map((q) => ({
        id: `${q.securityId}@${stamp}@demo-feed`,
        securityId: q.securityId,
        asOf: now,
        price: q.price,
        kind: "QUOTE" as const,
        source: "demo-feed",
      })),
      skipDuplicates: true,
    });
    return { snapshots, prices: stale.length };
  });
}
