// "Substantially identical" families (IRC §1091; domain-rules.md): always the same security; share
// classes and any explicit groups in the firm's versioned policy; and, under the default firm rule,
// funds that track the same index. Families are computed once (union-find) and looked up by symbol.

export interface IdenticalPolicy {
  /** e.g. "si-policy-v1", named in every finding so a swap can be traced to the rule that allowed it. */
  version: string;
  sameIndexIsIdentical: boolean;
  /** Explicit groups of symbols, e.g. share classes of one portfolio. */
  groups: readonly { name: string; symbols: readonly string[] }[];
}

export type IdenticalReason = "same-security" | "policy-group" | "same-index";

export interface Families {
  /** A stable key shared by all symbols of one family (the family's smallest symbol). */
  familyOf(symbol: string): string;
  /** Why two symbols are substantially identical, or null when they are not. */
  whyIdentical(a: string, b: string): { reason: IdenticalReason; detail: string } | null;
}

export function buildFamilies(
  policy: IdenticalPolicy,
  securities: readonly { symbol: string; trackedIndex: string | null }[] = [],
): Families {
  const parent = new Map<string, string>();
  const find = (symbol: string): string => {
    let root = symbol;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(symbol, root);
    return root;
  };
  const union = (a: string, b: string) => {
    const [ra, rb] = [find(a), find(b)];
    if (ra === rb) return;
    // The smaller symbol becomes the root, so family keys do not depend on insertion order.
    const [low, high] = ra < rb ? [ra, rb] : [rb, ra];
    parent.set(high, low);
  };
  const groupOf = new Map<string, string>();
  for (const group of policy.groups) {
    for (const symbol of group.symbols) {
      groupOf.set(symbol, group.name);
      union(group.symbols[0] as string, symbol);
    }
  }
  const indexOf = new Map<string, string>();
  if (policy.sameIndexIsIdentical) {
    const firstByIndex = new Map<string, string>();
    for (const { symbol, trackedIndex } of securities) {
      if (!trackedIndex) continue;
      indexOf.set(symbol, trackedIndex);
      const first = firstByIndex.get(trackedIndex);
      if (first === undefined) firstByIndex.set(trackedIndex, symbol);
      else union(first, symbol);
    }
  }
  return {
    familyOf: find,
    whyIdentical(a, b) {
      if (a === b) return { reason: "same-security", detail: `${a} is the same security` };
      if (find(a) !== find(b)) return null;
      const group = groupOf.get(a);
      if (group !== undefined && group === groupOf.get(b)) {
        return {
          reason: "policy-group",
          detail: `${a} and ${b} are in the policy group "${group}" (${policy.version})`,
        };
      }
      const index = indexOf.get(a);
      if (index !== undefined && index === indexOf.get(b)) {
        return { reason: "same-index", detail: `${a} and ${b} both track the ${index} (${policy.version})` };
      }
      return {
        reason: "policy-group",
        detail: `${a} and ${b} are linked through the policy's groups and indexes (${policy.version})`,
      };
    },
  };
}
