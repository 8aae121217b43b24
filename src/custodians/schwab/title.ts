// The title lines schwab.com puts above its CSV tables, which carry the account and the export time:
//   "Positions for account Individual ...234 as of 12:52 PM ET, 2023/04/23"
//   "Positions for All-Accounts as of 06:04 PM ET, 11/15/2020"
//   "Transactions  for account XXXX-1234 as of 11/15/2020 18:00:21 ET"
//   "SCHA Lot Details for XXXX-4321 as of 02:45 AM ET, 10/25/2020"
//   "Realized Gain/Loss for ...234 for 08/29/2021 to 09/28/2021 as of Tue Sep 28  23:17:11 EDT 2021"
// Times are US/Eastern wall-clock times; they become UTC instants here.
import type { IsoDate } from "../../domain/iso-date.ts";
import { easternToInstant, monthNumber, parseCalendarDate, parseClockTime } from "../normalise.ts";

/** An ET timestamp in any of the layouts above, as an ISO UTC instant; undefined if unreadable. */
export function parseSchwabTimestamp(text: string): string | undefined {
  const t = text.replace(/\s+/g, " ").trim();
  let date: IsoDate | undefined;
  const numeric = /(\d{4}\/\d{2}\/\d{2}|\d{1,2}\/\d{1,2}\/\d{4})/.exec(t);
  if (numeric) {
    date = parseCalendarDate(numeric[1] as string, ["YYYY/MM/DD", "MM/DD/YYYY"]);
  } else {
    // "Tue Sep 28 23:17:11 EDT 2021"
    const words = /\b([A-Za-z]{3})[a-z]* (\d{1,2}) .*?(\d{4})\b/.exec(t);
    const month = words ? monthNumber(words[1] as string) : undefined;
    if (words && month) {
      date = parseCalendarDate(`${month}/${words[2]}/${words[3]}`, ["MM/DD/YYYY"]);
    }
  }
  if (!date) return undefined;
  const clock = /(\d{1,2}:\d{2}(?::\d{2})?)(?:\s*([AaPp]\.?\s*[Mm]\.?))?/.exec(t);
  const time = clock ? parseClockTime(`${clock[1]}${clock[2] ? ` ${clock[2]}` : ""}`) : undefined;
  return easternToInstant(date, time?.hour ?? 0, time?.minute ?? 0, time?.second ?? 0);
}

export interface SchwabTitle {
  /** The account as the title names it ("Individual ...234", "XXXX-4321"), or null (All-Accounts). */
  accountRef: string | null;
  asOf: string | null;
}

/**
 * Reads a title line. `kind` is the word it starts with ("Positions", "Transactions", "Realized
 * Gain/Loss") or a symbol's "Lot Details". Returns null if the line is not such a title.
 */
export function parseSchwabTitle(line: string, kind: RegExp): SchwabTitle | null {
  const text = line.replace(/\s+/g, " ").trim();
  const match = kind.exec(text);
  if (!match) return null;
  const rest = text.slice(match[0].length);
  const asOfAt = rest.toLowerCase().lastIndexOf(" as of ");
  const subject = (asOfAt >= 0 ? rest.slice(0, asOfAt) : rest).trim();
  const asOf = asOfAt >= 0 ? (parseSchwabTimestamp(rest.slice(asOfAt + 7)) ?? null) : null;
  const account = /^(?:for\s+)?(?:account\s+)?(.*?)(?:\s+for\s+\d{1,2}\/\d{1,2}\/\d{4}\s+to\s+.*)?$/i.exec(
    subject,
  );
  const ref = (account?.[1] ?? "").trim();
  return { accountRef: ref === "" || /^All-Accounts$/i.test(ref) ? null : ref, asOf };
}

/** An account reference in a file name (`XXXX1234_Transactions_…`), or null. */
export function accountRefFromFileName(fileName: string): string | null {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  return /^(X{2,}\d{3,})_/i.exec(base)?.[1] ?? null;
}

/** The export time in a file name (`Individual-Positions-2023-04-23-125200.CSV`), as an ET instant. */
export function asOfFromFileName(fileName: string): string | null {
  const base = fileName.split(/[\\/]/).pop() ?? fileName;
  const match = /(\d{4})-(\d{2})-(\d{2})(?:-(\d{2})(\d{2})(\d{2}))?/.exec(base);
  if (!match) return null;
  const date = parseCalendarDate(`${match[1]}-${match[2]}-${match[3]}`, ["YYYY-MM-DD"]);
  if (!date) return null;
  return easternToInstant(date, Number(match[4] ?? "0"), Number(match[5] ?? "0"), Number(match[6] ?? "0"));
}
