// The order outbox in the database. A claim of due orders is one statement that locks them (rows
// another worker holds are skipped) and moves them on, and takes only orders whose dependencies are
// done; every later move is a conditional update (status and attempt count as claimed), so under
// READ COMMITTED a second worker's UPDATE waits for the first to commit and then matches nothing.
// Queued orders whose dependency ended unfilled are cancelled in one statement. A fill is recorded with its book change in one transaction, the account locked
// (a transaction-scoped advisory lock) while its latest snapshot is read and the next one written:
// two fills in one account cannot both build on the same snapshot, and a crash leaves both or neither.
import { isTaxable } from "../domain/book.ts";
import { Decimal, ZERO } from "../domain/decimal.ts";
import type {
  BlockingOrder,
  CancelledOrder,
  ClaimedOrder,
  OrderStatus,
  OrderStore,
  RecordedFills,
} from "../ports/order-store.ts";
import type { PlanStatus } from "../ports/plan-store.ts";
import type { AccountBook, BookUpdate, FillPrices, OrderLot } from "../ports/trading-venue.ts";
import type { Prisma, PrismaClient } from "./generated/client.ts";
import type { OrderStatus as OrderStatusRow, PlanStatus as PlanStatusRow } from "./generated/enums.ts";
import { fromIsoDate, toDecimal, toDecimalOrNull, toIsoDate } from "./mapping.ts";

const STATUS_ROW: Record<OrderStatus, OrderStatusRow> = {
  queued: "QUEUED",
  submitting: "SUBMITTING",
  submitted: "SUBMITTED",
  "partially-filled": "PARTIALLY_FILLED",
  filled: "FILLED",
  rejected: "REJECTED",
  failed: "FAILED",
  cancelled: "CANCELLED",
};
const STATUS = Object.fromEntries(Object.entries(STATUS_ROW).map(([status, row]) => [row, status])) as Record<
  OrderStatusRow,
  OrderStatus
>;

const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 60_000 } as const;
/** Trade order within a batch: the approval writes a plan's orders at one instant. */
const CLAIM_ORDER = [
  { createdAt: "asc" as const },
  { planTrade: { seq: "asc" as const } },
  { id: "asc" as const },
];
const LATEST_FIRST = [{ asOf: "desc" as const }, { createdAt: "desc" as const }];

export function createPrismaOrderStore(prisma: PrismaClient): OrderStore {
  const claimWhere = (order: ClaimedOrder) => ({
    id: order.id,
    status: STATUS_ROW[order.claimed.status],
    attempts: order.claimed.attempts,
  });
  const move = async (order: ClaimedOrder, data: Prisma.OrderUpdateManyMutationInput) =>
    (await prisma.order.updateMany({ where: claimWhere(order), data })).count === 1;

  return {
    async claimDue(now, limit, abandonedBefore) {
      // One statement: the due orders whose dependencies are all done, locked (rows another worker
      // is claiming are skipped) and moved to submitting. A dependency is done when it filled, or
      // when it went to a venue that will not report back (a trade file: submitted, no check due),
      // where the person uploading the file has the sells before the buys.
      const claimed = await prisma.$queryRaw<{ id: string }[]>`
        WITH due AS (
          SELECT o.id
          FROM "order" o
          JOIN plan_trade t ON t.id = o.plan_trade_id
          WHERE ((o.status = 'QUEUED' AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ${now}))
                 OR (o.status = 'SUBMITTING' AND o.updated_at < ${abandonedBefore}))
            AND NOT EXISTS (
              SELECT 1
              FROM unnest(COALESCE(o.depends_on, ARRAY[]::text[])) AS dependency(id)
              LEFT JOIN "order" d ON d.id = dependency.id
              WHERE d.id IS NULL
                 OR NOT (d.status = 'FILLED' OR (d.status = 'SUBMITTED' AND d.next_attempt_at IS NULL)))
          ORDER BY o.created_at, t.seq, o.id
          LIMIT ${limit}
          FOR UPDATE OF o SKIP LOCKED
        )
        UPDATE "order" o
        SET status = 'SUBMITTING', attempts = o.attempts + 1, next_attempt_at = NULL, updated_at = ${now}
        FROM due
        WHERE o.id = due.id
        RETURNING o.id`;
      return loadClaimed(
        prisma,
        claimed.map((row) => row.id),
      );
    },

    async claimChecks(now, limit, leaseUntil) {
      const candidates = await prisma.order.findMany({
        where: { status: { in: ["SUBMITTED", "PARTIALLY_FILLED"] }, nextAttemptAt: { lte: now } },
        orderBy: CLAIM_ORDER,
        take: limit,
        select: { id: true, status: true, attempts: true, nextAttemptAt: true },
      });
      const claimed: string[] = [];
      for (const candidate of candidates) {
        const { count } = await prisma.order.updateMany({
          where: { ...candidate },
          data: { nextAttemptAt: leaseUntil, updatedAt: now },
        });
        if (count === 1) claimed.push(candidate.id);
      }
      return loadClaimed(prisma, claimed);
    },

    markSubmitted: (order, { custodianOrderId, nextCheckAt, now }) =>
      move(order, {
        status: "SUBMITTED",
        custodianOrderId,
        nextAttemptAt: nextCheckAt,
        lastError: null,
        updatedAt: now,
      }),

    markRetry: (order, { error, nextAttemptAt, now }) =>
      move(order, { status: "QUEUED", lastError: error, nextAttemptAt, updatedAt: now }),

    markRejected: (order, { reason, now }) =>
      move(order, { status: "REJECTED", lastError: reason, nextAttemptAt: null, updatedAt: now }),

    markFailed: (order, { reason, now, status = "failed" }) =>
      move(order, { status: STATUS_ROW[status], lastError: reason, nextAttemptAt: null, updatedAt: now }),

    recordFills: (order, update) =>
      prisma.$transaction(async (tx): Promise<RecordedFills | null> => {
        const { count } = await tx.order.updateMany({
          where: claimWhere(order),
          data: {
            status: STATUS_ROW[update.status],
            custodianOrderId: update.custodianOrderId,
            nextAttemptAt: update.nextCheckAt,
            lastError: null,
            updatedAt: update.now,
          },
        });
        if (count !== 1) return null;
        const created = await tx.fill.createMany({
          data: update.fills.map((fill) => ({
            id: `fill-${order.id}-${fill.externalId}`,
            orderId: order.id,
            externalId: fill.externalId,
            quantity: fill.quantity.toFixed(),
            price: fill.price.toFixed(),
            filledAt: fill.filledAt,
          })),
          skipDuplicates: true,
        });
        if (update.updateBook && created.count > 0) {
          await writeBookChange(tx, order, update.updateBook, update.now);
        }
        const fills = await tx.fill.findMany({
          where: { orderId: order.id },
          select: { quantity: true, price: true },
        });
        let filledQuantity = ZERO;
        let filledValue = ZERO;
        for (const fill of fills) {
          filledQuantity = filledQuantity.plus(toDecimal(fill.quantity));
          filledValue = filledValue.plus(toDecimal(fill.quantity).times(toDecimal(fill.price)));
        }
        return { newFills: created.count, filledQuantity, filledValue };
      }, TRANSACTION_OPTIONS),

    async cancelBlocked(now, reasonOf) {
      const blocked = await prisma.$queryRaw<BlockedRow[]>`
        SELECT * FROM (
          SELECT DISTINCT ON (o.id)
                 o.id, o.plan_id, o.account_id, o.side::text AS side, o.quantity::text AS quantity,
                 o.attempts, o.idempotency_key, s.symbol, o.created_at, t.seq,
                 d.id AS blocker_id, d.side::text AS blocker_side, d.quantity::text AS blocker_quantity,
                 ds.symbol AS blocker_symbol, d.status::text AS blocker_status, d.last_error AS blocker_error
          FROM "order" o
          JOIN plan_trade t ON t.id = o.plan_trade_id
          JOIN security s ON s.id = o.security_id
          JOIN "order" d ON d.id = ANY(o.depends_on)
          JOIN security ds ON ds.id = d.security_id
          WHERE o.status = 'QUEUED' AND d.status IN ('REJECTED', 'FAILED', 'CANCELLED')
          ORDER BY o.id, d.id
        ) AS blocked
        ORDER BY created_at, seq, id`;
      if (blocked.length === 0) return [];
      const cancelled = blocked.map((row): CancelledOrder => {
        const blockedBy: BlockingOrder = {
          id: row.blocker_id,
          side: row.blocker_side === "BUY" ? "buy" : "sell",
          quantity: toDecimal(row.blocker_quantity),
          symbol: row.blocker_symbol,
          status: STATUS[row.blocker_status] as BlockingOrder["status"],
          reason: row.blocker_error,
        };
        return {
          id: row.id,
          planId: row.plan_id,
          accountId: row.account_id,
          symbol: row.symbol,
          side: row.side === "BUY" ? "buy" : "sell",
          quantity: toDecimal(row.quantity),
          attempts: row.attempts,
          idempotencyKey: row.idempotency_key,
          reason: reasonOf(blockedBy),
          blockedBy,
        };
      });
      // Still queued when cancelled: an order another worker cancelled meanwhile is not reported twice.
      const moved = await prisma.$queryRaw<{ id: string }[]>`
        UPDATE "order" o
        SET status = 'CANCELLED', last_error = c.reason, next_attempt_at = NULL, updated_at = ${now}
        FROM unnest(${cancelled.map((c) => c.id)}::text[], ${cancelled.map((c) => c.reason)}::text[]) AS c(id, reason)
        WHERE o.id = c.id AND o.status = 'QUEUED'
        RETURNING o.id`;
      const ids = new Set(moved.map((row) => row.id));
      return cancelled.filter((order) => ids.has(order.id));
    },

    async nextDueAt(after) {
      // Only waits with a time on them (a retry's back-off, a venue's next check): an order waiting on
      // the sells that fund it is freed by their fills, which those checks bring.
      const [row] = await prisma.$queryRaw<{ due: Date | null }[]>`
        SELECT min(next_attempt_at) AS due FROM "order"
         WHERE status IN ('QUEUED', 'SUBMITTED', 'PARTIALLY_FILLED') AND next_attempt_at > ${after}`;
      return row?.due ?? null;
    },
    async planOrders(planId) {
      const rows = await prisma.order.findMany({
        where: { planId },
        orderBy: { planTrade: { seq: "asc" } },
        select: { id: true, status: true },
      });
      return rows.map((row) => ({ id: row.id, status: STATUS[row.status] }));
    },

    async settledPlans() {
      const rows = await prisma.$queryRaw<{ id: string }[]>`
        SELECT p.id
        FROM "plan" p
        WHERE p.status IN ('APPROVED', 'EXECUTING')
          AND EXISTS (SELECT 1 FROM "order" o WHERE o.plan_id = p.id)
          AND NOT EXISTS (
            SELECT 1 FROM "order" o
            WHERE o.plan_id = p.id AND o.status NOT IN ('FILLED', 'REJECTED', 'FAILED', 'CANCELLED'))
        ORDER BY p.id`;
      return rows.map((row) => row.id);
    },

    async setPlanStatus(planId, to, from, now) {
      const { count } = await prisma.plan.updateMany({
        where: { id: planId, status: { in: from.map(planStatusRow) } },
        data: { status: planStatusRow(to), statusChangedAt: now },
      });
      return count === 1;
    },
  };
}

/** The paper custodian's prices: the account's latest snapshot price, else the latest quote, else close. */
export function createPrismaFillPrices(prisma: PrismaClient): FillPrices {
  return {
    async fillPrice(accountId, securityId) {
      const snapshot = await prisma.accountSnapshot.findFirst({
        where: { accountId },
        orderBy: LATEST_FIRST,
        select: {
          positions: { where: { securityId }, select: { reportedPrice: true } },
          content: { select: { positions: { where: { securityId }, select: { reportedPrice: true } } } },
        },
      });
      const reported = (snapshot?.content ?? snapshot)?.positions[0]?.reportedPrice;
      if (reported) return { price: toDecimal(reported), source: "snapshot" };
      for (const kind of ["QUOTE", "CLOSE"] as const) {
        const latest = await prisma.price.findFirst({ where: { securityId, kind }, orderBy: LATEST_FIRST });
        if (latest) return { price: toDecimal(latest.price), source: kind === "QUOTE" ? "quote" : "closing" };
      }
      return null;
    },
  };
}

function planStatusRow(status: PlanStatus): PlanStatusRow {
  return status.toUpperCase().replaceAll("-", "_") as PlanStatusRow;
}

async function loadClaimed(prisma: PrismaClient, ids: string[]): Promise<ClaimedOrder[]> {
  if (ids.length === 0) return [];
  const rows = await prisma.order.findMany({
    where: { id: { in: ids } },
    orderBy: CLAIM_ORDER,
    include: { account: { include: { custodian: true } }, security: true },
  });
  const lotsByAccount = new Map<string, Map<string, HeldLot>>();
  for (const row of rows) {
    const keys = namedLots(row.lots).map((lot) => lot.lotKey);
    if (keys.length === 0) continue;
    const held = lotsByAccount.get(row.accountId) ?? new Map<string, HeldLot>();
    for (const lot of await heldLots(prisma, row.accountId, keys)) held.set(lot.lotKey, lot);
    lotsByAccount.set(row.accountId, held);
  }
  return rows.map((row) => {
    const held = lotsByAccount.get(row.accountId);
    const lots: OrderLot[] = namedLots(row.lots).map(({ lotKey, quantity }) => {
      const lot = held?.get(lotKey);
      return {
        lotKey,
        quantity,
        tradeDate: lot ? toIsoDate(lot.tradeDate) : null,
        heldQuantity: lot ? toDecimal(lot.quantity) : null,
        costBasis: lot ? toDecimalOrNull(lot.costBasis) : null,
      };
    });
    return {
      id: row.id,
      planId: row.planId,
      idempotencyKey: row.idempotencyKey,
      attempt: row.attempts,
      side: row.side === "BUY" ? "buy" : "sell",
      quantity: toDecimal(row.quantity),
      limitPrice: toDecimalOrNull(row.limitPrice),
      security: { id: row.security.id, symbol: row.security.symbol, cusip: row.security.cusip },
      account: {
        id: row.account.id,
        custodianId: row.account.custodianId,
        supportsSpecificLot: row.account.custodian.supportsSpecificLot,
        custodianRef: row.account.custodianRef,
        accountNumberMasked: row.account.accountNumberMasked,
        taxable: isTaxable(row.account.type),
      },
      lots,
      custodianOrderId: row.custodianOrderId,
      createdAt: row.createdAt,
      claimed: { status: STATUS[row.status], attempts: row.attempts },
    };
  });
}

interface BlockedRow {
  id: string;
  plan_id: string;
  account_id: string;
  side: string;
  quantity: string;
  attempts: number;
  idempotency_key: string;
  symbol: string;
  blocker_id: string;
  blocker_side: string;
  blocker_quantity: string;
  blocker_symbol: string;
  blocker_status: OrderStatusRow;
  blocker_error: string | null;
}

type HeldLot = Awaited<ReturnType<typeof heldLots>>[number];

async function heldLots(prisma: PrismaClient, accountId: string, lotKeys: string[]) {
  const snapshot = await prisma.accountSnapshot.findFirst({
    where: { accountId },
    orderBy: LATEST_FIRST,
    select: {
      lots: { where: { lotKey: { in: lotKeys } } },
      content: { select: { lots: { where: { lotKey: { in: lotKeys } } } } },
    },
  });
  return (snapshot?.content ?? snapshot)?.lots ?? [];
}

/** The order's lots as the plan wrote them ([{ lotKey, quantity, ... }]); anything else is ignored. */
function namedLots(json: Prisma.JsonValue): { lotKey: string; quantity: Decimal }[] {
  if (!Array.isArray(json)) return [];
  return json.flatMap((entry) => {
    if (entry === null || typeof entry !== "object" || Array.isArray(entry)) return [];
    const { lotKey, quantity } = entry as Record<string, unknown>;
    if (typeof lotKey !== "string" || (typeof quantity !== "string" && typeof quantity !== "number"))
      return [];
    return [{ lotKey, quantity: new Decimal(String(quantity)) }];
  });
}

async function writeBookChange(
  tx: Prisma.TransactionClient,
  order: ClaimedOrder,
  updateBook: BookUpdate,
  now: Date,
): Promise<void> {
  const accountId = order.account.id;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`book:${accountId}`}))`;
  const latest = await tx.accountSnapshot.findFirst({
    where: { accountId },
    orderBy: LATEST_FIRST,
    include: {
      positions: { orderBy: { securityId: "asc" } },
      lots: { orderBy: { lotKey: "asc" } },
      content: {
        include: { positions: { orderBy: { securityId: "asc" } }, lots: { orderBy: { lotKey: "asc" } } },
      },
    },
  });
  const held = latest?.content ?? latest;
  const book: AccountBook = {
    accountId,
    snapshotId: latest?.id ?? null,
    cash: latest ? toDecimal(latest.cash) : ZERO,
    positions: (held?.positions ?? []).map((p) => ({
      securityId: p.securityId,
      quantity: toDecimal(p.quantity),
      reportedCostBasis: toDecimalOrNull(p.reportedCostBasis),
      reportedPrice: toDecimalOrNull(p.reportedPrice),
    })),
    lots: (held?.lots ?? []).map((l) => ({
      lotKey: l.lotKey,
      securityId: l.securityId,
      tradeDate: toIsoDate(l.tradeDate),
      acquiredDate: toIsoDate(l.acquiredDate),
      quantity: toDecimal(l.quantity),
      costBasis: toDecimalOrNull(l.costBasis),
      deferredWashLoss: toDecimal(l.deferredWashLoss),
    })),
  };
  const change = updateBook(book);
  if (change.holdings) {
    // Strictly after the snapshot it replaces, so "latest" is never a tie.
    const asOf = latest && latest.asOf >= now ? new Date(latest.asOf.getTime() + 1) : now;
    const id = `${accountId}@${asOf.toISOString()}:${order.id}`;
    // The snapshot keeps its predecessor's source: it is the same feed's book, one trade on.
    await tx.accountSnapshot.create({
      data: {
        id,
        accountId,
        asOf,
        source: latest?.source ?? change.source,
        cash: change.holdings.cash.toFixed(),
      },
    });
    await tx.position.createMany({
      data: change.holdings.positions.map((p) => ({
        id: `${id}:${p.securityId}`,
        snapshotId: id,
        securityId: p.securityId,
        quantity: p.quantity.toFixed(),
        reportedCostBasis: p.reportedCostBasis?.toFixed() ?? null,
        reportedPrice: p.reportedPrice?.toFixed() ?? null,
      })),
    });
    await tx.lot.createMany({
      data: change.holdings.lots.map((l) => ({
        id: `${id}:${l.lotKey}`,
        snapshotId: id,
        accountId,
        securityId: l.securityId,
        lotKey: l.lotKey,
        tradeDate: fromIsoDate(l.tradeDate),
        acquiredDate: fromIsoDate(l.acquiredDate),
        quantity: l.quantity.toFixed(),
        costBasis: l.costBasis?.toFixed() ?? null,
        deferredWashLoss: l.deferredWashLoss.toFixed(),
      })),
    });
  }
  await tx.transaction.createMany({
    data: change.transactions.map((t) => ({
      id: `tx-${accountId}-${t.externalId}`,
      accountId,
      securityId: t.securityId,
      type: t.type === "buy" ? ("BUY" as const) : ("SELL" as const),
      status: "SETTLED" as const,
      tradeDate: fromIsoDate(t.tradeDate),
      quantity: t.quantity.toFixed(),
      price: t.price.toFixed(),
      amount: t.amount.toFixed(),
      lotKeys: t.lotKeys,
      realizedGainLoss: t.realizedGainLoss?.toFixed() ?? null,
      description: t.description,
      source: change.source,
      externalId: t.externalId,
    })),
    skipDuplicates: true,
  });
}
