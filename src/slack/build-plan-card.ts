// The plan card in Block Kit, built by code from the stored plan alone (never from model text):
// household, data as-of, drift before/after per class, each trade with its lots and expected
// gain/loss, harvested losses with their tax value and replacement rule, warnings, and the Approve
// (with a confirmation dialog) and Reject buttons. Pure: the same plan gives the same blocks.
// Names and symbols come from custodian files and records people typed: each is escaped (no mention,
// command or link), and no text object lets Slack auto-link on its own (`verbatim`).
//
// Long plans stay readable and inside Slack's limits (50 blocks, 3,000 characters a section): the
// card shows the summary and the first trades (a few lots each) and says what it left out; the full
// detail (every trade and lot) is uploaded beside it as a text file (see plan-detail-text.ts).
import type { types } from "@slack/bolt";
import { formatMoney, modelText } from "../agent/render-plan-card.ts";
import type { Plan, PlanFinding, PlanTrade } from "../engine/planning/plan.ts";
import type { StoredPlan } from "../ports/plan-store.ts";
import { APPROVE_ACTION, encodePlanRef, REJECT_ACTION } from "./plan-button-value.ts";
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
import { escapeMrkdwn, SLACK_LIMITS, slackTime, truncate } from "./slack-limits.ts";

type KnownBlock = types.KnownBlock;

export const CARD_BLOCK_IDS = {
  actions: "plan_actions",
  outcome: "plan_outcome",
} as const;

export interface ShownDecision {
  decision: "approved" | "rejected";
  byName: string;
  bySlackUserId: string | null;
  at: string;
  reason: string | null;
}

export interface PlanCardOptions {
  household?: HouseholdLabel | null;
  /** The Slack user who asked for the plan in this thread. */
  askedBy?: string | null;
  /** Shown instead of the buttons once someone decided. */
  decision?: ShownDecision | null;
  maxTrades?: number;
  maxLotsPerTrade?: number;
  maxFindings?: number;
}

export interface PlanCard {
  /** The notification and accessibility text. */
  text: string;
  blocks: KnownBlock[];
  /** True when the card leaves out trades, lots or findings: post the full detail with it. */
  truncated: boolean;
}

export const CARD_DEFAULTS = { maxTrades: 12, maxLotsPerTrade: 3, maxFindings: 5 } as const;

export function buildPlanCard(
  stored: Pick<StoredPlan, "id" | "hash" | "status" | "expiresAt" | "plan">,
  options: PlanCardOptions = {},
): PlanCard {
  const { plan } = stored;
  const maxTrades = options.maxTrades ?? CARD_DEFAULTS.maxTrades;
  const maxLots = options.maxLotsPerTrade ?? CARD_DEFAULTS.maxLotsPerTrade;
  const maxFindings = options.maxFindings ?? CARD_DEFAULTS.maxFindings;
  const householdName = options.household?.name ?? plan.householdId;
  const custodians = options.household?.custodians ?? {};
  let truncated = false;

  const blocks: KnownBlock[] = [
    {
      type: "header",
      text: { type: "plain_text", text: truncate(`Plan for ${householdName}`, SLACK_LIMITS.headerText) },
    },
    context(headlineFacts(stored, options)),
  ];
  if (plan.stale) {
    blocks.push(
      section(
        ":warning: *STALE*: drafted on positions or prices older than the freshness limit, at the advisor's explicit request.",
      ),
    );
  }
  blocks.push(summaryFields(plan));
  const drift = codeBlock(driftTable(plan));
  if (drift.cut) truncated = true;
  blocks.push(section(`*Drift by asset class* (before → after; * out of band)\n${drift.text}`));
  blocks.push(section(harvestText(plan)));
  blocks.push({ type: "divider" });

  const shown = plan.trades.slice(0, maxTrades);
  if (plan.trades.length === 0) {
    blocks.push(section("*Trades*: none."));
  } else {
    const more = plan.trades.length - shown.length;
    if (more > 0) truncated = true;
    blocks.push(
      section(
        more > 0
          ? `*Trades* (the first ${shown.length} of ${plan.trades.length}; every trade and lot is in the detail file)`
          : `*Trades* (${plan.trades.length})`,
      ),
    );
    for (const trade of shown) {
      const { text, cut } = tradeText(trade, custodians, maxLots);
      if (cut) truncated = true;
      blocks.push(section(text));
    }
  }

  const findings = findingSection("Warnings", ":warning:", plan.warnings, maxFindings);
  if (findings.cut) truncated = true;
  if (findings.text) blocks.push(section(findings.text));
  const reasons = findingSection("Left undone", ":information_source:", plan.reasons, maxFindings);
  if (reasons.cut) truncated = true;
  if (reasons.text) blocks.push(section(reasons.text));

  blocks.push(context(footerFacts(stored, options)));
  blocks.push(outcomeBlock(stored, options, householdName));

  return {
    text: truncate(
      notificationText(stored, householdName, options.decision ?? null),
      SLACK_LIMITS.messageText,
    ),
    blocks,
    truncated,
  };
}

// --- blocks ---------------------------------------------------------------------------------------

function section(text: string): KnownBlock {
  return { type: "section", text: mrkdwn(truncate(text, SLACK_LIMITS.sectionText)) };
}

function mrkdwn(text: string): types.MrkdwnElement {
  return { type: "mrkdwn", text, verbatim: true };
}

function context(texts: string[]): KnownBlock {
  return {
    type: "context",
    elements: texts
      .slice(0, SLACK_LIMITS.contextElements)
      .map((text) => mrkdwn(truncate(text, SLACK_LIMITS.sectionText))),
  };
}

function codeBlock(lines: string[]): { text: string; cut: boolean } {
  // Leaves room for the heading of the section the table sits in.
  const max = SLACK_LIMITS.sectionText - 200;
  const table = lines.map(escapeMrkdwn).join("\n");
  return { text: `\`\`\`${truncate(table, max)}\`\`\``, cut: table.length > max };
}

function headlineFacts(stored: Pick<StoredPlan, "status" | "expiresAt" | "plan">, options: PlanCardOptions) {
  const { plan } = stored;
  const asOf = dataAsOf(plan);
  return [
    `*Trade date* ${plan.asOf}`,
    `*Data as of* ${asOf ? slackTime(asOf) : "unknown"}`,
    `*Model* ${escapeMrkdwn(modelText(plan))}`,
    ...(stored.status === "pending-approval" && !options.decision
      ? [`*Approve by* ${slackTime(stored.expiresAt)}`]
      : []),
  ];
}

function summaryFields(plan: Plan): KnownBlock {
  const r = plan.realized;
  const sells = plan.trades.filter((t) => t.side === "sell").length;
  const fields = [
    `*Trades*\n${plan.trades.length} (${sells} sells, ${plan.trades.length - sells} buys)`,
    `*Household value*\n${formatMoney(plan.drift.totalValue)}`,
    `*Realised short-term*\n${formatMoney(r.shortTerm)}`,
    `*Realised long-term*\n${formatMoney(r.longTerm)}`,
    `*Realised by the plan*\n${formatMoney(r.total)}`,
    `*Estimated tax*\n${formatMoney(r.estimatedTax)}`,
    `*Realised this year before the plan*\n${formatMoney(r.yearToDate)}`,
  ];
  return {
    type: "section",
    fields: fields
      .slice(0, SLACK_LIMITS.sectionFields)
      .map((text) => mrkdwn(truncate(text, SLACK_LIMITS.fieldText))),
  };
}

function harvestText(plan: Plan): string {
  if (plan.harvested.length === 0) return "*Harvested losses*: none.";
  const lines = plan.harvested.map((h) => {
    const rule = h.replacement ? replacementRule(plan, h.symbol, h.replacement) : null;
    const symbol = escapeMrkdwn(h.symbol);
    const replaced = h.replacement
      ? `replaced by ${escapeMrkdwn(h.replacement)}${rule ? ` (${escapeMrkdwn(rule)})` : ""}`
      : "not replaced";
    return (
      `• ${symbol}: ${formatMoney(h.loss)} ${h.term}-term loss, estimated tax value ${formatMoney(h.estimatedTaxValue)}; ` +
      `${replaced}; no rebuy of ${symbol} before ${h.rebuyFrom}`
    );
  });
  return `*Harvested losses* (${plan.harvested.length})\n${lines.join("\n")}`;
}

function tradeText(
  trade: PlanTrade,
  custodians: Record<string, string>,
  maxLots: number,
): { text: string; cut: boolean } {
  const custodian = custodians[trade.accountId];
  const where = [
    escapeMrkdwn(trade.accountName),
    ...(custodian ? [escapeMrkdwn(custodian)] : []),
    trade.taxable ? "taxable" : "tax-advantaged",
    trade.purposes.join(", "),
  ].join(" · ");
  const lines = [`*${escapeMrkdwn(tradeTitle(trade))}* · ${tradeAmountText(trade)}`, where];
  const lots = trade.lots.slice(0, maxLots);
  for (const lot of lots) lines.push(`• ${escapeMrkdwn(lotText(lot))}`);
  const moreLots = trade.lots.length - lots.length;
  if (moreLots > 0) lines.push(`• … and ${moreLots} more lots (detail file)`);
  const expected = expectedText(trade);
  if (expected) lines.push(expected);
  if (trade.replaces) {
    lines.push(
      `Replaces ${escapeMrkdwn(trade.replaces.symbol)}: ${escapeMrkdwn(trade.replaces.allowedBecause)}`,
    );
  }
  return { text: lines.join("\n"), cut: moreLots > 0 };
}

function findingSection(
  title: string,
  icon: string,
  findings: readonly PlanFinding[],
  max: number,
): { text: string | null; cut: boolean } {
  if (findings.length === 0) return { text: null, cut: false };
  const shown = findings.slice(0, max).map((f) => `• ${escapeMrkdwn(f.message)}`);
  const more = findings.length - max;
  if (more > 0) shown.push(`• … and ${more} more (detail file)`);
  return { text: `${icon} *${title}* (${findings.length})\n${shown.join("\n")}`, cut: more > 0 };
}

function footerFacts(stored: Pick<StoredPlan, "id" | "hash" | "status">, options: PlanCardOptions): string[] {
  const status = options.decision ? options.decision.decision : STATUS_WORDS[stored.status];
  return [
    `Plan \`${stored.id}\``,
    `hash \`${stored.hash.slice(0, 12)}\``,
    ...(options.askedBy ? [`asked by <@${options.askedBy}>`] : []),
    `status: ${status}`,
  ];
}

function outcomeBlock(
  stored: Pick<StoredPlan, "id" | "hash" | "status" | "plan">,
  options: PlanCardOptions,
  householdName: string,
): KnownBlock {
  const decision = options.decision;
  if (decision) {
    const who = decision.bySlackUserId
      ? `${escapeMrkdwn(decision.byName)} (<@${decision.bySlackUserId}>)`
      : escapeMrkdwn(decision.byName);
    const text =
      decision.decision === "approved"
        ? `:white_check_mark: *Approved* by ${who} at ${slackTime(decision.at)}. Orders are queued for the custodians.`
        : `:no_entry_sign: *Rejected* by ${who} at ${slackTime(decision.at)}: ${escapeMrkdwn(decision.reason ?? "no reason given")}`;
    return {
      type: "section",
      block_id: CARD_BLOCK_IDS.outcome,
      text: mrkdwn(truncate(text, SLACK_LIMITS.sectionText)),
    };
  }
  if (stored.status !== "pending-approval") {
    return {
      type: "section",
      block_id: CARD_BLOCK_IDS.outcome,
      text: mrkdwn(
        `This plan is ${STATUS_WORDS[stored.status]}: it can no longer be approved. Ask again for a fresh plan.`,
      ),
    };
  }
  const value = encodePlanRef({ planId: stored.id, planHash: stored.hash });
  const trades = stored.plan.trades.length;
  return {
    type: "actions",
    block_id: CARD_BLOCK_IDS.actions,
    elements: [
      {
        type: "button",
        action_id: APPROVE_ACTION,
        style: "primary",
        text: { type: "plain_text", text: "Approve" },
        value,
        confirm: {
          title: { type: "plain_text", text: "Approve this plan?" },
          text: mrkdwn(
            truncate(
              `Approve ${trades} ${trades === 1 ? "trade" : "trades"} for ${escapeMrkdwn(householdName)}? ` +
                "The orders go to the custodians as soon as you confirm.",
              SLACK_LIMITS.confirmText,
            ),
          ),
          confirm: { type: "plain_text", text: "Approve and send" },
          deny: { type: "plain_text", text: "Cancel" },
          style: "primary",
        },
      },
      {
        type: "button",
        action_id: REJECT_ACTION,
        style: "danger",
        text: { type: "plain_text", text: "Reject…" },
        value,
      },
    ],
  };
}

function notificationText(
  stored: Pick<StoredPlan, "status" | "plan">,
  householdName: string,
  decision: ShownDecision | null,
): string {
  const trades = stored.plan.trades.length;
  const state = decision ? `${decision.decision} by ${decision.byName}` : STATUS_WORDS[stored.status];
  return escapeMrkdwn(`Plan for ${householdName}: ${trades} ${trades === 1 ? "trade" : "trades"}, ${state}`);
}
