// Field-by-field differences between two JSON values, for replay verdicts ("trades[3].quantity:
// recorded 577, replayed 576"). Paths use dots and [index]; at most `limit` differences.
export interface FieldDifference {
  path: string;
  recorded: unknown;
  replayed: unknown;
}

export function diffJson(recorded: unknown, replayed: unknown, limit = 50): FieldDifference[] {
  const out: FieldDifference[] = [];
  walk(recorded, replayed, "", out, limit);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: FieldDifference[], limit: number): void {
  if (out.length >= limit) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) walk(a[i], b[i], `${path}[${i}]`, out, limit);
    return;
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) walk(a[key], b[key], path ? `${path}.${key}` : key, out, limit);
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push({ path: path || "(root)", recorded: a, replayed: b });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
