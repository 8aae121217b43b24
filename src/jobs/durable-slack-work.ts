// Slack's work on the durable queue: each hand-over is a work request and a "slack_work" job, keyed
// by Slack's own ids (a redelivered event, a double-submitted command: one request).
import type { WorkQueue } from "../ports/work-queue.ts";
import type { SlackWork, SlackWorkQueue } from "../slack/slack-work.ts";

export function createDurableSlackWork(queue: WorkQueue, options: { pollMs?: number } = {}): SlackWorkQueue {
  const pollMs = options.pollMs ?? 50;
  return {
    async enqueue(work: SlackWork, key: string) {
      await queue.enqueue({ task: "slack_work", key: `slack:${key}`, payload: { ...work }, origin: key });
    },
    async idle() {
      while ((await queue.countOpen("slack_work")) > 0) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
  };
}
