// Every Fidelity adapter, for the parser registry (src/custodians/parsers.ts).
import type { StatementParser } from "../statement.ts";
import { fidelityOfxParser } from "./fidelity-ofx.ts";
import { fidelityHistoryCsvParser } from "./history-csv.ts";
import { fidelityPositionsCsvParser } from "./positions-csv.ts";
import { fidelityRealizedGainLossCsvParser } from "./realized-gain-loss-csv.ts";

export const FIDELITY_PARSERS: readonly StatementParser[] = [
  fidelityPositionsCsvParser,
  fidelityHistoryCsvParser,
  fidelityRealizedGainLossCsvParser,
  fidelityOfxParser,
];
