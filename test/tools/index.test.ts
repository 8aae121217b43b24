// The tool set as the model sees it: names, JSON schemas from zod, inputs that are refused before
// any handler runs, and no tool that could approve, submit or execute a trade.
import { describe, expect, it } from "vitest";
import { TOOLS, toolByName, toolJsonSchemas } from "../../tools/index.ts";
import type { Tool } from "../../tools/tool.ts";

const tool = (name: string): Tool => {
  const found = toolByName(name);
  if (!found) throw new Error(`no tool ${name}`);
  return found;
};
const accepts = (name: string, input: unknown) => tool(name).input.safeParse(input).success;

describe("the assistant's tools", () => {
  it("are the nine drafting and reading tools, in the order the model usually calls them", () => {
    expect(TOOLS.map((t) => t.name)).toEqual([
      "find_household",
      "get_positions",
      "compute_drift",
      "find_harvestable_lots",
      "check_wash_sale",
      "suggest_replacements",
      "draft_trades",
      "explain",
      "scan_book",
    ]);
    expect(toolByName("draft_trades")?.name).toBe("draft_trades");
    expect(toolByName("approve_plan")).toBeUndefined();
  });

  it("none is named or described as approving, submitting or executing anything", () => {
    const acting = new Set(["place", "order", "orders", "send", "confirm", "cancel", "buy", "sell", "trade"]);
    for (const t of TOOLS) {
      expect(t.name).not.toMatch(/approv|submit|execut/i);
      expect(
        t.name.split("_").filter((word) => acting.has(word)),
        t.name,
      ).toEqual([]);
    }
    expect(tool("draft_trades").description).toMatch(/does NOT approve, submit or execute/);
  });

  it("each has a model-facing description and an object JSON schema without a dialect marker", () => {
    const schemas = toolJsonSchemas();
    expect(schemas.map((s) => s.name)).toEqual(TOOLS.map((t) => t.name));
    for (const schema of schemas) {
      expect(schema.description.length).toBeGreaterThan(80);
      expect(schema.input_schema.type).toBe("object");
      expect(schema.input_schema.additionalProperties).toBe(false);
      expect(schema.input_schema).not.toHaveProperty("$schema");
    }
    const required = Object.fromEntries(schemas.map((s) => [s.name, s.input_schema.required]));
    expect(required).toEqual({
      find_household: ["query"],
      get_positions: ["householdId"],
      compute_drift: ["householdId"],
      find_harvestable_lots: ["householdId"],
      check_wash_sale: ["householdId"],
      suggest_replacements: ["householdId", "symbol"],
      draft_trades: ["householdId"],
      explain: ["householdId", "subject"],
      scan_book: undefined,
    });
  });

  it("money in draft_trades options is a decimal string in the JSON schema too", () => {
    const draft = toolJsonSchemas().find((s) => s.name === "draft_trades");
    const options = (draft?.input_schema.properties as Record<string, Record<string, unknown>> | undefined)
      ?.options;
    const properties = options?.properties as Record<string, Record<string, unknown>>;
    expect(properties.gainBudget).toMatchObject({ type: "string", pattern: expect.any(String) });
    expect(options?.additionalProperties).toBe(false);
  });

  it("refuses unknown fields and a missing household id before any handler runs", () => {
    expect(accepts("get_positions", { householdId: "hh-chen" })).toBe(true);
    expect(accepts("get_positions", { householdId: "hh-chen", includeLots: true })).toBe(false);
    expect(accepts("get_positions", {})).toBe(false);
    expect(accepts("get_positions", { householdId: "  " })).toBe(false);
    expect(accepts("compute_drift", { householdId: 42 })).toBe(false);
    expect(accepts("find_household", { query: "" })).toBe(false);
    expect(accepts("explain", { householdId: "hh-chen" })).toBe(false);
    expect(accepts("scan_book", {})).toBe(true);
    expect(accepts("scan_book", { minLoss: "1000", limit: 5, asOf: "2026-11-20" })).toBe(true);
    for (const bad of [
      { minLoss: 1000 },
      { minLoss: "1,000" },
      { limit: 0 },
      { limit: 51 },
      { asOf: "soon" },
    ]) {
      expect(accepts("scan_book", bad), JSON.stringify(bad)).toBe(false);
    }
    expect(accepts("scan_book", { householdId: "hh-chen" })).toBe(false);
  });

  it("refuses figures sent as numbers, with commas or signs, in exponent form, or absurdly large", () => {
    const options = (value: unknown) => ({ householdId: "hh-chen", options: value });
    expect(accepts("draft_trades", options({ gainBudget: "20000" }))).toBe(true);
    expect(accepts("draft_trades", options({ gainBudget: "20000.50", gainBudgetMode: "soft" }))).toBe(true);
    for (const bad of [20000, "20,000", "$20000", "-5", "1e5", "20000.001", "99999999999", "", " 20000"]) {
      expect(accepts("draft_trades", options({ gainBudget: bad })), String(bad)).toBe(false);
    }
    expect(accepts("draft_trades", options({ minTradeAmount: 100 }))).toBe(false);
    // The engine has no cash-raise step: "raise $20,000" cannot be slipped in as an option.
    expect(accepts("draft_trades", options({ raise: 20000 }))).toBe(false);
    expect(accepts("draft_trades", options({ raise: "20000" }))).toBe(false);
    expect(accepts("draft_trades", options({ gainBudgetMode: "hard" }))).toBe(false);
    expect(accepts("draft_trades", options({ shortTermGains: "sometimes" }))).toBe(false);
    expect(accepts("draft_trades", options({ allowStale: "yes" }))).toBe(false);
  });

  it("refuses wash-sale trades with bad sides or quantities", () => {
    const trade = (fields: Record<string, unknown>) => ({
      householdId: "hh-chen",
      trades: [
        { accountId: "acct-chen-ibkr-taxable", symbol: "VEA", side: "sell", quantity: "400", ...fields },
      ],
    });
    expect(accepts("check_wash_sale", trade({}))).toBe(true);
    expect(accepts("check_wash_sale", trade({ quantity: "12.5" }))).toBe(true);
    expect(accepts("check_wash_sale", { householdId: "hh-chen" })).toBe(true);
    for (const quantity of [400, "0", "0.000", "-1", "1e3", "1,000"]) {
      expect(accepts("check_wash_sale", trade({ quantity })), String(quantity)).toBe(false);
    }
    expect(accepts("check_wash_sale", trade({ side: "short" }))).toBe(false);
    expect(accepts("check_wash_sale", trade({ price: "52" }))).toBe(false);
    expect(accepts("check_wash_sale", { householdId: "hh-chen", trades: [] })).toBe(false);
  });
});
