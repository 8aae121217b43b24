// Row <-> domain conversions at the database boundary. Prisma returns its own decimal.js copy
// (not `instanceof` ours), so values cross as strings, exactly.
import { Decimal } from "../domain/decimal.ts";
import { type IsoDate, isoDate } from "../domain/iso-date.ts";

export function toDecimal(value: { toString(): string }): Decimal {
  return new Decimal(value.toString());
}

export function toDecimalOrNull(value: { toString(): string } | null): Decimal | null {
  return value === null ? null : toDecimal(value);
}

/** A PostgreSQL DATE arrives as midnight UTC. */
export function toIsoDate(value: Date): IsoDate {
  return isoDate(value.toISOString().slice(0, 10));
}

export function fromIsoDate(value: IsoDate): Date {
  return new Date(`${value}T00:00:00.000Z`);
}
