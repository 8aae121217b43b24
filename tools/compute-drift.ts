// How far each asset class is from the household's target model, and which are out of band.
import { z } from "zod";
import { computeDrift } from "../src/engine/planning/compute-drift.ts";
import { dataFreshness, dataOutput, loadHousehold, modelOf, refusal, symbolOf } from "./household.ts";
import { householdIdInput, money, moneyOutput, success, weight, weightOutput } from "./schemas.ts";
import { defineTool } from "./tool.ts";

const input = z.object({ householdId: householdIdInput }).strict();

const output = z.object({
  householdId: z.string(),
  model: z.object({ versionId: z.string(), name: z.string(), version: z.number().int() }),
  data: dataOutput,
  totalValue: moneyOutput,
  heldAwayValue: moneyOutput,
  outOfBand: z.boolean(),
  classes: z.array(
    z.object({
      assetClassId: z.string(),
      inModel: z.boolean(),
      value: moneyOutput,
      targetWeight: weightOutput,
      actualWeight: weightOutput,
      /** actual - target, as a fraction (0.050000 = 5 points). */
      drift: weightOutput,
      lowerBand: weightOutput,
      upperBand: weightOutput,
      outOfBand: z.boolean(),
    }),
  ),
  unvalued: z.array(z.object({ accountId: z.string(), symbol: z.string(), reason: z.string() })),
});

export const computeDriftTool = defineTool({
  name: "compute_drift",
  description:
    "Drift of a household from its target model, per asset class over all its accounts (held-away " +
    "included, account cash in the cash class): value, target and actual weight, drift, the band, and " +
    "whether it is out of band. Weights are fractions with 6 places (0.360000 = 36%). Refuses with " +
    "plan.no-model when the household has no target model.",
  input,
  output,
  async run({ householdId }, context) {
    const loaded = await loadHousehold(context, householdId);
    if (!loaded.ok) return refusal(loaded.error);
    const model = modelOf(loaded.value);
    if (!model.ok) return refusal(model.error);
    const drift = computeDrift(loaded.value.book, model.value);
    return success({
      householdId: loaded.value.book.householdId,
      model: { versionId: model.value.id, name: model.value.name, version: model.value.version },
      data: dataFreshness(loaded.value, context.now),
      totalValue: money(drift.totalValue),
      heldAwayValue: money(drift.heldAwayValue),
      outOfBand: drift.outOfBand,
      classes: drift.classes.map((c) => ({
        assetClassId: c.assetClassId,
        inModel: c.inModel,
        value: money(c.value),
        targetWeight: weight(c.targetWeight),
        actualWeight: weight(c.actualWeight),
        drift: weight(c.absoluteDrift),
        lowerBand: weight(c.lowerBand),
        upperBand: weight(c.upperBand),
        outOfBand: c.outOfBand,
      })),
      unvalued: drift.unvalued.map((u) => ({
        accountId: u.accountId,
        symbol: symbolOf(loaded.value, u.securityId),
        reason: u.reason,
      })),
    });
  },
});
