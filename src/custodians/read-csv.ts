// CSV as custodians write it: quoted cells with doubled quotes, a BOM, CRLF or LF, title lines and
// footers around the table, trailing commas, and unquoted numbers. The header row is found by
// searching for it, columns are mapped by normalised name with aliases, and columns nobody asked
// for are reported (warnings), never fatal. Every cell is checked for formula injection.
import type { IsoDate } from "../domain/iso-date.ts";
import {
  fail,
  isFormulaInjection,
  isNullMarker,
  type NumberParse,
  parseMoney,
  parseQuantity,
  parseUsDate,
} from "./normalise.ts";
import type { StatementWarning } from "./statement.ts";

export interface CsvRow {
  /** 1-based line where the record starts. */
  line: number;
  cells: string[];
}

/**
 * Splits CSV text into records (RFC 4180, plus what custodians do: BOM, CR/LF/CRLF, blank lines
 * kept as empty records). A bad quote or a formula cell stops the import with its line.
 */
export function readCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const n = src.length;
  let line = 1;
  let i = 0;
  while (i < n) {
    const startLine = line;
    const cells: string[] = [];
    for (;;) {
      // Leading spaces before a quote are allowed (" \"x\""); find the cell's first character.
      let j = i;
      while (j < n && src.charCodeAt(j) === 32) j += 1;
      let cell: string;
      if (j < n && src.charCodeAt(j) === 34) {
        // A quoted cell: everything up to the closing quote, "" is a quote.
        const quoteLine = line;
        const parts: string[] = [];
        let k = j + 1;
        for (;;) {
          const close = src.indexOf('"', k);
          if (close < 0) {
            fail(
              quoteLine,
              null,
              `a quoted cell that starts on line ${quoteLine} never ends: the file is truncated or damaged`,
            );
          }
          const chunk = src.slice(k, close);
          for (let c = chunk.indexOf("\n"); c >= 0; c = chunk.indexOf("\n", c + 1)) line += 1;
          parts.push(chunk);
          if (src.charCodeAt(close + 1) === 34) {
            parts.push('"');
            k = close + 2;
            continue;
          }
          k = close + 1;
          break;
        }
        cell = parts.join("");
        // Only spaces may follow a closing quote before the separator.
        while (k < n && src.charCodeAt(k) === 32) k += 1;
        const next = src.charCodeAt(k);
        if (k < n && next !== 44 && next !== 13 && next !== 10) {
          fail(line, null, `unexpected text after a closing quote on line ${line}: the file is damaged`);
        }
        i = k;
      } else {
        let k = i;
        while (k < n) {
          const c = src.charCodeAt(k);
          if (c === 44 || c === 13 || c === 10) break;
          k += 1;
        }
        cell = src.slice(i, k);
        i = k;
      }
      cells.push(cell);
      if (i >= n) break;
      const sep = src.charCodeAt(i);
      if (sep === 44) {
        i += 1;
        if (i >= n) {
          cells.push("");
          break;
        }
        continue;
      }
      // End of the record.
      i += sep === 13 && src.charCodeAt(i + 1) === 10 ? 2 : 1;
      line += 1;
      break;
    }
    for (let column = 0; column < cells.length; column++) {
      const value = cells[column] as string;
      if (mayBeFormula(value) && isFormulaInjection(value)) {
        fail(
          startLine,
          null,
          `line ${startLine}, column ${column + 1} holds a spreadsheet formula (${JSON.stringify(truncate(value, 40))}), which a custodian export never contains`,
        );
      }
    }
    rows.push({ line: startLine, cells });
  }
  return rows;
}

/** A cheap first look: only cells starting with = + - @, a tab, CR or a space can be formulas. */
function mayBeFormula(cell: string): boolean {
  const c = cell.charCodeAt(0);
  return c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13 || c === 32;
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}…` : text;
}

/** The first lines of a file (for cheap format detection). */
export function firstLines(text: string, count: number): string[] {
  return text
    .replace(/^\uFEFF/, "")
    .slice(0, 8192)
    .split(/\r\n|\r|\n/)
    .slice(0, count);
}

/** True when every cell is empty (blank lines and the `"","",…` padding rows). */
export function isBlankRow(row: CsvRow): boolean {
  return row.cells.every((cell) => cell.trim() === "");
}

/** The non-empty cells of a row. */
export function filledCells(row: CsvRow): string[] {
  return row.cells.map((cell) => cell.trim()).filter((cell) => cell !== "");
}

/** Header text compared loosely: lower case, punctuation and spacing folded (`Qty (Quantity)` -> `qty quantity`). */
export function normaliseHeader(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9$%]+/g, " ")
    .trim();
}

export interface ColumnSpec {
  /** Header names that mean this column (compared after normaliseHeader). */
  aliases: readonly string[];
  required?: boolean;
}

export interface Header<K extends string> {
  line: number;
  /** Index of the header row in the rows. */
  rowIndex: number;
  columns: Partial<Record<K, { index: number; name: string }>>;
  width: number;
}

function columnIndex<K extends string>(
  cells: readonly string[],
  specs: Record<K, ColumnSpec>,
): Partial<Record<K, { index: number; name: string }>> {
  const found: Partial<Record<K, { index: number; name: string }>> = {};
  const normalised = cells.map(normaliseHeader);
  for (const key of Object.keys(specs) as K[]) {
    const aliases = specs[key].aliases.map(normaliseHeader);
    const index = normalised.findIndex((name) => aliases.includes(name));
    if (index >= 0) found[key] = { index, name: (cells[index] as string).trim() };
  }
  return found;
}

/**
 * The first row at or after `from` holding every required column (by alias). Null if none does.
 */
export function findHeader<K extends string>(
  rows: readonly CsvRow[],
  specs: Record<K, ColumnSpec>,
  from = 0,
): Header<K> | null {
  for (let r = from; r < rows.length; r++) {
    const header = headerAt(rows, specs, r);
    if (header) return header;
  }
  return null;
}

/** The header, if row `r` is one (holds every required column). */
export function headerAt<K extends string>(
  rows: readonly CsvRow[],
  specs: Record<K, ColumnSpec>,
  r: number,
): Header<K> | null {
  const row = rows[r];
  if (!row || isBlankRow(row)) return null;
  const columns = columnIndex(row.cells, specs);
  const required = (Object.keys(specs) as K[]).filter((key) => specs[key].required);
  return required.every((key) => columns[key] !== undefined)
    ? { line: row.line, rowIndex: r, columns, width: row.cells.length }
    : null;
}

/** Header cells that are neither mapped nor known-and-ignored, as warnings. */
export function unknownColumnWarnings(
  row: CsvRow,
  specs: Record<string, ColumnSpec>,
  ignored: readonly string[],
): StatementWarning[] {
  const known = new Set([
    ...Object.values(specs).flatMap((spec) => spec.aliases.map(normaliseHeader)),
    ...ignored.map(normaliseHeader),
  ]);
  return row.cells
    .map((cell) => cell.trim())
    .filter((cell) => cell !== "" && !known.has(normaliseHeader(cell)))
    .map((cell) => ({ line: row.line, message: `unknown column "${cell}" ignored` }));
}

/** One data row read through its header: typed accessors that refuse bad values with line and column. */
export class CsvRecord<K extends string> {
  constructor(
    readonly row: CsvRow,
    private readonly header: Header<K>,
  ) {}

  get line(): number {
    return this.row.line;
  }

  /** The column's name as the file spells it (for messages). */
  columnName(key: K): string {
    return this.header.columns[key]?.name ?? key;
  }

  has(key: K): boolean {
    return this.header.columns[key] !== undefined;
  }

  /** The trimmed cell, or null when the column is absent or the cell empty. */
  text(key: K): string | null {
    const column = this.header.columns[key];
    if (!column) return null;
    if (column.index >= this.row.cells.length) {
      fail(
        this.row.line,
        column.name,
        `line ${this.row.line} has ${this.row.cells.length} cells but the header (line ${this.header.line}) has ${this.header.width}: the row is cut short (truncated or damaged file)`,
      );
    }
    const value = (this.row.cells[column.index] as string).trim();
    return value === "" ? null : value;
  }

  /** The cell as text, refusing an empty one. */
  requiredText(key: K): string {
    const value = this.text(key);
    if (value === null || isNullMarker(value)) {
      fail(this.row.line, this.columnName(key), `line ${this.row.line}: ${this.columnName(key)} is empty`);
    }
    return value;
  }

  private number(key: K, parse: (text: string) => NumberParse, what: string): string | null {
    const value = this.text(key);
    if (value === null) return null;
    const parsed = parse(value);
    if (!parsed.ok) {
      fail(
        this.row.line,
        this.columnName(key),
        `line ${this.row.line}, ${this.columnName(key)}: ${JSON.stringify(value)} is not ${what}`,
      );
    }
    return parsed.value;
  }

  money(key: K): string | null {
    return this.number(key, parseMoney, "an amount");
  }

  quantity(key: K): string | null {
    return this.number(key, parseQuantity, "a quantity");
  }

  requiredQuantity(key: K): string {
    const value = this.quantity(key);
    if (value === null) {
      fail(this.row.line, this.columnName(key), `line ${this.row.line}: ${this.columnName(key)} is empty`);
    }
    return value;
  }

  /** `MM/DD/YYYY` (the date part of `MM/DD/YYYY HH:mm:ss`). */
  date(key: K): IsoDate {
    const value = this.requiredText(key);
    const date = parseUsDate(value.split(/\s+/)[0] ?? "");
    if (!date) {
      fail(
        this.row.line,
        this.columnName(key),
        `line ${this.row.line}, ${this.columnName(key)}: ${JSON.stringify(value)} is not a date (MM/DD/YYYY)`,
      );
    }
    return date;
  }
}
