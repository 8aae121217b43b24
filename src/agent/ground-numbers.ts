// The number-grounding guard: every number in model prose must come from the conversation's tool
// results or the user's own words. Rules:
// - Numbers are read the same way from the reply and from sources (every JSON number, every number
//   inside a string, every array's length): "$1,234.50", "-$2,400", "1234.5" -> 1234.5; "$60.1k" ->
//   60100 to the nearest 100; "12.5%", "12.5 percent", "12.5 points" -> a percent; a range "55-65%"
//   makes both ends percents. Signs are not compared (prose says "a loss of $2,400" for -2400).
// - A reply number with d decimals is grounded by a source number that rounds (half-up or
//   half-even) to it at d decimals; a percent also by a source weight times 100 ("70.6%" <- 0.706095).
// - Dates: "2026-12-21", "12/21/2026", "December 21, 2026", "21 Dec 2026" must be a source date;
//   "Dec 21" a source date's month and day; "December 2026" its month; a year alone its year.
//   Times "14:58" must be a source time (instants carry one).
// - Not numbers: identifiers that appear verbatim in sources ("lot-chen-vti-2024-10-16", "v2"), list
//   markers at a line start ("1."), and the wash-sale constants 30, 31 and 61 before "day(s)".
import { Decimal as DecimalJs } from "decimal.js";
import { Decimal } from "../domain/decimal.ts";

export interface GroundingResult {
  ok: boolean;
  /** Every number found in the reply, normalised ("1234.5", "12.5%", "2026-12-21", "--12-21"). */
  numbers: string[];
  ungrounded: { text: string; normalized: string }[];
}

interface KeyedMention {
  kind: "date" | "month-day" | "month-year" | "time";
  text: string;
  key: string;
}

type Mention =
  | { kind: "number"; text: string; value: Decimal; places: number; percent: boolean; negative: boolean }
  | KeyedMention;

export function groundNumbers(reply: string, sources: readonly unknown[]): GroundingResult {
  const index = indexSources(sources);
  const mentions = scan(maskHarmless(reply, index.identifiers));
  const ungrounded = mentions
    .filter((mention) => !isGrounded(mention, index))
    .map((mention) => ({ text: mention.text, normalized: normalized(mention) }));
  return { ok: ungrounded.length === 0, numbers: mentions.map(normalized), ungrounded };
}

// --- reading numbers out of text -----------------------------------------------------------------

const MONTH =
  "(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)";
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const ORDINAL = "(?:st|nd|rd|th)?";

const MENTION = new RegExp(
  [
    String.raw`(?<!\d)(?<isoY>\d{4})-(?<isoM>\d{2})-(?<isoD>\d{2})(?!\d)`,
    String.raw`(?<!\d)(?<usM>\d{1,2})\/(?<usD>\d{1,2})\/(?<usY>\d{4})(?!\d)`,
    String.raw`\b(?<myM>${MONTH})\.?,?\s+(?<myY>\d{4})(?!\d)`,
    String.raw`\b(?<mdM>${MONTH})\.?\s+(?<mdD>\d{1,2})${ORDINAL}(?![\w:])(?:,?\s+(?<mdY>\d{4})(?!\d))?`,
    String.raw`(?<!\d)(?<dmD>\d{1,2})${ORDINAL}\s+(?<dmM>${MONTH})\b\.?(?:,?\s+(?<dmY>\d{4})(?!\d))?`,
    String.raw`(?<![\d.])(?<hh>\d{1,2}):(?<mm>\d{2})(?::\d{2}(?:\.\d+)?)?(?!\d)`,
    String.raw`(?<neg>(?<![\w.])[-−](?=\$?\.?\d))?(?:(?<dollar>\$\s?)(?<neg2>-)?)?(?<num>(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?|\.\d+)(?:(?<letter>bn|mm|MM|[kKmMbB])(?![A-Za-z0-9])|\s(?<word>thousand|million|billion)\b)?(?<pct>\s?(?:%|percent\b|per cent\b|(?:percentage )?points?\b|pp\b))?`,
  ].join("|"),
  "g",
);

const SCALE: Record<string, number> = {
  k: 3,
  K: 3,
  thousand: 3,
  m: 6,
  M: 6,
  mm: 6,
  MM: 6,
  million: 6,
  b: 9,
  B: 9,
  bn: 9,
  billion: 9,
};

interface RawNumber {
  start: number;
  end: number;
  text: string;
  num: string;
  dollar: boolean;
  negative: boolean;
  letter: string | undefined;
  word: string | undefined;
  percent: boolean;
}

type Scanned =
  | { start: number; end: number; mention: Mention }
  | { start: number; end: number; raw: RawNumber };

function scan(text: string): Mention[] {
  const scanned: Scanned[] = [];
  for (const match of text.matchAll(MENTION)) {
    const g = match.groups ?? {};
    const start = match.index;
    const end = start + match[0].length;
    const date = dateKey(g);
    if (date) {
      scanned.push({ start, end, mention: { ...date, text: match[0] } });
    } else if (g.num !== undefined) {
      scanned.push({
        start,
        end,
        raw: {
          start,
          end,
          text: match[0].trim(),
          num: g.num,
          dollar: g.dollar !== undefined,
          negative: g.neg !== undefined || g.neg2 !== undefined,
          letter: g.letter,
          word: g.word,
          percent: g.pct !== undefined,
        },
      });
    }
  }
  spreadRangeUnits(text, scanned);
  return scanned.map((s) => ("mention" in s ? s.mention : numberMention(s.raw)));
}

function dateKey(g: Record<string, string | undefined>): Omit<KeyedMention, "text"> | null {
  if (g.isoY && g.isoM && g.isoD) return { kind: "date", key: `${g.isoY}-${g.isoM}-${g.isoD}` };
  if (g.usY && g.usM && g.usD) return { kind: "date", key: ymd(g.usY, g.usM, g.usD) };
  if (g.myM && g.myY) return { kind: "month-year", key: `${g.myY}-${monthNumber(g.myM)}` };
  const month = g.mdM ?? g.dmM;
  const day = g.mdD ?? g.dmD;
  if (month && day) {
    const year = g.mdY ?? g.dmY;
    return year
      ? { kind: "date", key: ymd(year, monthNumber(month), day) }
      : { kind: "month-day", key: `--${monthNumber(month)}-${day.padStart(2, "0")}` };
  }
  if (g.hh && g.mm) return { kind: "time", key: `${g.hh.padStart(2, "0")}:${g.mm}` };
  return null;
}

const ymd = (y: string, m: string, d: string) => `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
const monthNumber = (name: string) =>
  String(MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1).padStart(2, "0");

// "55-65%", "$60-70k": the unit written once applies to both ends.
function spreadRangeUnits(text: string, scanned: Scanned[]): void {
  for (let i = 1; i < scanned.length; i++) {
    const a = scanned[i - 1];
    const b = scanned[i];
    if (!a || !b || !("raw" in a) || !("raw" in b)) continue;
    const between = text.slice(a.end, b.start) + (b.raw.negative ? "-" : "");
    if (!/^\s*(?:-|–|—|to)\s*$/.test(between)) continue;
    if (b.raw.percent && !a.raw.dollar) a.raw.percent = true;
    if (b.raw.letter && !a.raw.letter && !a.raw.word && (a.raw.dollar || b.raw.dollar)) {
      a.raw.letter = b.raw.letter;
      b.raw.dollar = true;
    }
    b.raw.negative = false;
  }
}

function numberMention(raw: RawNumber): Mention {
  const scale = raw.word ? SCALE[raw.word] : raw.letter && raw.dollar ? SCALE[raw.letter] : undefined;
  const digits = raw.num.replaceAll(",", "");
  const decimals = digits.includes(".") ? digits.length - digits.indexOf(".") - 1 : 0;
  return {
    kind: "number",
    text: raw.text,
    value: new Decimal(digits).times(new Decimal(10).pow(scale ?? 0)),
    places: decimals - (scale ?? 0),
    percent: raw.percent,
    negative: raw.negative,
  };
}

function normalized(mention: Mention): string {
  if (mention.kind !== "number") return mention.key;
  return `${mention.negative && !mention.value.isZero() ? "-" : ""}${mention.value.toFixed()}${mention.percent ? "%" : ""}`;
}

// --- what is not a number to check ---------------------------------------------------------------

const IDENTIFIER = /[A-Za-z0-9][A-Za-z0-9_.\-/]*[A-Za-z0-9]/g;
const LIST_MARKER = /^([ \t]*(?:[-*•][ \t]+)?)(\d{1,2})(?=[.)][ \t])/gm;
const WASH_SALE_DAYS = /(?<![\d.,])(?:30|31|61)(?=[-\s]?days?\b)/g;

const isIdentifier = (token: string) => /[A-Za-z]/.test(token) && /\d/.test(token);
const blank = (text: string) => " ".repeat(text.length);

function maskHarmless(reply: string, identifiers: ReadonlySet<string>): string {
  return reply
    .replace(IDENTIFIER, (token) =>
      isIdentifier(token) && identifiers.has(token.toLowerCase()) ? blank(token) : token,
    )
    .replace(LIST_MARKER, (_, lead: string, marker: string) => lead + blank(marker))
    .replace(WASH_SALE_DAYS, blank);
}

// --- the sources ---------------------------------------------------------------------------------

interface SourceIndex {
  numbers: Decimal[];
  keys: Set<string>;
  identifiers: Set<string>;
  rounded: Map<string, Set<string>>;
}

function indexSources(sources: readonly unknown[]): SourceIndex {
  const index: SourceIndex = { numbers: [], keys: new Set(), identifiers: new Set(), rounded: new Map() };
  const walk = (value: unknown): void => {
    if (typeof value === "number") {
      if (Number.isFinite(value)) index.numbers.push(new Decimal(value).abs());
    } else if (typeof value === "string") {
      addText(index, value);
    } else if (Array.isArray(value)) {
      index.numbers.push(new Decimal(value.length));
      for (const item of value) walk(item);
    } else if (typeof value === "object" && value !== null) {
      for (const item of Object.values(value)) walk(item);
    }
  };
  for (const source of sources) walk(source);
  return index;
}

function addText(index: SourceIndex, text: string): void {
  for (const token of text.match(IDENTIFIER) ?? []) {
    if (isIdentifier(token)) index.identifiers.add(token.toLowerCase());
  }
  for (const mention of scan(text)) {
    if (mention.kind === "number") {
      index.numbers.push(mention.value.abs());
      continue;
    }
    index.keys.add(`${mention.kind}:${mention.key}`);
    if (mention.kind === "date") {
      index.keys.add(`month-day:--${mention.key.slice(5)}`);
      index.keys.add(`month-year:${mention.key.slice(0, 7)}`);
    }
    if (mention.kind === "date" || mention.kind === "month-year") {
      index.numbers.push(new Decimal(mention.key.slice(0, 4)));
    }
  }
}

function isGrounded(mention: Mention, index: SourceIndex): boolean {
  if (mention.kind !== "number") return index.keys.has(`${mention.kind}:${mention.key}`);
  const wanted = mention.value.abs().toString();
  if (roundedSources(index, mention.places, false).has(wanted)) return true;
  return mention.percent && roundedSources(index, mention.places, true).has(wanted);
}

/** The source numbers (times 100 for percents) rounded to `places` (negative: tens, hundreds...). */
function roundedSources(index: SourceIndex, places: number, percent: boolean): Set<string> {
  const cacheKey = `${places}:${percent}`;
  const cached = index.rounded.get(cacheKey);
  if (cached) return cached;
  const set = new Set<string>();
  for (const number of index.numbers) {
    const value = percent ? number.times(100) : number;
    for (const mode of [DecimalJs.ROUND_HALF_UP, DecimalJs.ROUND_HALF_EVEN] as const) {
      set.add(roundTo(value, places, mode).toString());
    }
  }
  index.rounded.set(cacheKey, set);
  return set;
}

function roundTo(value: Decimal, places: number, mode: DecimalJs.Rounding): Decimal {
  if (places >= 0) return value.toDecimalPlaces(places, mode);
  const unit = new Decimal(10).pow(-places);
  return value.dividedBy(unit).toDecimalPlaces(0, mode).times(unit);
}
