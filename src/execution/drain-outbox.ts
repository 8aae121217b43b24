// The execution worker: drains the order outbox the approval transaction fills. Each due order is
// claimed (a conditional update, so one worker only), submitted to its account's venue with its
// idempotency key, and its outcome recorded, audited on the plan's stream and posted back.
//
// - Unreachable venue or 5xx: back to the queue, due after backoff x 2^attempts; after
//   maxAttempts, failed. The retry carries the same idempotency key, so it cannot duplicate.
// - Refused (4xx, validation): rejected with the venue's reason; never retried.
// - Accepted but not filled (Schwab): checked every pollIntervalMs until filled or cancelled.
// - Orders that depend on others (a buy on the sells of its plan in its account, which fund it) are
//   claimed only once those have filled; a drain claims again after fills, so a paper plan's buys
//   go out in the same drain as its sells. A sell still partially filled holds its buys back.
// - An order that ends rejected, failed or cancelled cancels every queued order that depends on it
//   (a sell partially filled and then cancelled too: a buy is never sent on cash that may not be
//   there); each is audited (order.cancelled) and posted with the reason.
// - Every order of a plan final: the plan is executed (all filled) or failed.
import type { AuditLog } from "../ports/audit-log.ts";
import type { Clock } from "../ports/clock.ts";
import type {
  BlockingOrder,
  CancelledOrder,
  ClaimedOrder,
  OrderStatus,
  OrderStore,
  RecordedFills,
} from "../ports/order-store.ts";
import type { TradingVenue, VenueOutcome, VenueRouter } from "../ports/trading-venue.ts";
import { OrderNotFillableError } from "./apply-fill.ts";

export { createVenueRouter } from "./venue-router.ts";

export interface OrderUpdate {
  planId: string;
  orderId: string;
  accountId: string;
  symbol: string;
  side: "buy" | "sell";
  quantity: string;
  /** "cancelled": never sent, because an order it depended on ended without filling (see `message`). */
  status: "submitted" | "filled" | "partially-filled" | "rejected" | "failed" | "exported" | "cancelled";
  filledQuantity: string;
  averagePrice: string | null;
  message: string;
  attempt: number;
}

export interface ExecutionDeps {
  orders: OrderStore;
  venues: VenueRouter;
  audit: AuditLog;
  clock: Clock;
  /** Posts an update to the plan's thread; a failure is audited and does not stop the worker. */
  notify?: (update: OrderUpdate) => Promise<void>;
  /** Submissions before an order fails for good (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles with every attempt (default 1 s). */
  backoffMs?: number;
  /** How often an order working at a venue is checked (default 5 s). */
  pollIntervalMs?: number;
  /** An order left submitting this long is taken to be abandoned by a dead worker (default 10 min). */
  abandonAfterMs?: number;
}

const DEFAULT_LIMIT = 20;
const TERMINAL: readonly OrderStatus[] = ["filled", "rejected", "failed", "cancelled"];

/**
 * Submits the due orders (claiming again as fills free the orders that depend on them), checks the
 * ones working at a venue (then submits what their fills freed; `limit` submissions in all, and
 * `limit` checks), cancels the orders whose dependencies ended without filling, and completes the
 * plans whose orders are all final; returns what was posted. Throws an AggregateError after the
 * batch when some orders could not be processed.
 */
export async function drainOutbox(
  deps: ExecutionDeps,
  options: { limit?: number } = {},
): Promise<OrderUpdate[]> {
  const limit = options.limit ?? DEFAULT_LIMIT;
  const updates: OrderUpdate[] = [];
  const now = deps.clock.now();
  // One order's failure (the database gone mid-way, a bug) does not hold up the others; an order
  // left submitting is claimed again once abandoned, its idempotency key keeping that safe.
  const failures: unknown[] = [];
  const each = async (orders: ClaimedOrder[], work: (order: ClaimedOrder) => Promise<OrderUpdate | null>) => {
    for (const order of orders) {
      try {
        const update = await work(order);
        if (update) updates.push(update);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  const abandonedBefore = new Date(now.getTime() - (deps.abandonAfterMs ?? 10 * 60_000));
  let left = limit;
  const submitDue = async () => {
    while (left > 0) {
      const claimed = await deps.orders.claimDue(now, left, abandonedBefore);
      if (claimed.length === 0) return;
      left -= claimed.length;
      await each(claimed, (order) => submit(deps, order));
    }
  };
  await submitDue();
  const leaseUntil = new Date(now.getTime() + pollInterval(deps));
  const checked = updates.length;
  await each(await deps.orders.claimChecks(now, limit, leaseUntil), (order) => check(deps, order));
  if (updates.slice(checked).some((update) => update.status === "filled")) await submitDue();
  try {
    updates.push(...(await cancelBlocked(deps)));
    // A worker that died between an order's last move and its plan's completion left the plan live.
    for (const planId of await deps.orders.settledPlans()) await completePlan(deps, planId);
  } catch (error) {
    failures.push(error);
  }
  if (failures.length > 0)
    throw new AggregateError(failures, `${failures.length} order(s) could not be processed`);
  return updates;
}

async function submit(deps: ExecutionDeps, order: ClaimedOrder): Promise<OrderUpdate | null> {
  const now = deps.clock.now();
  if (await deps.orders.setPlanStatus(order.planId, "executing", ["approved"], now)) {
    await audit(deps, order.planId, "plan.executing", { planId: order.planId });
  }
  const venue = deps.venues.venueFor(order.account);
  await auditOrder(deps, order, "order.submitting", { venue: venue.name });
  let outcome: VenueOutcome;
  try {
    outcome = await venue.submit(order, { now });
  } catch (error) {
    outcome = { kind: "unavailable", error: messageOf(error) };
  }
  return settle(deps, order, venue, outcome, "submit");
}

async function check(deps: ExecutionDeps, order: ClaimedOrder): Promise<OrderUpdate | null> {
  const venue = deps.venues.venueFor(order.account);
  if (!venue.poll) return null;
  let outcome: VenueOutcome;
  try {
    outcome = await venue.poll(order, { now: deps.clock.now() });
  } catch (error) {
    outcome = { kind: "unavailable", error: messageOf(error) };
  }
  return settle(deps, order, venue, outcome, "check");
}

async function settle(
  deps: ExecutionDeps,
  order: ClaimedOrder,
  venue: TradingVenue,
  outcome: VenueOutcome,
  phase: "submit" | "check",
): Promise<OrderUpdate | null> {
  const now = deps.clock.now();
  const nextCheckAt = venue.poll ? new Date(now.getTime() + pollInterval(deps)) : null;
  switch (outcome.kind) {
    case "filled":
    case "partially-filled": {
      let recorded: RecordedFills | null;
      try {
        recorded = await deps.orders.recordFills(order, {
          status: outcome.kind,
          custodianOrderId: outcome.custodianOrderId,
          fills: outcome.fills,
          ...(outcome.updateBook ? { updateBook: outcome.updateBook } : {}),
          nextCheckAt: outcome.kind === "filled" ? null : nextCheckAt,
          now,
        });
      } catch (error) {
        if (error instanceof OrderNotFillableError) {
          return settle(deps, order, venue, { kind: "rejected", reason: error.message }, phase);
        }
        // Nothing was written: a submission is retried; a check comes round again.
        if (phase === "check") return null;
        return settle(deps, order, venue, { kind: "unavailable", error: messageOf(error) }, phase);
      }
      // A check that finds nothing new changes nothing.
      if (!recorded || (recorded.newFills === 0 && order.claimed.status === outcome.kind)) return null;
      const averagePrice = recorded.filledQuantity.isZero()
        ? null
        : recorded.filledValue.div(recorded.filledQuantity).toDecimalPlaces(8).toFixed();
      const filled = { filledQuantity: recorded.filledQuantity.toFixed(), averagePrice };
      await auditOrder(deps, order, "order.filled", {
        status: outcome.kind,
        custodianOrderId: outcome.custodianOrderId,
        fills: outcome.fills.map((fill) => ({
          externalId: fill.externalId,
          quantity: fill.quantity.toFixed(),
          price: fill.price.toFixed(),
          tradeDate: fill.tradeDate,
        })),
        ...filled,
      });
      const update = await notify(deps, updateOf(order, outcome.kind, outcome.message, filled));
      if (outcome.kind === "filled") await completePlan(deps, order.planId);
      return update;
    }
    case "submitted":
    case "exported": {
      // A check that finds the order still working changes nothing.
      if (phase === "check") return null;
      const moved = await deps.orders.markSubmitted(order, {
        custodianOrderId: outcome.custodianOrderId,
        nextCheckAt: outcome.kind === "submitted" ? nextCheckAt : null,
        now,
      });
      if (!moved) return null;
      await auditOrder(deps, order, "order.submitted", {
        venue: venue.name,
        custodianOrderId: outcome.custodianOrderId,
        exported: outcome.kind === "exported",
      });
      return notify(deps, updateOf(order, outcome.kind, outcome.message));
    }
    case "rejected": {
      if (!(await deps.orders.markRejected(order, { reason: outcome.reason, now }))) return null;
      await auditOrder(deps, order, "order.rejected", { venue: venue.name, reason: outcome.reason });
      const update = await notify(deps, updateOf(order, "rejected", outcome.reason));
      await completePlan(deps, order.planId);
      return update;
    }
    case "cancelled": {
      const moved = await deps.orders.markFailed(order, { reason: outcome.reason, now, status: "cancelled" });
      if (!moved) return null;
      await auditOrder(deps, order, "order.failed", {
        venue: venue.name,
        reason: outcome.reason,
        cancelled: true,
      });
      const update = await notify(deps, updateOf(order, "failed", outcome.reason));
      await completePlan(deps, order.planId);
      return update;
    }
    case "unavailable": {
      if (phase === "check") return null;
      const maxAttempts = deps.maxAttempts ?? 5;
      if (order.claimed.attempts >= maxAttempts) {
        const reason = `gave up after ${order.claimed.attempts} attempts: ${outcome.error}`;
        if (!(await deps.orders.markFailed(order, { reason, now }))) return null;
        await auditOrder(deps, order, "order.failed", { venue: venue.name, reason });
        const update = await notify(deps, updateOf(order, "failed", reason));
        await completePlan(deps, order.planId);
        return update;
      }
      const delay = (deps.backoffMs ?? 1_000) * 2 ** order.claimed.attempts;
      const nextAttemptAt = new Date(now.getTime() + delay);
      if (!(await deps.orders.markRetry(order, { error: outcome.error, nextAttemptAt, now }))) return null;
      await auditOrder(deps, order, "order.retry", {
        venue: venue.name,
        error: outcome.error,
        nextAttemptAt: nextAttemptAt.toISOString(),
      });
      return null;
    }
  }
}

/**
 * Cancels the queued orders an order they depended on left unfunded (rejected, failed, cancelled,
 * including a sell partially filled and then cancelled); audits and posts each, then completes
 * their plans. Also picks up what a worker that died between the two steps left behind.
 */
async function cancelBlocked(deps: ExecutionDeps): Promise<OrderUpdate[]> {
  const now = deps.clock.now();
  const cancelled = await deps.orders.cancelBlocked(now, cancellationReason);
  const updates: OrderUpdate[] = [];
  for (const order of cancelled) {
    await audit(deps, order.planId, "order.cancelled", {
      orderId: order.id,
      accountId: order.accountId,
      symbol: order.symbol,
      side: order.side,
      quantity: order.quantity.toFixed(),
      attempt: order.attempts,
      idempotencyKey: order.idempotencyKey,
      reason: order.reason,
      dependedOn: {
        orderId: order.blockedBy.id,
        status: order.blockedBy.status,
        reason: order.blockedBy.reason,
      },
    });
    updates.push(await notify(deps, cancelledUpdate(order)));
  }
  for (const planId of new Set(cancelled.map((order) => order.planId))) await completePlan(deps, planId);
  return updates;
}

/** "cancelled: the sell of 577 VTI it depended on was rejected (the account holds 0 VTI, fewer than 577)". */
export function cancellationReason(blockedBy: BlockingOrder): string {
  const why = blockedBy.reason ? ` (${blockedBy.reason})` : "";
  return `cancelled: the ${blockedBy.side} of ${blockedBy.quantity.toFixed()} ${blockedBy.symbol} it depended on was ${blockedBy.status}${why}`;
}

function cancelledUpdate(order: CancelledOrder): OrderUpdate {
  return {
    planId: order.planId,
    orderId: order.id,
    accountId: order.accountId,
    symbol: order.symbol,
    side: order.side,
    quantity: order.quantity.toFixed(),
    status: "cancelled",
    filledQuantity: "0",
    averagePrice: null,
    message: order.reason,
    attempt: order.attempts,
  };
}

/** Once every order of the plan is final: executed when all filled, else failed. */
async function completePlan(deps: ExecutionDeps, planId: string): Promise<void> {
  const orders = await deps.orders.planOrders(planId);
  if (orders.length === 0 || !orders.every((o) => TERMINAL.includes(o.status))) return;
  const counts: Partial<Record<OrderStatus, number>> = {};
  for (const o of orders) counts[o.status] = (counts[o.status] ?? 0) + 1;
  const executed = orders.every((o) => o.status === "filled");
  const to = executed ? "executed" : "failed";
  if (await deps.orders.setPlanStatus(planId, to, ["approved", "executing"], deps.clock.now())) {
    await audit(deps, planId, executed ? "plan.executed" : "plan.failed", { planId, orders: counts });
  }
}

function updateOf(
  order: ClaimedOrder,
  status: OrderUpdate["status"],
  message: string,
  filled: { filledQuantity: string; averagePrice: string | null } = {
    filledQuantity: "0",
    averagePrice: null,
  },
): OrderUpdate {
  return {
    planId: order.planId,
    orderId: order.id,
    accountId: order.account.id,
    symbol: order.security.symbol,
    side: order.side,
    quantity: order.quantity.toFixed(),
    status,
    ...filled,
    message,
    attempt: order.attempt,
  };
}

async function notify(deps: ExecutionDeps, update: OrderUpdate): Promise<OrderUpdate> {
  try {
    await deps.notify?.(update);
  } catch (error) {
    await audit(deps, update.planId, "order.notify-failed", {
      orderId: update.orderId,
      error: messageOf(error),
    });
  }
  return update;
}

function auditOrder(
  deps: ExecutionDeps,
  order: ClaimedOrder,
  type: string,
  details: Record<string, unknown>,
) {
  return audit(deps, order.planId, type, {
    orderId: order.id,
    accountId: order.account.id,
    symbol: order.security.symbol,
    side: order.side,
    quantity: order.quantity.toFixed(),
    attempt: order.attempt,
    idempotencyKey: order.idempotencyKey,
    ...details,
  });
}

async function audit(deps: ExecutionDeps, planId: string, type: string, payload: unknown): Promise<void> {
  await deps.audit.append({ stream: `plan:${planId}`, type, actor: "system", payload });
}

function pollInterval(deps: ExecutionDeps): number {
  return deps.pollIntervalMs ?? 5_000;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
