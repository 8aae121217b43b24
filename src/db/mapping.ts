// Row <-> domain conversions at the database boundary. Prisma returns its own decimal.js copy
// (not `instanceof` ours), so values cross as strings, exactly.
import type { Security } from "../domain/book.ts";
import { Decimal } from "../domain/decimal.ts";
import { type IsoDate, isoDate } from "../domain/iso-date.ts";
import type { Security as SecurityRow } from "./generated/client.ts";

export function toDecimal(value: { toString(): string }): Decimal {
  return new Decimal(value.toString());
}

export function toDecimalOrNull(value: { toString(): string } | null): Decimal | null {
  return value === null ? null : toDecimal(value);
}

/** A PostgreSQL DATE arrives as midnight UTC (through Prisma) or as YYYY-MM-DD text (raw reads). */
export function toIsoDate(value: Date | string): IsoDate {
  return isoDate(typeof value === "string" ? value : value.toISOString().slice(0, 10));
}

export function fromIsoDate(value: IsoDate): Date {
  return new Date(`${value}T00:00:00.000Z`);
}

/** A security row as the domain's Security (no database columns leak through). */
export function toSecurity(
  row: Omit<SecurityRow, "createdAt" | "expenseRatio"> & { expenseRatio: { toString(): string } | null },
): Security {
  return {
    id: row.id,
    symbol: row.symbol,
    cusip: row.cusip,
    name: row.name,
    type: row.type,
    assetClassId: row.assetClassId,
    trackedIndex: row.trackedIndex,
    fundFamily: row.fundFamily,
    expenseRatio: toDecimalOrNull(row.expenseRatio),
  };
}

/** Query arguments for the latest snapshot of each of these accounts (latest as-of, then latest written). */
/** The latest snapshot of each account; or, for replay, of the given (recorded) snapshots. */
export function latestSnapshotsOf(accountIds: string[], snapshotIds?: string[]) {
  return {
    where: { accountId: { in: accountIds }, ...(snapshotIds ? { id: { in: snapshotIds } } : {}) },
    distinct: ["accountId" as const],
    orderBy: [{ accountId: "asc" as const }, { asOf: "desc" as const }, { createdAt: "desc" as const }],
  };
}
