// Progress in the thread while the assistant works: a "Working on it…" message edited as each tool
// runs, or, on the assistant surface, the thread's status line (assistant.threads.setStatus).
// Updates are serialised and coalesced: Slack sees at most one edit in flight, showing the latest.
import type { webApi } from "@slack/bolt";
import type { Logger } from "../logger.ts";
import { escapeMrkdwn, truncate } from "./slack-limits.ts";

type WebClient = webApi.WebClient;

export interface ThreadProgress {
  start(): Promise<void>;
  step(label: string): void;
  /** Waits for pending edits; returns the progress message's ts (to be replaced by the answer), if any. */
  settle(): Promise<string | null>;
}

export const WORKING = "Working on it…";
const STEPS_SHOWN = 8;

export function progressText(steps: readonly string[]): string {
  if (steps.length === 0) return `:hourglass_flowing_sand: ${WORKING}`;
  const shown = steps.slice(-STEPS_SHOWN);
  const lines = shown.map((step, i) =>
    i === shown.length - 1
      ? `:arrow_forward: ${escapeMrkdwn(step)}…`
      : `:white_check_mark: ${escapeMrkdwn(step)}`,
  );
  return truncate([`:hourglass_flowing_sand: ${WORKING}`, ...lines].join("\n"), 3000);
}

interface Where {
  channel: string;
  threadTs: string;
}

/** A progress message in the thread, edited as tools run. */
export function messageProgress(client: WebClient, where: Where, logger: Logger): ThreadProgress {
  const steps: string[] = [];
  let ts: string | null = null;
  let chain: Promise<void> = Promise.resolve();
  let queued = false;
  return {
    async start() {
      try {
        const posted = await client.chat.postMessage({
          channel: where.channel,
          thread_ts: where.threadTs,
          text: progressText([]),
        });
        ts = posted.ts ?? null;
      } catch (error) {
        logger.warn({ err: error, channel: where.channel }, "could not post the progress message");
      }
    },
    step(label) {
      steps.push(label);
      if (queued || ts === null) return;
      queued = true;
      const messageTs = ts;
      chain = chain.then(async () => {
        queued = false;
        try {
          await client.chat.update({ channel: where.channel, ts: messageTs, text: progressText(steps) });
        } catch (error) {
          logger.warn({ err: error, channel: where.channel }, "could not update the progress message");
        }
      });
    },
    async settle() {
      await chain;
      return ts;
    },
  };
}

/**
 * The assistant thread's status line; when Slack refuses it (not an assistant thread, a missing
 * scope), a progress message instead.
 */
export function statusProgress(client: WebClient, where: Where, logger: Logger): ThreadProgress {
  let fallback: ThreadProgress | null = null;
  let chain: Promise<void> = Promise.resolve();
  let latest: string | null = null;
  let queued = false;
  const setStatus = (status: string) =>
    client.assistant.threads.setStatus({ channel_id: where.channel, thread_ts: where.threadTs, status });
  return {
    async start() {
      try {
        await setStatus(`is working on it…`);
      } catch (error) {
        logger.debug({ err: error }, "assistant status refused; posting a progress message instead");
        fallback = messageProgress(client, where, logger);
        await fallback.start();
      }
    },
    step(label) {
      if (fallback) return fallback.step(label);
      latest = label;
      if (queued) return;
      queued = true;
      chain = chain.then(async () => {
        queued = false;
        const status = `is ${(latest ?? "").charAt(0).toLowerCase()}${(latest ?? "").slice(1)}…`;
        try {
          await setStatus(truncate(status, 120));
        } catch (error) {
          logger.debug({ err: error }, "could not update the assistant status");
        }
      });
    },
    async settle() {
      await chain;
      return fallback ? fallback.settle() : null;
    },
  };
}
