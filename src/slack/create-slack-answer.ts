// The assistant as the Slack front end calls it: answerRequest as the asker's principal (what they may
// see and draft; drafted plans record who asked: four eyes) and each tool wrapped to report progress
// before it runs.
// Nothing in src/agent changes: the wrapping is of the tools handed to it.

import type { Tool } from "../../tools/tool.ts";
import { type AnswerDeps, answerRequest } from "../agent/answer-request.ts";
import type { SlackDeps } from "./slack-deps.ts";

const TOOL_LABELS: Record<string, string> = {
  scan_book: "Scanning your book",
  find_household: "Finding the household",
  get_positions: "Reading positions and prices",
  compute_drift: "Measuring drift against the model",
  find_harvestable_lots: "Looking for losses to harvest",
  check_wash_sale: "Checking wash-sale windows",
  suggest_replacements: "Choosing replacement securities",
  draft_trades: "Drafting the trades",
  explain: "Preparing an explanation",
};

/** "Drafting the trades (draft_trades)"; an unknown tool is "Running <name>". */
export function progressLabel(toolName: string): string {
  const label = TOOL_LABELS[toolName];
  return label ? `${label} (${toolName})` : `Running ${toolName}`;
}

/** The tools, each calling `onProgress` with its label before it runs. */
export function withProgress(tools: readonly Tool[], onProgress: (label: string) => void): Tool[] {
  return tools.map((tool) => ({
    ...tool,
    run: (input, context) => {
      onProgress(progressLabel(tool.name));
      return tool.run(input, context);
    },
  }));
}

/**
 * `prepare` builds the assistant's deps for one request (after any demo-feed refresh, with the
 * current time); the asker's principal goes to the agent and to every tool call, and a plan they
 * draft records them as its requester.
 */
export function createSlackAnswer(prepare: () => Promise<AnswerDeps>): SlackDeps["answer"] {
  return async (request) => {
    const deps = await prepare();
    return answerRequest(
      { ...deps, tools: withProgress(deps.tools, request.onProgress) },
      { threadKey: request.threadKey, userText: request.userText, principal: request.principal },
    );
  };
}
