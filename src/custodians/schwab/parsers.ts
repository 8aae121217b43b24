// Every Schwab adapter, and the Schwab files that are not statements (recognised so the refusal
// can say what the file is).
import type { KnownNonStatement } from "../detect-format.ts";
import type { StatementParser } from "../statement.ts";
import { schwabAdvisorCostBasisJson } from "./advisor-cost-basis-json.ts";
import { schwabLotDetailsCsv } from "./lot-details-csv.ts";
import { schwabPositionsCsv } from "./positions-csv.ts";
import { schwabRealizedGainLossCsv } from "./realized-gain-loss-csv.ts";
import { schwabTraderApiPositions } from "./trader-api-positions.ts";
import { schwabTraderApiTransactions } from "./trader-api-transactions.ts";
import { schwabTransactionsCsv } from "./transactions-csv.ts";
import { schwabTransactionsJson } from "./transactions-json.ts";

export const SCHWAB_PARSERS: readonly StatementParser[] = [
  schwabPositionsCsv,
  schwabLotDetailsCsv,
  schwabTransactionsCsv,
  schwabTransactionsJson,
  schwabRealizedGainLossCsv,
  schwabTraderApiPositions,
  schwabTraderApiTransactions,
  schwabAdvisorCostBasisJson,
];

const json = (text: string) => /^\s*[[{]/.test(text.replace(/^\uFEFF/, ""));

export const SCHWAB_NOT_STATEMENTS: readonly KnownNonStatement[] = [
  {
    custodian: "schwab",
    what: "a Schwab Trader API order (GET /orders/{id})",
    detect: (text) =>
      json(text) && text.includes('"orderLegCollection"') && !text.includes('"transferItems"'),
  },
  {
    custodian: "schwab",
    what: "a Schwab Advisor trading request (orders to submit)",
    detect: (text) => json(text) && text.includes('"equityOrderItems"'),
  },
];
