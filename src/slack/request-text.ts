// What the person asked, from a Slack message: the bot's own mention removed, whitespace trimmed.
export function requestText(text: string | undefined, botUserId: string | undefined): string {
  const mention = botUserId ? new RegExp(`<@${botUserId}(\\|[^>]*)?>`, "g") : /^\s*<@[A-Z0-9]+(\|[^>]*)?>/;
  return (text ?? "").replace(mention, " ").replace(/\s+/g, " ").trim();
}

export const HELP_TEXT = [
  "*lotwise* drafts rebalance and tax-loss-harvest plans; every figure comes from the rules engine, and nothing is sent until an authorised approver presses Approve.",
  "• Mention me in a channel: `@lotwise rebalance the Chen household`",
  "• Message me directly, or open the assistant panel; follow-ups in the same thread keep the context.",
  "• `/lotwise plan <household>`: draft a plan for a household",
  "• `/lotwise audit <plan id>`: compliance only: the plan's transcript and replay verdict",
  "• `/lotwise <request>`: ask anything else (answered in a new thread)",
  "• `/lotwise help`: this message",
].join("\n");
