// The parser registry: every adapter `lotwise import` can detect and run. To add a custodian,
// export its parsers (StatementParser[]) from src/custodians/<custodian>/parsers.ts and spread them
// into PARSERS below, one line per custodian; files that are recognisably not statements (orders,
// account settings) go into NOT_STATEMENTS so the refusal can say what the file is. Each parser's
// detect() must be specific to its format: detection must pick exactly one parser for every file
// (test/custodians/samples.test.ts and each adapter's conformance test check it).
import type { KnownNonStatement } from "./detect-format.ts";
import { FIDELITY_PARSERS } from "./fidelity/parsers.ts";
import { IBKR_PARSERS } from "./ibkr/parsers.ts";
import { OFX_PARSERS } from "./ofx/parsers.ts";
import { SCHWAB_NOT_STATEMENTS, SCHWAB_PARSERS } from "./schwab/parsers.ts";
import type { StatementParser } from "./statement.ts";
import { VANGUARD_PARSERS } from "./vanguard/parsers.ts";

export const PARSERS: readonly StatementParser[] = [
  ...SCHWAB_PARSERS,
  // Fidelity, Vanguard, OFX: ...FIDELITY_PARSERS, ...VANGUARD_PARSERS, ...OFX_PARSERS,
  ...FIDELITY_PARSERS,
  ...VANGUARD_PARSERS,
  ...OFX_PARSERS,
  ...IBKR_PARSERS,
];

export const NOT_STATEMENTS: readonly KnownNonStatement[] = [
  ...SCHWAB_NOT_STATEMENTS,
  // Other custodians' non-statement files go here.
];
