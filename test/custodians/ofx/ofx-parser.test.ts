// The generic OFX parser on its fixtures (OFX 2.x XML with two accounts; OFX 1.x SGML with no zones)
// and on hand-made refusals: hostile declarations, wrong encodings, error responses, non-USD,
// missing required elements. Whatever the input, parse returns a value; it never throws.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ofxParser } from "../../../src/custodians/ofx/ofx-parser.ts";
import type { ImportError, Statement, StatementTransaction } from "../../../src/custodians/statement.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/custodians/ofx");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

function parsed(text: string): Statement {
  const result = ofxParser.parse(text, "download.ofx");
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

function refused(text: string): ImportError {
  const result = ofxParser.parse(text, "download.ofx");
  if (result.ok) throw new Error("expected a refusal");
  return result.error;
}

const HEADER = "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\nENCODING:USASCII\nCHARSET:1252\n\n";
const statementWith = (inner: string, account = "<INVACCTFROM><BROKERID>x.com<ACCTID>A-1</INVACCTFROM>") =>
  `${HEADER}<OFX><INVSTMTMSGSRSV1><INVSTMTTRNRS><TRNUID>1<STATUS><CODE>0<SEVERITY>INFO</STATUS><INVSTMTRS><DTASOF>20240105<CURDEF>USD${account}${inner}</INVSTMTRS></INVSTMTTRNRS></INVSTMTMSGSRSV1></OFX>\n`;
const CASH = "<INVBAL><AVAILCASH>1</INVBAL>";

describe("generic OFX: OFX 2.x XML with two accounts", () => {
  const statement = parsed(fixture("example-brokerage-v220.ofx"));
  const [first, second] = statement.accounts;
  const tx = (fitid: string): StatementTransaction | undefined =>
    first?.transactions.find((candidate) => candidate.externalId === fitid);

  it("reads each INVSTMTRS as an account, DTASOF as its as-of time, AVAILCASH as its cash", () => {
    expect(statement.custodian).toBe("ofx");
    expect(statement.format).toBe("ofx.invstmt");
    expect(first).toMatchObject({ accountRef: "EX-1001", asOf: "2024-01-01T04:59:59.000Z", cash: "1234.56" });
    expect(second).toMatchObject({ accountRef: "EX-1002", cash: "50", positions: [], transactions: [] });
  });

  it("maps positions through the SECLIST: ticker, CUSIP, decoded name; SHORT is negative; AVGCOSTBASIS is a total", () => {
    expect(first?.positions).toEqual([
      {
        instrument: { symbol: "MSFT", cusip: "594918104", description: "Microsoft Corp" },
        quantity: "13.168",
        price: "52",
        marketValue: "684.736",
        costBasis: "660.046",
        line: 85,
      },
      {
        instrument: { symbol: "TSLA", cusip: "88160R101", description: "Tesla & Co" },
        quantity: "-5",
        price: "248.48",
        marketValue: "-1242.4",
        costBasis: null,
        line: 92,
      },
    ]);
    expect(first?.lots).toEqual([]);
  });

  it("maps trades with signed quantities, fees and dates on the New York calendar", () => {
    expect(tx("T-1")).toMatchObject({
      type: "BUY",
      rawAction: "BUYSTOCK BUY (Bought MSFT)",
      tradeDate: "2023-12-04",
      settleDate: "2023-12-06",
      quantity: "10",
      price: "50.25",
      amount: "-503.5",
      fees: "1",
    });
    // The FI sent UNITS 5 on a sell: the statement's quantity is negative.
    expect(tx("T-2")).toMatchObject({
      type: "SELL",
      rawAction: "SELLSTOCK SELL",
      quantity: "-5",
      amount: "2275.49",
      fees: "0.01",
    });
  });

  it("maps income, reinvestment (income plus purchase), expenses, margin interest, transfers and bank transactions", () => {
    expect(tx("T-3")).toMatchObject({
      type: "DIVIDEND",
      rawAction: "INCOME CGLONG (LT cap gain)",
      tradeDate: "2023-12-15",
      amount: "12.34",
    });
    expect(tx("T-4")).toMatchObject({ type: "INTEREST", tradeDate: "2023-12-28", amount: "0.75" });
    expect(tx("T-5.income")).toMatchObject({ type: "DIVIDEND", amount: "8.4", quantity: null });
    expect(tx("T-5")).toMatchObject({
      type: "DIVIDEND_REINVEST",
      quantity: "0.168",
      price: "50",
      amount: "-8.4",
    });
    expect(tx("T-6")).toMatchObject({ type: "FEE", amount: "-2.5", instrument: { symbol: "MSFT" } });
    expect(tx("T-7")).toMatchObject({ type: "INTEREST", amount: "-1.1", instrument: null });
    expect(tx("T-8")).toMatchObject({ type: "TRANSFER_IN", quantity: "3", amount: null });
    expect(tx("B-1")).toMatchObject({ type: "DEPOSIT", amount: "1000", tradeDate: "2023-12-01" });
    expect(tx("B-2")).toMatchObject({ type: "WITHDRAWAL", amount: "-200" });
  });

  it("warns about what it leaves out", () => {
    expect(statement.warnings).toEqual([{ line: 70, message: "SPLIT (a split) is not imported" }]);
  });
});

describe("generic OFX: OFX 1.x SGML with zone-less times and a bond", () => {
  const statement = parsed(fixture("example-clearing-sgml.ofx"));
  const account = statement.accounts[0];

  it("reads zone-less times as New York wall time and keeps the siblings of an empty <MEMO>", () => {
    expect(account?.asOf).toBe("2024-04-05T16:00:00.000Z");
    expect(account?.transactions[0]).toMatchObject({
      type: "BUY",
      rawAction: "BUYDEBT",
      tradeDate: "2024-04-01",
      settleDate: "2024-04-03",
      quantity: "1000",
      price: "98.5",
      amount: "-986.25",
    });
  });

  it("does not take a CUSIP given as the ticker for a symbol, and warns that bond prices are % of par", () => {
    expect(account?.positions[0]?.instrument).toEqual({
      symbol: null,
      cusip: "912828YK0",
      description: "US TREASURY NOTE 1.375% 10/15/2029",
    });
    expect(statement.warnings[0]?.message).toMatch(/a bond; UNITPRICE is a percentage of par/);
  });
});

describe("generic OFX: refusals", () => {
  it("refuses DOCTYPE and ENTITY declarations (XXE, entity expansion) with the line", () => {
    const xxe = `${HEADER}<!DOCTYPE OFX [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<OFX></OFX>`;
    expect(refused(xxe)).toMatchObject({ line: 8, field: "DOCTYPE" });
    expect(refused(xxe).message).toMatch(/declares an XML document type/);
    const entity = `<?xml version="1.0"?>\n<!ENTITY a "b">\n<?OFX OFXHEADER="200" VERSION="220"?><OFX></OFX>`;
    expect(refused(entity)).toMatchObject({ line: 2, field: "ENTITY" });
    expect(refused(statementWith(`<!ATTLIST OFX a CDATA "x">${CASH}`))).toMatchObject({ field: "ATTLIST" });
  });

  it("refuses text decoded with the wrong encoding", () => {
    const utf16 = Buffer.from(fixture("example-clearing-sgml.ofx"), "utf16le").toString("latin1");
    expect(refused(utf16).message).toMatch(/NUL characters: it is binary or UTF-16/);
    expect(refused(statementWith(`${CASH}<SECLIST>\uFFFD</SECLIST>`)).message).toMatch(/not valid UTF-8/);
  });

  it("refuses what is not OFX, and OFX that is not an investment statement", () => {
    expect(refused("hello, world").message).toMatch(/not an OFX file/);
    expect(refused(`OFXHEADER:200\n\n<OFX></OFX>`)).toMatchObject({ field: "OFXHEADER" });
    expect(
      refused(
        `${HEADER}<OFX><SIGNONMSGSRSV1><SONRS><STATUS><CODE>0<SEVERITY>INFO</STATUS></SONRS></SIGNONMSGSRSV1></OFX>`,
      ).message,
    ).toMatch(/no investment statement .*holds only the sign-on response/);
  });

  it("refuses an error status, a missing account, a missing DTASOF, and a statement with nothing in it", () => {
    const error = statementWith(CASH).replace(
      "<CODE>0<SEVERITY>INFO",
      "<CODE>2000<SEVERITY>ERROR<MESSAGE>General error",
    );
    expect(refused(error).message).toBe("the institution answered with error 2000: General error");
    expect(refused(statementWith(CASH, "<INVACCTFROM><BROKERID>x.com</INVACCTFROM>"))).toMatchObject({
      field: "INVSTMTMSGSRSV1/INVSTMTTRNRS/INVSTMTRS/INVACCTFROM/ACCTID",
      message: "<INVACCTFROM> has no <ACCTID>",
    });
    expect(refused(statementWith(CASH).replace("<DTASOF>20240105", "")).message).toBe(
      "<INVSTMTRS> has no <DTASOF>",
    );
    expect(
      refused(statementWith("<INVTRANLIST><DTSTART>20240101<DTEND>20240105</INVTRANLIST>")).message,
    ).toBe("the statement for account A-1 has no positions, transactions or cash balance: nothing to import");
  });

  it("refuses amounts in another currency, and required values that are missing or malformed", () => {
    const buy = (units: string, currency = "USD") =>
      statementWith(
        `<INVTRANLIST><BUYSTOCK><INVBUY><INVTRAN><FITID>1<DTTRADE>20240102</INVTRAN><SECID><UNIQUEID>594918104<UNIQUEIDTYPE>CUSIP</SECID>${units}<UNITPRICE>1<TOTAL>-1<CURRENCY><CURRATE>1<CURSYM>${currency}</CURRENCY></INVBUY><BUYTYPE>BUY</BUYSTOCK></INVTRANLIST>`,
      );
    expect(parsed(buy("<UNITS>1")).accounts[0]?.transactions[0]?.quantity).toBe("1");
    expect(refused(buy("<UNITS>1", "CAD")).message).toBe("amounts in CAD are not supported (USD only)");
    expect(refused(buy(""))).toMatchObject({
      field: "INVSTMTMSGSRSV1/INVSTMTTRNRS/INVSTMTRS/INVTRANLIST/BUYSTOCK/INVBUY/UNITS",
      message: "<INVBUY> has no <UNITS>",
    });
    expect(refused(buy("<UNITS>1,000.5")).message).toBe('not a number: "1,000.5"');
  });

  it("leaves out options and unknown transactions with a warning", () => {
    const statement = parsed(
      statementWith(
        `<INVTRANLIST><CLOSUREOPT><INVTRAN><FITID>9<DTTRADE>20240102</INVTRAN></CLOSUREOPT><NEWTHING><X>1</NEWTHING></INVTRANLIST><INVPOSLIST><POSOPT><INVPOS><SECID><UNIQUEID>X<UNIQUEIDTYPE>OTHER</SECID><UNITS>1</INVPOS></POSOPT></INVPOSLIST>${CASH}`,
      ),
    );
    expect(statement.warnings.map((warning) => warning.message)).toEqual([
      "an option position (POSOPT) is not imported: options are not supported",
      "CLOSUREOPT is not imported: options are not supported",
      "unknown transaction <NEWTHING> is not imported",
    ]);
  });
});

describe("generic OFX: parse is total", () => {
  const sources = [fixture("example-brokerage-v220.ofx"), fixture("example-clearing-sgml.ofx")];

  it("returns a statement or a refusal for any damage to a real file, and never throws", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.nat(),
        fc.nat(),
        fc.string({ maxLength: 8 }),
        (source, at, length, insert) => {
          const start = at % source.length;
          const damaged = source.slice(0, start) + insert + source.slice(start + (length % 40));
          const result = ofxParser.parse(damaged, "damaged.ofx");
          if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("returns a refusal for arbitrary text after an OFX header", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (body) => {
        const result = ofxParser.parse(`${HEADER}${body}`, "junk.ofx");
        expect(typeof result.ok).toBe("boolean");
      }),
      { numRuns: 300 },
    );
  });
});
