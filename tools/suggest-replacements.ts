// Securities that can replace one sold at a loss without a wash sale: same asset class, not
// substantially identical under the firm's policy version, not washing a recent loss, not restricted.
import { z } from "zod";
import { suggestReplacements } from "../src/engine/planning/suggest-replacements.ts";
import { familiesOf, loadHousehold, policyOf, refusal } from "./household.ts";
import { dateOutput, householdIdInput, refuse, success, symbolInput } from "./schemas.ts";
import { defineTool } from "./tool.ts";

const input = z
  .object({
    householdId: householdIdInput,
    symbol: symbolInput.describe('The security to be sold at a loss, e.g. "VEA".'),
  })
  .strict();

const output = z.object({
  householdId: z.string(),
  sold: z.object({ symbol: z.string(), assetClassId: z.string() }),
  policyVersion: z.string(),
  replacements: z.array(
    z.object({
      symbol: z.string(),
      rank: z.number().int(),
      /** One of the model's own securities for the class. */
      inModel: z.boolean(),
      allowedBecause: z.string(),
    }),
  ),
  rejected: z.array(
    z.object({
      symbol: z.string(),
      code: z.string(),
      message: z.string(),
      availableFrom: dateOutput.nullable(),
    }),
  ),
});

export const suggestReplacementsTool = defineTool({
  name: "suggest_replacements",
  description:
    "Replacement securities for one sold at a loss (tax-loss harvesting): same asset class, not " +
    "substantially identical under the firm's versioned policy, not washing a loss realised in the last " +
    "30 days, not restricted for the household. Ranked: the model's primary and alternates first, then " +
    "the rest of the class by expense ratio. Each says why the policy allows it; rejected securities " +
    "carry a reason code (replacement.identical, replacement.recent-loss, replacement.restricted).",
  input,
  output,
  async run({ householdId, symbol }, context) {
    const loaded = await loadHousehold(context, householdId);
    if (!loaded.ok) return refusal(loaded.error);
    const policy = policyOf(loaded.value);
    if (!policy.ok) return refusal(policy.error);
    const { book, model } = loaded.value;
    const sold = [...book.securities.values()].find((s) => s.symbol === symbol);
    if (!sold) return refuse("security.unknown", `no security with the symbol "${symbol}" is known`);
    const search = suggestReplacements(
      book,
      familiesOf(loaded.value, policy.value),
      policy.value.version,
      sold.id,
      model,
    );
    return success({
      householdId: book.householdId,
      sold: { symbol: sold.symbol, assetClassId: sold.assetClassId },
      policyVersion: policy.value.version,
      replacements: search.replacements.map(({ symbol, rank, inModel, allowedBecause }) => ({
        symbol,
        rank,
        inModel,
        allowedBecause,
      })),
      rejected: search.rejected.map(({ symbol, code, message, availableFrom }) => ({
        symbol,
        code,
        message,
        availableFrom,
      })),
    });
  },
});
