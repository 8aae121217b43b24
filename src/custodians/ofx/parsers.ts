// The custodian-neutral OFX adapter, for the parser registry (src/custodians/parsers.ts). Fidelity
// and Vanguard OFX files are claimed by their own adapters, which add those institutions' quirks.
import type { StatementParser } from "../statement.ts";
import { ofxParser } from "./ofx-parser.ts";

export const OFX_PARSERS: readonly StatementParser[] = [ofxParser];
