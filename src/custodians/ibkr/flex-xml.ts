// IBKR Flex Query XML (Activity statements) as a StatementParser (custodian-formats.md §5a):
// FlexQueryResponse > FlexStatements(count) > FlexStatement(accountId, toDate, whenGenerated), one
// per account, each with OpenPositions (SUMMARY -> positions, LOT -> lots), Trades, CashTransactions,
// CashReport (ending USD cash) and CorporateActions (reported as warnings: they change lots and are
// applied by hand). The XML is read by a strict reader that refuses DOCTYPE/ENTITY declarations and
// truncated files. Unknown attributes and sections are ignored: which ones appear is set per query.
import { err, ok, type Result } from "../../domain/result.ts";
import { easternToInstant } from "../normalise.ts";
import type {
  ImportError,
  Statement,
  StatementAccount,
  StatementParser,
  StatementWarning,
} from "../statement.ts";
import { readCashTransactions, readTrades } from "./flex-activity.ts";
import { readOpenPositions } from "./flex-positions.ts";
import {
  cusipOf,
  FlexFieldError,
  type FlexRow,
  flexRow,
  instrumentLabel,
  type SecurityDirectory,
} from "./flex-row.ts";
import { childNamed, childrenNamed, readXml, type XmlElement } from "./safe-xml.ts";

export const IBKR_FLEX_FORMAT = "ibkr.flex-xml";

/** Sections that are understood but not imported (no warning). */
const QUIET_SECTIONS = new Set([
  "OpenPositions",
  "Trades",
  "CashTransactions",
  "CashReport",
  "CorporateActions",
  "SecuritiesInfo",
  "ConversionRates",
  "AccountInformation",
  "EquitySummaryInBase",
  "ChangeInNAV",
  "MTMPerformanceSummaryInBase",
  "FIFOPerformanceSummaryInBase",
  "StmtFunds",
  "FxPositions",
  "PriorPeriodPositions",
  "NetStockPositionSummary",
  "ChangeInDividendAccruals",
  "OpenDividendAccruals",
  "InterestAccruals",
  "TierInterestDetails",
  "UnbundledCommissionDetails",
  "SLBActivities",
  "SLBFees",
]);

export const ibkrFlexXmlParser: StatementParser = {
  format: IBKR_FLEX_FORMAT,
  custodian: "ibkr",
  detect(text) {
    const head = text.slice(0, 4096);
    return head.includes("<FlexQueryResponse") || head.includes("<FlexStatementResponse");
  },
  parse(text) {
    return parseFlexXml(text);
  },
};

export function parseFlexXml(text: string): Result<Statement, ImportError> {
  const document = readXml(text);
  if (!document.ok) {
    return err({
      line: document.error.line,
      field: null,
      message: `not readable XML: ${document.error.message}`,
    });
  }
  const root = document.value;
  if (root.name === "FlexStatementResponse") {
    const code = childNamed(root, "ErrorCode")?.text.trim() ?? "?";
    const message = childNamed(root, "ErrorMessage")?.text.trim() ?? "no message";
    return err({
      line: root.line,
      field: null,
      message: `this is an IBKR Flex Web Service reply, not a statement: error ${code}: ${message}`,
    });
  }
  if (root.name !== "FlexQueryResponse") {
    return err({
      line: root.line,
      field: null,
      message: `expected <FlexQueryResponse>, found <${root.name}>`,
    });
  }
  try {
    return ok(readResponse(root));
  } catch (error) {
    if (error instanceof FlexFieldError) return err(error.detail);
    throw error;
  }
}

function readResponse(root: XmlElement): Statement {
  const warnings: StatementWarning[] = [];
  const container = childNamed(root, "FlexStatements");
  if (!container) flexRow(root).fail(null, "the response has no <FlexStatements>");
  const statements = childrenNamed(container as XmlElement, "FlexStatement");
  const declared = (container as XmlElement).attributes.get("count");
  if (declared !== undefined && declared.trim() !== String(statements.length)) {
    flexRow(container as XmlElement).fail(
      "count",
      `FlexStatements says count="${declared}" but holds ${statements.length} statement(s): the file is incomplete`,
    );
  }
  if ((root.attributes.get("type") ?? "AF") === "TCF") {
    warnings.push({
      line: root.line,
      message:
        "a Trade Confirmation query: trade confirmations (<TradeConfirm>) are not read; use an Activity query",
    });
  }
  const accounts: StatementAccount[] = [];
  const seen = new Map<string, number>();
  for (const element of statements) {
    const account = readStatement(element, warnings);
    const earlier = seen.get(account.accountRef);
    if (earlier !== undefined) {
      flexRow(element).fail(
        "accountId",
        `account ${account.accountRef} appears twice (lines ${earlier} and ${element.line}): run one period per file`,
      );
    }
    seen.set(account.accountRef, element.line);
    accounts.push(account);
  }
  return { custodian: "ibkr", format: IBKR_FLEX_FORMAT, accounts, warnings };
}

function readStatement(element: XmlElement, warnings: StatementWarning[]): StatementAccount {
  const row = flexRow(element);
  const accountId = row.text("accountId");
  if (!accountId) row.fail("accountId", "a FlexStatement without accountId");
  const directory = securityDirectory(element);
  const section = (name: string, rowName: string) => {
    const found = childNamed(element, name);
    return found ? childrenNamed(found, rowName) : [];
  };
  for (const child of element.children) {
    if (!QUIET_SECTIONS.has(child.name) && child.children.length > 0) {
      warnings.push({ line: child.line, message: `section <${child.name}> is not imported` });
    }
  }
  const holdings = readOpenPositions(section("OpenPositions", "OpenPosition"), directory, warnings);
  const closedLots = section("Trades", "Lot").length;
  if (closedLots > 0) {
    warnings.push({
      line: null,
      message: `${closedLots} closed-lot row(s) (Trades > Lot) not imported: lotwise relieves lots from the trades`,
    });
  }
  const transactions = [
    ...readTrades(section("Trades", "Trade"), directory, warnings),
    ...readCashTransactions(section("CashTransactions", "CashTransaction"), directory, warnings),
  ].sort((a, b) => (a.tradeDate < b.tradeDate ? -1 : a.tradeDate > b.tradeDate ? 1 : 0));
  for (const action of section("CorporateActions", "CorporateAction")) {
    warnings.push(corporateActionWarning(flexRow(action)));
  }
  return {
    accountRef: accountId as string,
    asOf: statementAsOf(row),
    cash: endingCash(element),
    positions: holdings.positions,
    lots: holdings.lots,
    transactions,
  };
}

/**
 * When the positions are as of: the close of the statement's last day (Activity statements are
 * end-of-day), or when it was generated if that is earlier. Times are New York's.
 */
function statementAsOf(row: FlexRow): string | null {
  const generated = row.dateTime("whenGenerated");
  const generatedAt = generated
    ? easternToInstant(
        generated.date,
        generated.time?.hour ?? 0,
        generated.time?.minute ?? 0,
        generated.time?.second ?? 0,
      )
    : null;
  const toDate = row.date("toDate");
  const closeAt = toDate ? easternToInstant(toDate, 16) : null;
  const candidates = [generatedAt, closeAt].filter((value): value is string => value !== null).sort();
  return candidates[0] ?? null;
}

function endingCash(statement: XmlElement): string | null {
  const report = childNamed(statement, "CashReport");
  if (!report) return null;
  const rows = childrenNamed(report, "CashReportCurrency").map(flexRow);
  const usd = rows.find((row) => row.text("currency") === "USD");
  return usd ? usd.decimal("endingCash") : null;
}

function securityDirectory(statement: XmlElement): SecurityDirectory {
  const directory = new Map<string, { cusip: string | null; description: string | null }>();
  const info = childNamed(statement, "SecuritiesInfo");
  for (const element of info ? childrenNamed(info, "SecurityInfo") : []) {
    const row = flexRow(element);
    const conid = row.text("conid");
    if (conid) directory.set(conid, { cusip: cusipOf(row), description: row.text("description") });
  }
  return directory;
}

function corporateActionWarning(row: FlexRow): StatementWarning {
  const date = row.dateTime("dateTime")?.date ?? row.date("reportDate") ?? row.date("date");
  const quantity = row.decimal("quantity");
  const parts = [
    `corporate action${date ? ` on ${date}` : ""} for ${instrumentLabel(row)}`,
    row.text("type") ? `type ${row.text("type")}` : null,
    row.text("description") ? `"${row.text("description")}"` : null,
    quantity !== null && quantity !== "0" ? `quantity ${quantity}` : null,
  ].filter((part) => part !== null);
  return {
    line: row.line,
    message: `${parts.join(", ")}: not applied; check this security's lots and positions by hand`,
  };
}
