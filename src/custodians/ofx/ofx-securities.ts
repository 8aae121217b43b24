// SECLIST: the securities a statement refers to by SECID{UNIQUEID, UNIQUEIDTYPE}. Positions and
// transactions carry only the SECID, so the ticker and name come from here.

import { fail } from "../normalise.ts";
import type { StatementInstrument } from "../statement.ts";
import { isValidCusip } from "./cusip.ts";
import { childElement, descendantElements, elementPath, leafText, type OfxElement } from "./ofx-tree.ts";
import type { WarningLog } from "./warnings.ts";

interface SecurityInfo {
  ticker: string | null;
  name: string | null;
  ambiguous: boolean;
}

export interface SecurityId {
  uniqueId: string;
  idType: string;
}

const INFO_AGGREGATES = ["STOCKINFO", "MFINFO", "DEBTINFO", "OPTINFO", "OTHERINFO"];

/** Reads SECID{UNIQUEID, UNIQUEIDTYPE}; refuses one without an id. */
export function readSecurityId(secid: OfxElement): SecurityId {
  const uniqueId = leafText(secid, "UNIQUEID")?.toUpperCase() ?? "";
  if (uniqueId === "") fail(secid.line, `${elementPath(secid)}/UNIQUEID`, "the security has no UNIQUEID");
  return { uniqueId, idType: (leafText(secid, "UNIQUEIDTYPE") ?? "CUSIP").toUpperCase() };
}

function keyOf(id: SecurityId): string {
  return `${id.idType}:${id.uniqueId}`;
}

export class SecurityList {
  private readonly byId = new Map<string, SecurityInfo>();

  constructor(
    ofx: OfxElement,
    private readonly warnings: WarningLog,
  ) {
    for (const seclist of descendantElements(ofx, "SECLIST")) {
      for (const info of seclist.children) {
        if (!INFO_AGGREGATES.includes(info.name)) continue;
        const secinfo = childElement(info, "SECINFO");
        const secid = secinfo && childElement(secinfo, "SECID");
        if (!secinfo || !secid) fail(info.line, elementPath(info), "a SECLIST entry has no SECINFO/SECID");
        this.add(readSecurityId(secid), secinfo);
      }
    }
  }

  private add(id: SecurityId, secinfo: OfxElement): void {
    const ticker = leafText(secinfo, "TICKER")?.trim() || null;
    const name = leafText(secinfo, "SECNAME")?.trim() || null;
    const known = this.byId.get(keyOf(id));
    if (!known) {
      this.byId.set(keyOf(id), { ticker, name, ambiguous: false });
      return;
    }
    if (known.ticker !== ticker && !known.ambiguous) {
      known.ambiguous = true;
      this.warnings.add(
        secinfo.line,
        `SECLIST lists ${id.idType} ${id.uniqueId} more than once with different tickers ` +
          `(${known.ticker ?? "none"}, ${ticker ?? "none"}): its ticker is left empty`,
      );
    }
  }

  /** The instrument a SECID names; `line` is where it is used, for warnings. */
  instrument(secid: OfxElement): StatementInstrument {
    const id = readSecurityId(secid);
    const info = this.byId.get(keyOf(id));
    if (!info) {
      this.warnings.once(
        secid.line,
        `${id.idType} ${id.uniqueId} is not in the SECLIST: no ticker or name for it`,
      );
    }
    let cusip: string | null = null;
    if (id.idType === "CUSIP") {
      cusip = id.uniqueId;
      if (!isValidCusip(cusip)) {
        this.warnings.once(
          secid.line,
          `${cusip} is labelled CUSIP but fails the CUSIP check digit (an institution's own fund code?); ` +
            "it is kept as the identifier",
        );
      }
    } else if (id.idType === "ISIN" && /^(US|CA)[0-9A-Z]{9}[0-9]$/.test(id.uniqueId)) {
      cusip = id.uniqueId.slice(2, 11);
    }
    const listedTicker = info && !info.ambiguous ? info.ticker : null;
    const symbol = id.idType === "TICKER" ? id.uniqueId : listedTicker === id.uniqueId ? null : listedTicker;
    if (symbol === null && cusip === null) {
      fail(secid.line, elementPath(secid), `${id.idType} ${id.uniqueId} has neither a CUSIP nor a ticker`);
    }
    return { symbol, cusip, description: info?.name ?? null };
  }
}
