// @lotwise in a channel: answered in the mention's thread (a new thread under the mention, or the
// thread it was posted in). Mentions in DMs arrive as messages and are answered there.
import type { App } from "@slack/bolt";
import { answerInThread } from "../answer-in-thread.ts";
import { HELP_TEXT, requestText } from "../request-text.ts";
import type { SlackRuntime } from "../slack-runtime.ts";
import { messageProgress } from "../thread-progress.ts";

export function listenToMentions(app: App, rt: SlackRuntime): void {
  app.event("app_mention", async ({ event, body, context }) => {
    if (event.bot_id || !event.user || event.channel.startsWith("D")) return;
    const thread = {
      teamId: body.team_id ?? context.teamId ?? "",
      channel: event.channel,
      threadTs: event.thread_ts ?? event.ts,
    };
    const text = requestText(event.text, context.botUserId);
    const user = event.user;
    if (text === "") {
      rt.background.run("mention help", () =>
        rt.client.chat.postMessage({ channel: thread.channel, thread_ts: thread.threadTs, text: HELP_TEXT }),
      );
      return;
    }
    rt.background.run("app_mention", () =>
      answerInThread(rt, {
        surface: "mention",
        thread,
        userId: user,
        text,
        progress: messageProgress(rt.client, thread, rt.deps.logger),
      }),
    );
  });
}
