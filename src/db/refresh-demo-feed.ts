// The demo's simulated custodian and market feed (architecture.md, "The embedded demo"): accounts
// synced live ("demo" and "synthetic" snapshots) and the demo quotes are re-stamped at `now`, as a
// real sync would deliver them, so a plan or a scan of the demo or synthetic book is fresh. Accounts
// on nightly files ("demo-nightly", "synthetic-nightly") are left as they are, so the stale-data
// refusal can still be seen. The feed is flat: the same quantities and prices, new timestamps. Real
// books (any other source) are never touched. Set-based: a few statements, whatever the book's size.
import type { DemoFeedRefresh } from "../ports/book-store.ts";
import type { PrismaClient } from "./generated/client.ts";

/** Syncs newer than this are not repeated. */
const MIN_INTERVAL_MS = 60_000;
const LIVE_SOURCES = ["demo", "synthetic"];

export async function refreshDemoFeed(prisma: PrismaClient, now: Date): Promise<DemoFeedRefresh> {
  return prisma.$transaction(
    async (tx) => {
      const stamp = now.toISOString();
      const due = new Date(now.getTime() - MIN_INTERVAL_MS).toISOString();
      // Each live account's latest snapshot, when it is due, and the id of its copy.
      await tx.$executeRawUnsafe(
        `CREATE TEMP TABLE feed_restamp ON COMMIT DROP AS
       SELECT latest.id AS old_id, latest.account_id || '@' || $1 AS new_id, latest.account_id,
              latest.source, latest.cash
       FROM (SELECT DISTINCT ON (account_id) id, account_id, as_of, source, cash
             FROM account_snapshot ORDER BY account_id, as_of DESC, created_at DESC, id DESC) AS latest
       WHERE latest.source = ANY($2::text[]) AND latest.as_of <= $3::timestamptz`,
        stamp,
        LIVE_SOURCES,
        due,
      );
      const snapshots = await tx.$executeRawUnsafe(
        `INSERT INTO account_snapshot (id, account_id, as_of, source, cash)
       SELECT new_id, account_id, $1::timestamptz, source, cash FROM feed_restamp`,
        stamp,
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO position (id, snapshot_id, security_id, quantity, reported_cost_basis, reported_price)
       SELECT r.new_id || ':' || p.security_id, r.new_id, p.security_id, p.quantity, p.reported_cost_basis,
              p.reported_price
       FROM feed_restamp r JOIN position p ON p.snapshot_id = r.old_id`,
      );
      await tx.$executeRawUnsafe(
        `INSERT INTO lot (id, snapshot_id, account_id, security_id, lot_key, trade_date, acquired_date,
                        quantity, cost_basis, deferred_wash_loss)
       SELECT r.new_id || ':' || l.lot_key, r.new_id, l.account_id, l.security_id, l.lot_key, l.trade_date,
              l.acquired_date, l.quantity, l.cost_basis, l.deferred_wash_loss
       FROM feed_restamp r JOIN lot l ON l.snapshot_id = r.old_id`,
      );
      await tx.$executeRawUnsafe("DROP TABLE feed_restamp");
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
    }, // A firm-sized synthetic book copies about a million lots.
    { timeout: 120_000, maxWait: 30_000 },
  );
}
