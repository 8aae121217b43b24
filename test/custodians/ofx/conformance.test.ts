// The generic OFX adapter through the shared conformance suite, on the project's own fixtures
// (test/fixtures/custodians/ofx: OFX 2.x XML and OFX 1.x SGML from institutions with no adapter).
import { join } from "node:path";
import { ofxParser } from "../../../src/custodians/ofx/ofx-parser.ts";
import { runConformance } from "../conformance.ts";

const dir = join(import.meta.dirname, "../../fixtures/custodians/ofx");
const fixture = (name: string) => join(dir, name);
const bad = (name: string) => join(dir, "bad", name);

runConformance(ofxParser, {
  good: [
    {
      file: fixture("example-brokerage-v220.ofx"),
      expect: {
        accounts: 2,
        accountRefs: ["EX-1001", "EX-1002"],
        asOf: ["2024-01-01T04:59:59.000Z", "2024-01-01T04:59:59.000Z"],
        cash: "1284.56",
        positions: { count: 2, quantity: "8.168", marketValue: "-557.664", costBasis: "660.046" },
        transactions: { count: 11, quantity: "8.168", amount: "2581.48" },
        warnings: 1,
      },
    },
    {
      file: fixture("example-clearing-sgml.ofx"),
      expect: {
        accounts: 1,
        accountRefs: ["555-0001"],
        asOf: ["2024-04-05T16:00:00.000Z"],
        cash: "13.75",
        positions: { count: 1, quantity: "1000", marketValue: "987.5" },
        transactions: { count: 1, quantity: "1000", amount: "-986.25" },
        warnings: 1,
      },
    },
  ],
  bad: [
    {
      file: bad("truncated-example-brokerage-v220.ofx"),
      kind: "truncated",
      reason: /truncated: <INVTRANLIST> opened on line 20 is never closed/,
      line: 83,
    },
    { file: bad("billion-laughs.ofx"), kind: "hostile", reason: /declares an XML document type/, line: 2 },
    { file: bad("garbage-after-header.ofx"), kind: "garbage", reason: /malformed tag/, line: 5 },
    {
      file: bad("bad-number-example-brokerage-v220.ofx"),
      kind: "bad-value",
      reason: /not a number: "4\.55E\+2"/,
      line: 36,
    },
    {
      file: bad("euro-example-brokerage-v220.ofx"),
      kind: "bad-value",
      reason: /EUR are not supported/,
      line: 16,
    },
    {
      file: bad("bank-statement.ofx"),
      kind: "bad-value",
      reason: /bank or credit-card download; only investment statements/,
      line: null,
    },
    { file: bad("signon-error.ofx"), kind: "bad-value", reason: /error 15500: Signon invalid/, line: 12 },
  ],
});
