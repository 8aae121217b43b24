// The work a listener hands over after acknowledging Slack: a plain, serialisable description (it is
// stored with its job and may run in another process, after a restart), and the one function that
// does it. Listeners never do slow work themselves.
import { can } from "../access/authorize.ts";
import { actorOf } from "../access/principal.ts";
import { answerInThread } from "./answer-in-thread.ts";
import { decideInThread } from "./decide-in-thread.ts";
import { escapeMrkdwn } from "./slack-limits.ts";
import type { SlackRuntime } from "./slack-runtime.ts";
import type { SlackWork, WorkSteps } from "./slack-work-queue.ts";
import { messageProgress, statusProgress } from "./thread-progress.ts";

export type { SlackWork, SlackWorkQueue, WorkSteps } from "./slack-work-queue.ts";

export const CANNOT_POST =
  "I can't post in this conversation. Invite me (`/invite @lotwise`) or message me directly.";

export async function doSlackWork(rt: SlackRuntime, work: SlackWork, steps: WorkSteps): Promise<void> {
  const { client, deps } = rt;
  switch (work.kind) {
    case "post":
      if (work.ephemeralTo) {
        await client.chat.postEphemeral({
          channel: work.channel,
          user: work.ephemeralTo,
          text: work.text,
          ...(work.threadTs ? { thread_ts: work.threadTs } : {}),
        });
      } else {
        await client.chat.postMessage({
          channel: work.channel,
          text: work.text,
          ...(work.threadTs ? { thread_ts: work.threadTs } : {}),
        });
      }
      return;
    case "greet":
      await greet(rt, work);
      return;
    case "answer":
      await answerInThread(rt, {
        surface: work.surface,
        thread: work.thread,
        userId: work.userId,
        text: work.text,
        progress:
          work.surface === "assistant"
            ? statusProgress(client, work.thread, deps.logger)
            : messageProgress(client, work.thread, deps.logger),
      });
      return;
    case "command":
      await answerCommand(rt, work, steps);
      return;
    case "audit":
      await postAuditReport(rt, work);
      return;
    case "decide":
      await decideInThread(rt, {
        card: work.card,
        userId: work.userId,
        decision: work.decision,
        ...(work.reason !== undefined ? { reason: work.reason } : {}),
      });
      return;
  }
}

export const GREETING =
  "Hi! I draft rebalance and tax-loss-harvest plans from your book. Name a household to start; nothing is sent until an approver presses Approve.";

export const SUGGESTED_PROMPTS = [
  { title: "Rebalance a household", message: "Rebalance the Chen household" },
  { title: "Harvest losses", message: "What losses can we harvest for the Alvarez family?" },
  { title: "Check drift", message: "How far has the Okafor household drifted from its model?" },
];

async function greet(rt: SlackRuntime, work: { channel: string; threadTs: string }): Promise<void> {
  await rt.client.chat.postMessage({ channel: work.channel, thread_ts: work.threadTs, text: GREETING });
  await rt.client.assistant.threads.setSuggestedPrompts({
    channel_id: work.channel,
    thread_ts: work.threadTs,
    prompts: SUGGESTED_PROMPTS,
  });
}

/** The command's thread is opened once: a retry answers in the thread the first attempt opened. */
async function answerCommand(
  rt: SlackRuntime,
  work: Extract<SlackWork, { kind: "command" }>,
  steps: WorkSteps,
): Promise<void> {
  let rootTs = typeof steps.get().rootTs === "string" ? (steps.get().rootTs as string) : undefined;
  if (!rootTs) {
    try {
      rootTs = (await rt.client.chat.postMessage({ channel: work.channel, text: work.asked })).ts;
    } catch (error) {
      rt.deps.logger.info({ err: error, channel: work.channel }, "cannot post in the command's channel");
      await respond(work.responseUrl, CANNOT_POST);
      return;
    }
    if (!rootTs) return;
    await steps.save({ rootTs });
  }
  const thread = { teamId: work.teamId, channel: work.channel, threadTs: rootTs };
  await answerInThread(rt, {
    surface: "command",
    thread,
    userId: work.userId,
    text: work.text,
    progress: messageProgress(rt.client, thread, rt.deps.logger),
  });
}

/** An ephemeral reply through the command's response_url (valid for 30 minutes, 5 uses). */
async function respond(responseUrl: string, text: string): Promise<void> {
  const response = await fetch(responseUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ response_type: "ephemeral", text }),
  });
  if (!response.ok) throw new Error(`response_url answered ${response.status}`);
}

export const AUDIT_REFUSED = "Only compliance (or an admin) can audit plans; ask an admin.";

async function postAuditReport(rt: SlackRuntime, work: Extract<SlackWork, { kind: "audit" }>): Promise<void> {
  const report = await auditReport(rt, work.planId, work.userId);
  // Only the caller sees it: a transcript is for compliance's eyes.
  await rt.client.chat.postEphemeral({
    channel: work.channel,
    user: work.userId,
    // The transcript quotes advisors' and the model's words: text, never mentions or links.
    text: escapeMrkdwn(report.ok ? report.text : report.message),
  });
}

/** The compliance report for someone who may read the audit log (`audit.read`); anyone else is refused. */
async function auditReport(
  rt: SlackRuntime,
  planId: string,
  slackUserId: string,
): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  const principal = await rt.deps.principalOf(slackUserId);
  if (!can(principal, "audit.read")) {
    await rt.deps.audit.append({
      stream: `plan:${planId}`,
      type: "access.refused",
      actor: actorOf(principal),
      payload: { action: "audit.read", surface: "command", planId },
    });
    return { ok: false, message: AUDIT_REFUSED };
  }
  if (!rt.deps.auditPlan) return { ok: false, message: "Auditing is not available here." };
  return rt.deps.auditPlan(planId, slackUserId);
}
