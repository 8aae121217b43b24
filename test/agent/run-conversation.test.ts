import type Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import { createAgent } from "../../src/agent/run-conversation.ts";
import { text, toolUse, toolUseBlock, toolUses } from "../support/fake-anthropic.ts";
import { ASKER, contextsSeen, type Harness, lookup, MODEL, PROMPT, startHarness } from "./agent-harness.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.fake.close();
  harness = undefined;
  contextsSeen.length = 0;
});

async function start(...args: Parameters<typeof startHarness>) {
  harness = await startHarness(...args);
  return harness;
}

function blocks(message: Anthropic.MessageParam | undefined) {
  if (!message || typeof message.content === "string") throw new Error("expected content blocks");
  return message.content;
}

function toolResult(message: Anthropic.MessageParam | undefined, index = 0): Anthropic.ToolResultBlockParam {
  const block = blocks(message)[index];
  if (block?.type !== "tool_result") throw new Error(`expected a tool_result, got ${block?.type}`);
  return block;
}

describe("runConversation", () => {
  it("answers a tool_use with its tool_result and returns the model's text as the reply", async () => {
    const h = await start([
      toolUse("lookup", { householdId: "hh-chen" }, "toolu_1"),
      text("The Chen household is worth $1,234.50."),
    ]);

    const outcome = await h.ask("How much is the Chen household worth?");

    expect(outcome).toEqual({
      kind: "reply",
      text: "The Chen household is worth $1,234.50.",
      conversationId: "conv-1",
      toolResults: [
        {
          toolUseId: "toolu_1",
          name: "lookup",
          input: { householdId: "hh-chen" },
          ok: true,
          output: { householdId: "hh-chen", totalValue: "1234.50" },
        },
      ],
      planIds: [],
    });
    expect(h.fake.requests).toHaveLength(2);
    const second = h.fake.requests[1]?.body.messages ?? [];
    expect(second.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(blocks(second[1])).toEqual([
      { type: "text", text: "Calling lookup." },
      { type: "tool_use", id: "toolu_1", name: "lookup", input: { householdId: "hh-chen" } },
    ]);
    const result = toolResult(second[2]);
    expect(result.tool_use_id).toBe("toolu_1");
    expect(result.is_error).toBeUndefined();
    expect(JSON.parse(String(result.content))).toEqual({
      ok: true,
      value: { householdId: "hh-chen", totalValue: "1234.50" },
    });
  });

  it("sends the model id, the system prompt and the tools' zod-derived JSON schemas", async () => {
    const h = await start([text("Hello.")]);
    await h.ask("hi");

    const body = h.fake.requests[0]?.body;
    expect(body?.model).toBe(MODEL);
    expect(body?.max_tokens).toBe(2048);
    expect(body?.system).toEqual([{ type: "text", text: PROMPT.text, cache_control: { type: "ephemeral" } }]);
    const tools = (body?.tools ?? []) as Anthropic.Tool[];
    expect(tools.map((t) => t.name)).toEqual(["lookup", "refuser", "thrower", "broken", "draft_plan"]);
    expect(tools[0]).toEqual({
      name: "lookup",
      description: "The total value of a household.",
      input_schema: {
        type: "object",
        properties: { householdId: { type: "string", minLength: 1 } },
        required: ["householdId"],
      },
    });
  });

  it("puts cache breakpoints on the system prompt, the last tool and the newest message only", async () => {
    const h = await start([toolUse("lookup", { householdId: "hh-chen" }), text("Done.")]);
    await h.ask("Chen?");

    for (const request of h.fake.requests) {
      const tools = (request.body.tools ?? []) as Anthropic.Tool[];
      expect(tools.map((t) => t.cache_control ?? null)).toEqual([
        null,
        null,
        null,
        null,
        { type: "ephemeral" },
      ]);
      const messages = request.body.messages;
      const marked = messages.flatMap((m, i) =>
        (typeof m.content === "string" ? [] : m.content).flatMap((b, j) =>
          "cache_control" in b && b.cache_control ? [`${i}.${j}`] : [],
        ),
      );
      expect(marked).toEqual([`${messages.length - 1}.${blocks(messages.at(-1)).length - 1}`]);
    }
    const stored = await h.conversations.messages("conv-1");
    expect(JSON.stringify(stored)).not.toContain("cache_control");
  });

  it("returns bad tool input to the model as is_error with the zod issues, and the corrected call runs", async () => {
    const h = await start([
      toolUse("lookup", { householdId: 42 }, "toolu_bad"),
      toolUse("lookup", { householdId: "hh-chen" }, "toolu_good"),
      text("Worth $1,234.50."),
    ]);

    const outcome = await h.ask("Chen?");

    const rejected = toolResult(h.fake.requests[1]?.body.messages.at(-1));
    expect(rejected).toMatchObject({ tool_use_id: "toolu_bad", is_error: true });
    expect(rejected.content).toContain("invalid input for lookup");
    expect(rejected.content).toContain("householdId");
    expect(toolResult(h.fake.requests[2]?.body.messages.at(-1)).is_error).toBeUndefined();
    expect(outcome.kind === "reply" && outcome.toolResults.map((r) => r.toolUseId)).toEqual(["toolu_good"]);
    const events = await h.audit.read("conversation:conv-1");
    const inputRejected = events.find((e) => e.type === "tool.input-rejected");
    expect(inputRejected?.payload).toMatchObject({
      toolUseId: "toolu_bad",
      name: "lookup",
      issues: [{ path: ["householdId"], code: "invalid_type" }],
    });
  });

  it("tells the model there is no such tool when it calls an unknown name", async () => {
    const h = await start([toolUse("delete_everything", {}, "toolu_x"), text("Sorry.")]);
    await h.ask("do it");

    const result = toolResult(h.fake.requests[1]?.body.messages.at(-1));
    expect(result.is_error).toBe(true);
    expect(result.content).toContain('no such tool: "delete_everything"');
    const events = await h.audit.read("conversation:conv-1");
    expect(events.find((e) => e.type === "tool.result")?.payload).toMatchObject({
      name: "delete_everything",
      ok: false,
      isError: true,
      error: "unknown-tool",
    });
  });

  it("passes a tool's refusal to the model as a normal result with ok false, code and message", async () => {
    const h = await start([toolUse("refuser", {}, "toolu_r"), text("That household has no model.")]);
    const outcome = await h.ask("Rebalance Ortiz");

    const result = toolResult(h.fake.requests[1]?.body.messages.at(-1));
    expect(result.is_error).toBeUndefined();
    expect(JSON.parse(String(result.content))).toEqual({
      ok: false,
      code: "plan.no-model",
      message: "The household has no target model.",
    });
    expect(outcome.kind === "reply" && outcome.toolResults).toEqual([
      {
        toolUseId: "toolu_r",
        name: "refuser",
        input: {},
        ok: false,
        output: { code: "plan.no-model", message: "The household has no target model." },
      },
    ]);
  });

  it("reports a thrown tool error to the model as an internal error without its message, and audits it", async () => {
    const h = await start([toolUse("thrower", {}, "toolu_t"), text("That step failed.")]);
    await h.ask("go");

    const result = toolResult(h.fake.requests[1]?.body.messages.at(-1));
    expect(result.is_error).toBe(true);
    expect(result.content).toContain("internal error");
    expect(result.content).not.toContain("/var/lib/secret");
    expect(result.content).not.toMatch(/\bat .*\.ts:\d+/);
    const events = await h.audit.read("conversation:conv-1");
    expect(events.find((e) => e.type === "tool.result")?.payload).toMatchObject({
      name: "thrower",
      error: "internal-error",
      thrown: { name: "Error", message: "connection to /var/lib/secret refused" },
    });
  });

  it("treats a tool output that fails its schema as a bug: is_error to the model and tool.output-invalid", async () => {
    const h = await start([toolUse("broken", {}, "toolu_b"), text("That step failed.")]);
    const outcome = await h.ask("go");

    const result = toolResult(h.fake.requests[1]?.body.messages.at(-1));
    expect(result.is_error).toBe(true);
    expect(result.content).toContain("invalid result");
    expect(result.content).not.toContain("1234.5");
    expect(outcome.kind === "reply" && outcome.toolResults).toEqual([]);
    const events = await h.audit.read("conversation:conv-1");
    expect(events.find((e) => e.type === "tool.output-invalid")?.payload).toMatchObject({
      toolUseId: "toolu_b",
      name: "broken",
      issues: [{ path: ["totalValue"], code: "invalid_type" }],
    });
  });

  it("answers several tool uses of one turn in one user message, in order", async () => {
    const h = await start([
      toolUses([
        toolUseBlock("lookup", { householdId: "a" }, "toolu_a"),
        toolUseBlock("refuser", {}, "toolu_r"),
      ]),
      text("Done."),
    ]);
    await h.ask("both");

    const last = h.fake.requests[1]?.body.messages.at(-1);
    expect(blocks(last).map((b) => (b.type === "tool_result" ? b.tool_use_id : b.type))).toEqual([
      "toolu_a",
      "toolu_r",
    ]);
  });

  it("gives tools the conversation id and the requesting principal", async () => {
    const h = await start([toolUse("lookup", { householdId: "hh-chen" }), text("Done.")]);
    await h.ask("Chen?");

    expect(contextsSeen).toHaveLength(1);
    expect(contextsSeen[0]).toMatchObject({ conversationId: "conv-1", principal: ASKER, allowStale: false });
  });

  it("returns the ids of plans drafted while answering", async () => {
    const h = await start([toolUse("draft_plan", { householdId: "hh-chen" }), text("Here is the plan.")]);
    const outcome = await h.ask("Draft a plan for Chen");
    expect(outcome).toMatchObject({ kind: "reply", planIds: ["plan-42"] });
  });

  it("stops after the turn limit without running the last tool calls, leaving a history the API accepts", async () => {
    const h = await start([], { limits: { maxTurns: 3, backoffMs: 100 } });
    h.fake.respondWith(() => toolUse("lookup", { householdId: "hh-chen" }));

    const outcome = await h.ask("loop forever");

    expect(outcome).toMatchObject({ kind: "turn-limit", conversationId: "conv-1" });
    expect(h.fake.requests).toHaveLength(3);
    expect(contextsSeen).toHaveLength(2);
    const events = await h.audit.read("conversation:conv-1");
    expect(events.at(-1)).toMatchObject({
      type: "agent.turn-limit",
      payload: { maxTurns: 3, notRun: ["lookup"] },
    });
    const stored = await h.conversations.messages("conv-1");
    expect(stored.map((m) => m.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
    ]);
    expect(stored.at(-1)?.content).toMatchObject([
      {
        type: "tool_result",
        is_error: true,
        content: "not run: the turn limit for this message was reached",
      },
    ]);
  });

  it("persists the thread and sends the history back when a second message continues it", async () => {
    const h = await start([
      toolUse("lookup", { householdId: "hh-chen" }, "toolu_1"),
      text("Worth $1,234.50."),
      text("Yes, $1,234.50."),
    ]);
    const first = await h.ask("Chen?", "slack:T1:C1:111.222");
    // A new agent over the same stores: nothing is kept in memory between messages.
    const second = await createAgent(h.deps).run({
      threadKey: "slack:T1:C1:111.222",
      userText: "Sure?",
      principal: ASKER,
    });

    expect(second.conversationId).toBe(first.conversationId);
    const sent = h.fake.requests[2]?.body.messages ?? [];
    expect(sent.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(sent[0]?.content).toBe("Chen?");
    expect(blocks(sent[3])).toEqual([{ type: "text", text: "Worth $1,234.50." }]);
    expect(blocks(sent[4])).toEqual([{ type: "text", text: "Sure?", cache_control: { type: "ephemeral" } }]);
    expect(second).toMatchObject({
      kind: "reply",
      planIds: [],
      toolResults: [{ toolUseId: "toolu_1", name: "lookup", ok: true, output: { totalValue: "1234.50" } }],
    });
    const stored = await h.conversations.messages(second.conversationId);
    expect(stored.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("audits every step in order with the prompt version and sha256, the model id and token usage", async () => {
    const h = await start([
      toolUse("lookup", { householdId: "hh-chen" }, "toolu_1"),
      text("Worth $1,234.50."),
    ]);
    await h.ask("Chen?");

    const events = await h.audit.read("conversation:conv-1");
    expect(events.map((e) => e.type)).toEqual([
      "message.received",
      "model.request",
      "model.response",
      "tool.call",
      "tool.result",
      "model.request",
      "model.response",
    ]);
    expect(events[0]).toMatchObject({
      actor: "user:U123",
      payload: { text: "Chen?", threadKey: "cli:test" },
    });
    expect(events[1]?.payload).toMatchObject({
      turn: 1,
      attempt: 1,
      model: MODEL,
      prompt: { version: "assistant/v001", sha256: PROMPT.sha256 },
      messageCount: 1,
      tools: ["lookup", "refuser", "thrower", "broken", "draft_plan"],
      maxTokens: 2048,
    });
    expect(events[2]).toMatchObject({
      actor: "assistant",
      payload: {
        attempt: 1,
        stopReason: "tool_use",
        requestId: "req_fake_1",
        latencyMs: 5,
        usage: {
          input_tokens: 412,
          output_tokens: 58,
          cache_creation_input_tokens: 1830,
          cache_read_input_tokens: 0,
        },
      },
    });
    expect(events[3]?.payload).toEqual({
      toolUseId: "toolu_1",
      name: "lookup",
      input: { householdId: "hh-chen" },
      context: {
        engineVersion: "lotwise-engine/1",
        now: "2026-11-20T15:00:00.000Z",
        tradeDate: "2026-11-20",
        allowStale: false,
        planTtlMinutes: null,
        conversationId: "conv-1",
        principal: {
          kind: "user",
          id: "U123",
          userId: "user-123",
          roles: [],
          access: [{ householdId: "hh-chen", role: "ADVISOR" }],
        },
      },
    });
    expect(events[4]?.payload).toMatchObject({
      toolUseId: "toolu_1",
      ok: true,
      isError: false,
      output: { totalValue: "1234.50" },
    });
    expect(events[5]?.payload).toMatchObject({ turn: 2, messageCount: 3 });
    events.forEach((event, i) => {
      expect(event.seq).toBe(i + 1);
      if (i > 0) expect(event.prevHash).toBe(events[i - 1]?.hash);
    });
  });

  it("refuses at construction a tool whose name approves, submits, executes or places orders", () => {
    for (const name of ["approve_plan", "submit_orders", "execute_trades", "place_order", "Approve"]) {
      const tool = { ...lookup, name };
      expect(() => createAgent({ ...harnessFreeDeps(), tools: [tool] })).toThrow(/acts on trades/);
    }
  });
});

function harnessFreeDeps() {
  return {
    client: {} as Anthropic,
    model: MODEL,
    prompt: PROMPT,
    tools: [],
    toolContext: {} as never,
    audit: {} as never,
    conversations: {} as never,
  };
}
