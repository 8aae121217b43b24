// The assistant's reply as a Slack message: its text (model prose that passed the number guard, or
// the fallback's), in sections within Slack's limits, and a note when the rules engine answered alone.
// The reply is data: it never pings, and it links only to hosts the firm allowed (LOTWISE_LINK_HOSTS).
import type { types } from "@slack/bolt";
import type { Answer } from "../agent/answer-request.ts";
import { chunkLines, escapeControlCharacters, escapeMrkdwn, SLACK_LIMITS, truncate } from "./slack-limits.ts";

const FALLBACK_WORDS: Record<NonNullable<Answer["fallbackReason"]>, string> = {
  "no-api-key": "no Anthropic API key is configured",
  "model-unavailable": "the model could not be reached",
  "grounding-failed": "the model's reply quoted figures no tool produced",
  "turn-limit": "the model did not finish within its turn limit",
};

/** Sections the reply may take before the rest is cut (the card carries the figures anyway). */
const MAX_SECTIONS = 8;

export interface LinkPolicy {
  /** Host names the reply may link to (exact, lower case); none by default. */
  linkHosts?: readonly string[];
}

export function answerMessage(
  answer: Pick<Answer, "text" | "fallbackReason">,
  policy: LinkPolicy = {},
): {
  text: string;
  blocks: types.KnownBlock[];
} {
  const reply = answer.text.trim() === "" ? "(no reply)" : answer.text.trim();
  const sections = chunkLines(toMrkdwn(reply, policy), SLACK_LIMITS.sectionText).slice(0, MAX_SECTIONS);
  const blocks: types.KnownBlock[] = sections.map((text) => ({
    type: "section",
    // verbatim: Slack does no auto-linking of its own (URLs, #channels, @names) on top of ours.
    text: { type: "mrkdwn", text, verbatim: true },
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
  // The notification text is mrkdwn too, with no `verbatim`: no links at all.
  return { text: truncate(toMrkdwn(reply), SLACK_LIMITS.messageText), blocks };
}

const MARKDOWN_LINK = /\[([^\]\n]+)\]\(([^()\s]+)\)/g;
const BARE_URL = /\bhttps?:\/\/[^\s<>()|]+/gi;
// Marks where a kept link goes back in; private-use characters, dropped from the reply first.
const SLOT_OPEN = "\uE000";
const SLOT_CLOSE = "\uE001";
const SLOT = /\uE000(\d+)\uE001/g;

/**
 * The model's markdown as safe mrkdwn: bold and headings converted; everything escaped (no mention,
 * command or `<url|label>` survives); a link to an allowed host kept as `<url|label>`, any other
 * markdown link shown as its label and where it pointed, `Approve now (evil.example/approve)`, with
 * bare URLs and host names broken so Slack does not link them either.
 */
export function toMrkdwn(markdown: string, policy: LinkPolicy = {}): string {
  const allowed = new Set((policy.linkHosts ?? []).map((host) => host.toLowerCase()));
  const kept: string[] = [];
  const keep = (mrkdwn: string) => `${SLOT_OPEN}${kept.push(mrkdwn) - 1}${SLOT_CLOSE}`;
  const withSlots = markdown
    .replace(/[\uE000\uE001]/g, "")
    .replace(MARKDOWN_LINK, (_, label: string, url: string) => {
      const target = allowedUrl(url, allowed);
      if (target && !label.includes("|")) {
        return keep(`<${escapeControlCharacters(target)}|${escapeMrkdwn(label)}>`);
      }
      return `${label} (${withoutScheme(url)})`;
    })
    .replace(BARE_URL, (url) => {
      const target = allowedUrl(url, allowed);
      return target ? keep(`<${escapeControlCharacters(target)}>`) : url;
    });
  return escapeMrkdwn(withSlots)
    .replace(/\*\*(.+?)\*\*/g, "*$1*")
    .replace(/__(.+?)__/g, "*$1*")
    .replace(/^#{1,6}\s+(.+)$/gm, "*$1*")
    .replace(SLOT, (_, index: string) => kept[Number(index)] ?? "");
}

/** The URL as Slack may link it, when its host is allowed; null otherwise. */
function allowedUrl(url: string, allowed: ReadonlySet<string>): string | null {
  if (allowed.size === 0) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return null;
  if (parsed.username !== "" || parsed.password !== "") return null;
  if (!allowed.has(parsed.hostname.toLowerCase())) return null;
  // Slack's link syntax ends at `|` or `>`; neither may come from the URL, nor anything unprintable.
  return /[|<>]|[^\x21-\x7e]/.test(url) ? null : url;
}

const withoutScheme = (url: string) => url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
