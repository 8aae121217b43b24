// Work started after Slack has been acknowledged: Slack wants an answer within 3 s, the assistant
// and the custodians take longer. Each task runs detached; failures are logged, never thrown into
// Bolt (whose ack has long gone). `idle()` waits for everything in flight (tests, shutdown).
import type { Logger } from "../logger.ts";

export interface Background {
  run(label: string, work: () => Promise<unknown>): void;
  /** Resolves once no task is running (tasks started meanwhile included). */
  idle(): Promise<void>;
}

export function createBackground(logger: Logger): Background {
  const running = new Set<Promise<void>>();
  return {
    run(label, work) {
      const task: Promise<void> = Promise.resolve()
        .then(work)
        .then(
          () => {},
          (error: unknown) => logger.error({ err: error, task: label }, "slack background task failed"),
        )
        .finally(() => running.delete(task));
      running.add(task);
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
  };
}
