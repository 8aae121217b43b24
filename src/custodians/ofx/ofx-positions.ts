// INVPOSLIST: one position per POSSTOCK/POSMF/POSDEBT/POSOTHER (INVPOS inside). OFX has no lots.
// Options (POSOPT) are left out with a warning. The same security held twice (HELDINACCT CASH and
// MARGIN, or 401(k) sources) is merged into one position per account.
import { Decimal } from "../../domain/decimal.ts";
import type { StatementPosition } from "../statement.ts";
import {
  assertUsDollars,
  optionalNumber,
  optionalText,
  requiredChild,
  requiredNumber,
} from "./ofx-fields.ts";
import type { SecurityList } from "./ofx-securities.ts";
import type { OfxElement } from "./ofx-tree.ts";
import type { WarningLog } from "./warnings.ts";

const POSITIONS = new Set(["POSSTOCK", "POSMF", "POSDEBT", "POSOTHER"]);

function readPosition(
  aggregate: OfxElement,
  securities: SecurityList,
  warnings: WarningLog,
): StatementPosition {
  const invpos = requiredChild(aggregate, "INVPOS");
  assertUsDollars(invpos);
  const instrument = securities.instrument(requiredChild(invpos, "SECID"));
  let quantity = new Decimal(requiredNumber(invpos, "UNITS"));
  if (optionalText(invpos, "POSTYPE")?.toUpperCase() === "SHORT" && quantity.isPositive()) {
    quantity = quantity.negated();
  }
  const averageCost = optionalNumber(invpos, "AVGCOSTBASIS");
  if (aggregate.name === "POSDEBT") {
    warnings.add(
      aggregate.line,
      `${instrument.cusip ?? instrument.symbol}: a bond; UNITPRICE is a percentage of par`,
    );
  }
  return {
    instrument,
    quantity: quantity.toFixed(),
    price: optionalNumber(invpos, "UNITPRICE"),
    marketValue: optionalNumber(invpos, "MKTVAL"),
    costBasis: averageCost === null ? null : new Decimal(averageCost).times(quantity.abs()).toFixed(),
    line: aggregate.line,
  };
}

function sumOrNull(a: string | null, b: string | null): string | null {
  return a === null || b === null ? null : new Decimal(a).plus(b).toFixed();
}

function instrumentKey(position: StatementPosition): string {
  return `${position.instrument.cusip ?? ""}|${position.instrument.symbol ?? ""}`;
}

export function readPositions(
  invposlist: OfxElement | undefined,
  securities: SecurityList,
  warnings: WarningLog,
): StatementPosition[] {
  const byInstrument = new Map<string, StatementPosition>();
  for (const aggregate of invposlist?.children ?? []) {
    if (aggregate.name === "POSOPT") {
      warnings.add(aggregate.line, "an option position (POSOPT) is not imported: options are not supported");
      continue;
    }
    if (!POSITIONS.has(aggregate.name)) {
      warnings.add(aggregate.line, `unknown position type <${aggregate.name}> is not imported`);
      continue;
    }
    const position = readPosition(aggregate, securities, warnings);
    const key = instrumentKey(position);
    const earlier = byInstrument.get(key);
    if (!earlier) {
      byInstrument.set(key, position);
      continue;
    }
    warnings.add(
      aggregate.line,
      `${position.instrument.cusip ?? position.instrument.symbol} is listed more than once (sub-accounts); ` +
        "the holdings are added into one position",
    );
    byInstrument.set(key, {
      ...earlier,
      quantity: new Decimal(earlier.quantity).plus(position.quantity).toFixed(),
      price: earlier.price === position.price ? earlier.price : null,
      marketValue: sumOrNull(earlier.marketValue, position.marketValue),
      costBasis: sumOrNull(earlier.costBasis, position.costBasis),
    });
  }
  return [...byInstrument.values()];
}
