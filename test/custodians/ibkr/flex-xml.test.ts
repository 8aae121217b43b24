// The IBKR Flex XML parser on made-up statements that reproduce IBKR's quirks: SUMMARY and LOT rows
// for the same holding, several accounts, per-query date formats, thousands separators, summary
// rows that repeat executions, cancellations, corporate actions, and hostile or truncated XML.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ibkrFlexXmlParser, parseFlexXml } from "../../../src/custodians/ibkr/flex-xml.ts";
import type { Statement } from "../../../src/custodians/statement.ts";

const FIXTURES = join(import.meta.dirname, "../../fixtures/custodians/ibkr");
const fixture = (name: string) => readFileSync(join(FIXTURES, name), "utf8");

function parsed(text: string): Statement {
  const result = parseFlexXml(text);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

const wrap = (statement: string, count = 1) =>
  `<FlexQueryResponse queryName="t" type="AF"><FlexStatements count="${count}">${statement}</FlexStatements></FlexQueryResponse>`;

describe("IBKR Flex XML", () => {
  const activity = parsed(fixture("activity-lots.xml"));
  const account = activity.accounts[0];

  it("detects Flex responses and nothing else", () => {
    expect(ibkrFlexXmlParser.detect(fixture("activity-lots.xml"), "activity.xml")).toBe(true);
    expect(ibkrFlexXmlParser.detect("Symbol,Description,Quantity\n", "positions.csv")).toBe(false);
    expect(ibkrFlexXmlParser.detect("<?xml version='1.0'?><OFX></OFX>", "x.ofx")).toBe(false);
    expect(ibkrFlexXmlParser).toMatchObject({ custodian: "ibkr", format: "ibkr.flex-xml" });
  });

  it("lot-rows-become-lots: open date, quantity and basis per lot, with IBKR's lot id", () => {
    expect(
      account?.lots.map((l) => [l.instrument.symbol, l.lotId, l.acquiredDate, l.quantity, l.costBasis]),
    ).toEqual([
      ["VTI", "1001", "2024-03-15", "100", "21050"],
      ["VTI", "1002", "2025-08-01", "40", "10820"],
      ["VTI", "2001", "2026-11-03", "10", "3053"],
      ["BND", "1003", "2023-01-10", "199.5", "14764.5"],
      ["BND", "2003", "2026-11-05", "0.5", "35.5"],
    ]);
  });

  it("summary-rows-become-positions, not counted twice with their lots; options are skipped with a warning", () => {
    expect(account?.positions).toEqual([
      {
        instrument: { symbol: "VTI", cusip: "922908769", description: "VANGUARD TOTAL STOCK MKT ETF" },
        quantity: "150",
        price: "310",
        marketValue: "46500",
        costBasis: "34923",
        line: 14,
      },
      {
        instrument: { symbol: "BND", cusip: "921937835", description: "VANGUARD TOTAL BOND MARKET" },
        quantity: "200",
        price: "72.5",
        marketValue: "14500",
        costBasis: "14800",
        line: 18,
      },
    ]);
    expect(activity.warnings).toContainEqual({
      line: 21,
      message: expect.stringContaining("OPT position VTI   261218C00320000 skipped"),
    });
  });

  it("reads the CUSIP from the SecuritiesInfo section or a US ISIN when the row has none", () => {
    // VTI's rows have no cusip (SecuritiesInfo has it); BND's have only an ISIN.
    expect(account?.positions.map((p) => p.instrument.cusip)).toEqual(["922908769", "921937835"]);
  });

  it("account cash is the USD ending cash of the cash report (thousands separators read)", () => {
    expect(account?.cash).toBe("12345.67");
    expect(account?.accountRef).toBe("U7654321");
  });

  it("as-of is the close of the statement's last day when it was generated the next morning", () => {
    // toDate 2026-11-19 16:00 New York (21:00 UTC) is earlier than whenGenerated 2026-11-20 08:30:15.
    expect(account?.asOf).toBe("2026-11-19T21:00:00.000Z");
  });

  it("trades-become-buys-and-sells with fees and net cash; reinvested dividends are marked", () => {
    const trades = account?.transactions.filter((t) => t.quantity !== null);
    expect(
      trades?.map((t) => [
        t.externalId,
        t.type,
        t.tradeDate,
        t.settleDate,
        t.quantity,
        t.price,
        t.amount,
        t.fees,
      ]),
    ).toEqual([
      ["2001", "BUY", "2026-11-03", "2026-11-04", "10", "305.2", "-3053", "1"],
      ["2003", "DIVIDEND_REINVEST", "2026-11-05", "2026-11-05", "0.5", "71", "-35.5", "0"],
      ["2002", "SELL", "2026-11-10", "2026-11-11", "-25", "72.1", "1801.48", "1.02"],
    ]);
  });

  it("executions are used and the ORDER row repeating one is skipped; a cancelled trade and its cancellation are dropped", () => {
    expect(
      account?.transactions.filter((t) => t.instrument?.symbol === "VXUS" && t.quantity !== null),
    ).toEqual([]);
    const messages = activity.warnings.map((w) => w.message);
    expect(messages).toContain("1 Trade row(s) at levelOfDetail ORDER skipped: they repeat the executions");
    expect(messages).toContain("cancelled trade in VXUS (line 29) and its cancellation skipped");
    expect(messages).toContain("1 currency conversion trade(s) (assetCategory CASH) skipped");
  });

  it("cash-transactions-become-dividends-interest-fees-deposits-and-withdrawals", () => {
    const cash = account?.transactions.filter((t) => t.quantity === null);
    expect(
      cash?.map((t) => [
        t.externalId,
        t.type,
        t.rawAction,
        t.tradeDate,
        t.amount,
        t.instrument?.symbol ?? null,
      ]),
    ).toEqual([
      ["3004", "DEPOSIT", "Deposits & Withdrawals", "2026-10-02", "5000", null],
      ["3001", "DIVIDEND", "Dividends", "2026-10-30", "95.12", "VTI"],
      ["3002", "FEE", "Withholding Tax", "2026-10-31", "-2.1", "VXUS"],
      ["3006", "FEE", "Other Fees", "2026-11-03", "-10", null],
      ["3003", "INTEREST", "Broker Interest Received", "2026-11-04", "4.37", null],
      ["3005", "WITHDRAWAL", "Deposits/Withdrawals", "2026-11-16", "-1200", null],
    ]);
    // The SUMMARY row repeating the VTI dividend is not counted; unknown types and other currencies are reported.
    expect(activity.warnings).toContainEqual({
      line: 41,
      message:
        'cash transaction of type "Price Adjustments" (PRICE ADJUSTMENT) skipped: not a type lotwise imports',
    });
    expect(activity.warnings).toContainEqual({
      line: 42,
      message: 'cash transaction "Dividends" in EUR skipped: amounts are not in USD',
    });
  });

  it("corporate-actions-become-warnings with their line, date, type and description", () => {
    expect(activity.warnings).toContainEqual({
      line: 45,
      message:
        'corporate action on 2026-11-12 for VXUS, type FS, "VXUS(US9219097683) SPLIT 2 FOR 1 (VXUS, VANGUARD TOTAL INTL STOCK, US9219097683)", quantity 5: not applied; check this security\'s lots and positions by hand',
    });
  });

  it("multiple-accounts: one account per FlexStatement; lot-only queries get positions summed from their lots", () => {
    const statement = parsed(fixture("multi-account.xml"));
    expect(statement.accounts.map((a) => a.accountRef)).toEqual(["U1111111", "U2222222"]);
    const [first, second] = statement.accounts;
    expect(first?.positions.map((p) => [p.instrument.symbol, p.quantity, p.costBasis])).toEqual([
      ["VOO", "12", "5763"],
    ]);
    expect(first?.lots).toEqual([]);
    expect(
      second?.positions.map((p) => [p.instrument.symbol, p.quantity, p.marketValue, p.costBasis]),
    ).toEqual([["VTSAX", "100", "15000", "12397.5"]]);
    expect(second?.lots.map((l) => [l.acquiredDate, l.quantity])).toEqual([
      ["2019-06-28", "80.125"],
      ["2025-12-15", "19.875"],
    ]);
    // MM/dd/yyyy dates with "," between date and time.
    expect(second?.transactions[0]).toMatchObject({
      type: "SELL",
      tradeDate: "2026-11-14",
      settleDate: "2026-11-17",
    });
    expect(second?.asOf).toBe("2026-11-19T21:00:00.000Z");
    expect(statement.warnings).toEqual([]);
  });

  it("a lot without an open date is skipped with a warning; lots that do not add up to the position are reported", () => {
    const statement = parsed(
      wrap(`<FlexStatement accountId="U9" toDate="20261119" whenGenerated="20261119;170000"><OpenPositions>
<OpenPosition assetCategory="STK" symbol="VEA" position="30" costBasisMoney="1500" levelOfDetail="SUMMARY" />
<OpenPosition assetCategory="STK" symbol="VEA" position="20" costBasisMoney="1000" levelOfDetail="LOT" openDateTime="20240102;100000" />
<OpenPosition assetCategory="STK" symbol="VEA" position="5" costBasisMoney="250" levelOfDetail="LOT" openDateTime="" />
</OpenPositions></FlexStatement>`),
    );
    expect(statement.accounts[0]?.lots.map((l) => [l.acquiredDate, l.quantity])).toEqual([
      ["2024-01-02", "20"],
    ]);
    expect(statement.warnings.map((w) => w.message)).toEqual([
      "lot of 5 VEA has no openDateTime: it cannot be used for tax lots and is skipped",
      "the lots of VEA add up to 25 but the position is 30",
    ]);
  });

  it("hostile-xml-entity-refused: a DOCTYPE with entity declarations is refused before anything is read", () => {
    const result = parseFlexXml(fixture("hostile-entities.xml"));
    expect(result).toEqual({
      ok: false,
      error: {
        line: 2,
        field: null,
        message:
          "not readable XML: DOCTYPE declarations are refused (they can define entities that expand or fetch external files)",
      },
    });
  });

  it("an undeclared entity reference is refused, not expanded", () => {
    const result = parseFlexXml(wrap('<FlexStatement accountId="&xxe;" />'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain("unknown entity &xxe;");
  });

  it("truncated-file-refused: cut inside a tag, or between tags, names the line", () => {
    const inside = parseFlexXml(fixture("truncated.xml"));
    expect(inside).toEqual({
      ok: false,
      error: {
        line: 26,
        field: null,
        message: "not readable XML: the file ends inside the start tag <Trade> (truncated)",
      },
    });
    const text = fixture("activity-lots.xml");
    const between = parseFlexXml(text.slice(0, text.indexOf("<CashTransactions>")));
    expect(between.ok).toBe(false);
    if (!between.ok) {
      expect(between.error.message).toBe(
        "not readable XML: the file ends before <FlexStatement> (line 7) is closed: it looks truncated",
      );
    }
  });

  it("a statement count that does not match the statements is refused as incomplete", () => {
    const result = parseFlexXml(wrap('<FlexStatement accountId="U1" />', 2));
    expect(result).toEqual({
      ok: false,
      error: {
        line: 1,
        field: "FlexStatements.count",
        message: 'FlexStatements says count="2" but holds 1 statement(s): the file is incomplete',
      },
    });
  });

  it("an unreadable number or date refuses the file with its line and field", () => {
    const bad = parseFlexXml(
      wrap(`<FlexStatement accountId="U1">
<OpenPositions><OpenPosition assetCategory="STK" symbol="VTI" position="1O0" /></OpenPositions></FlexStatement>`),
    );
    expect(bad).toEqual({
      ok: false,
      error: {
        line: 2,
        field: "OpenPosition.position",
        message: 'OpenPosition.position is not a number: "1O0"',
      },
    });
    const date = parseFlexXml(
      wrap(`<FlexStatement accountId="U1">
<Trades><Trade assetCategory="STK" symbol="VTI" quantity="1" buySell="BUY" tradeDate="2026-13-40" /></Trades></FlexStatement>`),
    );
    expect(date.ok).toBe(false);
    if (!date.ok) expect(date.error).toMatchObject({ line: 2, field: "Trade.tradeDate" });
  });

  it("the same account twice is refused", () => {
    const result = parseFlexXml(
      wrap('<FlexStatement accountId="U1" />\n<FlexStatement accountId="U1" />', 2),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toContain("account U1 appears twice");
  });

  it("a Flex Web Service error envelope given as a file says what it is", () => {
    const result = parseFlexXml(
      "<FlexStatementResponse timestamp='20 November, 2026 08:30 AM EST'><Status>Warn</Status><ErrorCode>1019</ErrorCode><ErrorMessage>Statement generation in progress. Please try again shortly.</ErrorMessage></FlexStatementResponse>",
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toBe(
        "this is an IBKR Flex Web Service reply, not a statement: error 1019: Statement generation in progress. Please try again shortly.",
      );
    }
  });
});
