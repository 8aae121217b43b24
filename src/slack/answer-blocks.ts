// The assistant's reply as a Slack message: its text (model prose that passed the number guard, or
// the fallback's), in sections within Slack's limits, and a note when the rules engine answered alone.
import type { types } from "@slack/bolt";
import type { Answer } from "../agent/answer-request.ts";
import { chunkLines, escapeMrkdwn, SLACK_LIMITS, truncate } from "./slack-limits.ts";

const FALLBACK_WORDS: Record<NonNullable<Answer["fallbackReason"]>, string> = {
  "no-api-key": "no Anthropic API key is configured",
  "model-unavailable": "the model could not be reached",
  "grounding-failed": "the model's reply quoted figures no tool produced",
  "turn-limit": "the model did not finish within its turn limit",
};

/** Sections the reply may take before the rest is cut (the card carries the figures anyway). */
const MAX_SECTIONS = 8;

export function answerMessage(answer: Pick<Answer, "text" | "fallbackReason">): {
  text: string;
  blocks: types.KnownBlock[];
} {
  // Escaped first: text from the model (or quoted from custodian data) never pings (<!channel>) or links.
  const body = toMrkdwn(escapeMrkdwn(answer.text.trim() === "" ? "(no reply)" : answer.text.trim()));
  const sections = chunkLines(body, SLACK_LIMITS.sectionText).slice(0, MAX_SECTIONS);
  const blocks: types.KnownBlock[] = sections.map((text) => ({
    type: "section",
    text: { type: "mrkdwn", text },
  }));
  if (answer.fallbackReason) {
    blocks.push({
      type: "context",
      elements: [
        {
          type: "mrkdwn",
          text: `Answered by the rules engine alone: ${FALLBACK_WORDS[answer.fallbackReason]}.`,
        },
      ],
    });
  }
  return { text: truncate(escapeMrkdwn(answer.text), SLACK_LIMITS.messageText), blocks };
}

/** Markdown the model writes, in Slack's mrkdwn: bold, headings, links. */
export function toMrkdwn(markdown: string): string {
  return markdown
    .replace(/\*\*(.+?)\*\*/g, "*$1*")
    .replace(/__(.+?)__/g, "*$1*")
    .replace(/^#{1,6}\s+(.+)$/gm, "*$1*")
    .replace(/\[([^\]]+)\]\((https?:[^)\s]+)\)/g, "<$2|$1>");
}
