// Every Fidelity adapter through the shared conformance suite, on the project's own fixtures
// (test/fixtures/custodians/fidelity: written for lotwise, reproducing the quirks of real exports).
import { join } from "node:path";
import { fidelityOfxParser } from "../../../src/custodians/fidelity/fidelity-ofx.ts";
import { fidelityHistoryCsvParser } from "../../../src/custodians/fidelity/history-csv.ts";
import { fidelityPositionsCsvParser } from "../../../src/custodians/fidelity/positions-csv.ts";
import { fidelityRealizedGainLossCsvParser } from "../../../src/custodians/fidelity/realized-gain-loss-csv.ts";
import { runConformance } from "../conformance.ts";

const dir = join(import.meta.dirname, "../../fixtures/custodians/fidelity");
const fixture = (name: string) => join(dir, name);
const bad = (name: string) => join(dir, "bad", name);

runConformance(fidelityPositionsCsvParser, {
  good: [
    {
      file: fixture("Portfolio_Positions_Mar-15-2024.csv"),
      expect: {
        accounts: 3,
        accountRefs: ["Z11111111", "Z22222222", "12345"],
        asOf: ["2024-03-15T20:05:00.000Z", "2024-03-15T20:05:00.000Z", "2024-03-15T20:05:00.000Z"],
        cash: "11611.17",
        positions: { count: 4, quantity: "563.719", marketValue: "71355.62", costBasis: "53500" },
        warnings: 5,
      },
    },
    {
      file: fixture("Portfolio_Positions_Feb-18-2026.csv"),
      expect: {
        accounts: 1,
        accountRefs: ["X99999999"],
        asOf: ["2026-02-19T00:04:00.000Z"],
        cash: "260",
        positions: { count: 1, quantity: "10.5", marketValue: "2206.05", costBasis: "2000" },
        warnings: 0,
      },
    },
  ],
  bad: [
    {
      file: bad("truncated-Portfolio_Positions_Mar-15-2024.csv"),
      kind: "truncated",
      reason: /cut short/,
      line: 6,
    },
    {
      file: bad("formula-Portfolio_Positions_Mar-15-2024.csv"),
      kind: "formula",
      reason: /spreadsheet formula/,
      line: 4,
    },
    {
      file: bad("bad-quantity-Portfolio_Positions_Mar-15-2024.csv"),
      kind: "bad-value",
      reason: /Quantity: "4O" is not a quantity/,
      line: 9,
    },
  ],
});

runConformance(fidelityHistoryCsvParser, {
  good: [
    {
      file: fixture("Accounts_History_2021.csv"),
      expect: {
        accounts: 2,
        accountRefs: ["X11111111", "X22222222"],
        asOf: ["2021-03-31T13:15:00.000Z", "2021-03-31T13:15:00.000Z"],
        cash: null,
        transactions: { count: 5, quantity: "5.043", amount: "6912.83" },
        warnings: 2,
      },
    },
    {
      file: fixture("History_for_Account_Z12345678.csv"),
      expect: {
        accounts: 1,
        accountRefs: ["Z12345678"],
        asOf: ["2023-02-05T15:28:00.000Z"],
        transactions: { count: 4, quantity: "5.123", amount: "-583.26" },
        warnings: 0,
      },
    },
    {
      file: fixture("History_for_Account_Y55555555.csv"),
      expect: {
        accounts: 1,
        accountRefs: ["Y55555555"],
        asOf: ["2024-04-06T00:00:00.000Z"],
        transactions: { count: 3, quantity: "-1", amount: "1262.22" },
        warnings: 1,
      },
    },
    {
      file: fixture("Accounts_History_2025-12.csv"),
      expect: {
        accounts: 2,
        accountRefs: ["Z77777777", "Z88888888"],
        asOf: ["2025-12-03T20:00:00.000Z", "2025-12-03T20:00:00.000Z"],
        transactions: { count: 5, quantity: "2", amount: "-626.67" },
        warnings: 0,
      },
    },
  ],
  bad: [
    {
      file: bad("truncated-Accounts_History_2021.csv"),
      kind: "truncated",
      reason: /never ends: the file is truncated/,
      line: 13,
    },
    {
      file: bad("bad-date-Accounts_History_2021.csv"),
      kind: "bad-value",
      reason: /Run Date: "03\/35\/2021"/,
      line: 8,
    },
    {
      file: bad("formula-Accounts_History_2021.csv"),
      kind: "formula",
      reason: /spreadsheet formula/,
      line: 9,
    },
  ],
});

runConformance(fidelityRealizedGainLossCsvParser, {
  good: [
    {
      file: fixture("Realized_Gain_Loss_Account_Z12345678.csv"),
      expect: {
        accounts: 1,
        accountRefs: ["Z12345678"],
        asOf: [null],
        transactions: { count: 2, quantity: "-35", amount: "4325" },
        warnings: 0,
      },
    },
  ],
  bad: [
    {
      file: bad("empty-Realized_Gain_Loss_Account_Z12345678.csv"),
      kind: "truncated",
      reason: /no closed lots: nothing to import/,
      line: 1,
    },
    {
      file: bad("bad-amount-Realized_Gain_Loss_Account_Z12345678.csv"),
      kind: "bad-value",
      reason: /Proceeds: "\$1,075\.00\.00" is not an amount/,
      line: 3,
    },
  ],
});

runConformance(fidelityOfxParser, {
  good: [
    {
      file: fixture("fidelity-Z11111111.ofx"),
      expect: {
        accounts: 1,
        accountRefs: ["Z11111111"],
        asOf: ["2024-03-15T07:30:00.000Z"],
        cash: "11111.17",
        positions: { count: 3, quantity: "410.581", marketValue: "45073.9", costBasis: "14999.94" },
        transactions: { count: 7, quantity: "40.081", amount: "-7808.33" },
        warnings: 2,
      },
    },
  ],
  bad: [
    {
      file: bad("truncated-fidelity-Z11111111.ofx"),
      kind: "truncated",
      reason: /truncated: <INVTRAN> opened on line 17 is never closed/,
      line: 17,
    },
    {
      file: bad("billion-laughs-fidelity.ofx"),
      kind: "hostile",
      reason: /declares an XML document type/,
      line: 11,
    },
    {
      file: bad("bad-units-fidelity-Z11111111.ofx"),
      kind: "bad-value",
      reason: /not a number: "-00000000000l0\.00000"/,
      line: 17,
    },
  ],
});
