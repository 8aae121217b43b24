import type { BookStore } from "../ports/book-store.ts";
import type { Progress } from "./progress.ts";

/** Runs the demo's simulated feed before planning (a no-op on real books), showing what it did. */
export async function syncDemoFeed(store: BookStore, now: Date, progress: Progress): Promise<void> {
  progress.step("syncing the demo feed");
  const synced = await store.refreshDemoFeed(now);
  if (synced.snapshots + synced.prices > 0) {
    progress.step(`demo feed: ${synced.snapshots} account snapshots and ${synced.prices} quotes re-stamped`);
  }
}
