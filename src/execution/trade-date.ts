import { type IsoDate, parseIsoDate } from "../domain/iso-date.ts";

/** The market date of an instant: US custodians keep trade dates in New York time. */
export function tradeDateOf(instant: Date): IsoDate {
  const text = new Intl.DateTimeFormat("en-CA", {
    timeZone: "America/New_York",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(instant);
  const date = parseIsoDate(text);
  if (!date) throw new Error(`unexpected date format from Intl: ${text}`);
  return date;
}
