// Every Vanguard adapter, for the parser registry (src/custodians/parsers.ts).
import type { StatementParser } from "../statement.ts";
import { vanguardCsvParser } from "./vanguard-csv.ts";
import { vanguardOfxParser } from "./vanguard-ofx.ts";

export const VANGUARD_PARSERS: readonly StatementParser[] = [vanguardCsvParser, vanguardOfxParser];
