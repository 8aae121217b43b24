// The assistant thread surface (the side panel): a greeting with suggested prompts when a thread
// starts, and each message answered in its thread with the thread's status line as progress.
import { Assistant } from "@slack/bolt";
import { answerInThread } from "../answer-in-thread.ts";
import { requestText } from "../request-text.ts";
import type { SlackRuntime } from "../slack-runtime.ts";
import { statusProgress } from "../thread-progress.ts";

export const GREETING =
  "Hi! I draft rebalance and tax-loss-harvest plans from your book. Name a household to start; nothing is sent until an approver presses Approve.";

export const SUGGESTED_PROMPTS = [
  { title: "Rebalance a household", message: "Rebalance the Chen household" },
  { title: "Harvest losses", message: "What losses can we harvest for the Alvarez family?" },
  { title: "Check drift", message: "How far has the Okafor household drifted from its model?" },
];

export function assistantSurface(rt: SlackRuntime): Assistant {
  return new Assistant({
    threadStarted: async ({ event }) => {
      const { channel_id: channel, thread_ts: threadTs } = event.assistant_thread;
      rt.background.run("assistant greeting", async () => {
        await rt.client.chat.postMessage({ channel, thread_ts: threadTs, text: GREETING });
        await rt.client.assistant.threads.setSuggestedPrompts({
          channel_id: channel,
          thread_ts: threadTs,
          prompts: SUGGESTED_PROMPTS,
        });
      });
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
      const user = message.user;
      rt.background.run("assistant message", () =>
        answerInThread(rt, {
          surface: "assistant",
          thread,
          userId: user,
          text,
          progress: statusProgress(rt.client, thread, rt.deps.logger),
        }),
      );
    },
  });
}
