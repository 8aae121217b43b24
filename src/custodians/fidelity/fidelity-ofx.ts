// Fidelity OFX downloads (OFX 1.02 SGML: unclosed leaves, zero-padded signed numbers, securities
// by CUSIP only) through the shared OFX reader, with Fidelity's free-text quirks.
import { looksLikeOfx } from "../ofx/ofx-header.ts";
import { ofxInstitution } from "../ofx/ofx-institution.ts";
import { readOfxStatement } from "../ofx/ofx-statement.ts";
import { parseTotally } from "../ofx/parse-guard.ts";
import type { StatementParser } from "../statement.ts";
import { fidelityOfxQuirks } from "./fidelity-ofx-quirks.ts";

export const FIDELITY_OFX_FORMAT = "fidelity.ofx";

export const fidelityOfxParser: StatementParser = {
  format: FIDELITY_OFX_FORMAT,
  custodian: "fidelity",
  detect: (text) => looksLikeOfx(text) && ofxInstitution(text) === "fidelity",
  parse: (text) =>
    parseTotally(() =>
      readOfxStatement(text, {
        custodian: "fidelity",
        format: FIDELITY_OFX_FORMAT,
        quirks: fidelityOfxQuirks,
      }),
    ),
};
