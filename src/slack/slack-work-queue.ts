// The work a Slack listener hands over after acknowledging (a plain, serialisable description: it is
// stored with its job and may run in another process, after a restart), and who takes it.
import type { CardRef } from "./plan-button-value.ts";
import type { SlackThread } from "./thread-key.ts";

/** Where a request came from. */
export type Surface = "mention" | "dm" | "assistant" | "command";

export type SlackWork =
  /** A fixed message (help, a refusal): in a thread, or only to `ephemeralTo`. */
  | { kind: "post"; channel: string; threadTs?: string; text: string; ephemeralTo?: string }
  /** The assistant panel's greeting and suggested prompts. */
  | { kind: "greet"; channel: string; threadTs: string }
  /** A request in an existing thread (mention, DM, assistant panel). */
  | {
      kind: "answer";
      surface: Exclude<Surface, "command">;
      thread: SlackThread;
      userId: string;
      text: string;
    }
  /** `/lotwise <request>`: a new thread in the channel, answered there. */
  | {
      kind: "command";
      teamId: string;
      channel: string;
      userId: string;
      /** The thread's first line ("<@U…> asked: `/lotwise …`"). */
      asked: string;
      text: string;
      /** Where to say that lotwise cannot post in the channel. */
      responseUrl: string;
    }
  /** `/lotwise audit <plan>`: the compliance report, to the caller only. */
  | { kind: "audit"; planId: string; channel: string; userId: string }
  /** An Approve click or a Reject dialog's submission. */
  | { kind: "decide"; card: CardRef; userId: string; decision: "approve" | "reject"; reason?: string };

/** Hands work to whoever does it (the durable queue in production). */
export interface SlackWorkQueue {
  /** `key` is the idempotency key (Slack's event id, trigger id or view id): a second hand-over is dropped. */
  enqueue(work: SlackWork, key: string): Promise<void>;
  /** Resolves once the work handed over so far is done (tests, shutdown). */
  idle(): Promise<void>;
}

/** What a retry must not repeat. */
export interface WorkSteps {
  get(): Record<string, unknown>;
  save(steps: Record<string, unknown>): Promise<void>;
}
