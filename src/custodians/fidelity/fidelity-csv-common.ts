// What Fidelity's CSV exports share: the "Date downloaded ..." footer that dates the file, symbols
// that are sometimes CUSIPs (401(k) funds, bonds), and account numbers carried in file names.
import { easternToInstant, parseCalendarDate, parseClockTime } from "../normalise.ts";
import { isValidCusip } from "../ofx/cusip.ts";
import { type CsvRow, filledCells } from "../read-csv.ts";
import type { StatementInstrument } from "../statement.ts";

const DOWNLOADED = /^Date downloaded\s+(.*)$/i;
const FOOTER_DATE =
  /^(\d{1,2}\/\d{1,2}\/\d{4}|[A-Za-z]{3}-\d{1,2}-\d{4})\s*(?:at\s+)?(.*?)\s*(?:E[SD]?T)?\.?$/i;

export interface DownloadedAt {
  line: number;
  /** ISO instant, or null when the footer's text could not be read. */
  instant: string | null;
}

/**
 * The export time from the footer: `Date downloaded 07/30/2021 2:26 PM ET`, `... 01/24/2023 10:28 am`,
 * `... Feb-18-2026 at 7:04 p.m ET` (US/Eastern). Formats vary, so it is read loosely; a date
 * without a readable time is New York midnight.
 */
export function findDownloadedAt(rows: readonly CsvRow[], from: number): DownloadedAt | null {
  for (const row of rows.slice(from)) {
    const match = DOWNLOADED.exec(filledCells(row).join(" ").replace(/^"|"$/g, ""));
    if (!match) continue;
    const parts = FOOTER_DATE.exec((match[1] ?? "").trim());
    const date = parts && parseCalendarDate(parts[1] ?? "", ["MM/DD/YYYY", "MMM-DD-YYYY"]);
    if (!parts || !date) return { line: row.line, instant: null };
    const time = parseClockTime(parts[2] ?? "");
    return {
      line: row.line,
      instant: easternToInstant(date, time?.hour ?? 0, time?.minute ?? 0, time?.second ?? 0),
    };
  }
  return null;
}

/** A Fidelity symbol cell as an instrument: a 9-character CUSIP (401(k) funds, bonds) or a ticker. */
export function fidelityInstrument(symbol: string, description: string | null): StatementInstrument {
  const text = symbol.trim().toUpperCase();
  const meaningful = description && !/^no description$/i.test(description) ? description : null;
  if (/\d/.test(text) && isValidCusip(text)) return { symbol: null, cusip: text, description: meaningful };
  return { symbol: text, cusip: null, description: meaningful };
}

/** The account in a file name: `History_for_Account_X12345678.csv`, `Realized_Gain_Loss_Account_X12345678.csv`. */
export function accountFromFileName(fileName: string): string | null {
  return /Account_([A-Z0-9]{5,})/i.exec(fileName.split(/[\\/]/).pop() ?? "")?.[1]?.toUpperCase() ?? null;
}
