import { describe, expect, it } from "vitest";
import { toMessageParams, toolResultsInHistory, withCacheBreakpoint } from "../../src/agent/history.ts";

const toolUseTurn = {
  seq: 2,
  role: "assistant" as const,
  content: [
    { type: "text", text: "Looking." },
    { type: "tool_use", id: "toolu_1", name: "lookup", input: { householdId: "hh" } },
    { type: "tool_use", id: "toolu_2", name: "lookup", input: { householdId: "other" } },
  ],
};

describe("conversation history", () => {
  it("closes tool uses a stored history left without results, so the API accepts it", () => {
    const params = toMessageParams([
      { seq: 1, role: "user", content: "hi" },
      toolUseTurn,
      {
        seq: 3,
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_1", content: '{"ok":true,"value":{}}' }],
      },
    ]);

    expect(params.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(params[2]?.content).toEqual([
      {
        type: "tool_result",
        tool_use_id: "toolu_2",
        is_error: true,
        content: "not run: the conversation was interrupted",
      },
      { type: "tool_result", tool_use_id: "toolu_1", content: '{"ok":true,"value":{}}' },
    ]);
  });

  it("adds a result turn after a stored tool use that was never answered", () => {
    const params = toMessageParams([{ seq: 1, role: "user", content: "hi" }, toolUseTurn]);
    expect(params.map((m) => m.role)).toEqual(["user", "assistant", "user"]);
    expect(params[2]?.content).toMatchObject([
      { tool_use_id: "toolu_1", is_error: true },
      { tool_use_id: "toolu_2", is_error: true },
    ]);
  });

  it("refuses a stored message whose content is neither text nor blocks", () => {
    expect(() => toMessageParams([{ seq: 7, role: "user", content: { oops: true } }])).toThrow(
      /stored message 7/,
    );
  });

  it("reads earlier tool results back with the tool_use they answer, skipping errors", () => {
    const records = toolResultsInHistory(
      toMessageParams([
        { seq: 1, role: "user", content: "hi" },
        toolUseTurn,
        {
          seq: 3,
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "toolu_1",
              content: '{"ok":true,"value":{"totalValue":"10.00"}}',
            },
            { type: "tool_result", tool_use_id: "toolu_2", content: "invalid input", is_error: true },
          ],
        },
      ]),
    );
    expect(records).toEqual([
      {
        toolUseId: "toolu_1",
        name: "lookup",
        input: { householdId: "hh" },
        ok: true,
        output: { totalValue: "10.00" },
      },
    ]);
  });

  it("marks only the newest block for caching and leaves the history untouched", () => {
    const history = toMessageParams([{ seq: 1, role: "user", content: "hi" }]);
    const sent = withCacheBreakpoint(history);
    expect(sent).toEqual([
      { role: "user", content: [{ type: "text", text: "hi", cache_control: { type: "ephemeral" } }] },
    ]);
    expect(history).toEqual([{ role: "user", content: "hi" }]);
  });
});
