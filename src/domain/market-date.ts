import { type IsoDate, parseIsoDate } from "./iso-date.ts";

/** Today's calendar date in New York, where US custodians and markets keep their dates. */
export function marketDate(now: Date): IsoDate {
  const text = new Intl.DateTimeFormat("en-CA", {
    timeZone: "America/New_York",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
  const date = parseIsoDate(text);
  if (!date) throw new Error(`unexpected date format from Intl: ${text}`);
  return date;
}
