// An OFX/QFX investment download (INVSTMTRS per account, SECLIST for the securities) read into a
// Statement. Institution adapters (Fidelity, Vanguard) pass quirks that adjust the generic mapping.

import { checkXmlSafety, fail } from "../normalise.ts";
import type { CustodianId, Statement, StatementAccount } from "../statement.ts";
import {
  assertUsDollars,
  optionalNumber,
  optionalText,
  requiredChild,
  requiredDateTime,
  requiredText,
} from "./ofx-fields.ts";
import { readOfxHeader } from "./ofx-header.ts";
import { readPositions } from "./ofx-positions.ts";
import { SecurityList } from "./ofx-securities.ts";
import { type OfxTransactionRecord, readTransactions } from "./ofx-transactions.ts";
import { childElement, descendantElements, elementPath, type OfxElement, parseOfxBody } from "./ofx-tree.ts";
import { assertDecodedText, withoutBom } from "./text-encoding.ts";
import { LineIndex } from "./text-lines.ts";
import { WarningLog } from "./warnings.ts";

export interface OfxQuirks {
  /** Adjusts the generically mapped transactions of one account (reclassify, drop, merge). */
  adjustTransactions?(records: OfxTransactionRecord[], warnings: WarningLog): OfxTransactionRecord[];
}

export interface OfxStatementOptions {
  custodian: CustodianId;
  format: string;
  quirks?: OfxQuirks;
}

/** Refuses a response whose STATUS is an error (sign-on refused, account unknown, ...). */
function assertStatusOk(parent: OfxElement | undefined, warnings: WarningLog): void {
  const status = parent && childElement(parent, "STATUS");
  if (!status) return;
  const code = optionalText(status, "CODE") ?? "0";
  const severity = optionalText(status, "SEVERITY")?.toUpperCase() ?? "INFO";
  const message = optionalText(status, "MESSAGE");
  if (severity === "ERROR" || (code !== "0" && severity !== "WARN" && severity !== "INFO")) {
    fail(
      status.line,
      `${elementPath(status)}/CODE`,
      `the institution answered with error ${code}${message ? `: ${message}` : ""}`,
    );
  }
  if (code !== "0")
    warnings.add(status.line, `the institution warns (code ${code})${message ? `: ${message}` : ""}`);
}

function readAccount(
  invstmtrs: OfxElement,
  securities: SecurityList,
  warnings: WarningLog,
  quirks: OfxQuirks,
): StatementAccount {
  const currency = optionalText(invstmtrs, "CURDEF")?.toUpperCase();
  if (currency !== undefined && currency !== "USD") {
    fail(
      invstmtrs.line,
      `${elementPath(invstmtrs)}/CURDEF`,
      `statements in ${currency} are not supported (USD only)`,
    );
  }
  const accountRef = requiredText(requiredChild(invstmtrs, "INVACCTFROM"), "ACCTID");
  const asOf = requiredDateTime(invstmtrs, "DTASOF").instant;
  const positions = readPositions(childElement(invstmtrs, "INVPOSLIST"), securities, warnings);
  const mapped = readTransactions(childElement(invstmtrs, "INVTRANLIST"), securities, warnings);
  const transactions = (quirks.adjustTransactions?.(mapped, warnings) ?? mapped).map(
    (entry) => entry.transaction,
  );
  const balance = childElement(invstmtrs, "INVBAL");
  const retirementBalance = childElement(invstmtrs, "INV401KBAL");
  if (balance) assertUsDollars(balance);
  const cash =
    (balance && optionalNumber(balance, "AVAILCASH")) ??
    (retirementBalance && optionalNumber(retirementBalance, "CASHBAL")) ??
    null;
  if (positions.length === 0 && transactions.length === 0 && cash === null) {
    fail(
      invstmtrs.line,
      elementPath(invstmtrs),
      `the statement for account ${accountRef} has no positions, transactions or cash balance: nothing to import`,
    );
  }
  return { accountRef, asOf, cash, positions, lots: [], transactions };
}

function describeNonInvestment(ofx: OfxElement): string {
  const kinds = ofx.children.map((child) => child.name).filter((name) => name !== "SIGNONMSGSRSV1");
  if (kinds.some((name) => name.startsWith("BANK") || name.startsWith("CREDITCARD"))) {
    return "it is a bank or credit-card download; only investment statements are imported";
  }
  return kinds.length === 0 ? "it holds only the sign-on response" : `it holds ${kinds.join(", ")}`;
}

export function readOfxStatement(input: string, options: OfxStatementOptions): Statement {
  const text = withoutBom(input);
  assertDecodedText(text);
  const lines = new LineIndex(text);
  const hostile = checkXmlSafety(text);
  if (hostile) {
    const keyword = /<!(ENTITY|DOCTYPE)\b/i.exec(text)?.[1]?.toUpperCase() ?? null;
    fail(hostile.line, hostile.field ?? keyword, hostile.message);
  }
  const header = readOfxHeader(text, lines);
  const ofx = parseOfxBody(text, header.bodyOffset, lines);
  const warnings = new WarningLog();
  assertStatusOk(childElement(childElement(ofx, "SIGNONMSGSRSV1") ?? ofx, "SONRS"), warnings);
  for (const response of descendantElements(ofx, "INVSTMTTRNRS")) assertStatusOk(response, warnings);
  const statements = descendantElements(ofx, "INVSTMTRS");
  if (statements.length === 0) {
    fail(
      null,
      "INVSTMTRS",
      `no investment statement (INVSTMTRS) in this OFX file: ${describeNonInvestment(ofx)}`,
    );
  }
  const securities = new SecurityList(ofx, warnings);
  const quirks = options.quirks ?? {};
  const accounts = statements.map((invstmtrs) => readAccount(invstmtrs, securities, warnings, quirks));
  return { custodian: options.custodian, format: options.format, accounts, warnings: warnings.warnings };
}
