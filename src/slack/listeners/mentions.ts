// @lotwise in a channel: answered in the mention's thread (a new thread under the mention, or the
// thread it was posted in). Mentions in DMs arrive as messages and are answered there.
import type { App } from "@slack/bolt";
import { HELP_TEXT, requestText } from "../request-text.ts";
import type { SlackRuntime } from "../slack-runtime.ts";

export function listenToMentions(app: App, rt: SlackRuntime): void {
  app.event("app_mention", async ({ event, body, context }) => {
    if (event.bot_id || !event.user || event.channel.startsWith("D")) return;
    const thread = {
      teamId: body.team_id ?? context.teamId ?? "",
      channel: event.channel,
      threadTs: event.thread_ts ?? event.ts,
    };
    const text = requestText(event.text, context.botUserId);
    const key = `event:${body.event_id ?? `${event.channel}:${event.ts}`}`;
    if (text === "") {
      await rt.work.enqueue(
        { kind: "post", channel: thread.channel, threadTs: thread.threadTs, text: HELP_TEXT },
        key,
      );
      return;
    }
    await rt.work.enqueue({ kind: "answer", surface: "mention", thread, userId: event.user, text }, key);
  });
}
