// A model version must be usable before it is stored (domain-rules.md, "Drift and bands"):
// weights sum to exactly 1, each class once, bands sensible, and the primary and alternate
// securities exist and belong to the class they serve.
import type { Security } from "../../domain/book.ts";
import { type Decimal, ZERO } from "../../domain/decimal.ts";
import type { ModelTargetSpec } from "../../domain/household-book.ts";
import { err, ok, type Result } from "../../domain/result.ts";

export interface ModelVersionDraft {
  bandAbsolute: Decimal;
  bandRelative: Decimal;
  targets: readonly {
    assetClassId: string;
    weight: Decimal;
    bandAbsolute: Decimal | null;
    bandRelative: Decimal | null;
    primarySymbol: string;
    alternateSymbols: readonly string[];
  }[];
}

/** Checks a draft against the asset classes and the security master; every problem is listed. */
export function validateModelVersion(
  draft: ModelVersionDraft,
  assetClassIds: ReadonlySet<string>,
  securitiesBySymbol: ReadonlyMap<string, Security>,
): Result<ModelTargetSpec[], string[]> {
  const problems: string[] = [];
  const band = (value: Decimal | null, what: string) => {
    if (value !== null && (value.isNegative() || value.isZero() || value.greaterThan(1))) {
      problems.push(`${what} must be above 0 and at most 1 (0.05 = 5 points), not ${value.toString()}`);
    }
  };
  band(draft.bandAbsolute, "bandAbsolute");
  band(draft.bandRelative, "bandRelative");
  if (draft.targets.length === 0) problems.push("a model needs at least one target");
  const seen = new Set<string>();
  let total = ZERO;
  const resolved: ModelTargetSpec[] = [];
  for (const target of draft.targets) {
    const where = `target ${target.assetClassId}`;
    if (!assetClassIds.has(target.assetClassId)) problems.push(`${where}: unknown asset class`);
    if (seen.has(target.assetClassId)) problems.push(`${where}: the class appears more than once`);
    seen.add(target.assetClassId);
    if (target.weight.isNegative() || target.weight.isZero() || target.weight.greaterThan(1)) {
      problems.push(`${where}: weight must be above 0 and at most 1, not ${target.weight.toString()}`);
    }
    total = total.plus(target.weight);
    band(target.bandAbsolute, `${where}: bandAbsolute`);
    band(target.bandRelative, `${where}: bandRelative`);
    const ids: string[] = [];
    for (const symbol of [target.primarySymbol, ...target.alternateSymbols]) {
      const security = securitiesBySymbol.get(symbol);
      if (!security) problems.push(`${where}: unknown security ${symbol}`);
      else if (security.assetClassId !== target.assetClassId) {
        problems.push(`${where}: ${symbol} belongs to ${security.assetClassId}, not ${target.assetClassId}`);
      } else if (ids.includes(security.id)) problems.push(`${where}: ${symbol} is listed twice`);
      else ids.push(security.id);
    }
    resolved.push({
      assetClassId: target.assetClassId,
      weight: target.weight,
      bandAbsolute: target.bandAbsolute,
      bandRelative: target.bandRelative,
      primarySecurityId: ids[0] ?? "",
      alternateSecurityIds: ids.slice(1),
    });
  }
  if (draft.targets.length > 0 && !total.equals(1))
    problems.push(`weights add up to ${total.toString()}, not 1`);
  return problems.length > 0 ? err(problems) : ok(resolved);
}
