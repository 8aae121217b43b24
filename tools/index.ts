// Every tool the assistant may call, in the order it usually calls them. None approves, submits or
// executes anything: the model drafts, people approve.
import { z } from "zod";
import { checkWashSaleTool } from "./check-wash-sale.ts";
import { computeDriftTool } from "./compute-drift.ts";
import { draftTradesTool } from "./draft-trades.ts";
import { explainTool } from "./explain.ts";
import { findHarvestableLotsTool } from "./find-harvestable-lots.ts";
import { findHouseholdTool } from "./find-household.ts";
import { getPositionsTool } from "./get-positions.ts";
import { scanBookTool } from "./scan-book.ts";
import { suggestReplacementsTool } from "./suggest-replacements.ts";
import type { Tool } from "./tool.ts";

export const TOOLS: readonly Tool[] = [
  findHouseholdTool,
  getPositionsTool,
  computeDriftTool,
  findHarvestableLotsTool,
  checkWashSaleTool,
  suggestReplacementsTool,
  draftTradesTool,
  explainTool,
  // The whole book rather than one household: "what should I look at today?"
  scanBookTool,
] as readonly Tool[];

export function toolByName(name: string): Tool | undefined {
  return TOOLS.find((tool) => tool.name === name);
}

export interface ToolJsonSchema {
  name: string;
  description: string;
  input_schema: { type: "object"; [key: string]: unknown };
}

/** The tools as the Messages API takes them: JSON Schema of each input, from zod. */
export function toolJsonSchemas(): ToolJsonSchema[] {
  return TOOLS.map((tool) => {
    const { $schema: _dialect, ...schema } = z.toJSONSchema(tool.input, { io: "input" });
    if (schema.type !== "object") throw new Error(`tool ${tool.name}: its input must be an object schema`);
    return { name: tool.name, description: tool.description, input_schema: { ...schema, type: "object" } };
  });
}
