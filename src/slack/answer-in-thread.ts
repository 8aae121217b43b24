// One request from any surface (mention, DM, assistant thread, /lotwise), after Slack has been
// acknowledged: progress in the thread as tools run, the assistant's reply, then each drafted plan's
// card from the stored plan. The thread is the conversation ("slack:<team>:<channel>:<thread_ts>"),
// so follow-ups keep their context. The asker's Slack id is resolved here, once, to a principal: an id
// lotwise does not know, or a user with no role at all, gets a one-line refusal and nothing else (no
// progress, no figures, no card); anyone else is answered as that principal, whose id is recorded as
// who requested any plan drafted.
import type { types } from "@slack/bolt";
import { forbidden, hasAnyRole } from "../access/authorize.ts";
import { actorOf, type Principal } from "../access/principal.ts";
import type { Answer } from "../agent/answer-request.ts";
import { answerMessage } from "./answer-blocks.ts";
import { type PostedCard, postPlanCard } from "./post-plan-card.ts";
import type { SlackRuntime } from "./slack-runtime.ts";
import type { Surface } from "./slack-work-queue.ts";
import { type SlackThread, slackThreadKey } from "./thread-key.ts";
import type { ThreadProgress } from "./thread-progress.ts";

export type { Surface };

export interface ThreadRequest {
  surface: Surface;
  thread: SlackThread;
  userId: string;
  text: string;
  progress: ThreadProgress;
}

export const FAILURE_TEXT =
  ":warning: Sorry, I could not complete that request (an internal error). Nothing was drafted or sent; try again in a moment.";

export async function answerInThread(rt: SlackRuntime, request: ThreadRequest): Promise<void> {
  const { deps } = rt;
  const { thread } = request;
  const threadKey = slackThreadKey(thread);
  let stream: string | null = null;
  try {
    const principal = await deps.principalOf(request.userId);
    const conversation = await deps.conversations.open(threadKey, request.userId);
    stream = `conversation:${conversation.id}`;
    await deps.audit.append({
      stream,
      type: "slack.request.received",
      actor: actorOf(principal),
      payload: { surface: request.surface, ...thread, user: request.userId, text: request.text },
    });
    if (!hasAnyRole(principal)) {
      await refuseAsker(rt, { stream, principal, surface: request.surface, thread });
      return;
    }
    await request.progress.start();
    const answer: Answer = await deps.answer({
      threadKey,
      userText: request.text,
      principal,
      onProgress: (label) => request.progress.step(label),
    });
    const progressTs = await request.progress.settle();
    const message = answerMessage(answer, { linkHosts: deps.linkHosts ?? [] });
    const replyTs = await replaceOrPost(rt, thread, progressTs, message);
    const cards: PostedCard[] = [];
    for (const planId of answer.planIds) {
      const card = await postPlanCard(rt, {
        planId,
        thread,
        conversationId: conversation.id,
        asker: principal,
      });
      if (card) cards.push(card);
    }
    await deps.audit.append({
      stream,
      type: "slack.reply.posted",
      actor: "system",
      payload: {
        channel: thread.channel,
        threadTs: thread.threadTs,
        replyTs,
        source: answer.source,
        fallbackReason: answer.fallbackReason,
        cards,
      },
    });
  } catch (error) {
    deps.logger.error(
      { err: error, threadKey, surface: request.surface },
      "could not answer a Slack request",
    );
    const progressTs = await request.progress.settle().catch(() => null);
    try {
      await replaceOrPost(rt, thread, progressTs, { text: FAILURE_TEXT });
      if (stream) {
        await deps.audit.append({
          stream,
          type: "slack.request.failed",
          actor: "system",
          payload: { message: error instanceof Error ? error.message.split("\n")[0] : String(error) },
        });
      }
    } catch (reportError) {
      deps.logger.error({ err: reportError, threadKey }, "could not report the failure in Slack");
    }
  }
}

/** Someone with no role anywhere: the refusal in the thread, audited, and nothing else. */
async function refuseAsker(
  rt: SlackRuntime,
  refusal: { stream: string; principal: Principal; surface: Surface; thread: SlackThread },
): Promise<void> {
  const { message } = forbidden(refusal.principal);
  await rt.deps.audit.append({
    stream: refusal.stream,
    type: "access.refused",
    actor: actorOf(refusal.principal),
    payload: {
      action: "assistant.ask",
      surface: refusal.surface,
      reason: refusal.principal.kind === "unknown" ? "unknown-user" : "no-role",
      message,
    },
  });
  await rt.client.chat.postMessage({
    channel: refusal.thread.channel,
    thread_ts: refusal.thread.threadTs,
    text: `:no_entry: ${message}`,
  });
}

/** Replaces the progress message with `message`, or posts it in the thread when there is none. */
async function replaceOrPost(
  rt: SlackRuntime,
  thread: SlackThread,
  progressTs: string | null,
  message: { text: string; blocks?: types.KnownBlock[] },
): Promise<string | null> {
  // A plain-text replacement clears the progress message's blocks.
  const blocks = message.blocks ?? [];
  if (progressTs) {
    const updated = await rt.client.chat.update({
      channel: thread.channel,
      ts: progressTs,
      text: message.text,
      blocks,
    });
    return updated.ts ?? progressTs;
  }
  const posted = await rt.client.chat.postMessage({
    channel: thread.channel,
    thread_ts: thread.threadTs,
    text: message.text,
    ...(blocks.length > 0 ? { blocks } : {}),
  });
  return posted.ts ?? null;
}
