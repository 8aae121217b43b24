// Conversation history between the store and the Messages API: stored messages to request params,
// response content to storable params, a cache breakpoint on the newest block, and the tool results
// of earlier turns (a reply may quote any figure a tool returned in the same thread).
import type Anthropic from "@anthropic-ai/sdk";
import type { StoredMessage } from "../ports/conversation-store.ts";
import { decodeOutcome, recordOf, type ToolResultRecord } from "./tool-result-record.ts";

type MessageParam = Anthropic.MessageParam;
type ContentBlockParam = Anthropic.ContentBlockParam;
type UserOrAssistant = Anthropic.UserMessageParam | Anthropic.AssistantMessageParam;

const INTERRUPTED = "not run: the conversation was interrupted";

export function toMessageParams(stored: readonly StoredMessage[]): UserOrAssistant[] {
  const messages = stored.map((message): UserOrAssistant => {
    const { role, content } = message;
    if (typeof content !== "string" && !Array.isArray(content)) {
      throw new Error(`stored message ${message.seq} has content that is neither text nor blocks`);
    }
    return { role, content: content as string | ContentBlockParam[] };
  });
  return closeOpenToolUses(messages);
}

/**
 * The API rejects a tool_use without a tool_result right after it. Results are stored in the same
 * write as their tool_use, so this only matters for a history written by something else.
 */
function closeOpenToolUses(messages: UserOrAssistant[]): UserOrAssistant[] {
  const out = [...messages];
  for (let index = 0; index < out.length; index++) {
    const message = out[index];
    if (message?.role !== "assistant" || typeof message.content === "string") continue;
    const next = out[index + 1];
    const nextBlocks = next?.role === "user" && Array.isArray(next.content) ? next.content : null;
    const answered = new Set(
      (nextBlocks ?? []).flatMap((block) => (block.type === "tool_result" ? [block.tool_use_id] : [])),
    );
    const missing = message.content.flatMap((block): Anthropic.ToolResultBlockParam[] =>
      block.type === "tool_use" && !answered.has(block.id)
        ? [{ type: "tool_result", tool_use_id: block.id, is_error: true, content: INTERRUPTED }]
        : [],
    );
    if (missing.length === 0) continue;
    // Tool results lead the user turn that follows their tool_use.
    if (nextBlocks) out[index + 1] = { role: "user", content: [...missing, ...nextBlocks] };
    else out.splice(index + 1, 0, { role: "user", content: missing });
  }
  return out;
}

/** Response blocks as request params, without response-only fields (citations: null, caller...). */
export function assistantContent(content: readonly Anthropic.ContentBlock[]): ContentBlockParam[] {
  return content.map((block): ContentBlockParam => {
    if (block.type === "text") return { type: "text", text: block.text };
    if (block.type === "tool_use")
      return { type: "tool_use", id: block.id, name: block.name, input: block.input };
    return block as ContentBlockParam;
  });
}

/** A copy whose newest block carries a cache breakpoint, so each turn reuses the prefix before it. */
export function withCacheBreakpoint(messages: readonly MessageParam[]): MessageParam[] {
  const copy = [...messages];
  const last = copy.at(-1);
  if (!last) return copy;
  const blocks: ContentBlockParam[] =
    typeof last.content === "string" ? [{ type: "text", text: last.content }] : [...last.content];
  const lastBlock = blocks.at(-1);
  if (lastBlock)
    blocks[blocks.length - 1] = { ...lastBlock, cache_control: { type: "ephemeral" } } as ContentBlockParam;
  copy[copy.length - 1] = { ...last, content: blocks } as MessageParam;
  return copy;
}

/** Tool results recorded in the history: each tool_result paired with the tool_use it answers. */
export function toolResultsInHistory(messages: readonly MessageParam[]): ToolResultRecord[] {
  const uses = new Map<string, { name: string; input: unknown }>();
  const records: ToolResultRecord[] = [];
  for (const message of messages) {
    if (typeof message.content === "string") continue;
    for (const block of message.content) {
      if (block.type === "tool_use") uses.set(block.id, { name: block.name, input: block.input });
      if (block.type !== "tool_result" || block.is_error) continue;
      const use = uses.get(block.tool_use_id);
      const outcome = decodeOutcome(block.content);
      if (use && outcome) records.push(recordOf(block.tool_use_id, use.name, use.input, outcome));
    }
  }
  return records;
}

export function replyText(content: readonly Anthropic.ContentBlock[]): string {
  return content
    .flatMap((block) => (block.type === "text" ? [block.text] : []))
    .join("\n\n")
    .trim();
}
