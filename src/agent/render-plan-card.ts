// The plan card as plain text (CLI, logs, the deterministic fallback), rendered from the stored plan
// alone: every figure is a string of the plan JSON, only formatted here, never computed.
import { Decimal, formatFixed } from "../domain/decimal.ts";
import type { Plan, PlanClassDrift, PlanFinding, PlanTrade } from "../engine/planning/plan.ts";
import type { StoredPlan } from "../ports/plan-store.ts";

export type PlanCardInput = Pick<StoredPlan, "id" | "hash" | "status" | "plan">;

export const APPROVAL_LINE =
  "Approve or reject in Slack; nothing is sent until an authorised person approves.";
const REASONS_SHOWN = 3;
const SHORT_HASH = 12;

export function renderPlanCardText(stored: PlanCardInput, options: { householdName?: string } = {}): string {
  const { plan } = stored;
  const household = options.householdName
    ? `${options.householdName} (${plan.householdId})`
    : plan.householdId;
  const lines = [
    `Plan for ${household}, trade date ${plan.asOf}`,
    `Model: ${modelText(plan)}`,
    ...(plan.stale ? ["STALE: drafted on positions or prices older than the freshness limit"] : []),
    `Status: ${stored.status.replaceAll("-", " ")}`,
    "",
    ...tradeLines(plan),
    "",
    ...totalLines(plan),
    `Out of band after: ${outOfBandText(plan.drift.after)}`,
    ...findingLines("Warnings", plan.warnings, plan.warnings.length),
    ...findingLines("Reasons", plan.reasons, REASONS_SHOWN),
    "",
    `Plan ${stored.id} (hash ${stored.hash.slice(0, SHORT_HASH)})`,
    APPROVAL_LINE,
  ];
  return lines.join("\n");
}

/** "-2400.00" -> "-$2,400.00": display formatting only (cents, thousands separators). */
export function formatMoney(text: string): string {
  const value = new Decimal(text);
  const [whole = "0", cents = "00"] = formatFixed(value.abs(), 2).split(".");
  const sign = value.isNegative() && !value.isZero() ? "-" : "";
  return `${sign}$${groupThousands(whole)}.${cents}`;
}

/** "0.359532" -> "36.0%". */
export function formatWeight(text: string): string {
  return `${formatFixed(new Decimal(text).times(100), 1)}%`;
}

const groupThousands = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");

export function modelText(plan: Plan): string {
  if (!plan.model) return "none";
  const to = plan.model.rebalanceTo.toLowerCase().replaceAll("_", " ");
  return `${plan.model.name} v${plan.model.version} (rebalance to ${to})`;
}

function tradeLines(plan: Plan): string[] {
  if (plan.trades.length === 0) return ["No trades."];
  return [`Trades (${plan.trades.length}):`, ...plan.trades.map((trade) => `  ${tradeLine(trade)}`)];
}

function tradeLine(trade: PlanTrade): string {
  const purposes = trade.purposes.join(", ");
  const replaces = trade.replaces ? `, replaces ${trade.replaces.symbol}` : "";
  const line = `${trade.side.toUpperCase()} ${trade.quantity} ${trade.symbol} in ${trade.accountName}: ${formatMoney(trade.amount)} (${purposes}${replaces})`;
  if (trade.realized) {
    return `${line}; realised short-term ${formatMoney(trade.realized.shortTerm)}, long-term ${formatMoney(trade.realized.longTerm)}`;
  }
  return trade.side === "sell" ? `${line}; not taxable` : line;
}

function totalLines(plan: Plan): string[] {
  const r = plan.realized;
  const lines = [
    `Realised: short-term ${formatMoney(r.shortTerm)}, long-term ${formatMoney(r.longTerm)}, total ${formatMoney(r.total)}`,
    `Estimated tax: ${formatMoney(r.estimatedTax)}`,
  ];
  if (plan.harvested.length === 0) return [...lines, "Harvested losses: none"];
  return [
    ...lines,
    `Harvested losses (${plan.harvested.length}):`,
    ...plan.harvested.map(
      (h) =>
        `  ${h.symbol} ${formatMoney(h.loss)} ${h.term}-term (tax value about ${formatMoney(h.estimatedTaxValue)})` +
        `${h.replacement ? `, replaced by ${h.replacement}` : ""}; no rebuy of ${h.symbol} before ${h.rebuyFrom}`,
    ),
  ];
}

export function outOfBandText(classes: readonly PlanClassDrift[]): string {
  const out = classes.filter((c) => c.outOfBand);
  if (out.length === 0) return "none";
  return out
    .map(
      (c) =>
        `${c.assetClassId} ${formatWeight(c.actualWeight)} (band ${formatWeight(c.lowerBand)}-${formatWeight(c.upperBand)})`,
    )
    .join("; ");
}

function findingLines(title: string, findings: readonly PlanFinding[], shown: number): string[] {
  if (findings.length === 0) return [];
  const lines = [`${title}:`, ...findings.slice(0, shown).map((f) => `  - ${f.message}`)];
  if (findings.length > shown) lines.push(`  ... and ${findings.length - shown} more`);
  return lines;
}
