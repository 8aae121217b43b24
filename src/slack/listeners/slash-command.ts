// /lotwise: `help` answers at once (only to the caller); `plan <household>` and any other request
// are acknowledged at once, then posted as a new thread in the channel and answered there.
import type { App } from "@slack/bolt";
import { can } from "../../access/authorize.ts";
import { actorOf } from "../../access/principal.ts";
import { answerInThread } from "../answer-in-thread.ts";
import { HELP_TEXT } from "../request-text.ts";
import { escapeMrkdwn } from "../slack-limits.ts";
import type { SlackRuntime } from "../slack-runtime.ts";
import { messageProgress } from "../thread-progress.ts";

export const SLASH_COMMAND = "/lotwise";

export const AUDIT_REFUSED = "Only compliance (or an admin) can audit plans; ask an admin.";

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
  app.command(SLASH_COMMAND, async ({ command, ack, respond, context }) => {
    const parsed = parseCommand(command.text);
    if (parsed.kind === "help") {
      await ack({ response_type: "ephemeral", text: [parsed.note, HELP_TEXT].filter(Boolean).join("\n\n") });
      return;
    }
    if (parsed.kind === "audit") {
      await ack({ response_type: "ephemeral", text: `Auditing ${escapeMrkdwn(parsed.planId)}…` });
      rt.background.run("audit command", async () => {
        const report = await auditReport(rt, parsed.planId, command.user_id);
        // Only the caller sees it: a transcript is for compliance's eyes.
        await rt.client.chat.postEphemeral({
          channel: command.channel_id,
          user: command.user_id,
          // The transcript quotes advisors' and the model's words: text, never mentions or links.
          text: escapeMrkdwn(report.ok ? report.text : report.message),
        });
      });
      return;
    }
    await ack();
    const asked = `<@${command.user_id}> asked: \`${SLASH_COMMAND} ${escapeMrkdwn(command.text.trim())}\``;
    rt.background.run("slash command", async () => {
      let rootTs: string | undefined;
      try {
        rootTs = (await rt.client.chat.postMessage({ channel: command.channel_id, text: asked })).ts;
      } catch (error) {
        rt.deps.logger.info(
          { err: error, channel: command.channel_id },
          "cannot post in the command's channel",
        );
        await respond({
          response_type: "ephemeral",
          text: "I can't post in this conversation. Invite me (`/invite @lotwise`) or message me directly.",
        });
        return;
      }
      if (!rootTs) return;
      const thread = {
        teamId: command.team_id || context.teamId || "",
        channel: command.channel_id,
        threadTs: rootTs,
      };
      await answerInThread(rt, {
        surface: "command",
        thread,
        userId: command.user_id,
        text: parsed.text,
        progress: messageProgress(rt.client, thread, rt.deps.logger),
      });
    });
  });
}

/** The compliance report for someone who may read the audit log (`audit.read`); anyone else is refused. */
async function auditReport(
  rt: SlackRuntime,
  planId: string,
  slackUserId: string,
): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  const principal = await rt.deps.principalOf(slackUserId);
  if (!can(principal, "audit.read")) {
    await rt.deps.audit.append({
      stream: `plan:${planId}`,
      type: "access.refused",
      actor: actorOf(principal),
      payload: { action: "audit.read", surface: "command", planId },
    });
    return { ok: false, message: AUDIT_REFUSED };
  }
  if (!rt.deps.auditPlan) return { ok: false, message: "Auditing is not available here." };
  return rt.deps.auditPlan(planId, slackUserId);
}
