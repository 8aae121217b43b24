// Resolves what a person typed ("chen", "Chen Household", "hh-chen") to exactly one household,
// model, ...: an exact id or name wins, otherwise a case-insensitive prefix of the id or name that
// matches exactly one.
import { err, ok, type Result } from "../domain/result.ts";

export interface Named {
  id: string;
  name: string;
}

export type FindError =
  | { code: "lookup.empty-query"; message: string }
  | { code: "lookup.not-found"; message: string }
  | { code: "lookup.ambiguous"; message: string; candidates: Named[] };

export function findByName<T extends Named>(
  query: string,
  items: readonly T[],
  noun: string,
): Result<T, FindError> {
  const wanted = query.trim().toLowerCase();
  if (wanted === "") return err({ code: "lookup.empty-query", message: `no ${noun} given` });
  const exact = items.filter((h) => h.id.toLowerCase() === wanted || h.name.toLowerCase() === wanted);
  if (exact.length === 1) return ok(exact[0] as T);
  const matches =
    exact.length > 1
      ? exact
      : items.filter((h) => h.id.toLowerCase().startsWith(wanted) || h.name.toLowerCase().startsWith(wanted));
  if (matches.length === 1) return ok(matches[0] as T);
  if (matches.length === 0) {
    return err({ code: "lookup.not-found", message: `no ${noun} matches "${query.trim()}"` });
  }
  const candidates = matches.map(({ id, name }) => ({ id, name }));
  return err({
    code: "lookup.ambiguous",
    message: `"${query.trim()}" matches ${matches.length} ${noun}s: ${candidates.map((c) => `${c.name} (${c.id})`).join(", ")}`,
    candidates,
  });
}

export function findHousehold<T extends Named>(
  query: string,
  households: readonly T[],
): Result<T, FindError> {
  return findByName(query, households, "household");
}
