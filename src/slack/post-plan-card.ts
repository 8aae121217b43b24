// Posts a stored plan's card in a thread, remembers where it is (for the buttons' outcome and the
// order updates), and, when the card had to leave things out, the full detail beside it: a text file
// (files.uploadV2), or, if the upload is refused (no files:write), the detail as threaded messages.
// A plan is shown only to an asker who may read its household (the tools already refuse the others:
// this is the second line).

import { can } from "../access/authorize.ts";
import { actorOf, type Principal, principalId } from "../access/principal.ts";
import type { StoredPlan } from "../ports/plan-store.ts";
import { buildPlanCard, type ShownDecision } from "./build-plan-card.ts";
import { renderPlanDetailText } from "./plan-detail-text.ts";
import type { HouseholdLabel } from "./slack-deps.ts";
import { chunkLines, escapeMrkdwn, truncate } from "./slack-limits.ts";
import type { SlackRuntime } from "./slack-runtime.ts";
import type { SlackThread } from "./thread-key.ts";

/** Threaded detail messages when the file upload is refused (each within a section's limit). */
const DETAIL_MESSAGES_MAX = 10;
/** Under a section's 3,000 characters with room for escaping and the fences. */
const DETAIL_CHUNK = 2500;

export interface PostedCard {
  planId: string;
  messageTs: string;
  detail: "none" | "file" | "messages";
}

export async function householdLabel(rt: SlackRuntime, householdId: string): Promise<HouseholdLabel | null> {
  if (!rt.deps.households) return null;
  try {
    return await rt.deps.households(householdId);
  } catch (error) {
    rt.deps.logger.warn({ err: error, householdId }, "could not look up the household's names");
    return null;
  }
}

export async function postPlanCard(
  rt: SlackRuntime,
  request: { planId: string; thread: SlackThread; conversationId: string | null; asker: Principal },
): Promise<PostedCard | null> {
  const stored = await rt.deps.plans.getPlan(request.planId);
  if (!stored) {
    rt.deps.logger.warn({ planId: request.planId }, "the answer named a plan that is not stored");
    return null;
  }
  if (!can(request.asker, "household.read", stored.householdId)) {
    rt.deps.logger.warn({ planId: stored.id }, "not posting a plan card the asker may not read");
    await rt.deps.audit.append({
      stream: `plan:${stored.id}`,
      type: "access.refused",
      actor: actorOf(request.asker),
      payload: { action: "household.read", householdId: stored.householdId, surface: "plan-card" },
    });
    return null;
  }
  const askedBy = principalId(request.asker);
  const household = await householdLabel(rt, stored.householdId);
  const card = buildPlanCard(stored, { household, askedBy });
  const posted = await rt.client.chat.postMessage({
    channel: request.thread.channel,
    thread_ts: request.thread.threadTs,
    text: card.text,
    blocks: card.blocks,
  });
  const messageTs = posted.ts ?? "";
  await rt.registry.remember(stored.id, {
    ...request.thread,
    messageTs,
    conversationId: request.conversationId,
    askedBy,
  });
  const detail = card.truncated ? await postPlanDetail(rt, stored, household, request.thread) : "none";
  return { planId: stored.id, messageTs, detail };
}

async function postPlanDetail(
  rt: SlackRuntime,
  stored: StoredPlan,
  household: HouseholdLabel | null,
  thread: SlackThread,
): Promise<"file" | "messages"> {
  const detail = renderPlanDetailText(stored, household);
  try {
    await rt.client.filesUploadV2({
      channel_id: thread.channel,
      thread_ts: thread.threadTs,
      filename: `${stored.id}.txt`,
      title: `Plan ${stored.id}: every trade and lot`,
      initial_comment: "The full plan: every trade and lot (the card above shows the first ones).",
      content: detail,
    });
    return "file";
  } catch (error) {
    rt.deps.logger.warn(
      { err: error, planId: stored.id },
      "could not upload the plan detail; posting it instead",
    );
  }
  const chunks = chunkLines(detail, DETAIL_CHUNK);
  const shown = chunks.slice(0, DETAIL_MESSAGES_MAX);
  for (const [i, chunk] of shown.entries()) {
    const more =
      i === shown.length - 1 && chunks.length > shown.length
        ? `\n(${chunks.length - shown.length} more parts not shown: \`lotwise plan\` prints the whole plan)`
        : "";
    await rt.client.chat.postMessage({
      channel: thread.channel,
      thread_ts: thread.threadTs,
      text: `Plan ${stored.id}, detail ${i + 1}/${chunks.length}`,
      blocks: [
        {
          type: "section",
          text: { type: "mrkdwn", text: `\`\`\`${truncate(escapeMrkdwn(chunk), 2800)}\`\`\`${more}` },
        },
      ],
    });
  }
  return "messages";
}

/** Rebuilds a card with its outcome (no buttons) and replaces the message. */
export async function showDecisionOnCard(
  rt: SlackRuntime,
  where: { channel: string; messageTs: string; planId: string },
  decision: ShownDecision,
): Promise<void> {
  const stored = await rt.deps.plans.getPlan(where.planId);
  if (!stored) return;
  const household = await householdLabel(rt, stored.householdId);
  const askedBy = (await rt.registry.find(where.planId))?.askedBy ?? null;
  const card = buildPlanCard(stored, { household, askedBy, decision });
  await rt.client.chat.update({
    channel: where.channel,
    ts: where.messageTs,
    text: card.text,
    blocks: card.blocks,
  });
}
