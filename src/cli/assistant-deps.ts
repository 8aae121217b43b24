import Anthropic from "@anthropic-ai/sdk";
import { TOOLS } from "../../tools/index.ts";
import type { AnswerDeps } from "../agent/answer-request.ts";
import { loadPrompt } from "../agent/load-prompt.ts";
import { marketDate } from "../domain/market-date.ts";
import type { OpenedStore } from "../main.ts";
import type { CommandContext } from "./command.ts";

/**
 * The assistant wired to this store: the real SDK client when a key is set, else the fallback. The
 * principal comes with each request (answerRequest), never from here.
 */
export async function assistantDeps(
  context: CommandContext,
  opened: OpenedStore,
  now: Date,
): Promise<AnswerDeps> {
  const { assistant } = context.services.config;
  return {
    client: assistant.apiKey
      ? new Anthropic({
          apiKey: assistant.apiKey,
          maxRetries: 0,
          ...(assistant.baseUrl ? { baseURL: assistant.baseUrl } : {}),
        })
      : null,
    model: assistant.model,
    prompt: await loadPrompt("assistant", "v001"),
    tools: TOOLS,
    toolContext: {
      store: opened.store,
      plans: opened.plans,
      now: now.toISOString(),
      tradeDate: marketDate(now),
      allowStale: false,
      planTtlMinutes: context.services.config.approval.planTtlMinutes,
    },
    audit: opened.audit,
    conversations: opened.conversations,
    plans: opened.plans,
  };
}
