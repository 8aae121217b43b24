// Slack's work done in this process as soon as it is handed over (tests of what the work does; the
// durable queue has its own tests). Keys are remembered, so a redelivery is dropped as it is on the queue.
import type { SlackRuntime } from "../../src/slack/slack-runtime.ts";
import { doSlackWork, type SlackWorkQueue } from "../../src/slack/slack-work.ts";

export function inProcessSlackWork(rt: SlackRuntime): SlackWorkQueue {
  const running = new Set<Promise<void>>();
  const seen = new Set<string>();
  return {
    async enqueue(work, key) {
      if (seen.has(key)) return;
      seen.add(key);
      let steps: Record<string, unknown> = {};
      const task: Promise<void> = Promise.resolve()
        .then(() =>
          doSlackWork(rt, work, {
            get: () => steps,
            save: async (more) => {
              steps = { ...steps, ...more };
            },
          }),
        )
        .catch((error: unknown) => rt.deps.logger.error({ err: error, key }, "slack work failed"))
        .finally(() => running.delete(task));
      running.add(task);
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
