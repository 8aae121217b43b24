// How IBKR writes values in Flex XML attributes (csingley/ibflex parser.py, custodian-formats.md §1):
// empty, "-", "--" and "N/A" mean null; numbers are decimal strings, sometimes with thousands
// separators; dates are yyyyMMdd (the default), yyyy-MM-dd, MM/dd/yyyy, MM/dd/yy or dd-MMM-yy, set
// per query; date-times join a date and HHmmss or HH:mm:ss with ";" (the default), ",", " ", "T"
// (old data, with a zone offset that is dropped) or nothing; booleans are Y/N.
import { parseDecimal } from "../../domain/decimal.ts";
import { type IsoDate, parseIsoDate } from "../../domain/iso-date.ts";

const NULLS = new Set(["", "-", "--", "N/A", "n/a"]);

export function isNullValue(value: string | undefined): boolean {
  return value === undefined || NULLS.has(value.trim());
}

/** A plain decimal string (commas and a leading "+" removed, "-0" as "0"); null; or undefined if unreadable. */
export function flexDecimal(value: string | undefined): string | null | undefined {
  if (value === undefined || isNullValue(value)) return null;
  const cleaned = value.trim().replace(/,/g, "").replace(/^\+/, "");
  const parsed = parseDecimal(cleaned);
  if (!parsed) return undefined;
  return parsed.isZero() ? "0" : parsed.toFixed();
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];

function isoFrom(year: number, month: number, day: number): IsoDate | undefined {
  return parseIsoDate(
    `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
  );
}

/** Two-digit years as Python's %y reads them (IBKR's own tools): 69-99 are 19xx, 00-68 are 20xx. */
function fullYear(twoDigits: number): number {
  return twoDigits >= 69 ? 1900 + twoDigits : 2000 + twoDigits;
}

/** A calendar date in any IBKR date format; undefined if unreadable. dd/MM formats read as MM/dd. */
export function flexDateOnly(text: string): IsoDate | undefined {
  const value = text.trim();
  let m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (m) return isoFrom(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (m) return isoFrom(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(value);
  if (m) return isoFrom(Number(m[3]), Number(m[1]), Number(m[2]));
  m = /^(\d{2})\/(\d{2})\/(\d{2})$/.exec(value);
  if (m) return isoFrom(fullYear(Number(m[3])), Number(m[1]), Number(m[2]));
  m = /^(\d{2})-([A-Za-z]{3})-(\d{2})$/.exec(value);
  if (m) {
    const month = MONTHS.indexOf((m[2] as string).toUpperCase()) + 1;
    return month === 0 ? undefined : isoFrom(fullYear(Number(m[3])), month, Number(m[1]));
  }
  return undefined;
}

export interface FlexDateTime {
  date: IsoDate;
  /** Wall-clock time as the statement wrote it (the account's zone, US/Eastern for US accounts). */
  time: { hour: number; minute: number; second: number } | null;
}

function readTime(text: string): FlexDateTime["time"] | undefined {
  const m = /^(\d{2}):?(\d{2}):?(\d{2})$/.exec(text);
  if (!m || (text.length !== 6 && text.length !== 8)) return undefined;
  const [hour, minute, second] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  return { hour, minute, second };
}

/** A date or date-time in any IBKR format; undefined if unreadable. */
export function flexDateTime(text: string): FlexDateTime | undefined {
  const value = text.trim().replace(", ", ",");
  const dateOnly = flexDateOnly(value);
  if (dateOnly) return { date: dateOnly, time: null };
  for (const sep of [";", ",", " ", "T"]) {
    const at = value.lastIndexOf(sep);
    if (at === -1) continue;
    // Old data appends a zone offset to the time ("T" separator): drop it, as ibflex does.
    const timePart = value.slice(at + 1).split(/[+-]/)[0] ?? "";
    const date = flexDateOnly(value.slice(0, at));
    const time = readTime(timePart);
    if (date && time) return { date, time };
  }
  // No separator: the time is the last 6 (HHmmss) or 8 (HH:mm:ss) characters.
  for (const length of [6, 8]) {
    const date = flexDateOnly(value.slice(0, -length));
    const time = readTime(value.slice(-length));
    if (date && time) return { date, time };
  }
  return undefined;
}

/** Y/N (and Yes/No, true/false); null when absent; undefined if unreadable. */
export function flexBoolean(value: string | undefined): boolean | null | undefined {
  if (value === undefined || isNullValue(value)) return null;
  const normalised = value.trim().toUpperCase();
  if (normalised === "Y" || normalised === "YES" || normalised === "TRUE") return true;
  if (normalised === "N" || normalised === "NO" || normalised === "FALSE") return false;
  return undefined;
}
