// The normalisers every adapter shares (docs: shared/design/custodian-formats.md §1): display
// numbers to exact decimal strings, custodian dates to ISO calendar dates (US/Eastern), file bytes
// to text (UTF-8 only, refused otherwise), and the checks that refuse hostile content. Numbers are
// never JS numbers: every value stays a decimal string from the file to the database.
import { Decimal } from "../domain/decimal.ts";
import { daysInMonth, type IsoDate, parseIsoDate } from "../domain/iso-date.ts";
import { err, ok, type Result } from "../domain/result.ts";
import type { ImportError } from "./statement.ts";

// ---------------------------------------------------------------------------------------------
// Refusals inside a parser
// ---------------------------------------------------------------------------------------------

/** Thrown inside a parser to stop at the first bad value; `parse()` turns it into an ImportError. */
export class ImportFailure extends Error {
  override name = "ImportFailure";
  constructor(readonly error: ImportError) {
    super(error.message);
  }
}

export function fail(line: number | null, field: string | null, message: string): never {
  throw new ImportFailure({ line, field, message });
}

/** Runs a parser body; an ImportFailure becomes the Result's error (anything else is a bug). */
export function catchImportFailure<T>(work: () => T): Result<T, ImportError> {
  try {
    return ok(work());
  } catch (error) {
    if (error instanceof ImportFailure) return err(error.error);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

export type NumberParse = { ok: true; value: string | null } | { ok: false };

/** Cells that mean "no value": `--`, `-`, `n/a`, `N/A`, empty. */
export function isNullMarker(text: string): boolean {
  const t = text.trim().toLowerCase();
  return t === "" || t === "--" || t === "-" || t === "n/a" || t === "na" || t === "none";
}

const PLAIN_DIGITS = /^(?:\d+\.?\d*|\.\d+)$/;
const GROUPED_DIGITS = /^\d{1,3}(?:,\d{3})+(?:\.\d*)?$/;

function canonical(negative: boolean, digits: string): string {
  const plain = digits.includes(",") ? digits.replaceAll(",", "") : digits;
  const dot = plain.indexOf(".");
  const whole = (dot < 0 ? plain : plain.slice(0, dot)).replace(/^0+/, "") || "0";
  const fraction = dot < 0 ? "" : plain.slice(dot + 1).replace(/0+$/, "");
  if (whole === "0" && fraction === "") return "0";
  return `${negative ? "-" : ""}${whole}${fraction === "" ? "" : `.${fraction}`}`;
}

const PLAIN_DECIMAL = /^(-?)(\d+(?:\.\d*)?|\.\d+)$/;

/**
 * A decimal string in its one canonical form ("-0012.50" -> "-12.5", "-0" -> "0"), so equal values
 * compare equal as text. Anything that is not a plain decimal goes through Decimal.
 */
export function canonicalDecimal(text: string): string {
  const match = PLAIN_DECIMAL.exec(text);
  if (match) return canonical(match[1] === "-", match[2] as string);
  const value = new Decimal(text);
  return value.isZero() ? "0" : value.toFixed();
}

function parseDisplayNumber(text: string, unit: "$" | "%" | null): NumberParse {
  let s = text.trim();
  if (isNullMarker(s)) return { ok: true, value: null };
  let negative = false;
  let signs = 0;
  if (s.startsWith("(") && s.endsWith(")")) {
    negative = true;
    signs += 1;
    s = s.slice(1, -1).trim();
  }
  if (unit === "%" && s.endsWith("%")) s = s.slice(0, -1).trim();
  // A sign and a currency symbol, in either order: "-$21.63", "$-50.00", "+$11,945.20".
  let dollars = 0;
  for (let i = 0; i < 3; i++) {
    const head = s[0];
    if (head === "+" || head === "-") {
      signs += 1;
      if (head === "-") negative = true;
      s = s.slice(1).trimStart();
    } else if (head === "$" && unit === "$") {
      dollars += 1;
      s = s.slice(1).trimStart();
    }
  }
  if (signs > 1 || dollars > 1) return { ok: false };
  if (!PLAIN_DIGITS.test(s) && !GROUPED_DIGITS.test(s)) return { ok: false };
  return { ok: true, value: canonical(negative, s) };
}

/**
 * A money cell as custodians print it, to a plain decimal string (null for `--`, `n/a`, empty):
 * `$24,040.00`, `-$21.63`, `+$11,945.20`, `$-50.00`, `($10.96)`, `"$12.00 "`, `+0000000000100.00000`.
 * Exponents, NaN, misplaced commas and anything else are refused ({ ok: false }).
 */
export function parseMoney(text: string): NumberParse {
  return parseDisplayNumber(text, "$");
}

/** A quantity (`10.5`, `1,000`, `-1`, `+0000000000100.00000`); no currency symbol. */
export function parseQuantity(text: string): NumberParse {
  return parseDisplayNumber(text, null);
}

/** A percentage as printed (`+2.68%`, `(1.38%)`) to its decimal string in percent units (`2.68`). */
export function parsePercent(text: string): NumberParse {
  return parseDisplayNumber(text, "%");
}

/** A decimal string from any JSON value a vendor sends: a number's source text or a numeric string. */
export function decimalFromJson(value: unknown): NumberParse {
  if (value === null || value === undefined) return { ok: true, value: null };
  if (typeof value !== "string") return { ok: false };
  return parseMoney(value);
}

// ---------------------------------------------------------------------------------------------
// Dates and instants (US custodians keep calendar dates in America/New_York)
// ---------------------------------------------------------------------------------------------

function isoFromParts(year: number, month: number, day: number): IsoDate | undefined {
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return parseIsoDate(
    `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
  );
}

const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})$/;

/** `MM/DD/YYYY` (also `M/D/YYYY`, and `MM/DD/YY` read as 20YY) to an ISO date. */
export function parseUsDate(text: string): IsoDate | undefined {
  const match = US_DATE.exec(text.trim());
  if (!match) return undefined;
  const yearText = match[3] as string;
  const year = yearText.length === 2 ? 2000 + Number(yearText) : Number(yearText);
  return isoFromParts(year, Number(match[1]), Number(match[2]));
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

/** A month name or abbreviation (`Sep`, `September`) to 1-12. */
export function monthNumber(name: string): number | undefined {
  const index = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  return index < 0 ? undefined : index + 1;
}

export type DateFormat =
  | "MM/DD/YYYY"
  | "YYYY-MM-DD"
  | "YYYY/MM/DD"
  | "YYYYMMDD"
  | "DD-MMM-YY"
  | "MMM-DD-YYYY";

/** A calendar date in one of the given layouts (tried in order); undefined when none fits. */
export function parseCalendarDate(
  text: string,
  formats: readonly DateFormat[] = ["MM/DD/YYYY", "YYYY-MM-DD"],
): IsoDate | undefined {
  const t = text.trim();
  for (const format of formats) {
    let date: IsoDate | undefined;
    if (format === "MM/DD/YYYY") date = parseUsDate(t);
    else if (format === "YYYY-MM-DD") date = parseIsoDate(t);
    else {
      const pattern = {
        "YYYY/MM/DD": /^(\d{4})\/(\d{2})\/(\d{2})$/,
        YYYYMMDD: /^(\d{4})(\d{2})(\d{2})$/,
        "DD-MMM-YY": /^(\d{1,2})-([A-Za-z]{3})-(\d{2})$/,
        "MMM-DD-YYYY": /^([A-Za-z]{3})-(\d{1,2})-(\d{4})$/,
      }[format];
      const m = pattern.exec(t);
      if (m) {
        if (format === "DD-MMM-YY") {
          const month = monthNumber(m[2] as string);
          if (month) date = isoFromParts(2000 + Number(m[3]), month, Number(m[1]));
        } else if (format === "MMM-DD-YYYY") {
          const month = monthNumber(m[1] as string);
          if (month) date = isoFromParts(Number(m[3]), month, Number(m[2]));
        } else {
          date = isoFromParts(Number(m[1]), Number(m[2]), Number(m[3]));
        }
      }
    }
    if (date) return date;
  }
  return undefined;
}

/**
 * A Schwab transactions `Date` cell: `MM/DD/YYYY`, or `MM/DD/YYYY as of MM/DD/YYYY` where the first
 * date is when Schwab posted it and the `as of` date is when it took effect (the trade date).
 */
export function parseAsOfDate(text: string): { posted: IsoDate; effective: IsoDate } | undefined {
  const match = /^(\S+)(?:\s+as\s+of\s+(\S+))?$/i.exec(text.trim());
  if (!match) return undefined;
  const posted = parseUsDate(match[1] as string);
  const effective = match[2] === undefined ? posted : parseUsDate(match[2]);
  return posted && effective ? { posted, effective } : undefined;
}

const NEW_YORK = "America/New_York";
let wallClock: Intl.DateTimeFormat | undefined;

function newYorkWallClock(): Intl.DateTimeFormat {
  wallClock ??= new Intl.DateTimeFormat("en-US", {
    timeZone: NEW_YORK,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  });
  return wallClock;
}

function newYorkParts(ms: number): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  const parts: Record<string, number> = {};
  for (const part of newYorkWallClock().formatToParts(new Date(ms))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  return {
    y: parts.year ?? 0,
    mo: parts.month ?? 0,
    d: parts.day ?? 0,
    h: parts.hour ?? 0,
    mi: parts.minute ?? 0,
    s: parts.second ?? 0,
  };
}

/** New York's offset from UTC at an instant, in milliseconds (-4 h or -5 h). */
function newYorkOffsetMs(ms: number): number {
  const p = newYorkParts(ms);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - Math.floor(ms / 1000) * 1000;
}

/** The calendar date in New York at an instant. */
export function newYorkDate(instant: Date | number | string): IsoDate {
  const ms = typeof instant === "number" ? instant : new Date(instant).getTime();
  const p = newYorkParts(ms);
  return isoFromParts(p.y, p.mo, p.d) as IsoDate;
}

/** A wall-clock time in New York (ET) as an ISO UTC instant; DST resolved by the zone rules. */
export function easternToInstant(date: IsoDate, hour = 0, minute = 0, second = 0): string {
  const [y, m, d] = [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
  const wall = Date.UTC(y, m - 1, d, hour, minute, second);
  const first = wall - newYorkOffsetMs(wall);
  const second_ = wall - newYorkOffsetMs(first);
  return new Date(second_).toISOString();
}

/**
 * A clock time as custodians print it (`12:52 PM`, `18:00:21`, `02:45 AM`, `22:00:26 AM`: a
 * 24-hour value wins over a contradictory AM/PM) to hours, minutes and seconds.
 */
export function parseClockTime(text: string): { hour: number; minute: number; second: number } | undefined {
  const match = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*(?:([AaPp])\.?\s*[Mm]\.?)?$/.exec(text.trim());
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = Number(match[2]);
  const second = Number(match[3] ?? "0");
  const half = match[4]?.toUpperCase();
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  if (half && hour >= 1 && hour <= 12) {
    if (half === "P" && hour < 12) hour += 12;
    if (half === "A" && hour === 12) hour = 0;
  }
  return { hour, minute, second };
}

const API_INSTANT = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * A strict ISO 8601 instant with a zone, including the colon-less offset the Schwab API sends
 * (`2024-05-06T04:00:00+0000`). Returns the UTC instant, or undefined.
 */
export function parseApiInstant(text: string): string | undefined {
  const match = API_INSTANT.exec(text.trim());
  if (!match) return undefined;
  const date = parseIsoDate(match[1] as string);
  const [h, mi, s] = [Number(match[2]), Number(match[3]), Number(match[4])];
  if (!date || h > 23 || mi > 59 || s > 59) return undefined;
  const fraction = Number((match[5] ?? ".0").slice(1, 4).padEnd(3, "0"));
  const zone = match[6] as string;
  let offsetMinutes = 0;
  if (zone !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)));
  }
  const [y, m, d] = [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
  return new Date(Date.UTC(y, m - 1, d, h, mi, s, fraction) - offsetMinutes * 60_000).toISOString();
}

/** A Schwab API instant (`2024-05-06T04:00:00+0000`) to the New York calendar date it falls on. */
export function apiInstantToDate(text: string): IsoDate | undefined {
  const instant = parseApiInstant(text);
  return instant === undefined ? undefined : newYorkDate(instant);
}

/** OFX date-times: `YYYYMMDD[HHMMSS[.XXX][[±h[.mm]][:TZ]]]` (ofxtools' DT_REGEX, a little looser). */
export const OFX_DT_REGEX =
  /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(?:(\d{2})(?:\.(\d{1,6}))?)?)?\s*(?:\[\s*([+-]?\d{0,2}(?:[.:]\d{1,2})?)?\s*(?::\s*([A-Za-z]{1,8}))?\s*\])?$/;

const ZONE_HOURS: Record<string, number> = {
  GMT: 0,
  UTC: 0,
  EST: -5,
  EDT: -4,
  CST: -6,
  CDT: -5,
  MST: -7,
  MDT: -6,
  PST: -8,
  PDT: -7,
};

/**
 * An OFX DTxxx value. `date` is the calendar date as written (use it for trade and settle dates:
 * converting `20110727000000[0:GMT]` through a zone would move it to the previous day in New York);
 * `instant` is the UTC instant, reading a malformed offset (`[-:EST]`) by its zone name and a
 * missing one as UTC.
 */
export function parseOfxDateTime(text: string): { date: IsoDate; instant: string } | undefined {
  const match = OFX_DT_REGEX.exec(text.trim());
  if (!match) return undefined;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = isoFromParts(y, m, d);
  if (!date) return undefined;
  const [h, mi, s] = [Number(match[4] ?? "0"), Number(match[5] ?? "0"), Number(match[6] ?? "0")];
  if (h > 23 || mi > 59 || s > 59) return undefined;
  const ms = Number((match[7] ?? "0").slice(0, 3).padEnd(3, "0"));
  let offsetHours: number | undefined;
  const offsetText = match[8];
  if (offsetText !== undefined && /\d/.test(offsetText)) {
    const [whole = "0", minutes = "0"] = offsetText.replace(":", ".").split(".");
    const sign = whole.startsWith("-") ? -1 : 1;
    offsetHours = sign * (Math.abs(Number(whole)) + Number(minutes) / 60);
  } else if (match[9] !== undefined) {
    offsetHours = ZONE_HOURS[match[9].toUpperCase()];
  }
  const utc = Date.UTC(y, m - 1, d, h, mi, s, ms) - (offsetHours ?? 0) * 3_600_000;
  return { date, instant: new Date(utc).toISOString() };
}

// ---------------------------------------------------------------------------------------------
// Text: decoding, hostile content
// ---------------------------------------------------------------------------------------------

function lineAtByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line += 1;
  return line;
}

/** The offset of the first byte that breaks UTF-8 (overlongs and surrogates included), or -1. */
export function firstInvalidUtf8Byte(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min] = [1, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, min] = [2, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, min] = [3, 0x10000];
    else return i;
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Index of the first C0 control character (or DEL) other than tab, LF, CR and form feed; -1 if none. */
function firstControlCharacter(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f) {
      // A trailing SUB (Ctrl-Z) is an old DOS end-of-file marker, not damage.
      if (c === 0x1a && i === text.length - 1) continue;
      return i;
    }
  }
  return -1;
}

const DECLARED_1252 =
  /CHARSET:\s*(?:1252|ISO-8859-1|WINDOWS-1252)|encoding=["'](?:windows-1252|iso-8859-1)["']/i;

/**
 * File bytes to text. UTF-8 (a BOM is dropped) and UTF-16 with a BOM are read; a file that declares
 * Windows-1252 in its header (OFX `CHARSET:1252`, an XML declaration) is read as such. Everything
 * else is refused with the reason: empty, binary (NUL or control bytes), UTF-16 without a BOM, or
 * invalid UTF-8 (with the line of the first bad byte).
 */
export function decodeFileText(bytes: Uint8Array): Result<string, ImportError> {
  if (bytes.length === 0) return err({ line: null, field: null, message: "the file is empty" });
  const [b0, b1, b2] = [bytes[0], bytes[1], bytes[2]];
  let text: string;
  if (b0 === 0xff && b1 === 0xfe) text = new TextDecoder("utf-16le").decode(bytes.subarray(2));
  else if (b0 === 0xfe && b1 === 0xff) text = new TextDecoder("utf-16be").decode(bytes.subarray(2));
  else {
    const body = b0 === 0xef && b1 === 0xbb && b2 === 0xbf ? bytes.subarray(3) : bytes;
    const head = body.subarray(0, 4096);
    const nul = head.indexOf(0);
    if (nul >= 0) {
      const alternate = head.filter((_, i) => i % 2 === 1).every((b) => b === 0);
      const alternateEven = head.filter((_, i) => i % 2 === 0).every((b) => b === 0);
      return err({
        line: lineAtByte(body, nul),
        field: null,
        message:
          alternate || alternateEven
            ? "the file looks like UTF-16 without a byte-order mark; save it as UTF-8 (e.g. 'CSV UTF-8') and import it again"
            : "the file is binary (it contains NUL bytes), not a text export",
      });
    }
    const headText = new TextDecoder("latin1").decode(body.subarray(0, 1024));
    if (DECLARED_1252.test(headText)) {
      text = new TextDecoder("windows-1252").decode(body);
    } else {
      const bad = firstInvalidUtf8Byte(body);
      if (bad >= 0) {
        return err({
          line: lineAtByte(body, bad),
          field: null,
          message: `the file is not valid UTF-8 (byte 0x${(body[bad] as number).toString(16).padStart(2, "0")} at offset ${bad}); save it as UTF-8 and import it again`,
        });
      }
      text = new TextDecoder("utf-8").decode(body);
    }
  }
  // Control characters other than tab, line breaks and form feed mean a binary or damaged file.
  const control = firstControlCharacter(text);
  if (control >= 0) {
    return err({
      line: text.slice(0, control).split("\n").length,
      field: null,
      message: `the file contains a control character (U+${text.charCodeAt(control).toString(16).toUpperCase().padStart(4, "0")}): it is binary or damaged, not a text export`,
    });
  }
  return ok(text);
}

const FIDELITY_OPTION = /^-[A-Z]{1,6}\d{6}[CP]\d+(?:\.\d+)?$/;

/**
 * A cell a spreadsheet would run as a formula (CSV injection): it starts with `=`, `@`, a tab or
 * a carriage return, or with `+`/`-` and is not a number (`-$21.63`, `+2.68%`, `--` are numbers or
 * null markers; a Fidelity option symbol `-SNDK270917C1500` is a plain name).
 */
export function isFormulaInjection(cell: string): boolean {
  if (cell.startsWith("\t") || cell.startsWith("\r")) return true;
  const s = cell.trimStart();
  const first = s[0];
  if (first === "=" || first === "@") return true;
  if (first !== "+" && first !== "-") return false;
  if (isNullMarker(s) || parseMoney(s).ok || parsePercent(s).ok) return false;
  return !FIDELITY_OPTION.test(s.trimEnd());
}

/**
 * Refuses XML that declares entities or a DTD (entity expansion, external entities): returns the
 * refusal, or null when the text has none. Run on every file before any parser sees it.
 */
export function checkXmlSafety(text: string): ImportError | null {
  const html = /^\s*(?:<!DOCTYPE\s+html\b|<html\b)/i.exec(text.replace(/^\uFEFF/, ""));
  if (html) {
    return {
      line: 1,
      field: null,
      message:
        "this is a web page (HTML), not an export: the download probably failed (a login page or an error); download the file again",
    };
  }
  const match = /<!(?:ENTITY|DOCTYPE)\b/i.exec(text);
  if (!match) return null;
  return {
    line: text.slice(0, match.index).split("\n").length,
    field: null,
    message: `the file declares ${match[0].slice(2).toUpperCase() === "ENTITY" ? "an XML entity" : "an XML document type"} (${match[0]}); refused, because entity declarations can be used to attack the importer`,
  };
}

/** Trailing digits of an account reference (`XXXX-4321` -> `4321`, `...234` -> `234`), or "". */
export function accountDigits(ref: string): string {
  return /(\d+)\D*$/.exec(ref)?.[1] ?? "";
}
