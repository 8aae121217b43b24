// Pieces of a plan shown both on the Block Kit card and in the full-detail text: every figure is a
// string of the stored plan, only formatted here (cents, separators, percentages), never computed.
import { formatMoney, formatWeight } from "../agent/render-plan-card.ts";
import type { Plan, PlanClassDrift, PlanLot, PlanTrade } from "../engine/planning/plan.ts";
import type { PlanStatus } from "../ports/plan-store.ts";

export const STATUS_WORDS: Record<PlanStatus, string> = {
  "pending-approval": "awaiting approval",
  approved: "approved",
  rejected: "rejected",
  expired: "expired",
  superseded: "superseded by a newer plan",
  executing: "executing",
  executed: "executed",
  failed: "failed",
};

/** The oldest positions snapshot the plan read: what "data as of" means on the card. */
export function dataAsOf(plan: Plan): string | null {
  const times = plan.inputs.snapshots.map((s) => s.asOf).sort();
  return times[0] ?? null;
}

export function tradeTitle(trade: PlanTrade): string {
  return `${trade.index + 1}. ${trade.side.toUpperCase()} ${trade.quantity} ${trade.symbol}`;
}

export function tradeAmountText(trade: PlanTrade): string {
  return `${formatMoney(trade.amount)} at ${formatMoney(trade.price)}`;
}

export function lotText(lot: PlanLot): string {
  const base = `${lot.lotKey} acquired ${lot.acquiredDate}: ${lot.quantity} sh`;
  if (lot.gainLoss === null) return `${base}, not taxable`;
  const kind = lot.gainLoss.startsWith("-") ? "loss" : "gain";
  return `${base}, ${kind} ${formatMoney(lot.gainLoss)}${lot.term ? ` (${lot.term}-term)` : ""}`;
}

export function expectedText(trade: PlanTrade): string | null {
  if (trade.realized) {
    return `Expected gain/loss: short-term ${formatMoney(trade.realized.shortTerm)}, long-term ${formatMoney(trade.realized.longTerm)}`;
  }
  return trade.side === "sell" ? "Expected gain/loss: none (not taxable)" : null;
}

export interface DriftRow {
  assetClassId: string;
  before: PlanClassDrift | null;
  after: PlanClassDrift | null;
}

/** Each asset class with its drift before and after the plan, in the plan's order. */
export function driftRows(plan: Plan): DriftRow[] {
  const rows: DriftRow[] = plan.drift.before.map((before) => ({
    assetClassId: before.assetClassId,
    before,
    after: plan.drift.after.find((a) => a.assetClassId === before.assetClassId) ?? null,
  }));
  for (const after of plan.drift.after) {
    if (!rows.some((r) => r.assetClassId === after.assetClassId)) {
      rows.push({ assetClassId: after.assetClassId, before: null, after });
    }
  }
  return rows;
}

/** A fixed-width drift table (for a code block): weight before -> after, target and band; * = out of band. */
export function driftTable(plan: Plan): string[] {
  const rows = driftRows(plan);
  const width = Math.max(5, ...rows.map((r) => r.assetClassId.length));
  const weight = (c: PlanClassDrift | null) =>
    c ? `${formatWeight(c.actualWeight)}${c.outOfBand ? "*" : " "}` : "-";
  const lines = [
    // The weight columns end with a space or the out-of-band star: headings align on the "%".
    `${"Class".padEnd(width)}  ${"Before ".padStart(7)}  ${"After ".padStart(7)}  ${"Target".padStart(6)}  Band`,
  ];
  for (const row of rows) {
    const ref = row.after ?? row.before;
    const target = ref ? formatWeight(ref.targetWeight) : "-";
    const band = ref ? `${formatWeight(ref.lowerBand)}-${formatWeight(ref.upperBand)}` : "-";
    lines.push(
      `${row.assetClassId.padEnd(width)}  ${weight(row.before).padStart(7)}  ${weight(row.after).padStart(7)}  ${target.padStart(6)}  ${band}`,
    );
  }
  return lines;
}

/** The policy rule that allowed a harvested security's replacement, from the replacement buy. */
export function replacementRule(plan: Plan, harvestedSymbol: string, replacement: string): string | null {
  const buy = plan.trades.find((t) => t.replaces?.symbol === harvestedSymbol && t.symbol === replacement);
  return buy?.replaces?.allowedBecause ?? null;
}
