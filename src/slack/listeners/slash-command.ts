// /lotwise: `help` answers at once (only to the caller); `plan <household>` and any other request
// are acknowledged at once, then posted as a new thread in the channel and answered there.
import type { App } from "@slack/bolt";
import { HELP_TEXT } from "../request-text.ts";
import { escapeMrkdwn } from "../slack-limits.ts";
import type { SlackRuntime } from "../slack-runtime.ts";

export { AUDIT_REFUSED } from "../slack-work.ts";

export const SLASH_COMMAND = "/lotwise";

export type ParsedCommand =
  | { kind: "help"; note: string | null }
  | { kind: "ask"; text: string }
  | { kind: "audit"; planId: string };

export function parseCommand(text: string): ParsedCommand {
  const trimmed = text.replace(/\s+/g, " ").trim();
  if (trimmed === "" || /^(help|\?)$/i.test(trimmed)) return { kind: "help", note: null };
  const audit = /^audit(?:\s+(\S+))?$/i.exec(trimmed);
  if (audit) {
    if (!audit[1]) return { kind: "help", note: "Name the plan: `/lotwise audit <plan id>`." };
    return { kind: "audit", planId: audit[1] };
  }
  const plan = /^plan(?:\s+(.*))?$/i.exec(trimmed);
  if (plan) {
    const household = (plan[1] ?? "").replace(/\s+household$/i, "").trim();
    if (household === "") return { kind: "help", note: "Name the household: `/lotwise plan <household>`." };
    return { kind: "ask", text: `Draft a rebalance plan for the ${household} household` };
  }
  return { kind: "ask", text: trimmed };
}

export function listenToSlashCommand(app: App, rt: SlackRuntime): void {
  app.command(SLASH_COMMAND, async ({ command, ack, context }) => {
    const parsed = parseCommand(command.text);
    if (parsed.kind === "help") {
      await ack({ response_type: "ephemeral", text: [parsed.note, HELP_TEXT].filter(Boolean).join("\n\n") });
      return;
    }
    const key = `command:${command.trigger_id}`;
    // Recorded before Slack is told: an acknowledged request is never lost.
    if (parsed.kind === "audit") {
      await rt.work.enqueue(
        { kind: "audit", planId: parsed.planId, channel: command.channel_id, userId: command.user_id },
        key,
      );
      await ack({ response_type: "ephemeral", text: `Auditing ${escapeMrkdwn(parsed.planId)}…` });
      return;
    }
    await rt.work.enqueue(
      {
        kind: "command",
        teamId: command.team_id || context.teamId || "",
        channel: command.channel_id,
        userId: command.user_id,
        asked: `<@${command.user_id}> asked: \`${SLASH_COMMAND} ${escapeMrkdwn(command.text.trim())}\``,
        text: parsed.text,
        responseUrl: command.response_url,
      },
      key,
    );
    await ack();
  });
}
