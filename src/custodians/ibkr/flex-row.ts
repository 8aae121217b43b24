// One Flex data element (OpenPosition, Trade, CashTransaction...) read attribute by attribute. Every
// attribute is optional (which ones appear is chosen per query); an attribute that is present but
// unreadable refuses the file, naming the line and the field.
import type { IsoDate } from "../../domain/iso-date.ts";
import type { ImportError, StatementInstrument } from "../statement.ts";
import { type FlexDateTime, flexDateOnly, flexDateTime, flexDecimal, isNullValue } from "./flex-values.ts";
import type { XmlElement } from "./safe-xml.ts";

export class FlexFieldError extends Error {
  constructor(readonly detail: ImportError) {
    super(detail.message);
  }
}

export interface FlexRow {
  element: XmlElement;
  line: number;
  /** The trimmed value, or null when absent or a null marker ("", "-", "--", "N/A"). */
  text(name: string): string | null;
  decimal(name: string): string | null;
  requiredDecimal(name: string): string;
  date(name: string): IsoDate | null;
  dateTime(name: string): FlexDateTime | null;
  fail(name: string | null, message: string): never;
}

export function flexRow(element: XmlElement): FlexRow {
  const field = (name: string) => `${element.name}.${name}`;
  const fail = (name: string | null, message: string): never => {
    throw new FlexFieldError({
      line: element.line,
      field: name === null ? element.name : field(name),
      message,
    });
  };
  const raw = (name: string) => element.attributes.get(name);
  const row: FlexRow = {
    element,
    line: element.line,
    text(name) {
      const value = raw(name);
      return value === undefined || isNullValue(value) ? null : value.trim();
    },
    decimal(name) {
      const value = flexDecimal(raw(name));
      if (value === undefined) fail(name, `${field(name)} is not a number: "${raw(name)}"`);
      return value as string | null;
    },
    requiredDecimal(name) {
      const value = row.decimal(name);
      if (value === null) fail(name, `${element.name} has no ${name}`);
      return value as string;
    },
    date(name) {
      const value = row.text(name);
      if (value === null) return null;
      const parsed = flexDateOnly(value) ?? flexDateTime(value)?.date;
      if (!parsed) fail(name, `${field(name)} is not a date IBKR writes: "${value}"`);
      return parsed as IsoDate;
    },
    dateTime(name) {
      const value = row.text(name);
      if (value === null) return null;
      const parsed = flexDateTime(value);
      if (!parsed) fail(name, `${field(name)} is not a date-time IBKR writes: "${value}"`);
      return parsed as FlexDateTime;
    },
    fail,
  };
  return row;
}

/** CUSIPs of instruments by conid, from the SecuritiesInfo section (when the query includes it). */
export type SecurityDirectory = ReadonlyMap<string, { cusip: string | null; description: string | null }>;

/** The CUSIP a US ISIN embeds (US + 9-character CUSIP + check digit). */
function cusipOfIsin(isin: string | null): string | null {
  return isin && /^US[0-9A-Z]{9}[0-9]$/.test(isin) ? isin.slice(2, 11) : null;
}

export function cusipOf(row: FlexRow): string | null {
  const cusip = row.text("cusip");
  if (cusip) return cusip;
  if (row.text("securityIDType") === "CUSIP") return row.text("securityID");
  return (
    cusipOfIsin(row.text("isin")) ??
    (row.text("securityIDType") === "ISIN" ? cusipOfIsin(row.text("securityID")) : null)
  );
}

export function instrumentOf(row: FlexRow, directory: SecurityDirectory): StatementInstrument {
  const known = directory.get(row.text("conid") ?? "");
  return {
    symbol: row.text("symbol"),
    cusip: cusipOf(row) ?? known?.cusip ?? null,
    description: row.text("description") ?? known?.description ?? null,
  };
}

/** What an instrument is called in a warning: symbol, then conid. */
export function instrumentLabel(row: FlexRow): string {
  return row.text("symbol") ?? (row.text("conid") ? `conid ${row.text("conid")}` : "an unnamed instrument");
}
