// OFX leaf values through the shared normalisers: numbers are plain decimals that may carry a sign
// and zero padding (`+0000000000100.00000`); datetimes follow ofxtools' DT_REGEX.
import type { IsoDate } from "../../domain/iso-date.ts";
import {
  easternToInstant,
  newYorkDate,
  OFX_DT_REGEX,
  parseOfxDateTime,
  parseQuantity,
} from "../normalise.ts";

/**
 * A decimal string from an OFX number, null for an empty marker, undefined when it is not one. OFX
 * has no thousands separator, and some institutions write a decimal comma, so `1,500` is ambiguous
 * (1.5 or 1500): any comma is refused rather than guessed.
 */
export function parseOfxNumber(raw: string): string | null | undefined {
  if (raw.includes(",")) return undefined;
  const parsed = parseQuantity(raw);
  return parsed.ok ? parsed.value : undefined;
}

// The zone names the shared OFX reader knows (a bracket like `[-:EST]` is read by its name).
const ZONE_NAMES = new Set(["GMT", "UTC", "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT"]);

export interface OfxDateTime {
  /** The US/Eastern calendar date. */
  date: IsoDate;
  /** The instant, ISO 8601 UTC. */
  instant: string;
}

/**
 * An OFX datetime with its US/Eastern calendar date and instant. A time with an explicit zone is
 * that instant, on its New York date (`20231229003000[0:GMT]` is the evening of the 28th there),
 * except midnight, which keeps the date as written: institutions write a trade date as midnight in
 * whatever zone they name. A time with no zone (or an unreadable one) is New York wall time: OFX
 * says GMT, but US institutions write local time, and reading `20171130000000` as GMT would move a
 * trade to the previous day. A bare date is that date, at New York midnight.
 */
export function readOfxDateTime(raw: string): OfxDateTime | undefined {
  const parsed = parseOfxDateTime(raw);
  const match = OFX_DT_REGEX.exec(raw.trim());
  if (!parsed || !match) return undefined;
  const [hour, minute, second] = [match[4], match[5], match[6]].map((part) => Number(part ?? "0"));
  const zoned = /\d/.test(match[8] ?? "") || ZONE_NAMES.has((match[9] ?? "").toUpperCase());
  if (match[4] === undefined || !zoned) {
    return { date: parsed.date, instant: easternToInstant(parsed.date, hour, minute, second) };
  }
  const midnight = /^0+$/.test(`${match[4]}${match[5]}${match[6] ?? ""}${match[7] ?? ""}`);
  return { date: midnight ? parsed.date : newYorkDate(parsed.instant), instant: parsed.instant };
}
