// An Approve or Reject click (after the ack): the Slack user id in the signed payload is resolved to a
// principal, and the approval service decides as that principal (it checks authorisation, four eyes,
// expiry, hash, fresh data and wash sales). A refusal is an ephemeral message to the clicker and
// changes nothing. A decision replaces the card's buttons with who decided and when, is announced in
// the thread, and an approval sends the orders, whose progress is posted to the thread. A repeated click (double click, retry) only tells
// the clicker what was already decided.
import type { ShownDecision } from "./build-plan-card.ts";
import type { CardRef } from "./plan-button-value.ts";
import { showDecisionOnCard } from "./post-plan-card.ts";
import type { DecisionOutcome, DecisionRefusalCode } from "./slack-deps.ts";
import { escapeMrkdwn, slackTime } from "./slack-limits.ts";
import type { SlackRuntime } from "./slack-runtime.ts";

export interface Click {
  card: CardRef;
  userId: string;
  decision: "approve" | "reject";
  reason?: string;
}

const NOTHING_CHANGED = "Nothing was approved, rejected or sent.";

const HINTS: Partial<Record<DecisionRefusalCode, string>> = {
  "decision.unknown-user": "Ask an admin to add you (`lotwise users`).",
  "decision.not-authorised": "Only an approver for this household can decide on its plans.",
  "decision.own-plan": "Four eyes: someone other than the requester has to decide.",
  "decision.expired": "Ask again for a fresh plan.",
  "decision.hash-mismatch": "The card is out of date: ask again for a fresh plan.",
  "decision.stale-data": "Refresh the data, then ask again for a fresh plan.",
  "decision.plan-changed": "The holdings changed since the plan was drafted: ask again for a fresh plan.",
  "decision.wash-sale": "Ask again for a fresh plan once the wash-sale window has passed.",
};

export function refusalText(outcome: Extract<DecisionOutcome, { ok: false }>): string {
  const hint = HINTS[outcome.code];
  return [`:no_entry: ${escapeMrkdwn(outcome.message)}`, NOTHING_CHANGED, ...(hint ? [hint] : [])].join(" ");
}

export async function decideInThread(rt: SlackRuntime, click: Click): Promise<void> {
  const { deps, client } = rt;
  const { card } = click;
  const ephemeral = (text: string) =>
    client.chat.postEphemeral({ channel: card.channel, user: click.userId, thread_ts: card.threadTs, text });

  let outcome: DecisionOutcome;
  try {
    const principal = await deps.principalOf(click.userId);
    outcome = await deps.decide({
      planId: card.planId,
      planHash: card.planHash,
      principal,
      decision: click.decision,
      ...(click.reason !== undefined ? { reason: click.reason } : {}),
      now: deps.clock.now(),
    });
  } catch (error) {
    deps.logger.error({ err: error, planId: card.planId, user: click.userId }, "the decision failed");
    await ephemeral(`:warning: Your decision could not be recorded (an internal error). ${NOTHING_CHANGED}`);
    return;
  }
  if (!outcome.ok) {
    deps.logger.info({ planId: card.planId, user: click.userId, code: outcome.code }, "decision refused");
    await ephemeral(refusalText(outcome));
    return;
  }

  const shown: ShownDecision = {
    decision: outcome.decision,
    byName: outcome.decidedBy.name,
    bySlackUserId: outcome.decidedBy.slackUserId,
    at: outcome.decidedAt,
    reason: click.decision === "reject" ? (click.reason ?? null) : null,
  };
  if (outcome.repeated) {
    await ephemeral(
      `This plan was already ${outcome.decision} by ${escapeMrkdwn(outcome.decidedBy.name)} at ${slackTime(outcome.decidedAt)}; nothing more was done.`,
    );
    return;
  }

  await showDecisionOnCard(
    rt,
    { channel: card.channel, messageTs: card.messageTs, planId: card.planId },
    shown,
  );
  if (outcome.decision === "rejected") {
    await client.chat.postMessage({
      channel: card.channel,
      thread_ts: card.threadTs,
      text: `:no_entry_sign: <@${click.userId}> rejected plan \`${card.planId}\`: ${escapeMrkdwn(click.reason ?? "")}. Nothing will be sent.`,
    });
    return;
  }

  const orders = outcome.orderIds.length;
  await client.chat.postMessage({
    channel: card.channel,
    thread_ts: card.threadTs,
    text: `:white_check_mark: <@${click.userId}> approved plan \`${card.planId}\`: ${orders} ${orders === 1 ? "order" : "orders"} queued for the custodians. Progress follows here.`,
  });
  // The card's thread receives the order updates, even if this app restarted since posting it.
  if (!(await rt.registry.find(card.planId))) {
    await rt.registry.remember(card.planId, {
      teamId: card.teamId,
      channel: card.channel,
      threadTs: card.threadTs,
      messageTs: card.messageTs,
      conversationId: null,
      askedBy: null,
    });
  }
  try {
    await deps.executeApproved(card.planId, (update) => rt.orders.notify(update));
  } catch (error) {
    deps.logger.error({ err: error, planId: card.planId }, "sending the approved orders failed");
    await client.chat.postMessage({
      channel: card.channel,
      thread_ts: card.threadTs,
      text: ":warning: Sending the orders hit an internal error. They stay queued and are retried; updates follow here.",
    });
    return;
  }
  const updates = await rt.orders.settle(card.planId);
  await client.chat.postMessage({
    channel: card.channel,
    thread_ts: card.threadTs,
    text: executionSummary(orders, updates),
  });
}

/** Where the orders stand after the drain: counts of the latest status of each order. */
export function executionSummary(queued: number, updates: readonly { status: string }[]): string {
  const count = (...statuses: string[]) => updates.filter((u) => statuses.includes(u.status)).length;
  const parts = [`${count("filled")} filled`];
  const exported = count("exported");
  if (exported > 0) parts.push(`${exported} exported for upload to the custodian`);
  const problems = count("rejected", "failed");
  if (problems > 0) parts.push(`${problems} rejected or failed (see above)`);
  const cancelled = count("cancelled");
  if (cancelled > 0) parts.push(`${cancelled} not sent (a sell they depended on did not fill)`);
  const pending = count("submitted", "partially-filled");
  if (pending > 0 || updates.length < queued)
    parts.push("the rest still with the custodians; updates follow here");
  return `:bar_chart: Orders (${queued} queued): ${parts.join(", ")}.`;
}
