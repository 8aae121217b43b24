// The import writer: one transaction per file, serialised with every other import by an advisory
// lock, so a file is either imported whole or not at all, and two imports never interleave. A file
// seen before (same SHA-256) is "already imported"; otherwise the planner decides what is new (its
// keys make overlapping files idempotent) and exactly that is written: an ImportBatch row, the new
// immutable snapshots with their positions and lots, the new transactions, and reported gains or
// losses attached to sales recorded from another file. A refusal or a dry run writes nothing.
import { unreconciledSecurities } from "../custodians/import-reconciliation.ts";
import type {
  ImportCandidateAccount,
  ImportContext,
  ImportOutcome,
  ImportPlanner,
  ImportStore,
  ImportSummary,
  ImportWrite,
  StoredSnapshot,
  StoredTransaction,
} from "../ports/import-store.ts";
import type { Prisma, PrismaClient } from "./generated/client.ts";
import { fromIsoDate, latestSnapshotsOf, toIsoDate } from "./mapping.ts";

type Tx = Prisma.TransactionClient;

const CHUNK = 1000;

function chunks<T>(rows: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const text = (value: { toString(): string } | null): string | null =>
  value === null ? null : value.toString();

async function loadCandidates(tx: Tx, planner: ImportPlanner): Promise<ImportCandidateAccount[]> {
  const query = planner.accountQuery;
  const rows = await tx.account.findMany({
    where:
      "accountId" in query
        ? { id: query.accountId }
        : {
            ...(query.custodianId === null ? {} : { custodianId: query.custodianId }),
            ...(query.householdId === null ? {} : { householdId: query.householdId }),
          },
    include: { household: { select: { name: true } } },
    orderBy: [{ householdId: "asc" }, { id: "asc" }],
  });
  return rows.map((row) => ({
    id: row.id,
    householdId: row.householdId,
    householdName: row.household.name,
    custodianId: row.custodianId,
    nickname: row.nickname,
    accountNumberMasked: row.accountNumberMasked,
    closed: row.closedOn !== null,
  }));
}

async function loadBaseSnapshot(tx: Tx, accountId: string, asOf: string): Promise<StoredSnapshot | null> {
  const row = await tx.accountSnapshot.findFirst({
    where: { accountId, asOf: { lte: new Date(asOf) } },
    orderBy: [{ asOf: "desc" }, { createdAt: "desc" }, { id: "desc" }],
    include: {
      positions: { orderBy: { securityId: "asc" } },
      lots: { orderBy: { lotKey: "asc" } },
      content: {
        include: { positions: { orderBy: { securityId: "asc" } }, lots: { orderBy: { lotKey: "asc" } } },
      },
    },
  });
  if (!row) return null;
  const held = row.content ?? row;
  return {
    id: row.id,
    accountId: row.accountId,
    asOf: row.asOf.toISOString(),
    source: row.source,
    cash: row.cash.toString(),
    positions: held.positions.map((p) => ({
      securityId: p.securityId,
      quantity: p.quantity.toString(),
      reportedCostBasis: text(p.reportedCostBasis),
      reportedPrice: text(p.reportedPrice),
    })),
    lots: held.lots.map((l) => ({
      lotKey: l.lotKey,
      securityId: l.securityId,
      tradeDate: toIsoDate(l.tradeDate),
      acquiredDate: toIsoDate(l.acquiredDate),
      quantity: l.quantity.toString(),
      costBasis: text(l.costBasis),
      deferredWashLoss: l.deferredWashLoss.toString(),
    })),
  };
}

function shiftDays(date: string, days: number): Date {
  return new Date(new Date(`${date.slice(0, 10)}T00:00:00.000Z`).getTime() + days * 86_400_000);
}

async function loadContext(
  tx: Tx,
  planner: ImportPlanner,
  accounts: ImportCandidateAccount[],
  matches: { accountId: string; asOf: string }[],
): Promise<ImportContext> {
  const { symbols, cusips } = planner.securityKeys;
  const securities =
    symbols.length + cusips.length === 0
      ? []
      : await tx.security.findMany({
          where: { OR: [{ symbol: { in: symbols } }, { cusip: { in: cusips } }] },
          select: { id: true, symbol: true, cusip: true, name: true },
        });
  const baseSnapshots = new Map<string, StoredSnapshot | null>();
  const latestAsOf = new Map<string, string | null>();
  const transactions: StoredTransaction[] = [];
  for (const match of matches) {
    const base = await loadBaseSnapshot(tx, match.accountId, match.asOf);
    baseSnapshots.set(match.accountId, base);
    const latest = await tx.accountSnapshot.findFirst({
      where: { accountId: match.accountId },
      orderBy: [{ asOf: "desc" }],
      select: { asOf: true },
    });
    latestAsOf.set(match.accountId, latest?.asOf.toISOString() ?? null);
    // Stored transactions the planner compares against: the file's trade dates, and the time
    // between the previous snapshot and this one (a day's margin either side for time zones).
    const bounds = [
      ...(planner.transactionDates ? [planner.transactionDates.from, planner.transactionDates.to] : []),
      ...(base ? [base.asOf.slice(0, 10)] : []),
      match.asOf.slice(0, 10),
    ].sort();
    const rows = await tx.transaction.findMany({
      where: {
        accountId: match.accountId,
        tradeDate: { gte: shiftDays(bounds[0] as string, -1), lte: shiftDays(bounds.at(-1) as string, 1) },
      },
      select: {
        id: true,
        accountId: true,
        externalId: true,
        securityId: true,
        type: true,
        tradeDate: true,
        quantity: true,
        amount: true,
        realizedGainLoss: true,
        source: true,
      },
      orderBy: [{ tradeDate: "asc" }, { id: "asc" }],
    });
    for (const row of rows) {
      transactions.push({
        id: row.id,
        accountId: row.accountId,
        externalId: row.externalId,
        securityId: row.securityId,
        type: row.type,
        tradeDate: toIsoDate(row.tradeDate),
        quantity: text(row.quantity),
        amount: row.amount.toString(),
        realizedGainLoss: text(row.realizedGainLoss),
        source: row.source,
      });
    }
  }
  return {
    accounts: accounts.filter((account) => matches.some((match) => match.accountId === account.id)),
    securities: securities.map((s) => ({ id: s.id, symbol: s.symbol, cusip: s.cusip, name: s.name })),
    baseSnapshots,
    latestAsOf,
    transactions,
  };
}

async function writeImport(tx: Tx, write: ImportWrite, summary: ImportSummary): Promise<void> {
  await tx.importBatch.create({
    data: {
      id: write.batch.id,
      source: write.batch.source,
      fileName: write.batch.fileName,
      sha256: write.batch.sha256,
      summary: summary as unknown as Prisma.InputJsonValue,
    },
  });
  for (const snapshot of write.snapshots) {
    await tx.accountSnapshot.create({
      data: {
        id: snapshot.id,
        accountId: snapshot.accountId,
        asOf: new Date(snapshot.asOf),
        source: snapshot.source,
        importBatchId: write.batch.id,
        cash: snapshot.cash,
      },
    });
    for (const part of chunks(snapshot.positions)) {
      await tx.position.createMany({
        data: part.map((p) => ({
          id: `${snapshot.id}:${p.securityId}`,
          snapshotId: snapshot.id,
          securityId: p.securityId,
          quantity: p.quantity,
          reportedCostBasis: p.reportedCostBasis,
          reportedPrice: p.reportedPrice,
        })),
      });
    }
    for (const part of chunks(snapshot.lots)) {
      await tx.lot.createMany({
        data: part.map((l) => ({
          id: `${snapshot.id}:${l.lotKey}`,
          snapshotId: snapshot.id,
          accountId: snapshot.accountId,
          securityId: l.securityId,
          lotKey: l.lotKey,
          tradeDate: fromIsoDate(l.tradeDate),
          acquiredDate: fromIsoDate(l.acquiredDate),
          quantity: l.quantity,
          costBasis: l.costBasis,
          deferredWashLoss: l.deferredWashLoss,
        })),
      });
    }
  }
  // Transactions go in as one JSON document per 10,000 rows (a parameter per value is ~10x slower),
  // in key order, so the indexes are appended to rather than split at random.
  for (const part of chunks(write.transactions, 10_000)) {
    await tx.$executeRawUnsafe(
      `INSERT INTO "transaction" (id, account_id, security_id, type, status, trade_date, settle_date, quantity,
         price, amount, fees, lot_keys, realized_gain_loss, description, source, external_id, import_batch_id)
       SELECT id, "accountId", "securityId", type::transaction_type, 'SETTLED', "tradeDate"::date,
         "settleDate"::date, quantity::numeric, price::numeric, amount::numeric, fees::numeric, '{}',
         "realizedGainLoss"::numeric, description, source, "externalId", $2
       FROM json_to_recordset($1::json) AS t(id text, "accountId" text, "securityId" text, type text,
         "tradeDate" text, "settleDate" text, quantity text, price text, amount text, fees text,
         "realizedGainLoss" text, description text, source text, "externalId" text)`,
      JSON.stringify(part),
      write.batch.id,
    );
  }
  for (const update of write.gainLossUpdates) {
    // Only fills in a result nobody recorded; a reported result is never overwritten.
    await tx.transaction.updateMany({
      where: { id: update.transactionId, realizedGainLoss: null },
      data: { realizedGainLoss: update.realizedGainLoss },
    });
  }
}

async function importFile(
  prisma: PrismaClient,
  planner: ImportPlanner,
  options: { dryRun?: boolean },
): Promise<ImportOutcome> {
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('lotwise:import'))`;
      const earlier = await tx.importBatch.findFirst({
        where: { sha256: planner.sha256 },
        orderBy: { importedAt: "asc" },
      });
      if (earlier) {
        const stored = earlier.summary as unknown as ImportSummary;
        return {
          ok: true,
          summary: {
            ...stored,
            status: "already-imported",
            batchId: earlier.id,
            importedAt: earlier.importedAt.toISOString(),
            file: { ...stored.file, name: planner.fileName },
            totals: {
              snapshots: 0,
              positions: 0,
              lots: 0,
              transactions: 0,
              duplicates: 0,
              gainLossAttached: 0,
            },
            findings: [],
          },
        } as const;
      }
      const candidates = await loadCandidates(tx, planner);
      const matched = planner.matchAccounts(candidates);
      if (!matched.ok) return { ok: false, error: matched.error } as const;
      const context = await loadContext(tx, planner, candidates, matched.value);
      const planned = planner.plan(context);
      if (!planned.ok) return { ok: false, error: planned.error } as const;
      const { write, summary } = planned.value;
      if (options.dryRun)
        return { ok: true, summary: { ...summary, status: "dry-run", batchId: null } } as const;
      if (summary.status === "imported") await writeImport(tx, write, summary);
      return { ok: true, summary } as const;
    },
    { timeout: 600_000, maxWait: 120_000 },
  );
}

async function unreconciledSymbols(
  prisma: PrismaClient,
  accountIds: readonly string[],
): Promise<Map<string, string[]>> {
  const snapshots = await prisma.accountSnapshot.findMany({
    ...latestSnapshotsOf([...accountIds]),
    include: {
      positions: { select: { securityId: true, quantity: true } },
      lots: { select: { securityId: true, quantity: true, costBasis: true } },
      content: {
        select: {
          positions: { select: { securityId: true, quantity: true } },
          lots: { select: { securityId: true, quantity: true, costBasis: true } },
        },
      },
    },
  });
  const out = new Map<string, string[]>();
  const securityIds = new Set<string>();
  const found = snapshots.map((latest) => {
    const snapshot = { accountId: latest.accountId, ...(latest.content ?? latest) };
    const ids = unreconciledSecurities(
      snapshot.positions.map((p) => ({ securityId: p.securityId, quantity: p.quantity.toString() })),
      snapshot.lots.map((l) => ({
        securityId: l.securityId,
        quantity: l.quantity.toString(),
        costBasis: text(l.costBasis),
      })),
    );
    for (const id of ids) securityIds.add(id);
    return { accountId: snapshot.accountId, ids };
  });
  const symbols = new Map(
    (
      await prisma.security.findMany({
        where: { id: { in: [...securityIds] } },
        select: { id: true, symbol: true },
      })
    ).map((s) => [s.id, s.symbol]),
  );
  for (const { accountId, ids } of found) {
    if (ids.size > 0) out.set(accountId, [...ids].map((id) => symbols.get(id) ?? id).sort());
  }
  return out;
}

export function createPrismaImportStore(prisma: PrismaClient): ImportStore {
  return {
    importFile: (planner, options = {}) => importFile(prisma, planner, options),
    unreconciledSymbols: (accountIds) => unreconciledSymbols(prisma, accountIds),
  };
}
