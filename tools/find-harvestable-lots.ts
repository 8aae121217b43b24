// Tax-loss harvesting candidates in a household's taxable accounts, and why every other lot at a
// loss is not one (below the thresholds, wash-sale window open, no basis, restricted...).
import { z } from "zod";
import { sumDecimals } from "../src/domain/decimal.ts";
import { DEFAULT_PLAN_SETTINGS } from "../src/engine/planning/draft-plan.ts";
import { findHarvestableLots } from "../src/engine/planning/find-harvestable-lots.ts";
import {
  accountNamesOf,
  dataFreshness,
  dataOutput,
  familiesOf,
  loadHousehold,
  policyOf,
  refusal,
} from "./household.ts";
import {
  dateOutput,
  decimalOutput,
  householdIdInput,
  money,
  moneyOutput,
  success,
  termOutput,
  weight,
  weightOutput,
} from "./schemas.ts";
import { defineTool } from "./tool.ts";

const input = z.object({ householdId: householdIdInput }).strict();

const output = z.object({
  householdId: z.string(),
  tradeDate: dateOutput,
  data: dataOutput,
  thresholds: z.object({ minLoss: moneyOutput, minLossFraction: weightOutput }),
  candidates: z.array(
    z.object({
      lotKey: z.string(),
      accountId: z.string(),
      account: z.string(),
      symbol: z.string(),
      quantity: decimalOutput,
      basis: moneyOutput,
      marketValue: moneyOutput,
      loss: moneyOutput,
      lossFraction: weightOutput,
      term: termOutput,
      estimatedTaxValue: moneyOutput,
      /** First day the same security can be bought back without washing the loss. */
      rebuyFrom: dateOutput,
    }),
  ),
  totals: z.object({ loss: moneyOutput, estimatedTaxValue: moneyOutput }),
  skipped: z.array(
    z.object({
      lotKey: z.string(),
      accountId: z.string(),
      symbol: z.string(),
      code: z.string(),
      message: z.string(),
      /** When it becomes harvestable if only time stands in the way (a wash-sale window closing). */
      harvestableFrom: dateOutput.nullable(),
    }),
  ),
  /** Taxable lots at a gain or break-even: nothing to harvest. */
  lotsNotAtALoss: z.number().int(),
});

export const findHarvestableLotsTool = defineTool({
  name: "find_harvestable_lots",
  description:
    "Tax-loss harvesting scan of a household's taxable accounts: lots whose unrealised loss meets the " +
    "thresholds and can be sold today without a wash sale (with loss, term, estimated tax value and the " +
    "date the security can be bought back), and every lot at a loss that cannot be harvested, with a reason " +
    "code (harvest.below-threshold, harvest.wash-sale, harvest.no-basis, harvest.unreconciled, " +
    "harvest.restricted, harvest.no-price) and, for an open wash-sale window, the date it closes. Nothing is " +
    "sold: draft_trades decides what a plan harvests.",
  input,
  output,
  async run({ householdId }, context) {
    const loaded = await loadHousehold(context, householdId);
    if (!loaded.ok) return refusal(loaded.error);
    const policy = policyOf(loaded.value);
    if (!policy.ok) return refusal(policy.error);
    const { book } = loaded.value;
    const settings = DEFAULT_PLAN_SETTINGS;
    const scan = findHarvestableLots(book, familiesOf(loaded.value, policy.value), settings);
    const names = accountNamesOf(loaded.value);
    const skipped = scan.skipped.filter((s) => s.code !== "harvest.no-loss");
    return success({
      householdId: book.householdId,
      tradeDate: book.asOf,
      data: dataFreshness(loaded.value, context.now),
      thresholds: {
        minLoss: money(settings.minLossAmount),
        minLossFraction: weight(settings.minLossFraction),
      },
      candidates: scan.candidates.map((c) => ({
        lotKey: c.lotKey,
        accountId: c.accountId,
        account: names.get(c.accountId) ?? c.accountId,
        symbol: c.symbol,
        quantity: c.quantity.toString(),
        basis: money(c.basis),
        marketValue: money(c.marketValue),
        loss: money(c.loss),
        lossFraction: weight(c.lossFraction),
        term: c.term,
        estimatedTaxValue: money(c.estimatedTaxValue),
        rebuyFrom: c.rebuyFrom,
      })),
      totals: {
        loss: money(sumDecimals(scan.candidates.map((c) => c.loss))),
        estimatedTaxValue: money(sumDecimals(scan.candidates.map((c) => c.estimatedTaxValue))),
      },
      skipped: skipped.map((s) => ({
        lotKey: s.lotKey,
        accountId: s.accountId,
        symbol: s.symbol,
        code: s.code,
        message: s.message,
        harvestableFrom: s.harvestableFrom,
      })),
      lotsNotAtALoss: scan.skipped.length - skipped.length,
    });
  },
});
