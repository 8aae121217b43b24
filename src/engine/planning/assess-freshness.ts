// The data-quality gate on freshness (domain-rules.md): positions and prices older than a limit
// (5 minutes by default, a setting) make a plan stale. It is refused unless the advisor asks for a
// stale plan, and then marked as such everywhere. `now` is an argument: the engine has no clock.
import type { HouseholdBook } from "../../domain/household-book.ts";
import { instantMillis } from "../../domain/instant.ts";

export interface DatedInput {
  /** What it is: "account acct-chen-schwab-taxable" or "price of VTI". */
  label: string;
  asOf: string;
  source: string;
}

export interface Freshness {
  stale: boolean;
  maxAgeSeconds: number;
  /** Every input older than the limit (or with an unreadable time), oldest first. */
  staleInputs: (DatedInput & { ageSeconds: number | null })[];
  /** The oldest input's time, for "data as of". */
  oldestAsOf: string | null;
}

export function assessFreshness(
  inputs: readonly DatedInput[],
  now: string,
  maxAgeSeconds: number,
): Freshness {
  const nowMs = instantMillis(now);
  if (nowMs === undefined) throw new Error(`not a UTC ISO instant: ${now}`);
  const aged = inputs.map((input) => {
    const at = instantMillis(input.asOf);
    const ageMs = at === undefined ? null : nowMs - at;
    return { ...input, ageSeconds: ageMs === null ? null : (ageMs - (ageMs % 1000)) / 1000 };
  });
  const staleInputs = aged
    .filter((input) => input.ageSeconds === null || input.ageSeconds > maxAgeSeconds)
    .sort((a, b) => {
      // Unreadable times first, then the oldest.
      if (a.ageSeconds !== b.ageSeconds) {
        if (a.ageSeconds === null) return -1;
        if (b.ageSeconds === null) return 1;
        return b.ageSeconds - a.ageSeconds;
      }
      return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
    });
  let oldest: (typeof aged)[number] | undefined;
  for (const input of aged) {
    if (
      input.ageSeconds !== null &&
      (oldest === undefined || input.ageSeconds > (oldest.ageSeconds as number))
    )
      oldest = input;
  }
  return { stale: staleInputs.length > 0, maxAgeSeconds, staleInputs, oldestAsOf: oldest?.asOf ?? null };
}

/** What a household's answer rests on: each account's positions and each security's price, labelled. */
export function datedInputsOf(inputs: {
  book: Pick<HouseholdBook, "accounts" | "securities">;
  dataAsOf: {
    snapshots: readonly { accountId: string; asOf: string; source: string }[];
    prices: readonly { securityId: string; asOf: string; source: string }[];
  };
}): DatedInput[] {
  const accountName = new Map(inputs.book.accounts.map((a) => [a.id, a.name]));
  const symbol = (id: string) => inputs.book.securities.get(id)?.symbol ?? id;
  return [
    ...inputs.dataAsOf.snapshots.map((s) => ({
      label: `positions in ${accountName.get(s.accountId) ?? s.accountId}`,
      asOf: s.asOf,
      source: s.source,
    })),
    ...inputs.dataAsOf.prices.map((p) => ({
      label: `price of ${symbol(p.securityId)}`,
      asOf: p.asOf,
      source: p.source,
    })),
  ];
}
