// The demo's simulated custodian and market feed (architecture.md, "The embedded demo"): accounts
// synced live ("demo" and "synthetic" snapshots) and the demo quotes are re-stamped at `now`, as a
// real sync would deliver them, so a plan or a scan of the demo or synthetic book is fresh. Accounts
// on nightly files ("demo-nightly", "synthetic-nightly") are left as they are, so the stale-data
// refusal can still be seen. The feed is flat: the same quantities and prices, new timestamps, so a
// re-stamp is a confirmation snapshot that points at the holdings it confirms (content_snapshot_id)
// rather than a copy of them: one row per account, whatever the account holds. Real books (any
// other source) are never touched. Set-based: a few statements, whatever the book's size.
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
      // Each live account's latest snapshot, when it is due, confirmed unchanged at `now`.
      const snapshots = await tx.$executeRawUnsafe(
        `INSERT INTO account_snapshot (id, account_id, as_of, source, cash, content_snapshot_id)
         SELECT a.id || '@' || $1, a.id, $1::timestamptz, latest.source, latest.cash,
                coalesce(latest.content_snapshot_id, latest.id)
           FROM account a CROSS JOIN LATERAL (
                SELECT id, as_of, source, cash, content_snapshot_id FROM account_snapshot
                 WHERE account_id = a.id ORDER BY as_of DESC, created_at DESC, id DESC LIMIT 1) latest
          WHERE latest.source = ANY($2::text[]) AND latest.as_of <= $3::timestamptz`,
        stamp,
        LIVE_SOURCES,
        due,
      );
      // Only securities whose latest price is still the feed's: an imported or real quote wins.
      const prices = await tx.$executeRawUnsafe(
        `INSERT INTO price (id, security_id, as_of, price, kind, source)
         SELECT s.id || '@' || $1 || '@demo-feed', s.id, $1::timestamptz, latest.price, 'QUOTE', 'demo-feed'
           FROM security s CROSS JOIN LATERAL (
                SELECT as_of, price, kind, source FROM price
                 WHERE security_id = s.id ORDER BY as_of DESC, created_at DESC LIMIT 1) latest
          WHERE latest.source = 'demo-feed' AND latest.kind = 'QUOTE' AND latest.as_of <= $2::timestamptz
         ON CONFLICT DO NOTHING`,
        stamp,
        due,
      );
      return { snapshots, prices };
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}
