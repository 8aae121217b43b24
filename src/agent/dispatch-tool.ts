// Runs one tool_use block: input validated against the tool's zod schema (a bad input goes back as an
// is_error result the model can correct), output validated against its output schema (a failure is
// a tool bug: audited, and the model is told not to retry), refusals passed through as data, throws
// reported without a stack. Every call is audited: tool.call, then any rejection, then tool.result.
import type Anthropic from "@anthropic-ai/sdk";
import { z } from "zod";
import type { Tool, ToolContext, ToolOutcome } from "../../tools/tool.ts";
import type { Logger } from "../logger.ts";
import type { ConversationAudit } from "./conversation-audit.ts";
import { contextRecord, recordPins } from "./record-pins.ts";
import { encodeOutcome, recordOf, type ToolResultRecord } from "./tool-result-record.ts";

export interface DispatchDeps {
  tools: ReadonlyMap<string, Tool>;
  context: ToolContext;
  audit: ConversationAudit;
  now: () => number;
  logger?: Logger | undefined;
}

export interface Dispatched {
  block: Anthropic.ToolResultBlockParam;
  /** Null when the tool produced no validated outcome. */
  record: ToolResultRecord | null;
}

type DispatchError = "unknown-tool" | "invalid-input" | "internal-error" | "invalid-output";

const Refusal = z.object({ ok: z.literal(false), code: z.string(), message: z.string() });

export async function dispatchToolUse(use: Anthropic.ToolUseBlock, deps: DispatchDeps): Promise<Dispatched> {
  const { audit } = deps;
  const started = deps.now();
  const latencyMs = () => Math.round(deps.now() - started);
  await audit("tool.call", "assistant", {
    toolUseId: use.id,
    name: use.name,
    input: use.input,
    context: contextRecord(deps.context),
  });
  const recorder = recordPins(deps.context);

  const fail = async (error: DispatchError, message: string, detail: object = {}): Promise<Dispatched> => {
    await audit("tool.result", "system", {
      toolUseId: use.id,
      name: use.name,
      ok: false,
      isError: true,
      error,
      message,
      ...detail,
      latencyMs: latencyMs(),
    });
    return {
      block: { type: "tool_result", tool_use_id: use.id, is_error: true, content: message },
      record: null,
    };
  };

  const tool = deps.tools.get(use.name);
  if (!tool) {
    const names = [...deps.tools.keys()].join(", ");
    return fail("unknown-tool", `no such tool: "${use.name}". The tools are: ${names}.`);
  }

  const input = tool.input.safeParse(use.input);
  if (!input.success) {
    const issues = issueList(input.error);
    await audit("tool.input-rejected", "system", { toolUseId: use.id, name: use.name, issues });
    return fail(
      "invalid-input",
      `invalid input for ${tool.name}:\n${z.prettifyError(input.error)}\nCorrect the input and call the tool again.`,
    );
  }

  let outcome: ToolOutcome<unknown>;
  try {
    outcome = await tool.run(input.data, recorder.context);
  } catch (error) {
    const thrown =
      error instanceof Error ? { name: error.name, message: error.message } : { value: String(error) };
    deps.logger?.error({ err: error, tool: tool.name, toolUseId: use.id }, "tool threw");
    return fail(
      "internal-error",
      `internal error: ${tool.name} failed. Tell the user it could not be completed.`,
      {
        thrown,
      },
    );
  }

  const checked = checkOutcome(tool, outcome);
  if (!checked.ok) {
    await audit("tool.output-invalid", "system", {
      toolUseId: use.id,
      name: tool.name,
      issues: checked.issues,
    });
    deps.logger?.error(
      { tool: tool.name, toolUseId: use.id, issues: checked.issues },
      "tool output failed its schema",
    );
    return fail(
      "invalid-output",
      `internal error: ${tool.name} returned an invalid result. Do not retry; tell the user it could not be completed.`,
    );
  }

  const result = checked.outcome;
  await audit("tool.result", "system", {
    toolUseId: use.id,
    name: tool.name,
    ok: result.ok,
    isError: false,
    pins: recorder.take(),
    ...(result.ok ? { output: result.value } : { code: result.code, message: result.message }),
    latencyMs: latencyMs(),
  });
  return {
    block: { type: "tool_result", tool_use_id: use.id, content: encodeOutcome(result, tool.name) },
    record: recordOf(use.id, tool.name, input.data, result),
  };
}

type Checked = { ok: true; outcome: ToolOutcome<unknown> } | { ok: false; issues: Issue[] };

function checkOutcome(tool: Tool, outcome: unknown): Checked {
  if (typeof outcome === "object" && outcome !== null && "ok" in outcome && outcome.ok === true) {
    const value = tool.output.safeParse("value" in outcome ? outcome.value : undefined);
    return value.success
      ? { ok: true, outcome: { ok: true, value: value.data } }
      : { ok: false, issues: issueList(value.error) };
  }
  const refusal = Refusal.safeParse(outcome);
  return refusal.success
    ? { ok: true, outcome: { ok: false, code: refusal.data.code, message: refusal.data.message } }
    : { ok: false, issues: issueList(refusal.error) };
}

interface Issue {
  path: string[];
  code: string;
  message: string;
}

function issueList(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String),
    code: issue.code,
    message: issue.message,
  }));
}
