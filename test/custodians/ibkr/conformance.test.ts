// The IBKR Flex XML parser through the shared conformance suite, on lotwise's own fixtures
// (test/fixtures/custodians/ibkr: made up, reproducing the quirks of real Flex statements).
import { join } from "node:path";
import { ibkrFlexXmlParser } from "../../../src/custodians/ibkr/flex-xml.ts";
import { runConformance } from "../conformance.ts";

const fixture = (name: string) => join(import.meta.dirname, "../../fixtures/custodians/ibkr", name);

runConformance(ibkrFlexXmlParser, {
  good: [
    {
      file: fixture("activity-lots.xml"),
      expect: {
        accounts: 1,
        accountRefs: ["U7654321"],
        asOf: ["2026-11-19T21:00:00.000Z"],
        cash: "12345.67",
        positions: { count: 2, quantity: "350", marketValue: "61000", costBasis: "49723" },
        lots: { count: 5, quantity: "350", costBasis: "49723" },
        transactions: { count: 9, quantity: "-14.5", amount: "2600.37" },
        warnings: 8,
      },
    },
    {
      file: fixture("multi-account.xml"),
      expect: {
        accounts: 2,
        accountRefs: ["U1111111", "U2222222"],
        asOf: ["2026-11-19T21:00:00.000Z", "2026-11-19T21:00:00.000Z"],
        cash: null,
        positions: { count: 2, quantity: "112", marketValue: "21720", costBasis: "18160.5" },
        lots: { count: 2, quantity: "100", costBasis: "12397.5" },
        transactions: { count: 1, quantity: "-10", amount: "1485" },
        warnings: 0,
      },
    },
  ],
  bad: [
    {
      file: fixture("truncated.xml"),
      kind: "truncated",
      reason: /the file ends inside the start tag <Trade> \(truncated\)/,
      line: 26,
    },
    {
      file: fixture("hostile-entities.xml"),
      kind: "hostile",
      reason: /declares an XML document type/,
      line: 2,
    },
    {
      file: fixture("bad-number.xml"),
      kind: "bad-value",
      reason: /OpenPosition\.position is not a number: "19,875\.0\.1"/,
      line: 17,
    },
  ],
});
