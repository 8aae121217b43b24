// The order outbox: orders written by the approval transaction, claimed and moved on by the
// execution worker. Every move is a conditional update on the state the worker claimed, so two
// workers never act on one order and a worker that lost its claim changes nothing. An order may
// depend on others of its plan (a buy on the sells that fund it): it is claimed only once they have
// filled, and cancelled when one of them ends without filling.
import type { Decimal } from "../domain/decimal.ts";
import type { PlanStatus } from "./plan-store.ts";
import type { BookUpdate, VenueFill, VenueOrder } from "./trading-venue.ts";

export type OrderStatus =
  | "queued"
  | "submitting"
  | "submitted"
  | "partially-filled"
  | "filled"
  | "rejected"
  | "failed"
  | "cancelled";

/** An order this worker holds: the state it claimed it in is what every later move is conditioned on. */
export interface ClaimedOrder extends VenueOrder {
  claimed: { status: OrderStatus; attempts: number };
}

export interface RecordedFills {
  /** Fills this call recorded (0 when all were already known). */
  newFills: number;
  /** All fills of the order so far. */
  filledQuantity: Decimal;
  /** Sum of quantity x price over those fills. */
  filledValue: Decimal;
}

/** An order a dependency of which ended without filling. */
export interface BlockingOrder {
  id: string;
  side: "buy" | "sell";
  quantity: Decimal;
  symbol: string;
  status: "rejected" | "failed" | "cancelled";
  /** The venue's reason, or why the worker gave up (null when none was recorded). */
  reason: string | null;
}

/** A queued order cancelled because an order it depended on ended without filling. */
export interface CancelledOrder {
  id: string;
  planId: string;
  accountId: string;
  symbol: string;
  side: "buy" | "sell";
  quantity: Decimal;
  attempts: number;
  idempotencyKey: string;
  /** The recorded reason (the order's last error). */
  reason: string;
  blockedBy: BlockingOrder;
}

export interface PlanOrderState {
  id: string;
  status: OrderStatus;
}

export interface OrderStore {
  /**
   * Claims up to `limit` orders to submit, in trade order: queued ones that are due (no
   * nextAttemptAt, or one at or before `now`), and ones left submitting since before
   * `abandonedBefore` (a worker died mid-call; the idempotency key makes resubmitting safe); in
   * both cases only when every order it depends on has filled, or was handed off for good (exported
   * to a trade file: submitted, and the venue will not report back). Each moves to submitting,
   * attempts + 1.
   */
  claimDue(now: Date, limit: number, abandonedBefore: Date): Promise<ClaimedOrder[]>;
  /** Claims up to `limit` orders working at a venue whose next check is due, pushing it to `leaseUntil`. */
  claimChecks(now: Date, limit: number, leaseUntil: Date): Promise<ClaimedOrder[]>;
  /** Accepted (or exported); `nextCheckAt` null when the venue will not report back. False: claim lost. */
  markSubmitted(
    order: ClaimedOrder,
    update: { custodianOrderId: string; nextCheckAt: Date | null; now: Date },
  ): Promise<boolean>;
  /**
   * Records fills (new ones only), the order's status and, with `updateBook`, the book change, in
   * one transaction with the account locked. Null: claim lost, nothing written.
   */
  recordFills(
    order: ClaimedOrder,
    update: {
      status: "filled" | "partially-filled";
      custodianOrderId: string;
      fills: readonly VenueFill[];
      updateBook?: BookUpdate;
      nextCheckAt: Date | null;
      now: Date;
    },
  ): Promise<RecordedFills | null>;
  /** Back to queued, due again at `nextAttemptAt`. */
  markRetry(order: ClaimedOrder, update: { error: string; nextAttemptAt: Date; now: Date }): Promise<boolean>;
  markRejected(order: ClaimedOrder, update: { reason: string; now: Date }): Promise<boolean>;
  markFailed(
    order: ClaimedOrder,
    update: { reason: string; now: Date; status?: "failed" | "cancelled" },
  ): Promise<boolean>;
  /**
   * Cancels every queued order one of whose dependencies ended rejected, failed or cancelled, with
   * `reasonOf` that dependency as its last error; returns the orders this call cancelled, in trade
   * order (an order cancelled by a racing call is not returned twice).
   */
  cancelBlocked(now: Date, reasonOf: (blockedBy: BlockingOrder) => string): Promise<CancelledOrder[]>;
  planOrders(planId: string): Promise<PlanOrderState[]>;
  /** When the next timed wait after `after` ends (a queued order's retry, a working order's check). */
  nextDueAt(after: Date): Promise<Date | null>;
  /** Plans still approved or executing that have orders, all of them final (filled, rejected, failed, cancelled). */
  settledPlans(): Promise<string[]>;
  /** Moves the plan to `to` if its status is one of `from`; true when this call moved it. */
  setPlanStatus(
    planId: string,
    to: Extract<PlanStatus, "executing" | "executed" | "failed">,
    from: readonly PlanStatus[],
    now: Date,
  ): Promise<boolean>;
}
