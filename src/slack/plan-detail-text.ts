// The full detail of a plan as plain text (every trade and every lot, every finding): uploaded as a
// file beside a card that had to leave things out, and printed by the terminal front end on request.
// Rendered from the stored plan alone; figures are formatted, never computed. Names from custodian
// data cannot hide or reorder text (control and bidi characters are dropped).
import { formatMoney, modelText } from "../agent/render-plan-card.ts";
import type { PlanFinding } from "../engine/planning/plan.ts";
import type { StoredPlan } from "../ports/plan-store.ts";
import {
  dataAsOf,
  driftTable,
  expectedText,
  lotText,
  replacementRule,
  STATUS_WORDS,
  tradeAmountText,
  tradeTitle,
} from "./plan-card-parts.ts";
import type { HouseholdLabel } from "./slack-deps.ts";
import { dropHiddenControls, utcText } from "./slack-limits.ts";

export function renderPlanDetailText(
  stored: Pick<StoredPlan, "id" | "hash" | "status" | "expiresAt" | "plan">,
  household: HouseholdLabel | null = null,
): string {
  const { plan } = stored;
  const custodians = household?.custodians ?? {};
  const asOf = dataAsOf(plan);
  const r = plan.realized;
  const lines = [
    `Plan ${stored.id} for ${household ? `${household.name} (${plan.householdId})` : plan.householdId}`,
    `Hash ${stored.hash}`,
    `Status: ${STATUS_WORDS[stored.status]}; approve by ${utcText(stored.expiresAt)}`,
    `Trade date ${plan.asOf}; data as of ${asOf ? utcText(asOf) : "unknown"}`,
    `Model: ${modelText(plan)}`,
    ...(plan.stale ? ["STALE: drafted on positions or prices older than the freshness limit"] : []),
    "",
    "Drift by asset class (before -> after; * out of band)",
    ...driftTable(plan).map((line) => `  ${line}`),
    "",
    `Household value ${formatMoney(plan.drift.totalValue)}`,
    `Realised: short-term ${formatMoney(r.shortTerm)}, long-term ${formatMoney(r.longTerm)}, total ${formatMoney(r.total)}; this year before the plan ${formatMoney(r.yearToDate)}`,
    `Estimated tax: ${formatMoney(r.estimatedTax)}`,
    "",
    `Trades (${plan.trades.length})`,
  ];
  for (const trade of plan.trades) {
    const custodian = custodians[trade.accountId];
    lines.push(
      `${tradeTitle(trade)}: ${tradeAmountText(trade)}`,
      `   ${trade.accountName} (${trade.accountId}${custodian ? `, ${custodian}` : ""}); ${trade.taxable ? "taxable" : "tax-advantaged"}; ${trade.purposes.join(", ")}`,
    );
    for (const lot of trade.lots) {
      lines.push(`   - ${lotText(lot)}${lot.basis === null ? "" : `; basis ${formatMoney(lot.basis)}`}`);
    }
    const expected = expectedText(trade);
    if (expected) lines.push(`   ${expected}`);
    if (trade.replaces) lines.push(`   Replaces ${trade.replaces.symbol}: ${trade.replaces.allowedBecause}`);
  }
  lines.push("", `Harvested losses (${plan.harvested.length})`);
  for (const h of plan.harvested) {
    const rule = h.replacement ? replacementRule(plan, h.symbol, h.replacement) : null;
    lines.push(
      `   ${h.symbol} lot ${h.lotKey}: ${formatMoney(h.loss)} ${h.term}-term loss, estimated tax value ${formatMoney(h.estimatedTaxValue)}; ` +
        `${h.replacement ? `replaced by ${h.replacement}${rule ? ` (${rule})` : ""}` : "not replaced"}; no rebuy before ${h.rebuyFrom}`,
    );
  }
  lines.push(...findingLines("Not harvested", plan.notHarvested));
  lines.push(...findingLines("Warnings", plan.warnings));
  lines.push(...findingLines("Left undone", plan.reasons));
  if (plan.cash.length > 0) {
    lines.push("", "Cash by account (before -> after; reserve)");
    for (const c of plan.cash) {
      lines.push(
        `   ${c.accountId}: ${formatMoney(c.before)} -> ${formatMoney(c.after)}; reserve ${formatMoney(c.reserve)}`,
      );
    }
  }
  return `${dropHiddenControls(lines.join("\n"))}\n`;
}

function findingLines(title: string, findings: readonly PlanFinding[]): string[] {
  if (findings.length === 0) return [];
  return ["", `${title} (${findings.length})`, ...findings.map((f) => `   - ${f.message}`)];
}
