// The tool-calling loop: history from the store, the user's message, then model -> tools -> model
// until the model answers in text, the API gives up (the caller falls back) or the turn limit is hit.
// Each turn's messages are persisted as it completes, and every step is an audit event.
import type Anthropic from "@anthropic-ai/sdk";
import type { Tool, ToolContext } from "../../tools/tool.ts";
import { actorOf, type Principal, principalId } from "../access/principal.ts";
import type { Logger } from "../logger.ts";
import type { AuditLog } from "../ports/audit-log.ts";
import type { ConversationStore } from "../ports/conversation-store.ts";
import { callModel, type RetryPolicy } from "./call-model.ts";
import { conversationAudit } from "./conversation-audit.ts";
import { dispatchToolUse } from "./dispatch-tool.ts";
import {
  assistantContent,
  replyText,
  toMessageParams,
  toolResultsInHistory,
  withCacheBreakpoint,
} from "./history.ts";
import type { LoadedPrompt } from "./load-prompt.ts";
import { prepareTools } from "./tool-definitions.ts";
import type { ToolResultRecord } from "./tool-result-record.ts";

export type { ToolResultRecord } from "./tool-result-record.ts";

export interface AgentLimits {
  /** Model calls per user message. */
  maxTurns?: number;
  requestTimeoutMs?: number;
  /** Retries after the first attempt of one model call. */
  maxRetries?: number;
  backoffMs?: number;
  /** Cap on a server's retry-after. */
  maxRetryAfterMs?: number;
  maxTokens?: number;
}

export const DEFAULT_LIMITS: Required<AgentLimits> = {
  maxTurns: 8,
  requestTimeoutMs: 120_000,
  maxRetries: 3,
  backoffMs: 1_000,
  maxRetryAfterMs: 30_000,
  maxTokens: 2_048,
};

export interface AgentDeps {
  client: Anthropic;
  model: string;
  prompt: LoadedPrompt;
  tools: readonly Tool[];
  /** The request supplies the principal; the conversation its id. */
  toolContext: Omit<ToolContext, "conversationId" | "principal">;
  audit: AuditLog;
  conversations: ConversationStore;
  limits?: AgentLimits;
  sleep?: (ms: number) => Promise<void>;
  /** Milliseconds from any origin, for latencies. */
  now?: () => number;
  logger?: Logger;
}

export interface AgentRequest {
  threadKey: string;
  userText: string;
  /** Who asks: recorded on the conversation, and every tool call is authorised for them. */
  principal: Principal;
}

export type AgentOutcome =
  | {
      kind: "reply";
      text: string;
      conversationId: string;
      /** Every validated tool result of the conversation, earlier turns included: what the reply may quote. */
      toolResults: ToolResultRecord[];
      /** Plans drafted while answering this message. */
      planIds: string[];
    }
  /** `planIds`: plans a tool stored before the model failed or the turns ran out; they still need recording. */
  | { kind: "model-unavailable"; reason: string; conversationId: string; planIds: string[] }
  | { kind: "turn-limit"; conversationId: string; toolResults: ToolResultRecord[]; planIds: string[] };

export interface Agent {
  run(request: AgentRequest): Promise<AgentOutcome>;
}

/** Checks the tools once (no tool may approve, submit or execute) and returns the loop. */
export function createAgent(deps: AgentDeps): Agent {
  const tools = prepareTools(deps.tools);
  const limits = { ...DEFAULT_LIMITS, ...deps.limits };
  if (!Number.isInteger(limits.maxTurns) || limits.maxTurns < 1) {
    throw new Error(`maxTurns must be a positive integer, got ${limits.maxTurns}`);
  }
  const policy: RetryPolicy = {
    maxRetries: limits.maxRetries,
    backoffMs: limits.backoffMs,
    maxRetryAfterMs: limits.maxRetryAfterMs,
    requestTimeoutMs: limits.requestTimeoutMs,
  };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = deps.now ?? (() => performance.now());
  const system: Anthropic.TextBlockParam[] = [
    { type: "text", text: deps.prompt.text, cache_control: { type: "ephemeral" } },
  ];

  return {
    async run(request) {
      const store = deps.conversations;
      const conversation = await store.open(request.threadKey, principalId(request.principal));
      const conversationId = conversation.id;
      const audit = conversationAudit(deps.audit, conversationId);
      const messages: Anthropic.MessageParam[] = toMessageParams(await store.messages(conversationId));
      const earlierResults = toolResultsInHistory(messages);
      const toolResults: ToolResultRecord[] = [];
      const toolContext: ToolContext = { ...deps.toolContext, principal: request.principal, conversationId };

      await audit("message.received", actorOf(request.principal), {
        threadKey: request.threadKey,
        text: request.userText,
      });
      const userMessage: Anthropic.MessageParam = { role: "user", content: request.userText };
      await store.append(conversationId, [userMessage]);
      messages.push(userMessage);

      for (let turn = 1; turn <= limits.maxTurns; turn++) {
        const call = await callModel(
          {
            model: deps.model,
            max_tokens: limits.maxTokens,
            system,
            tools: tools.definitions,
            messages: withCacheBreakpoint(messages),
          },
          {
            turn,
            model: deps.model,
            prompt: { version: deps.prompt.version, sha256: deps.prompt.sha256 },
            messageCount: messages.length,
            tools: tools.names,
            toolsSha256: tools.sha256,
            maxTokens: limits.maxTokens,
          },
          { client: deps.client, audit, policy, sleep, now },
        );
        if (!call.ok) {
          await audit("agent.model-unavailable", "system", { turn, reason: call.reason });
          return {
            kind: "model-unavailable",
            reason: call.reason,
            conversationId,
            planIds: planIdsOf(toolResults),
          };
        }

        const content = assistantContent(call.message.content);
        const assistant: Anthropic.MessageParam = { role: "assistant", content };
        const uses = call.message.content.filter((block) => block.type === "tool_use");
        if (uses.length === 0) {
          if (content.length > 0) await store.append(conversationId, [assistant]);
          return {
            kind: "reply",
            text: replyText(call.message.content),
            conversationId,
            toolResults: [...earlierResults, ...toolResults],
            planIds: planIdsOf(toolResults),
          };
        }

        if (turn === limits.maxTurns) {
          await audit("agent.turn-limit", "system", {
            maxTurns: limits.maxTurns,
            notRun: uses.map((u) => u.name),
          });
          const notRun: Anthropic.ToolResultBlockParam[] = uses.map((use) => ({
            type: "tool_result",
            tool_use_id: use.id,
            is_error: true,
            content: "not run: the turn limit for this message was reached",
          }));
          await store.append(conversationId, [assistant, { role: "user", content: notRun }]);
          return {
            kind: "turn-limit",
            conversationId,
            toolResults: [...earlierResults, ...toolResults],
            planIds: planIdsOf(toolResults),
          };
        }

        const results: Anthropic.ToolResultBlockParam[] = [];
        for (const use of uses) {
          const dispatched = await dispatchToolUse(use, {
            tools: tools.byName,
            context: toolContext,
            audit,
            now,
            logger: deps.logger,
          });
          results.push(dispatched.block);
          if (dispatched.record) toolResults.push(dispatched.record);
        }
        const toolMessage: Anthropic.MessageParam = { role: "user", content: results };
        await store.append(conversationId, [assistant, toolMessage]);
        messages.push(assistant, toolMessage);
      }
      throw new Error("unreachable: the turn loop returns on its last turn");
    },
  };
}

export async function runConversation(deps: AgentDeps, request: AgentRequest): Promise<AgentOutcome> {
  return createAgent(deps).run(request);
}

/** Ids of plans a tool drafted: a successful output with a top-level string `planId`. */
function planIdsOf(records: readonly ToolResultRecord[]): string[] {
  const ids = records.flatMap((record) => {
    const output = record.output;
    if (!record.ok || typeof output !== "object" || output === null || !("planId" in output)) return [];
    return typeof output.planId === "string" ? [output.planId] : [];
  });
  return [...new Set(ids)];
}
