// The tools as the Messages API sees them: names checked, JSON schemas from zod 4, and a prompt
// cache breakpoint on the last definition (the API caches everything up to and including it).
import { createHash } from "node:crypto";
import type Anthropic from "@anthropic-ai/sdk";
import { z } from "zod";
import type { Tool } from "../../tools/tool.ts";

/** The model may draft; approving, submitting and executing happen only in code behind a button. */
export const FORBIDDEN_TOOL_NAME = /approve|submit|execute|place_order/i;
const API_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export interface PreparedTools {
  byName: ReadonlyMap<string, Tool>;
  definitions: Anthropic.Tool[];
  names: string[];
  /** sha256 of the definitions as sent, so the audit log pins exactly what the model was offered. */
  sha256: string;
}

export function prepareTools(tools: readonly Tool[]): PreparedTools {
  const byName = new Map<string, Tool>();
  for (const tool of tools) {
    if (FORBIDDEN_TOOL_NAME.test(tool.name)) {
      throw new Error(`tool "${tool.name}" looks like it acts on trades; the model may only draft`);
    }
    if (!API_TOOL_NAME.test(tool.name))
      throw new Error(`tool name "${tool.name}" is not a valid API tool name`);
    if (byName.has(tool.name)) throw new Error(`two tools are named "${tool.name}"`);
    byName.set(tool.name, tool);
  }
  const definitions: Anthropic.Tool[] = tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: inputSchema(tool),
  }));
  const sha256 = createHash("sha256").update(JSON.stringify(definitions)).digest("hex");
  const last = definitions.at(-1);
  if (last) last.cache_control = { type: "ephemeral" };
  return { byName, definitions, names: [...byName.keys()], sha256 };
}

function inputSchema(tool: Tool): Anthropic.Tool.InputSchema {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(tool.input, { io: "input" });
  if (schema.type !== "object") throw new Error(`tool "${tool.name}" input must be a zod object schema`);
  return { ...schema, type: "object" };
}
