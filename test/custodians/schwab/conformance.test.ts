// Every Schwab adapter through the shared conformance suite, on the project's own fixtures
// (test/fixtures/custodians/schwab: written for lotwise, reproducing the quirks of real exports).
import { join } from "node:path";
import { schwabAdvisorCostBasisJson } from "../../../src/custodians/schwab/advisor-cost-basis-json.ts";
import { schwabLotDetailsCsv } from "../../../src/custodians/schwab/lot-details-csv.ts";
import { schwabPositionsCsv } from "../../../src/custodians/schwab/positions-csv.ts";
import { schwabRealizedGainLossCsv } from "../../../src/custodians/schwab/realized-gain-loss-csv.ts";
import { schwabTraderApiPositions } from "../../../src/custodians/schwab/trader-api-positions.ts";
import { schwabTraderApiTransactions } from "../../../src/custodians/schwab/trader-api-transactions.ts";
import { schwabTransactionsCsv } from "../../../src/custodians/schwab/transactions-csv.ts";
import { schwabTransactionsJson } from "../../../src/custodians/schwab/transactions-json.ts";
import { runConformance } from "../conformance.ts";

const dir = join(import.meta.dirname, "../../fixtures/custodians/schwab");
const fixture = (name: string) => join(dir, name);
const bad = (name: string) => join(dir, "bad", name);
const garbage = {
  file: bad("garbage.csv"),
  kind: "garbage" as const,
  reason: /not a format lotwise recognises/,
  line: 1,
};
const entities = {
  file: bad("billion-laughs.xml"),
  kind: "hostile" as const,
  reason: /declares an XML document type/,
  line: 2,
};

runConformance(schwabPositionsCsv, {
  good: [
    {
      file: fixture("Brokerage-Positions-2020-11-13-150500.CSV"),
      expect: {
        accounts: 1,
        accountRefs: ["Brokerage XXXX-9902"],
        asOf: ["2020-11-13T20:05:00.000Z"],
        cash: "2530.12",
        positions: { count: 3, quantity: "255.5", marketValue: "33945.9", costBasis: "23111.25" },
        warnings: 0,
      },
    },
    {
      file: fixture("Individual-Positions-2026-11-20-150200.CSV"),
      expect: {
        accounts: 1,
        accountRefs: ["Individual ...821"],
        asOf: ["2026-11-20T20:02:00.000Z"],
        cash: "8250",
        positions: { count: 2, quantity: "760", marketValue: "250600", costBasis: "189062" },
        warnings: 0,
      },
    },
    {
      file: fixture("Joint-Positions-2025-03-14-161000.CSV"),
      expect: {
        accounts: 1,
        asOf: ["2025-03-14T20:10:00.000Z"],
        cash: "1920",
        positions: { count: 2, quantity: "1450.25", marketValue: "38091.08", costBasis: "35312.23" },
        warnings: 1,
      },
    },
    {
      file: fixture("All-Accounts-Positions-2020-11-13-150500.CSV"),
      expect: {
        accounts: 2,
        accountRefs: ["Brokerage XXXX-9902", "Roth IRA XXXX-5510"],
        cash: "306",
        positions: { count: 2, quantity: "50", marketValue: "5374.4" },
      },
    },
  ],
  bad: [
    {
      file: bad("truncated-mid-row-Positions-2020-11-13.CSV"),
      kind: "truncated",
      reason: /never ends/,
      line: 6,
    },
    {
      file: bad("truncated-no-total-Positions-2020-11-13.CSV"),
      kind: "truncated",
      reason: /no "Account Total" row: the file is truncated/,
    },
    { file: bad("formula-equals-Positions.CSV"), kind: "formula", reason: /spreadsheet formula/, line: 5 },
    { file: bad("formula-plus-Positions.CSV"), kind: "formula", reason: /spreadsheet formula/, line: 6 },
    {
      file: bad("formula-at-Positions.CSV"),
      kind: "formula",
      reason: /column 25 holds a spreadsheet formula/,
      line: 4,
    },
    {
      file: bad("bad-quantity-Positions.CSV"),
      kind: "bad-value",
      reason: /Quantity: "12O.5" is not a quantity/,
      line: 4,
    },
    garbage,
    entities,
  ],
});

runConformance(schwabLotDetailsCsv, {
  good: [
    {
      file: fixture("lot-details-SCHA-2020-11-13.csv"),
      expect: {
        accounts: 1,
        accountRefs: ["XXXX-9902"],
        asOf: ["2020-11-13T20:05:00.000Z"],
        cash: null,
        lots: { count: 2, quantity: "35", costBasis: "3100" },
        warnings: 0,
      },
    },
    {
      file: fixture("lot-details-VTI-2026-11-20.csv"),
      expect: { accounts: 1, lots: { count: 4, quantity: "700", costBasis: "152990" }, warnings: 0 },
    },
  ],
  bad: [
    { file: bad("truncated-lot-details-SCHA.csv"), kind: "truncated", reason: /never ends/, line: 5 },
    { file: bad("formula-lot-details-SCHA.csv"), kind: "formula", reason: /spreadsheet formula/, line: 4 },
    garbage,
  ],
});

runConformance(schwabTransactionsCsv, {
  good: [
    {
      file: fixture("Brokerage_Transactions_20201113-150500.CSV"),
      expect: {
        accounts: 1,
        accountRefs: ["Brokerage XXXX-9902"],
        asOf: ["2020-11-13T20:05:00.000Z"],
        transactions: { count: 9, quantity: "5.1978", amount: "1057.44" },
        warnings: 1,
      },
    },
    {
      file: fixture("Brokerage_Transactions_20201120-150500.CSV"),
      expect: { accounts: 1, transactions: { count: 11, quantity: "15.1978", amount: "247.86" } },
    },
    {
      file: fixture("XXXX9902_Transactions_multi-account_20201113.CSV"),
      expect: {
        accounts: 2,
        accountRefs: ["...902", "...510"],
        asOf: ["2020-11-14T03:00:26.000Z", "2020-11-14T03:00:26.000Z"],
        transactions: { count: 3, quantity: "16", amount: "-1767.88" },
      },
    },
    {
      file: fixture("XXXX9902_Transactions_20250314-161000.csv"),
      expect: {
        accounts: 1,
        accountRefs: ["XXXX9902"],
        asOf: [null],
        transactions: { count: 2, amount: "-1123.98" },
      },
    },
  ],
  bad: [
    {
      file: bad("truncated-Transactions_20201113.CSV"),
      kind: "truncated",
      reason: /no "Transactions Total" row: the file is truncated/,
    },
    { file: bad("formula-minus-Transactions.CSV"), kind: "formula", reason: /spreadsheet formula/, line: 12 },
    {
      file: bad("bad-date-Transactions.CSV"),
      kind: "bad-value",
      reason: /Date: "2020-11-10" is not a date/,
      line: 4,
    },
    garbage,
  ],
});

runConformance(schwabTransactionsJson, {
  good: [
    {
      file: fixture("XXXX9902_Transactions_20201113-150500.json"),
      expect: {
        accounts: 1,
        accountRefs: ["XXXX9902"],
        transactions: { count: 9, quantity: "5.1978", amount: "1057.44" },
      },
    },
  ],
  bad: [
    { file: bad("truncated-Transactions.json"), kind: "truncated", reason: /JSON is malformed/ },
    {
      file: bad("formula-Transactions.json"),
      kind: "formula",
      reason: /record 10, Description: .* spreadsheet formula/,
    },
    garbage,
  ],
});

runConformance(schwabRealizedGainLossCsv, {
  good: [
    {
      file: fixture("XXXX9902_GainLoss_Realized_20201113.CSV"),
      expect: {
        accounts: 1,
        accountRefs: ["...902"],
        asOf: ["2020-11-13T20:05:00.000Z"],
        transactions: { count: 2, quantity: "-15", amount: "811.08" },
      },
    },
  ],
  bad: [
    { file: bad("truncated-GainLoss_Realized.CSV"), kind: "truncated", reason: /never ends/, line: 5 },
    { file: bad("formula-GainLoss_Realized.CSV"), kind: "formula", reason: /spreadsheet formula/, line: 5 },
    {
      file: bad("bad-amount-GainLoss.CSV"),
      kind: "bad-value",
      reason: /Proceeds: "\$4 21.00" is not an amount/,
      line: 5,
    },
    garbage,
  ],
});

runConformance(schwabTraderApiPositions, {
  good: [
    {
      file: fixture("trader-api-account-positions.json"),
      expect: {
        accounts: 1,
        accountRefs: ["87659902"],
        asOf: [null],
        cash: "1029.87",
        positions: { count: 2, quantity: "155.5", marketValue: "25144.9", costBasis: "23111.434" },
        warnings: 1,
      },
    },
  ],
  bad: [
    {
      file: bad("truncated-trader-api-account-positions.json"),
      kind: "truncated",
      reason: /JSON is malformed/,
    },
    {
      file: bad("formula-trader-api-account-positions.json"),
      kind: "formula",
      reason: /spreadsheet formula/,
    },
    {
      file: bad("bad-number-trader-api-account-positions.json"),
      kind: "bad-value",
      reason: /"thirty-five" is not a number/,
    },
    garbage,
  ],
});

runConformance(schwabTraderApiTransactions, {
  good: [
    {
      file: fixture("trader-api-transactions.json"),
      expect: {
        accounts: 1,
        accountRefs: ["87659902"],
        transactions: { count: 6, quantity: "5.1978", amount: "3539.95" },
        warnings: 1,
      },
    },
  ],
  bad: [
    { file: bad("truncated-trader-api-transactions.json"), kind: "truncated", reason: /JSON is malformed/ },
    {
      file: bad("formula-trader-api-transactions.json"),
      kind: "formula",
      reason: /spreadsheet formula/,
      line: 1,
    },
    garbage,
  ],
});

// The Advisor cost-basis response cannot name its securities (only Schwab's internal numbers), so
// it has no good fixture of its own; its refusal is covered by the samples test.
void schwabAdvisorCostBasisJson;
