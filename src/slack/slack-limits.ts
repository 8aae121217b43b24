// Slack's Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks) and the helpers that
// keep every message inside them.
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  buttonText: 75,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  modalTitle: 24,
  privateMetadata: 3000,
  /** chat.postMessage truncates `text` beyond 40,000 characters; keep well under. */
  messageText: 4000,
} as const;

/** Cuts text to `max` characters, ending with an ellipsis when it was cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * Splits text into chunks of at most `max` characters, at line breaks where possible (a single
 * longer line is cut).
 */
export function chunkLines(text: string, max: number): string[] {
  const chunks: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    const pieces = line.length > max ? (line.match(new RegExp(`.{1,${max}}`, "gs")) ?? [line]) : [line];
    for (const piece of pieces) {
      const joined = current === "" ? piece : `${current}\n${piece}`;
      if (joined.length <= max) {
        current = joined;
      } else {
        if (current !== "") chunks.push(current);
        current = piece;
      }
    }
  }
  if (current !== "") chunks.push(current);
  return chunks;
}

/**
 * Data text (custodian names, model prose, reasons people typed) made safe for mrkdwn: the three
 * characters Slack treats as control characters are escaped, so nothing becomes a mention
 * (`<!channel>`, `<@U…>`, `<!subteam^…>`), a command (`<!date…>`) or a `<url|label>` link; anything
 * Slack would auto-link is broken (see breakLinks); control and bidirectional-override characters,
 * which can hide or reorder what a reader sees, are dropped.
 */
export function escapeMrkdwn(text: string): string {
  return breakLinks(escapeControlCharacters(dropHiddenControls(text)));
}

/** Without control characters (tab and line feed kept) and bidirectional overrides. */
export function dropHiddenControls(text: string): string {
  return text.replace(HIDDEN_CONTROLS, "");
}

/** `&`, `<` and `>` as entities: all a URL inside a link the code itself builds needs. */
export function escapeControlCharacters(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

// C0 controls but tab and line feed, DEL and C1, bidi embeddings, overrides and isolates.
const HIDDEN_CONTROLS = /(?![\t\n])[\p{Cc}\u202a-\u202e\u2066-\u2069]/gu;

/** U+2060 WORD JOINER: zero width and invisible, and no character of a URL or a host name. */
export const LINK_BREAK = "\u2060";

/** A word Slack could turn into a link: a URL, a www. name, a host, an IPv4 address, an email address. */
const LINKISH =
  /[a-z][a-z0-9+.-]*:\/\/|(?:^|[^a-z0-9])www\.|[a-z0-9]\.[a-z]{2,}|\d{1,3}(?:\.\d{1,3}){3}|^mailto:/i;

/**
 * Slack auto-links bare `https://…`, `www.…` and host names in mrkdwn (and in a message's plain
 * `text`), with no way to turn that off for `text`. So in every word that looks like one, a word
 * joiner goes before each `.`, `:` and `@`: a reader sees the same characters, but no scheme, host
 * or address is left for Slack to recognise. Chosen over wrapping the word in inline code, which
 * breaks when the text already sits inside a code span or block (the detail messages, /lotwise
 * echoes) and would then leave the URL outside the code, linked.
 */
export function breakLinks(text: string): string {
  return text.replace(/\S+/g, (word) =>
    LINKISH.test(word) ? word.replace(/[.:@]/g, (mark) => `${LINK_BREAK}${mark}`) : word,
  );
}

/**
 * A Slack date token: shown in each reader's own time zone, with the UTC text as the fallback
 * ("2026-11-20 20:18 UTC").
 */
export function slackTime(iso: string, format = "{date_short} {time}"): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return escapeMrkdwn(iso);
  return `<!date^${Math.floor(ms / 1000)}^${format}|${utcText(iso)}>`;
}

/** "2026-11-20T20:18:00.000Z" -> "2026-11-20 20:18 UTC". */
export function utcText(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
