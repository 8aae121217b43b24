// Resolves what a person typed ("chen", "Chen Household", "hh-chen") to exactly one household:
// an exact id or name wins, otherwise a case-insensitive prefix of the id or name that matches one.
import { err, ok, type Result } from "../domain/result.ts";

export interface HouseholdRef {
  id: string;
  name: string;
}

export type FindHouseholdError =
  | { code: "household.empty-query"; message: string }
  | { code: "household.not-found"; message: string }
  | { code: "household.ambiguous"; message: string; candidates: HouseholdRef[] };

export function findHousehold<H extends HouseholdRef>(
  query: string,
  households: readonly H[],
): Result<H, FindHouseholdError> {
  const wanted = query.trim().toLowerCase();
  if (wanted === "") return err({ code: "household.empty-query", message: "no household given" });
  const exact = households.filter((h) => h.id.toLowerCase() === wanted || h.name.toLowerCase() === wanted);
  if (exact.length === 1) return ok(exact[0] as H);
  const matches =
    exact.length > 1
      ? exact
      : households.filter(
          (h) => h.id.toLowerCase().startsWith(wanted) || h.name.toLowerCase().startsWith(wanted),
        );
  if (matches.length === 1) return ok(matches[0] as H);
  if (matches.length === 0) {
    return err({ code: "household.not-found", message: `no household matches "${query.trim()}"` });
  }
  const candidates = matches.map(({ id, name }) => ({ id, name }));
  return err({
    code: "household.ambiguous",
    message: `"${query.trim()}" matches ${matches.length} households: ${candidates.map((c) => `${c.name} (${c.id})`).join(", ")}`,
    candidates,
  });
}
