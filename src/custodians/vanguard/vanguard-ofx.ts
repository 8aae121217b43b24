// Vanguard OFX/QFX downloads (brokerage and 401(k) plans) through the shared OFX reader, with the
// 401(k) quirks. DTASOF may be a bare date; 401(k) funds carry Vanguard fund codes labelled CUSIP
// (VGI007743) and no ticker; Quicken's INTU.* elements are ignored.
import { looksLikeOfx } from "../ofx/ofx-header.ts";
import { ofxInstitution } from "../ofx/ofx-institution.ts";
import { readOfxStatement } from "../ofx/ofx-statement.ts";
import { parseTotally } from "../ofx/parse-guard.ts";
import type { StatementParser } from "../statement.ts";
import { vanguardOfxQuirks } from "./vanguard-ofx-quirks.ts";

export const VANGUARD_OFX_FORMAT = "vanguard.ofx";

export const vanguardOfxParser: StatementParser = {
  format: VANGUARD_OFX_FORMAT,
  custodian: "vanguard",
  detect: (text) => looksLikeOfx(text) && ofxInstitution(text) === "vanguard",
  parse: (text) =>
    parseTotally(() =>
      readOfxStatement(text, {
        custodian: "vanguard",
        format: VANGUARD_OFX_FORMAT,
        quirks: vanguardOfxQuirks,
      }),
    ),
};
