// The orders of an approved plan as one message in its thread, edited as the custodians answer:
// one line per order with its latest status, fills as the custodian reported them, and the buys
// that were never sent because a sell they depended on did not fill, with why.
import type { types } from "@slack/bolt";
import { formatMoney } from "../agent/render-plan-card.ts";
import type { OrderUpdate } from "./slack-deps.ts";
import { chunkLines, escapeMrkdwn, SLACK_LIMITS } from "./slack-limits.ts";

const STATUS: Record<OrderUpdate["status"], { icon: string; word: string; settled: boolean }> = {
  submitted: { icon: ":hourglass_flowing_sand:", word: "submitted", settled: false },
  "partially-filled": { icon: ":large_orange_diamond:", word: "partially filled", settled: false },
  filled: { icon: ":white_check_mark:", word: "filled", settled: true },
  rejected: { icon: ":no_entry:", word: "rejected by the custodian", settled: true },
  failed: { icon: ":x:", word: "failed", settled: true },
  exported: { icon: ":page_facing_up:", word: "exported for upload to the custodian", settled: true },
  cancelled: { icon: ":heavy_multiplication_x:", word: "cancelled", settled: true },
};

export function isSettled(update: OrderUpdate): boolean {
  return STATUS[update.status].settled;
}

/** One order's latest state: Slack mrkdwn with an icon, or plain text for the terminal. */
export function orderLine(
  update: OrderUpdate,
  accountName: string | undefined,
  style: "slack" | "plain" = "slack",
): string {
  const status = STATUS[update.status];
  const esc = style === "slack" ? escapeMrkdwn : (text: string) => text;
  const what = `${update.side.toUpperCase()} ${update.quantity} ${update.symbol}`;
  const fill =
    update.filledQuantity && update.averagePrice
      ? `: ${update.filledQuantity} at ${formatMoney(update.averagePrice)}`
      : "";
  const where = `${what} in ${esc(accountName ?? update.accountId)}`;
  // A cancellation's message says it all: "cancelled: the sell of ... it depended on was rejected (...)".
  const note = update.message && update.status !== "filled" ? ` (${esc(update.message)})` : "";
  const line =
    update.status === "cancelled" && update.message
      ? `${where}, ${esc(update.message)}`
      : `${where}, ${status.word}${fill}${note}`;
  return style === "slack" ? `${status.icon} ${line}` : line;
}

/** The board for a plan's orders, in the order they were first reported. */
export function orderBoard(
  planId: string,
  updates: readonly OrderUpdate[],
  accountNames: Record<string, string>,
): { text: string; blocks: types.KnownBlock[] } {
  const settled = updates.filter(isSettled).length;
  const heading = `*Orders for plan \`${planId}\`*: ${settled} of ${updates.length} settled`;
  const cancelled = updates.filter((u) => u.status === "cancelled").length;
  const lines = updates.map((u) => orderLine(u, accountNames[u.accountId]));
  if (cancelled > 0) {
    lines.push(
      `:warning: ${cancelled} ${cancelled === 1 ? "order was" : "orders were"} not sent: a sell that would have paid for ${cancelled === 1 ? "it" : "them"} did not fill, so the plan is not complete. Ask for a new plan once the holdings are right.`,
    );
  }
  const sections = chunkLines(lines.join("\n"), SLACK_LIMITS.sectionText).slice(
    0,
    SLACK_LIMITS.blocksPerMessage - 1,
  );
  return {
    text: `Orders for plan ${planId}: ${settled} of ${updates.length} settled`,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: heading } },
      ...sections.map((text): types.KnownBlock => ({ type: "section", text: { type: "mrkdwn", text } })),
    ],
  };
}
