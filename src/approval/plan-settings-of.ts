// A stored plan records the settings it was drafted with (settingsRecord); re-checking it at
// approval time must re-draft with those same settings, or every custom option would look like a
// changed plan.
import { parseDecimal } from "../domain/decimal.ts";
import type { Plan, PlanSettings } from "../engine/planning/plan.ts";

/** The settings a plan records, or null when the record cannot be read back in full. */
export function planSettingsOf(record: Plan["settings"]): PlanSettings | null {
  const decimal = (key: string) => {
    const value = record[key];
    return typeof value === "string" ? (parseDecimal(value) ?? null) : null;
  };
  const minLossAmount = decimal("minLossAmount");
  const minLossFraction = decimal("minLossFraction");
  const shortTermRate = decimal("shortTermRate");
  const longTermRate = decimal("longTermRate");
  const minTradeAmount = decimal("minTradeAmount");
  const { shortTermGains, gainBudgetMode, harvestWhenInBand, maxDataAgeSeconds } = record;
  if (
    !minLossAmount ||
    !minLossFraction ||
    !shortTermRate ||
    !longTermRate ||
    !minTradeAmount ||
    (shortTermGains !== "last" && shortTermGains !== "never") ||
    typeof harvestWhenInBand !== "boolean" ||
    typeof maxDataAgeSeconds !== "number"
  ) {
    return null;
  }
  let gainBudget: PlanSettings["gainBudget"] = null;
  if (record.gainBudgetLimit !== null) {
    const limit = decimal("gainBudgetLimit");
    if (!limit || (gainBudgetMode !== "hard" && gainBudgetMode !== "soft")) return null;
    gainBudget = { limit, mode: gainBudgetMode };
  }
  return {
    minLossAmount,
    minLossFraction,
    shortTermRate,
    longTermRate,
    shortTermGains,
    gainBudget,
    minTradeAmount,
    harvestWhenInBand,
    maxDataAgeSeconds,
  };
}
