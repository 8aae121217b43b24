// Direct messages: a new message starts a thread under it; replies in that thread continue the same
// conversation. (Replies in DM threads reach the assistant listener first: same flow, status line.)
import type { App } from "@slack/bolt";
import { answerInThread } from "../answer-in-thread.ts";
import { HELP_TEXT, requestText } from "../request-text.ts";
import type { SlackRuntime } from "../slack-runtime.ts";
import { messageProgress } from "../thread-progress.ts";

export function listenToDirectMessages(app: App, rt: SlackRuntime): void {
  app.message(async ({ message, body, context }) => {
    if (message.subtype !== undefined || message.channel_type !== "im" || message.bot_id) return;
    const thread = {
      teamId: body.team_id ?? context.teamId ?? "",
      channel: message.channel,
      threadTs: message.thread_ts ?? message.ts,
    };
    const text = requestText(message.text, context.botUserId);
    const user = message.user;
    if (text === "" || /^help$/i.test(text)) {
      rt.background.run("dm help", () =>
        rt.client.chat.postMessage({ channel: thread.channel, thread_ts: thread.threadTs, text: HELP_TEXT }),
      );
      return;
    }
    rt.background.run("direct message", () =>
      answerInThread(rt, {
        surface: "dm",
        thread,
        userId: user,
        text,
        progress: messageProgress(rt.client, thread, rt.deps.logger),
      }),
    );
  });
}
