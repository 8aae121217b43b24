// The assistant thread surface (the side panel): a greeting with suggested prompts when a thread
// starts, and each message answered in its thread with the thread's status line as progress.
import { Assistant } from "@slack/bolt";
import { requestText } from "../request-text.ts";
import type { SlackRuntime } from "../slack-runtime.ts";

export { GREETING, SUGGESTED_PROMPTS } from "../slack-work.ts";

export function assistantSurface(rt: SlackRuntime): Assistant {
  return new Assistant({
    threadStarted: async ({ event, body }) => {
      const { channel_id: channel, thread_ts: threadTs } = event.assistant_thread;
      const key = `event:${(body as { event_id?: string }).event_id ?? `started:${channel}:${threadTs}`}`;
      await rt.work.enqueue({ kind: "greet", channel, threadTs }, key);
    },
    // The channel the user is viewing is not used: requests name their household.
    threadContextChanged: async () => {},
    userMessage: async ({ message, body, context }) => {
      if (message.subtype !== undefined || message.bot_id || !message.thread_ts) return;
      const thread = {
        teamId: body.team_id ?? context.teamId ?? "",
        channel: message.channel,
        threadTs: message.thread_ts,
      };
      const text = requestText(message.text, context.botUserId);
      if (text === "") return;
      const key = `event:${body.event_id ?? `${message.channel}:${message.ts}`}`;
      await rt.work.enqueue(
        { kind: "answer", surface: "assistant", thread, userId: message.user, text },
        key,
      );
    },
  });
}
