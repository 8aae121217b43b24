import { describe, expect, it } from "vitest";
import { z } from "zod";
import { prepareTools } from "../../src/agent/tool-definitions.ts";
import { TOOLS } from "../../tools/index.ts";
import { defineTool } from "../../tools/tool.ts";
import { lookup } from "./agent-harness.ts";

const named = (name: string) => ({ ...lookup, name });

describe("prepareTools", () => {
  it("refuses any tool that could approve, submit, execute or place an order", () => {
    for (const name of ["approve_plan", "submit", "executeTrades", "place_order", "auto_APPROVE"]) {
      expect(() => prepareTools([named(name)])).toThrow(/acts on trades/);
    }
  });

  it("refuses duplicate and malformed tool names", () => {
    expect(() => prepareTools([lookup, lookup])).toThrow(/two tools are named "lookup"/);
    expect(() => prepareTools([named("look up")])).toThrow(/not a valid API tool name/);
  });

  it("refuses a tool whose input is not an object schema", () => {
    const bad = defineTool({ ...lookup, input: z.string() } as never);
    expect(() => prepareTools([bad])).toThrow(/must be a zod object schema/);
  });

  it("describes the model's side of an input: defaults optional, no $schema dialect", () => {
    const withDefault = defineTool({
      ...lookup,
      name: "paged",
      input: z.object({ householdId: z.string(), limit: z.number().int().default(10) }),
    } as never);
    const [definition] = prepareTools([withDefault]).definitions;
    expect(definition?.input_schema).not.toHaveProperty("$schema");
    expect(definition?.input_schema.required).toEqual(["householdId"]);
    expect(definition?.cache_control).toEqual({ type: "ephemeral" });
  });

  it("fingerprints the definitions without the cache marker", () => {
    const one = prepareTools([lookup]);
    const two = prepareTools([lookup, named("other")]);
    expect(one.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(one.sha256).not.toBe(two.sha256);
    expect(prepareTools([]).definitions).toEqual([]);
  });
});

describe("the shipped tool registry", () => {
  it("passes the agent's checks: no acting tool, valid names, object input schemas", () => {
    const prepared = prepareTools(TOOLS);
    expect(prepared.names).toContain("draft_trades");
    for (const definition of prepared.definitions) {
      expect(definition.input_schema.type).toBe("object");
      expect(definition.description?.length).toBeGreaterThan(0);
    }
  });
});
