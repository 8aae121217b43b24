// Prices into the append-only `price` table, idempotently: a price is identified by (security, asOf,
// source), a repeated one is skipped, and a different price for the same identity refuses the whole
// write (recorded prices are never changed: plans pin them). A file's prices are written in one
// transaction with an import batch naming the file and its sha256.
import { randomUUID } from "node:crypto";
import { Decimal } from "../domain/decimal.ts";
import { ok, type Problem, problem, type Result } from "../domain/result.ts";
import type { PriceInput, PriceStore, PriceWrite, PriceWriteOutcome } from "../ports/price-source.ts";
import type { PrismaClient } from "./generated/client.ts";

export function createPrismaPriceStore(prisma: PrismaClient): PriceStore {
  return {
    record: (write) => recordPrices(prisma, write),
    heldSymbols: () => heldSymbols(prisma),
  };
}

interface Resolved {
  input: PriceInput;
  securityId: string;
  symbol: string;
}

async function recordPrices(
  prisma: PrismaClient,
  write: PriceWrite,
): Promise<Result<PriceWriteOutcome, Problem>> {
  const symbols = [...new Set(write.prices.flatMap((p) => (p.symbol ? [p.symbol] : [])))];
  const cusips = [...new Set(write.prices.flatMap((p) => (p.cusip ? [p.cusip] : [])))];
  const securities = await prisma.security.findMany({
    where: { OR: [{ symbol: { in: symbols } }, { cusip: { in: cusips } }] },
    select: { id: true, symbol: true, cusip: true },
  });
  const bySymbol = new Map(securities.map((s) => [s.symbol.toUpperCase(), s]));
  const byCusip = new Map(securities.flatMap((s) => (s.cusip ? [[s.cusip.toUpperCase(), s] as const] : [])));

  const resolved: Resolved[] = [];
  const unknown: PriceWriteOutcome["unknown"] = [];
  for (const input of write.prices) {
    const viaCusip = input.cusip ? byCusip.get(input.cusip.toUpperCase()) : undefined;
    const viaSymbol = input.symbol ? bySymbol.get(input.symbol.toUpperCase()) : undefined;
    if (viaCusip && viaSymbol && viaCusip.id !== viaSymbol.id) {
      return problem(
        "prices.ambiguous",
        `${where(input)}: symbol ${input.symbol} is ${viaSymbol.symbol} but CUSIP ${input.cusip} is ${viaCusip.symbol}`,
      );
    }
    const security = viaCusip ?? viaSymbol;
    if (!security) unknown.push({ line: input.line, symbol: input.symbol, cusip: input.cusip });
    else resolved.push({ input, securityId: security.id, symbol: security.symbol });
  }

  // One security named twice (by symbol on one row, by CUSIP on another) must agree with itself.
  const byKey = new Map<string, Resolved>();
  for (const row of resolved) {
    const key = `${row.securityId}|${row.input.asOf}`;
    const earlier = byKey.get(key);
    if (earlier && !new Decimal(earlier.input.price).equals(row.input.price)) {
      return problem(
        "prices.conflict",
        `${where(row.input)} prices ${row.symbol} at ${row.input.price} as of ${row.input.asOf}, but ${where(earlier.input)} says ${earlier.input.price}`,
      );
    }
    if (!earlier) byKey.set(key, row);
  }
  const rows = [...byKey.values()];

  return prisma.$transaction(async (tx) => {
    const existing = await tx.price.findMany({
      where: {
        source: write.source,
        securityId: { in: [...new Set(rows.map((r) => r.securityId))] },
        asOf: { in: [...new Set(rows.map((r) => new Date(r.input.asOf)))] },
      },
      select: { securityId: true, asOf: true, price: true },
    });
    const recorded = new Map(
      existing.map((p) => [`${p.securityId}|${p.asOf.toISOString()}`, p.price.toString()]),
    );
    const fresh: Resolved[] = [];
    let alreadyPresent = 0;
    for (const row of rows) {
      const before = recorded.get(`${row.securityId}|${new Date(row.input.asOf).toISOString()}`);
      if (before === undefined) fresh.push(row);
      else if (new Decimal(before).equals(row.input.price)) alreadyPresent += 1;
      else {
        return problem(
          "prices.conflict",
          `${where(row.input)}: ${row.symbol} as of ${row.input.asOf} is already recorded from ${write.source} at ${before}, not ${row.input.price}; recorded prices never change (import the correction under another --source)`,
        );
      }
    }
    if (fresh.length === 0) {
      return ok({ inserted: 0, alreadyPresent, unknown, importBatchId: null });
    }
    let importBatchId: string | null = null;
    if (write.file) {
      importBatchId = `batch-${randomUUID()}`;
      const asOfs = fresh.map((r) => new Date(r.input.asOf).toISOString()).sort();
      await tx.importBatch.create({
        data: {
          id: importBatchId,
          source: `prices:${write.source}`,
          fileName: write.file.name,
          sha256: write.file.sha256,
          summary: {
            kind: "prices",
            source: write.source,
            inserted: fresh.length,
            alreadyPresent,
            unknown: unknown.length,
            earliestAsOf: asOfs[0] ?? null,
            latestAsOf: asOfs[asOfs.length - 1] ?? null,
          },
        },
      });
    }
    const created = await tx.price.createMany({
      data: fresh.map((row) => {
        const asOf = new Date(row.input.asOf);
        return {
          id: `${row.securityId}@${asOf.toISOString()}@${write.source}`,
          securityId: row.securityId,
          asOf,
          price: row.input.price,
          kind: row.input.kind,
          source: write.source,
          importBatchId,
        };
      }),
      skipDuplicates: true,
    });
    if (created.count !== fresh.length) {
      // Another import wrote some of the same prices meanwhile: start again to compare them.
      throw new Error(
        `price write raced with another import (${created.count} of ${fresh.length} written); retry`,
      );
    }
    return ok({ inserted: created.count, alreadyPresent, unknown, importBatchId });
  });
}

function where(input: PriceInput): string {
  return input.line === null ? (input.symbol ?? input.cusip ?? "a price") : `line ${input.line}`;
}

async function heldSymbols(prisma: PrismaClient): Promise<string[]> {
  const accounts = await prisma.account.findMany({
    where: { closedOn: null },
    select: {
      snapshots: {
        orderBy: { asOf: "desc" },
        take: 1,
        select: {
          positions: { select: { quantity: true, security: { select: { symbol: true, type: true } } } },
          content: {
            select: {
              positions: { select: { quantity: true, security: { select: { symbol: true, type: true } } } },
            },
          },
        },
      },
    },
  });
  const symbols = new Set<string>();
  for (const account of accounts) {
    const latest = account.snapshots[0];
    for (const position of (latest?.content ?? latest)?.positions ?? []) {
      if (!position.quantity.isZero() && position.security.type !== "CASH")
        symbols.add(position.security.symbol);
    }
  }
  return [...symbols].sort();
}
