// The deterministic fallback, with small fake tools that keep the tool contract (zod input and
// output, refusals as values) and real engine plans of the demo households.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { FORBIDDEN_MESSAGE } from "../../src/access/authorize.ts";
import { operatorPrincipal } from "../../src/access/principal.ts";
import { type FallbackToolCall, isBookQuestion, runFallback } from "../../src/agent/fallback.ts";
import { groundNumbers } from "../../src/agent/ground-numbers.ts";
import { findHousehold } from "../../src/engine/find-by-name.ts";
import { DEFAULT_PLAN_SETTINGS, draftPlan } from "../../src/engine/planning/draft-plan.ts";
import type { Plan } from "../../src/engine/planning/plan.ts";
import type { BookStore } from "../../src/ports/book-store.ts";
import type { PlanStore, StoredPlan } from "../../src/ports/plan-store.ts";
import { TOOLS } from "../../tools/index.ts";
import { defineTool, type Tool, type ToolContext, type ToolOutcome } from "../../tools/tool.ts";
import { demoFamilies, demoHousehold, demoModel, demoPolicy } from "../support/demo-household.ts";
import { openToolHarness, type ToolHarness } from "../tools/harness.ts";

function demoPlan(householdId: string): Plan {
  const model = demoModel(householdId);
  const drafted = draftPlan({
    book: demoHousehold(householdId),
    model,
    policy: demoPolicy(),
    settings: DEFAULT_PLAN_SETTINGS,
    inputs: { snapshots: [], modelVersionId: model.id, policyVersion: "si-policy-v1", settingsId: "test" },
    staleInputs: [],
    families: demoFamilies(),
  });
  if (!drafted.ok) throw new Error(drafted.error.message);
  return drafted.value;
}

const households = [
  { id: "hh-chen", name: "Chen Household" },
  { id: "hh-cheng", name: "Cheng Family Trust" },
  { id: "hh-okafor", name: "Okafor Household" },
];
const plans = new Map([
  ["hh-chen", demoPlan("hh-chen")],
  ["hh-okafor", demoPlan("hh-okafor")],
]);

/** A port with only the methods a test uses; any other call fails loudly (the ports keep growing). */
function partial<T extends object>(methods: Partial<T>): T {
  return new Proxy(methods, {
    get: (target, key) =>
      (target as Record<string | symbol, unknown>)[key] ??
      (() => Promise.reject(new Error(`not used by these tests: ${String(key)}`))),
  }) as T;
}

class MemoryPlans {
  readonly stored = new Map<string, StoredPlan>();
  readonly port = partial<PlanStore>({ getPlan: async (planId) => this.stored.get(planId) ?? null });
}

const byHousehold = z.object({ householdId: z.string().min(1) }).strict();
const refuse = (code: string, message: string): ToolOutcome<never> => ({ ok: false, code, message });

interface FakeOptions {
  /** What draft_trades does instead of drafting. */
  draft?: "stale" | "id-only";
  throwIn?: string;
}

function fakeTools(store: MemoryPlans, options: FakeOptions = {}): Tool[] {
  const planFor = (householdId: string) => plans.get(householdId);
  const throwing = (name: string) => {
    if (options.throwIn === name) {
      throw new Error("connection reset by peer\n    at Socket.emit (node:events:519:28)");
    }
  };
  const tools = [
    defineTool({
      name: "find_household",
      description: "Find a household.",
      input: z.object({ query: z.string().trim().min(1) }).strict(),
      output: z.object({ id: z.string(), name: z.string() }),
      async run({ query }) {
        const found = findHousehold(query, households);
        if (found.ok) return { ok: true, value: found.value };
        const ambiguous = found.error.code === "lookup.ambiguous";
        return refuse(ambiguous ? "household.ambiguous" : "household.not-found", found.error.message);
      },
    }),
    defineTool({
      name: "get_positions",
      description: "Positions.",
      input: byHousehold,
      output: z.object({ householdId: z.string(), totalValue: z.string(), accounts: z.array(z.unknown()) }),
      async run({ householdId }) {
        throwing("get_positions");
        const plan = planFor(householdId);
        if (!plan) return refuse("household.not-found", `no household ${householdId}`);
        return {
          ok: true,
          value: { householdId, totalValue: plan.drift.totalValue, accounts: plan.cash },
        };
      },
    }),
    defineTool({
      name: "compute_drift",
      description: "Drift.",
      input: byHousehold,
      output: z.object({ householdId: z.string(), outOfBand: z.boolean(), classes: z.array(z.unknown()) }),
      async run({ householdId }) {
        const plan = planFor(householdId);
        if (!plan) return refuse("household.not-found", `no household ${householdId}`);
        const outOfBand = plan.drift.before.some((c) => c.outOfBand);
        return { ok: true, value: { householdId, outOfBand, classes: plan.drift.before } };
      },
    }),
    defineTool({
      name: "find_harvestable_lots",
      description: "Harvestable lots.",
      input: byHousehold,
      output: z.object({ householdId: z.string(), candidates: z.array(z.unknown()) }),
      async run({ householdId }) {
        const plan = planFor(householdId);
        if (!plan) return refuse("household.not-found", `no household ${householdId}`);
        return { ok: true, value: { householdId, candidates: plan.harvested } };
      },
    }),
    defineTool({
      name: "draft_trades",
      description: "Draft the plan.",
      input: byHousehold,
      output: z.object({
        planId: z.string().nullable(),
        status: z.string(),
        tradeDate: z.string(),
        model: z.object({ name: z.string(), version: z.number() }).nullable(),
        reasons: z.array(z.object({ code: z.string(), message: z.string() })),
        plan: z.unknown().optional(),
      }),
      async run({ householdId }) {
        const plan = planFor(householdId);
        if (!plan) return refuse("household.not-found", `no household ${householdId}`);
        if (options.draft === "stale") {
          return refuse(
            "plan.stale",
            "the data is stale: 2 input(s) older than 300 s, the oldest positions in David - IBKR trading as of 2026-11-19T21:00:00.000Z. Refresh the positions and prices, or ask for a stale plan explicitly.",
          );
        }
        const summary = {
          tradeDate: plan.asOf,
          model: plan.model && { name: plan.model.name, version: plan.model.version },
          reasons: plan.reasons,
        };
        // Like the real tool: an empty plan is not stored and has no id.
        if (plan.status === "empty")
          return { ok: true, value: { planId: null, status: "empty", ...summary } };
        const planId = `plan-${store.stored.size + 1}`;
        store.stored.set(planId, {
          id: planId,
          householdId,
          hash: "0".repeat(64),
          status: "pending-approval",
          createdAt: "2026-11-20T20:00:00.000Z",
          expiresAt: "2026-11-21T20:00:00.000Z",
          plan,
        });
        const value = { planId, status: "pending-approval", ...summary };
        return { ok: true, value: options.draft === "id-only" ? value : { ...value, plan } };
      },
    }),
  ];
  return tools;
}

const store = partial<BookStore>({});

async function fallback(
  userText: string,
  options: FakeOptions & { reason?: "no-api-key" | "model-unavailable" | "grounding-failed" } = {},
) {
  const planStore = new MemoryPlans();
  const context: ToolContext = {
    store,
    plans: planStore.port,
    now: "2026-11-20T20:00:00.000Z",
    tradeDate: demoPlan("hh-okafor").asOf,
    conversationId: "conv-1",
    principal: operatorPrincipal("test"),
    allowStale: false,
  };
  const audited: FallbackToolCall[] = [];
  const outcome = await runFallback(
    { userText },
    {
      tools: fakeTools(planStore, options),
      context,
      reason: options.reason ?? "no-api-key",
      onToolCall: async (call) => {
        audited.push(call);
      },
    },
  );
  return { outcome, audited, planStore };
}

const names = (calls: readonly FallbackToolCall[]) => calls.map((c) => c.name);
const PLAN_STEPS = ["get_positions", "compute_drift", "find_harvestable_lots", "draft_trades"];

describe("runFallback", () => {
  it("drafts the plan with the tools in a fixed order and presents it from the engine alone", async () => {
    const { outcome, audited } = await fallback("<@U0LOTWISE> rebalance the Chen household please");
    expect(names(outcome.toolCalls)).toEqual([
      "find_household",
      "find_household",
      "find_household",
      ...PLAN_STEPS,
    ]);
    expect(outcome.toolCalls.slice(0, 3).map((c) => c.input)).toEqual([
      { query: "chen" },
      { query: "the chen" },
      { query: "chen household" },
    ]);
    expect(
      outcome.toolCalls.slice(3).every((c) => JSON.stringify(c.input) === '{"householdId":"hh-chen"}'),
    ).toBe(true);
    expect(audited).toEqual(outcome.toolCalls);
    expect(outcome.planId).toBe("plan-1");
    const lines = outcome.text.split("\n");
    expect(lines[0]).toBe(
      "The assistant is unavailable (no Anthropic API key is configured); here is the plan from the rules engine alone.",
    );
    expect(lines[1]).toBe(
      "Chen Household (hh-chen), trade date 2026-11-20, model Balanced 60/40 v2 (rebalance to target).",
    );
    expect(outcome.text).toContain(
      "The rules engine drafted 11 trades: realised short-term $0.00, long-term $60,119.60; estimated tax $12,023.92.",
    );
    expect(outcome.text).toContain(
      "Harvests VEA: a long-term loss of $2,400.00, replaced by IEFA; no rebuy of VEA before 2026-12-21.",
    );
    expect(lines.at(-1)).toBe("The plan card follows; nothing is sent until an authorised person approves.");
  });

  it("states only numbers found in its own tool outputs", async () => {
    for (const text of ["rebalance the Chen household", "plan for okafor"]) {
      const { outcome } = await fallback(text);
      const grounding = groundNumbers(
        outcome.text,
        outcome.toolCalls.map((c) => c.output),
      );
      expect(grounding.ungrounded, text).toEqual([]);
    }
  });

  it("reads the plan from the plan store when draft_trades returns only its id", async () => {
    const { outcome } = await fallback("harvest losses for hh-chen", { draft: "id-only" });
    expect(outcome.planId).toBe("plan-1");
    expect(outcome.text).toContain("The rules engine drafted 11 trades");
  });

  it("says why an empty plan has no trades, and promises no card", async () => {
    const { outcome } = await fallback("Can you rebalance the Okafors?");
    expect(outcome.text.split("\n").slice(1)).toEqual([
      "Okafor Household (hh-okafor), trade date 2026-11-20, model Growth 80/20 v1.",
      "The rules engine drafted no trades: every asset class is within its band: nothing to rebalance.",
    ]);
    expect(outcome.planId).toBeNull();
  });

  it("finds the household in a long request with figures in it", async () => {
    const { outcome } = await fallback(
      "Please rebalance the Chen household on stale data anyway, keeping realised gains under $20,000 this year",
    );
    expect(outcome.planId).toBe("plan-1");
    expect(outcome.text.split("\n")[1]).toMatch(/^Chen Household \(hh-chen\)/);
  });

  it("asks which household when none matches, and drafts nothing", async () => {
    const { outcome } = await fallback("rebalance the Smith household");
    expect(outcome.text).toBe(
      'The assistant is unavailable (no Anthropic API key is configured). No household matches "smith". Which household do you mean (a surname or its id)?',
    );
    expect(names(outcome.toolCalls).every((name) => name === "find_household")).toBe(true);
    expect(outcome.planId).toBeNull();
  });

  it("lists the candidates from the tool's refusal when the name is ambiguous", async () => {
    const { outcome } = await fallback("plan for che");
    expect(outcome.text).toContain(
      'Which household do you mean? "che" matches 2 households: Chen Household (hh-chen), Cheng Family Trust (hh-cheng).',
    );
    expect(names(outcome.toolCalls)).not.toContain("draft_trades");
    expect(outcome.planId).toBeNull();
  });

  it("asks rather than guesses when the request names another household besides an ambiguous one", async () => {
    const { outcome } = await fallback("rebalance chen and okafor");
    expect(outcome.text).toContain("The request could mean Okafor Household (hh-okafor)");
    expect(outcome.text).toContain('"chen" matches 2 households');
    expect(outcome.planId).toBeNull();
  });

  it("asks for a household when the request names none", async () => {
    const { outcome } = await fallback("please rebalance");
    expect(outcome.text).toContain("Which household should I plan for?");
    expect(outcome.toolCalls).toEqual([]);
  });

  it("says plainly that the engine refused a plan on stale data", async () => {
    const { outcome } = await fallback("rebalance chen household", { draft: "stale" });
    expect(outcome.text).toBe(
      "The assistant is unavailable (no Anthropic API key is configured), and the rules engine did not draft a plan: the data is stale: 2 input(s) older than 300 s, the oldest positions in David - IBKR trading as of 2026-11-19T21:00:00.000Z. Refresh the positions and prices, or ask for a stale plan explicitly.",
    );
    expect(names(outcome.toolCalls).slice(-4)).toEqual(PLAN_STEPS);
    expect(outcome.planId).toBeNull();
  });

  it("says it could not complete, and why, when a tool throws; no stack", async () => {
    const { outcome, audited } = await fallback("rebalance chen household", { throwIn: "get_positions" });
    expect(outcome.text).toBe(
      "The assistant is unavailable (no Anthropic API key is configured), and the rules engine could not complete the plan either: get_positions failed (connection reset by peer).",
    );
    expect(outcome.text).not.toContain("Socket");
    expect(audited.at(-1)).toEqual({
      name: "get_positions",
      input: { householdId: "hh-chen" },
      output: { ok: false, code: "tool.internal-error", message: "connection reset by peer" },
    });
    expect(outcome.planId).toBeNull();
  });

  it("says so when a tool is missing", async () => {
    const planStore = new MemoryPlans();
    const tools = fakeTools(planStore).filter((t) => t.name !== "draft_trades");
    const outcome = await runFallback(
      { userText: "rebalance hh-okafor" },
      {
        tools,
        reason: "model-unavailable",
        context: {
          store,
          plans: planStore.port,
          now: "2026-11-20T20:00:00.000Z",
          tradeDate: demoPlan("hh-okafor").asOf,
          conversationId: null,
          principal: operatorPrincipal("test"),
          allowStale: false,
        },
      },
    );
    expect(outcome.text).toBe(
      "The assistant is unavailable (the model API did not answer, even after retries), and the rules engine could not complete the plan either: draft_trades failed (the tool is not available).",
    );
  });

  it("names the reason it is standing in for the model", async () => {
    const { outcome } = await fallback("rebalance hh-okafor", { reason: "grounding-failed" });
    expect(outcome.text.split("\n")[0]).toBe(
      "The assistant is unavailable (its reply quoted figures the tools did not produce); here is the plan from the rules engine alone.",
    );
  });
});

describe("runFallback with the real tools on the seeded demo book", () => {
  let harness: ToolHarness;
  beforeAll(async () => {
    harness = await openToolHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });

  const run = (userText: string, context: ToolContext = harness.context) =>
    runFallback({ userText }, { tools: TOOLS, context, reason: "no-api-key" });

  it("answers an advisor of another household with the refusal alone: no figures, no plan", async () => {
    const { user } = await harness.users.upsert({ slackUserId: "U0OKAFORADV", name: "Olu Adeyemi" });
    await harness.users.grant(user.id, "hh-okafor", "ADVISOR");
    const context = { ...harness.context, principal: await harness.principal("U0OKAFORADV") };
    const plansBefore = await harness.db.prisma.plan.count();
    const outcome = await run("show the Chen household positions", context);
    expect(outcome.text).toBe(FORBIDDEN_MESSAGE);
    expect(outcome.planId).toBeNull();
    expect(new Set(names(outcome.toolCalls))).toEqual(new Set(["find_household"]));
    expect(await harness.db.prisma.plan.count()).toBe(plansBefore);
  });

  it("lets compliance read but not draft: the refusal, and no figures", async () => {
    const context = { ...harness.context, principal: await harness.principal("U0COMPLIANCE1") };
    const plansBefore = await harness.db.prisma.plan.count();
    const outcome = await run("rebalance the Chen household", context);
    expect(outcome.text).toBe(
      "you may read hh-chen but not draft for it: drafting needs the advisor role for the household",
    );
    expect(outcome.planId).toBeNull();
    expect(await harness.db.prisma.plan.count()).toBe(plansBefore);
  });

  it("drafts and stores Chen's plan, and its text is grounded in the tool results", async () => {
    const outcome = await run("rebalance the Chen household");
    expect(names(outcome.toolCalls).slice(-4)).toEqual(PLAN_STEPS);
    const stored = await harness.plans.getPlan(outcome.planId ?? "missing");
    expect(stored?.plan.householdId).toBe("hh-chen");
    expect(outcome.text).toContain(`The rules engine drafted ${stored?.plan.trades.length} trades`);
    const grounding = groundNumbers(
      outcome.text,
      outcome.toolCalls.map((c) => c.output),
    );
    expect(grounding.ungrounded).toEqual([]);
  });

  it("passes on the engine's refusal of Patel's stale data", async () => {
    const outcome = await run("plan for patel");
    expect(outcome.text).toMatch(
      /^The assistant is unavailable \(no Anthropic API key is configured\), and the rules engine did not draft a plan: the data is stale: /,
    );
    expect(outcome.planId).toBeNull();
  });

  it("answers the book question from scan_book alone, every figure from its output", async () => {
    for (const question of [
      "which of my households have losses worth harvesting this week?",
      "what should I look at today?",
    ]) {
      const plansBefore = await harness.db.prisma.plan.count();
      const outcome = await run(question);
      expect(names(outcome.toolCalls), question).toEqual(["scan_book"]);
      const lines = outcome.text.split("\n");
      expect(lines[0]).toBe(
        "The assistant is unavailable (no Anthropic API key is configured); here is the book scan from the rules engine alone.",
      );
      expect(lines[1]).toBe(
        "Scanned 5 households as of 2026-11-20, ranked by the tax value of losses harvestable now.",
      );
      expect(lines[2]).toMatch(/^1\. .+ \(hh-[a-z]+\): /);
      expect(outcome.text).toMatch(/Patel Household \(hh-patel\): .*its data is STALE/);
      expect(outcome.text).toMatch(/\(hh-brooks\): .*no model assigned/);
      expect(lines.at(-1)).toBe(
        "Nothing has been drafted: ask me to plan one of these households to act on it.",
      );
      const grounding = groundNumbers(
        outcome.text,
        outcome.toolCalls.map((c) => c.output),
      );
      expect(grounding.ungrounded, question).toEqual([]);
      expect(outcome.planId).toBeNull();
      expect(await harness.db.prisma.plan.count()).toBe(plansBefore);
    }
  });

  it("scans only the asker's households: an outsider hears there is nothing they may read", async () => {
    const context = { ...harness.context, principal: await harness.principal("U0OUTSIDER1") };
    const outcome = await run("which of my households have losses worth harvesting this week?", context);
    expect(outcome.text.split("\n").slice(1)).toEqual([
      "There are no households you may read; ask an admin for a role.",
    ]);
  });

  it("tells the book question from a request about one household", () => {
    for (const text of [
      "which of my households have losses worth harvesting this week?",
      "What should I look at today?",
      "any clients with losses to harvest in my book?",
      "<@U0LOTWISE> which households are out of band",
    ]) {
      expect(isBookQuestion(text), text).toBe(true);
    }
    for (const text of [
      "rebalance the Chen household",
      "harvest losses for hh-chen across all its accounts",
      "Can you rebalance the Okafors?",
      "which household is Chen?",
    ]) {
      expect(isBookQuestion(text), text).toBe(false);
    }
  });

  it("says why Okafor gets no trades", async () => {
    const outcome = await run("rebalance okafor");
    expect(outcome.text).toContain(
      "The rules engine drafted no trades: every asset class is within its band: nothing to rebalance.",
    );
    expect(outcome.planId).toBeNull();
  });
});
