// Direct messages: a new message starts a thread under it; replies in that thread continue the same
// conversation. (Replies in DM threads reach the assistant listener first: same flow, status line.)
import type { App } from "@slack/bolt";
import { HELP_TEXT, requestText } from "../request-text.ts";
import type { SlackRuntime } from "../slack-runtime.ts";

export function listenToDirectMessages(app: App, rt: SlackRuntime): void {
  app.message(async ({ message, body, context }) => {
    if (message.subtype !== undefined || message.channel_type !== "im" || message.bot_id) return;
    const thread = {
      teamId: body.team_id ?? context.teamId ?? "",
      channel: message.channel,
      threadTs: message.thread_ts ?? message.ts,
    };
    const text = requestText(message.text, context.botUserId);
    const key = `event:${body.event_id ?? `${message.channel}:${message.ts}`}`;
    if (text === "" || /^help$/i.test(text)) {
      await rt.work.enqueue(
        { kind: "post", channel: thread.channel, threadTs: thread.threadTs, text: HELP_TEXT },
        key,
      );
      return;
    }
    await rt.work.enqueue({ kind: "answer", surface: "dm", thread, userId: message.user, text }, key);
  });
}
