// Instants as ISO 8601 UTC strings ("2026-11-20T19:58:00.000Z"), with the arithmetic the engine
// needs done on the calendar, not through Date (the engine has no clock).
import { type IsoDate, parseIsoDate, toDayNumber } from "./iso-date.ts";

const INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?Z$/;

/** Milliseconds since 1970-01-01T00:00:00Z, or undefined for anything but a UTC ISO instant. */
export function instantMillis(text: string): number | undefined {
  const match = INSTANT.exec(text);
  if (!match) return undefined;
  const date = parseIsoDate(match[1] as string);
  const [h, m, s] = [Number(match[2]), Number(match[3]), Number(match[4])];
  if (!date || h > 23 || m > 59 || s > 59) return undefined;
  const ms = Number((match[5] ?? "0").padEnd(3, "0"));
  return (((toDayNumber(date as IsoDate) * 24 + h) * 60 + m) * 60 + s) * 1000 + ms;
}
