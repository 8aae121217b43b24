// The "slack_work" job: what a Slack listener handed over (answer a request, post a notice, decide a
// plan), done with this process's Slack client, its steps recorded so a retry does not repeat them.
import type { SlackRuntime } from "../../slack/slack-runtime.ts";
import { doSlackWork, type SlackWork } from "../../slack/slack-work.ts";
import type { TaskHandler } from "../start-workers.ts";

export function slackWorkTask(rt: SlackRuntime): TaskHandler {
  return async ({ request, saveProgress }) => {
    let steps: Record<string, unknown> = { ...request.progress };
    await doSlackWork(rt, request.payload as unknown as SlackWork, {
      get: () => steps,
      async save(more) {
        steps = { ...steps, ...more };
        await saveProgress(more);
      },
    });
  };
}
