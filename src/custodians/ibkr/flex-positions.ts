// OpenPositions -> positions and open tax lots. With "Lots" enabled a query returns SUMMARY rows and
// LOT rows for the same holdings (custodian-formats.md §5a): SUMMARY rows become positions, LOT rows
// become lots (openDateTime, costBasisMoney), and when only LOT rows are present the positions are
// their sums. Rows without levelOfDetail (older queries) are summaries.
import { Decimal } from "../../domain/decimal.ts";
import type { StatementLot, StatementPosition, StatementWarning } from "../statement.ts";
import { type FlexRow, flexRow, instrumentLabel, instrumentOf, type SecurityDirectory } from "./flex-row.ts";
import type { XmlElement } from "./safe-xml.ts";

/** Asset categories lotwise holds; options, futures, FX and the like are reported and skipped. */
export const HELD_CATEGORIES = new Set(["STK", "FUND", "BOND", "BILL"]);

export interface FlexHoldings {
  positions: StatementPosition[];
  lots: StatementLot[];
}

export function readOpenPositions(
  rows: readonly XmlElement[],
  directory: SecurityDirectory,
  warnings: StatementWarning[],
): FlexHoldings {
  const summaries: FlexRow[] = [];
  const lotRows: FlexRow[] = [];
  for (const element of rows) {
    const row = flexRow(element);
    const category = row.text("assetCategory");
    if (category !== null && !HELD_CATEGORIES.has(category)) {
      if ((row.text("levelOfDetail") ?? "SUMMARY").toUpperCase() !== "LOT") {
        warnings.push({
          line: row.line,
          message: `${category} position ${instrumentLabel(row)} skipped: lotwise holds stocks, ETFs, funds and bonds only`,
        });
      }
      continue;
    }
    const level = (row.text("levelOfDetail") ?? "SUMMARY").toUpperCase();
    if (level === "LOT") lotRows.push(row);
    else if (level === "SUMMARY") summaries.push(row);
    else warnings.push({ line: row.line, message: `OpenPosition with levelOfDetail "${level}" ignored` });
  }

  const lots = lotRows.flatMap((row) => lotOf(row, directory, warnings));
  const positions =
    summaries.length > 0
      ? summaries.map((row) => positionOf(row, directory, warnings))
      : positionsFromLots(lotRows, directory, warnings);
  if (summaries.length > 0 && lotRows.length > 0) checkLotsAddUp(summaries, lotRows, warnings);
  return { positions, lots };
}

function keyOf(row: FlexRow): string {
  return row.text("conid") ?? row.text("symbol") ?? row.text("cusip") ?? `line ${row.line}`;
}

function isForeign(row: FlexRow): boolean {
  const currency = row.text("currency");
  return currency !== null && currency !== "USD";
}

function positionOf(
  row: FlexRow,
  directory: SecurityDirectory,
  warnings: StatementWarning[],
): StatementPosition {
  const quantity = row.requiredDecimal("position");
  const money = moneyFields(row, warnings);
  return {
    instrument: instrumentOf(row, directory),
    quantity,
    price: money ? row.decimal("markPrice") : null,
    marketValue: money ? row.decimal("positionValue") : null,
    costBasis: money ? row.decimal("costBasisMoney") : null,
    line: row.line,
  };
}

/** Amounts in another currency are not converted: the quantities are kept, the amounts dropped. */
function moneyFields(row: FlexRow, warnings: StatementWarning[]): boolean {
  if (!isForeign(row)) return true;
  warnings.push({
    line: row.line,
    message: `${instrumentLabel(row)} is held in ${row.text("currency")}: its quantity is imported, its price, value and basis are not (not in USD)`,
  });
  return false;
}

function lotOf(row: FlexRow, directory: SecurityDirectory, warnings: StatementWarning[]): StatementLot[] {
  const opened = row.dateTime("openDateTime") ?? row.dateTime("holdingPeriodDateTime");
  const quantity = row.requiredDecimal("position");
  if (!opened) {
    warnings.push({
      line: row.line,
      message: `lot of ${quantity} ${instrumentLabel(row)} has no openDateTime: it cannot be used for tax lots and is skipped`,
    });
    return [];
  }
  const costBasis = isForeign(row) ? null : row.decimal("costBasisMoney");
  return [
    {
      instrument: instrumentOf(row, directory),
      lotId: row.text("originatingTransactionID"),
      acquiredDate: opened.date,
      quantity,
      costBasis,
      line: row.line,
    },
  ];
}

function positionsFromLots(
  lotRows: readonly FlexRow[],
  directory: SecurityDirectory,
  warnings: StatementWarning[],
): StatementPosition[] {
  const groups = new Map<string, FlexRow[]>();
  for (const row of lotRows) groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row]);
  return [...groups.values()].map((rows) => {
    const first = rows[0] as FlexRow;
    const money = moneyFields(first, warnings);
    const sum = (name: string): string | null => {
      let total = new Decimal(0);
      for (const row of rows) {
        const value = row.decimal(name);
        if (value === null) return null;
        total = total.plus(value);
      }
      return total.toFixed();
    };
    return {
      instrument: instrumentOf(first, directory),
      quantity: sum("position") ?? first.requiredDecimal("position"),
      price: money ? first.decimal("markPrice") : null,
      marketValue: money ? sum("positionValue") : null,
      costBasis: money ? sum("costBasisMoney") : null,
      line: first.line,
    };
  });
}

function checkLotsAddUp(
  summaries: readonly FlexRow[],
  lotRows: readonly FlexRow[],
  warnings: StatementWarning[],
) {
  const lotTotals = new Map<string, Decimal>();
  for (const row of lotRows) {
    lotTotals.set(
      keyOf(row),
      (lotTotals.get(keyOf(row)) ?? new Decimal(0)).plus(row.requiredDecimal("position")),
    );
  }
  for (const row of summaries) {
    const total = lotTotals.get(keyOf(row)) ?? new Decimal(0);
    const position = new Decimal(row.requiredDecimal("position"));
    if (!total.equals(position)) {
      warnings.push({
        line: row.line,
        message: `the lots of ${instrumentLabel(row)} add up to ${total.toFixed()} but the position is ${position.toFixed()}`,
      });
    }
  }
}
