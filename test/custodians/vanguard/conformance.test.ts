// Every Vanguard adapter through the shared conformance suite, on the project's own fixtures
// (test/fixtures/custodians/vanguard: written for lotwise; the CSV follows the assumed layout).
import { join } from "node:path";
import { vanguardCsvParser } from "../../../src/custodians/vanguard/vanguard-csv.ts";
import { vanguardOfxParser } from "../../../src/custodians/vanguard/vanguard-ofx.ts";
import { runConformance } from "../conformance.ts";

const dir = join(import.meta.dirname, "../../fixtures/custodians/vanguard");
const fixture = (name: string) => join(dir, name);
const bad = (name: string) => join(dir, "bad", name);

runConformance(vanguardCsvParser, {
  good: [
    {
      file: fixture("OfxDownload.csv"),
      expect: {
        accounts: 2,
        accountRefs: ["12345678", "87654321"],
        asOf: [null, null],
        cash: "1530.33",
        positions: { count: 3, quantity: "167.8456", marketValue: "24485.7" },
        transactions: { count: 9, quantity: "-1.1655", amount: "1740.55" },
        warnings: 3,
      },
    },
    {
      file: fixture("OfxDownload-2024.csv"),
      expect: {
        accounts: 1,
        accountRefs: ["55555555"],
        asOf: [null],
        cash: null,
        transactions: { count: 3, quantity: "10", amount: "-1600.2" },
        warnings: 0,
      },
    },
  ],
  bad: [
    { file: bad("truncated-OfxDownload.csv"), kind: "truncated", reason: /cut short/, line: 17 },
    { file: bad("formula-OfxDownload.csv"), kind: "formula", reason: /spreadsheet formula/, line: 3 },
    {
      file: bad("bad-date-OfxDownload.csv"),
      kind: "bad-value",
      reason: /Trade Date: "2022-13-26"/,
      line: 13,
    },
  ],
});

runConformance(vanguardOfxParser, {
  good: [
    {
      file: fixture("OfxDownload-brokerage.qfx"),
      expect: {
        accounts: 1,
        accountRefs: ["99887766"],
        asOf: ["2024-06-28T04:00:00.000Z"],
        cash: "448.06",
        positions: { count: 2, quantity: "188.373", marketValue: "19346.63" },
        transactions: { count: 4, quantity: "-11.627", amount: "448.06" },
        warnings: 0,
      },
    },
    {
      file: fixture("OfxDownload-401k.qfx"),
      expect: {
        accounts: 1,
        accountRefs: ["777888"],
        asOf: ["2024-05-31T21:00:00.000Z"],
        cash: "0",
        positions: { count: 1, quantity: "5.9875", marketValue: "646.65" },
        transactions: { count: 3, quantity: "5.9875", amount: "-601.51" },
        warnings: 3,
      },
    },
  ],
  bad: [
    {
      file: bad("truncated-OfxDownload-401k.qfx"),
      kind: "truncated",
      reason: /truncated: <INVPOS> opened on line 141 is never closed/,
      line: 146,
    },
    { file: bad("xxe-OfxDownload-401k.qfx"), kind: "hostile", reason: /declares an XML entity/, line: 10 },
    {
      file: bad("bad-date-OfxDownload-brokerage.qfx"),
      kind: "bad-value",
      reason: /not an OFX date .*"2024-06-10"/,
      line: 15,
    },
  ],
});
