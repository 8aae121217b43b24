import type { IsoDate } from "../domain/iso-date.ts";
import { marketDate } from "../domain/market-date.ts";

/**
 * The demo book's anchor: a pinned date gives a byte-identical book (stamped 20:00 UTC
 * that day); otherwise today, stamped now, so the data is fresh.
 */
export function demoAnchor(now: Date, pinned?: IsoDate): { anchorDate: IsoDate; now: string } {
  if (pinned) return { anchorDate: pinned, now: `${pinned}T20:00:00.000Z` };
  return { anchorDate: marketDate(now), now: now.toISOString() };
}
