// Generic OFX/QFX investment statements (OFX 1.x SGML and 2.x XML) from any institution that has
// no adapter of its own (TD Ameritrade, Schwab, brokers' Quicken downloads).
import type { StatementParser } from "../statement.ts";
import { looksLikeOfx } from "./ofx-header.ts";
import { ofxInstitution } from "./ofx-institution.ts";
import { readOfxStatement } from "./ofx-statement.ts";
import { parseTotally } from "./parse-guard.ts";

export const ofxParser: StatementParser = {
  format: "ofx.invstmt",
  custodian: "ofx",
  detect: (text) => looksLikeOfx(text) && ofxInstitution(text) === null,
  parse: (text) => parseTotally(() => readOfxStatement(text, { custodian: "ofx", format: "ofx.invstmt" })),
};
