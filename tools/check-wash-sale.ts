// Wash-sale check (IRC §1091) across every account of the household, spouse and IRAs included:
// either the trades the model proposes, or, with none given, every taxable position's sale at a loss
// and the re-purchase of anything sold at a loss in the last 30 days.
import { z } from "zod";
import { Decimal } from "../src/domain/decimal.ts";
import { type IsoDate, maxIsoDate } from "../src/domain/iso-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../src/engine/planning/draft-plan.ts";
import { findHarvestableLots } from "../src/engine/planning/find-harvestable-lots.ts";
import { knownAcquisitions, realisedLosses } from "../src/engine/planning/household-wash-inputs.ts";
import type { Families } from "../src/engine/substantially-identical.ts";
import {
  checkWashSales,
  type ProposedTrade,
  type RealisedLoss,
  type WashConflict,
} from "../src/engine/wash-sale-check.ts";
import type { PlanningInputs } from "../src/ports/book-store.ts";
import { familiesOf, loadHousehold, policyOf, refusal, symbolOf } from "./household.ts";
import { dateOutput, householdIdInput, quantityInput, refuse, success, symbolInput } from "./schemas.ts";
import { defineTool } from "./tool.ts";

const MAX_TRADES = 50;

const input = z
  .object({
    householdId: householdIdInput,
    trades: z
      .array(
        z
          .object({
            accountId: z.string().trim().min(1).max(100).describe("An account id from get_positions."),
            symbol: symbolInput,
            side: z.enum(["buy", "sell"]),
            quantity: quantityInput,
          })
          .strict(),
      )
      .min(1)
      .max(MAX_TRADES)
      .optional()
      .describe("Trades to check together. Omit to check the household as it stands."),
  })
  .strict();

const output = z.object({
  householdId: z.string(),
  tradeDate: dateOutput,
  checked: z.enum(["trades", "household"]),
  /** No conflict at all. */
  clear: z.boolean(),
  items: z.array(
    z.object({
      /** The position in `trades`; null when checking the household. */
      tradeIndex: z.number().int().nullable(),
      side: z.enum(["buy", "sell"]),
      accountId: z.string(),
      symbol: z.string(),
      /** First trade date without a conflict; null when only changing the trades clears it. */
      safeFrom: dateOutput.nullable(),
      /** A conflicting purchase is in a tax-advantaged account: a washed loss would be lost for good. */
      permanent: z.boolean(),
      conflicts: z.array(z.object({ code: z.string(), message: z.string() })),
    }),
  ),
});

type Trades = NonNullable<z.infer<typeof input>["trades"]>;
type Item = z.infer<typeof output>["items"][number];

export const checkWashSaleTool = defineTool({
  name: "check_wash_sale",
  description:
    "Checks wash sales across all of the household's accounts (spouse and IRAs included): purchases in the " +
    "last 30 days, dividend reinvestments, pending orders, scheduled investments in the next 30 days, losses " +
    "realised in the last 30 days, and the trades' effect on each other. With `trades`, each sell is checked " +
    "as a sale at a loss (a sale at a gain cannot be a wash sale) and each buy against recent losses and the " +
    "given sells; with no `trades`, it lists every taxable position that cannot be sold at a loss today and " +
    "every recently sold security that cannot be bought back yet. Each item gives the reason codes and the " +
    "first safe trade date.",
  input,
  output,
  async run({ householdId, trades }, context) {
    const loaded = await loadHousehold(context, householdId);
    if (!loaded.ok) return refusal(loaded.error);
    const policy = policyOf(loaded.value);
    if (!policy.ok) return refusal(policy.error);
    const inputs = loaded.value;
    const families = familiesOf(inputs, policy.value);
    const losses = realisedLosses(inputs.book);
    let proposed: ProposedTrade[];
    if (trades) {
      const invalid = invalidTrade(inputs, trades);
      if (invalid) return invalid;
      proposed = trades.map((t) => ({ ...t, quantity: new Decimal(t.quantity), expectedGainLoss: null }));
    } else {
      proposed = householdProbes(inputs, families, losses);
    }
    const conflicts = check(inputs, families, losses, proposed, trades !== undefined);
    const items = proposed
      .map((trade, index) => itemOf(trade, trades ? index : null, conflicts.get(index) ?? []))
      .filter((item) => trades || item.conflicts.length > 0);
    return success({
      householdId: inputs.book.householdId,
      tradeDate: inputs.book.asOf,
      checked: trades ? ("trades" as const) : ("household" as const),
      clear: conflicts.size === 0,
      items,
    });
  },
});

function invalidTrade(inputs: PlanningInputs, trades: Trades) {
  const accounts = new Set(inputs.book.accounts.map((a) => a.id));
  const symbols = new Set([...inputs.book.securities.values()].map((s) => s.symbol));
  for (const trade of trades) {
    if (!accounts.has(trade.accountId)) {
      return refuse<never>(
        "account.not-in-household",
        `account "${trade.accountId}" is not an account of ${inputs.book.householdId}: use the account ids from get_positions`,
      );
    }
    if (!symbols.has(trade.symbol)) {
      return refuse<never>("security.unknown", `no security with the symbol "${trade.symbol}" is known`);
    }
  }
  return null;
}

/**
 * With no trades: a sale of every taxable position with a lot at a loss (or of unknown basis), and a
 * buy back of every recent loss.
 */
function householdProbes(
  inputs: PlanningInputs,
  families: Families,
  losses: readonly RealisedLoss[],
): ProposedTrade[] {
  const { book } = inputs;
  const scan = findHarvestableLots(book, families, DEFAULT_PLAN_SETTINGS);
  const atALoss = new Set(
    [...scan.candidates, ...scan.skipped.filter((s) => s.code !== "harvest.no-loss")].map(
      (lot) => `${lot.accountId}/${lot.securityId}`,
    ),
  );
  const sells: ProposedTrade[] = book.positions
    .filter((p) => atALoss.has(`${p.accountId}/${p.securityId}`))
    .map((p) => ({
      accountId: p.accountId,
      symbol: symbolOf(inputs, p.securityId),
      side: "sell",
      quantity: p.quantity,
      expectedGainLoss: null,
    }));
  const seen = new Set<string>();
  const buys: ProposedTrade[] = [];
  for (const loss of losses) {
    const key = `${loss.accountId}/${loss.symbol}`;
    if (seen.has(key)) continue;
    seen.add(key);
    buys.push({ accountId: loss.accountId, symbol: loss.symbol, side: "buy", quantity: new Decimal(1) });
  }
  return [...sells, ...buys];
}

/** Given trades are checked together (they can wash each other); household probes one by one. */
function check(
  inputs: PlanningInputs,
  families: Families,
  losses: readonly RealisedLoss[],
  proposed: readonly ProposedTrade[],
  together: boolean,
): Map<number, WashConflict[]> {
  const { book } = inputs;
  const base = {
    tradeDate: book.asOf,
    accounts: new Map(book.accounts.map((a) => [a.id, { id: a.id, taxable: a.taxable }])),
    familyOf: (symbol: string) => families.familyOf(symbol),
    acquisitions: knownAcquisitions(inputs.book),
    realisedLosses: losses,
  };
  const byTrade = new Map<number, WashConflict[]>();
  const add = (index: number, conflict: WashConflict) =>
    byTrade.set(index, [...(byTrade.get(index) ?? []), conflict]);
  if (together) {
    for (const conflict of checkWashSales({ ...base, trades: proposed })) add(conflict.tradeIndex, conflict);
  } else {
    proposed.forEach((probe, index) => {
      for (const conflict of checkWashSales({ ...base, trades: [probe] })) add(index, conflict);
    });
  }
  return byTrade;
}

function itemOf(trade: ProposedTrade, tradeIndex: number | null, conflicts: WashConflict[]): Item {
  const safeDates = conflicts.map((c) => c.safeFrom);
  return {
    tradeIndex,
    side: trade.side,
    accountId: trade.accountId,
    symbol: trade.symbol,
    safeFrom: safeDates.reduce<IsoDate | null>(
      (latest, date) => (latest === null || date === null ? null : maxIsoDate(latest, date)),
      safeDates[0] ?? null,
    ),
    permanent: conflicts.some((c) => c.with.permanent),
    conflicts: conflicts.map((c) => ({ code: c.code, message: c.message })),
  };
}
