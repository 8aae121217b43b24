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

/** Escapes the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
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
