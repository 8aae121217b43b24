// The "orders_drain" job: sends the due orders of every approved plan, checks the ones working at a
// venue and records their fills (drainOutbox), draining again while a drain frees more (a paper
// plan's buys once its sells fill). Runs every minute on the schedule; when an order falls due
// sooner (a retry's back-off, a venue's next check), the job queues the next drain for that moment.
import { drainOutbox, type ExecutionDeps } from "../../execution/drain-outbox.ts";
import type { WorkQueue } from "../../ports/work-queue.ts";
import type { TaskHandler } from "../start-workers.ts";

/** Drains per job before the rest is left to the next one. */
const DRAINS_PER_JOB = 10;
/** The schedule's period: anything due later is the next tick's. */
const TICK_MS = 60_000;

export function drainOrdersTask(deps: ExecutionDeps, queue: WorkQueue): TaskHandler {
  return async ({ log }) => {
    let sent = 0;
    for (let drain = 0; drain < DRAINS_PER_JOB; drain++) {
      const updates = await drainOutbox(deps);
      sent += updates.length;
      if (updates.length === 0) break;
    }
    if (sent > 0) log.info({ updates: sent }, "orders drained");
    const now = deps.clock.now();
    const due = await deps.orders.nextDueAt(now);
    if (due && due.getTime() - now.getTime() < TICK_MS) {
      await queue.enqueue({
        task: "orders_drain",
        key: `orders_drain@${due.toISOString()}`,
        payload: {},
        runAt: due,
      });
    }
  };
}
