// One advisor request, end to end: someone with no role at all is refused before anything runs;
// otherwise the model path when there is a key (tool loop, then the number grounding guard, one
// re-ask on a violation), the deterministic fallback otherwise or when the model fails; plan cards
// rendered by code from the stored plans. Every step is audited.

import type Anthropic from "@anthropic-ai/sdk";
import type { Tool, ToolContext } from "../../tools/tool.ts";
import { forbidden, hasAnyRole } from "../access/authorize.ts";
import { actorOf, type Principal, principalId } from "../access/principal.ts";
import type { AuditLog } from "../ports/audit-log.ts";
import type { ConversationStore } from "../ports/conversation-store.ts";
import type { PlanStore } from "../ports/plan-store.ts";
import { redactText } from "../redact-secrets.ts";
import { runFallback } from "./fallback.ts";
import { groundNumbers } from "./ground-numbers.ts";
import { contextRecord, recordPins } from "./record-pins.ts";
import { renderPlanCardText } from "./render-plan-card.ts";
import { type AgentDeps, runConversation } from "./run-conversation.ts";

export interface AnswerDeps {
  /** Null: no API key; the deterministic fallback answers. */
  client: Anthropic | null;
  model: string;
  prompt: AgentDeps["prompt"];
  tools: readonly Tool[];
  /** The request supplies the principal; the conversation its id. */
  toolContext: Omit<ToolContext, "conversationId" | "principal">;
  audit: AuditLog;
  conversations: ConversationStore;
  plans: PlanStore;
  limits?: AgentDeps["limits"];
  sleep?: AgentDeps["sleep"];
}

export interface AnswerRequest {
  threadKey: string;
  userText: string;
  /** Who asks, resolved at the edge: the conversation's requester, every tool call's authority. */
  principal: Principal;
}

export type FallbackReason = "no-api-key" | "model-unavailable" | "grounding-failed" | "turn-limit";

export interface Answer {
  conversationId: string;
  /** The text shown to the advisor (model prose that passed the guard, the fallback's, or the refusal). */
  text: string;
  /** "refused": the asker has no role at all; nothing ran. */
  source: "model" | "fallback" | "refused";
  fallbackReason: FallbackReason | null;
  planIds: string[];
  /** Plan cards rendered from the stored plans, never from model text. */
  planCards: string[];
}

const GUARD_NOTE =
  "[lotwise number guard] Your last reply stated figures that appear in no tool result or advisor message: ";

export async function answerRequest(deps: AnswerDeps, asked: AnswerRequest): Promise<Answer> {
  // A secret pasted into a message is never stored (messages are append-only), sent to the model or shown.
  const request = { ...asked, userText: redactText(asked.userText) };
  const conversation = await deps.conversations.open(request.threadKey, principalId(request.principal));
  const stream = `conversation:${conversation.id}`;
  if (!hasAnyRole(request.principal)) return refuse(deps, request, conversation.id);
  if (!deps.client) return fallback(deps, request, conversation.id, "no-api-key");

  const agentDeps: AgentDeps = {
    client: deps.client,
    model: deps.model,
    prompt: deps.prompt,
    tools: deps.tools,
    toolContext: deps.toolContext,
    audit: deps.audit,
    conversations: deps.conversations,
    ...(deps.limits ? { limits: deps.limits } : {}),
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
  };
  let outcome = await runConversation(agentDeps, request);
  // Plans drafted before a re-ask still belong to this request.
  const planIds: string[] = [];
  for (let attempt = 0; ; attempt++) {
    for (const id of outcome.planIds) if (!planIds.includes(id)) planIds.push(id);
    // Plans stored before the model failed are recorded on their streams with the fallback's.
    if (outcome.kind === "model-unavailable") {
      return fallback(deps, request, conversation.id, "model-unavailable", planIds);
    }
    if (outcome.kind === "turn-limit") return fallback(deps, request, conversation.id, "turn-limit", planIds);
    const sources = await groundingSources(deps.conversations, conversation.id);
    const grounding = groundNumbers(outcome.text, sources);
    await deps.audit.append({
      stream,
      type: grounding.ok ? "guard.passed" : "guard.failed",
      actor: "system",
      payload: { attempt, numbers: grounding.numbers, ungrounded: grounding.ungrounded },
    });
    if (grounding.ok) {
      await recordDrafted(deps, conversation.id, planIds);
      return {
        conversationId: conversation.id,
        text: outcome.text,
        source: "model",
        fallbackReason: null,
        planIds,
        planCards: await planCards(deps.plans, planIds),
      };
    }
    if (attempt >= 1) return fallback(deps, request, conversation.id, "grounding-failed", planIds);
    const violations = grounding.ungrounded.map((u) => u.text).join(", ");
    outcome = await runConversation(agentDeps, {
      ...request,
      userText: `${GUARD_NOTE}${violations}. Rewrite the reply using only figures exactly as the tools returned them.`,
    });
  }
}

/** No model request, no tool call, no plan: the refusal, and an audit event saying who was refused. */
async function refuse(deps: AnswerDeps, request: AnswerRequest, conversationId: string): Promise<Answer> {
  const { principal } = request;
  const refusal = forbidden(principal);
  await deps.audit.append({
    stream: `conversation:${conversationId}`,
    type: "access.refused",
    actor: actorOf(principal),
    payload: {
      principal: { id: principalId(principal), kind: principal.kind },
      threadKey: request.threadKey,
      text: request.userText,
      code: refusal.code,
      reason: "no-role",
    },
  });
  return {
    conversationId,
    text: refusal.message,
    source: "refused",
    fallbackReason: null,
    planIds: [],
    planCards: [],
  };
}

async function fallback(
  deps: AnswerDeps,
  request: AnswerRequest,
  conversationId: string,
  reason: FallbackReason,
  drafted: readonly string[] = [],
): Promise<Answer> {
  const stream = `conversation:${conversationId}`;
  if (reason === "no-api-key") {
    // The tool loop records the advisor's message; without a model this is where it is recorded.
    await deps.audit.append({
      stream,
      type: "message.received",
      actor: actorOf(request.principal),
      payload: { threadKey: request.threadKey, text: request.userText },
    });
  }
  await deps.audit.append({ stream, type: "fallback.started", actor: "system", payload: { reason } });
  const recorder = recordPins({ ...deps.toolContext, principal: request.principal, conversationId });
  const result = await runFallback(
    { userText: request.userText },
    {
      tools: deps.tools,
      context: recorder.context,
      reason: reason === "turn-limit" ? "model-unavailable" : reason,
      onToolCall: async (call) => {
        const context = contextRecord(recorder.context);
        await deps.audit.append({
          stream,
          type: "tool.call",
          actor: "fallback",
          payload: { name: call.name, input: call.input, context },
        });
        await deps.audit.append({
          stream,
          type: "tool.result",
          actor: "fallback",
          payload: { name: call.name, output: call.output, pins: recorder.take() },
        });
      },
    },
  );
  await deps.conversations.append(conversationId, [
    ...(reason === "no-api-key" ? [{ role: "user" as const, content: request.userText }] : []),
    { role: "assistant", content: [{ type: "text", text: result.text }] },
  ]);
  await deps.audit.append({
    stream,
    type: "fallback.reply",
    actor: "fallback",
    payload: { text: result.text, planId: result.planId },
  });
  const planIds = [...new Set([...drafted, ...(result.planId ? [result.planId] : [])])];
  await recordDrafted(deps, conversationId, planIds);
  return {
    conversationId,
    text: result.text,
    source: "fallback",
    fallbackReason: reason,
    planIds,
    planCards: await planCards(deps.plans, planIds),
  };
}

/** What the model's numbers may come from: every tool result and advisor message of the thread. */
async function groundingSources(
  conversations: ConversationStore,
  conversationId: string,
): Promise<unknown[]> {
  const sources: unknown[] = [];
  for (const message of await conversations.messages(conversationId)) {
    if (message.role !== "user") continue;
    if (typeof message.content === "string") {
      if (!message.content.startsWith(GUARD_NOTE)) sources.push(message.content);
      continue;
    }
    for (const block of message.content as { type?: string; content?: unknown; text?: string }[]) {
      if (block.type === "tool_result") sources.push(parseMaybeJson(block.content));
      else if (block.type === "text" && block.text && !block.text.startsWith(GUARD_NOTE))
        sources.push(block.text);
    }
  }
  return sources;
}

function parseMaybeJson(content: unknown): unknown {
  const texts =
    typeof content === "string"
      ? [content]
      : Array.isArray(content)
        ? content.map((c) => (c as { text?: string }).text ?? "")
        : [];
  return texts.map((text) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  });
}

/** Each plan drafted for a request is an event on the plan's own stream, naming what it was drafted from. */
async function recordDrafted(
  deps: AnswerDeps,
  conversationId: string,
  planIds: readonly string[],
): Promise<void> {
  for (const id of planIds) {
    const stored = await deps.plans.getPlan(id);
    if (!stored) continue;
    const { inputs } = stored.plan;
    await deps.audit.append({
      stream: `plan:${id}`,
      type: "plan.drafted",
      actor: "system",
      payload: {
        conversationId,
        householdId: stored.householdId,
        hash: stored.hash,
        stale: stored.plan.stale,
        snapshotIds: inputs.snapshots.map((s) => s.snapshotId),
        modelVersionId: inputs.modelVersionId,
        policyVersion: inputs.policyVersion,
        settingsId: inputs.settingsId,
      },
    });
  }
}

async function planCards(plans: PlanStore, planIds: readonly string[]): Promise<string[]> {
  const cards: string[] = [];
  for (const id of planIds) {
    const stored = await plans.getPlan(id);
    if (stored) cards.push(renderPlanCardText(stored));
  }
  return cards;
}
