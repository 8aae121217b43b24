// The agent wired to the fake Messages API, in-memory ports and tiny tools.
import Anthropic from "@anthropic-ai/sdk";
import { z } from "zod";
import type { Principal } from "../../src/access/principal.ts";
import { loadPrompt } from "../../src/agent/load-prompt.ts";
import { type AgentDeps, createAgent } from "../../src/agent/run-conversation.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import type { BookStore } from "../../src/ports/book-store.ts";
import type { PlanStore } from "../../src/ports/plan-store.ts";
import { defineTool, type Tool, type ToolContext } from "../../tools/tool.ts";
import { type FakeAnthropic, type FakeStep, startFakeAnthropic } from "../support/fake-anthropic.ts";
import { MemoryAuditLog, MemoryConversationStore } from "../support/memory-ports.ts";

export const MODEL = "claude-sonnet-5-5";
export const PROMPT = loadPrompt("assistant", "v001");

/** Who asks in these tests: an advisor of the Chen household. */
export const ASKER: Principal = {
  kind: "user",
  user: {
    id: "user-123",
    slackUserId: "U123",
    name: "Test Advisor",
    email: null,
    roles: [],
    active: true,
    access: [{ householdId: "hh-chen", role: "ADVISOR" }],
  },
};

/** Every context a tool was called with, to check what the loop passes. */
export const contextsSeen: ToolContext[] = [];

export const lookup = defineTool({
  name: "lookup",
  description: "The total value of a household.",
  input: z.object({ householdId: z.string().min(1) }),
  output: z.object({ householdId: z.string(), totalValue: z.string() }),
  async run({ householdId }, context) {
    contextsSeen.push(context);
    return { ok: true, value: { householdId, totalValue: "1234.50" } };
  },
});

export const refuser = defineTool({
  name: "refuser",
  description: "Always refuses.",
  input: z.object({}),
  output: z.object({}),
  async run() {
    return { ok: false, code: "plan.no-model", message: "The household has no target model." };
  },
});

export const thrower = defineTool({
  name: "thrower",
  description: "Always throws.",
  input: z.object({}),
  output: z.object({}),
  async run() {
    throw new Error("connection to /var/lib/secret refused");
  },
});

export const broken = defineTool({
  name: "broken",
  description: "Returns output that breaks its own schema.",
  input: z.object({}),
  output: z.object({ totalValue: z.string() }),
  async run() {
    return { ok: true, value: { totalValue: 1234.5 } } as never;
  },
});

export const drafter = defineTool({
  name: "draft_plan",
  description: "Drafts a plan.",
  input: z.object({ householdId: z.string() }),
  output: z.object({ planId: z.string(), trades: z.number().int() }),
  async run() {
    return { ok: true, value: { planId: "plan-42", trades: 3 } };
  },
});

export const TEST_TOOLS: readonly Tool[] = [lookup, refuser, thrower, broken, drafter];

function unusedPort<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      throw new Error(`the fake tools do not use ${name}.${String(property)}`);
    },
  });
}

export interface Harness {
  fake: FakeAnthropic;
  audit: MemoryAuditLog;
  conversations: MemoryConversationStore;
  sleeps: number[];
  deps: AgentDeps;
  ask(userText: string, threadKey?: string): ReturnType<ReturnType<typeof createAgent>["run"]>;
}

export async function startHarness(script: FakeStep[], overrides: Partial<AgentDeps> = {}): Promise<Harness> {
  const fake = await startFakeAnthropic(script);
  const audit = new MemoryAuditLog();
  const conversations = new MemoryConversationStore();
  const sleeps: number[] = [];
  let clock = 0;
  const deps: AgentDeps = {
    client: new Anthropic({ apiKey: "test", baseURL: fake.url, maxRetries: 0 }),
    model: MODEL,
    prompt: PROMPT,
    tools: TEST_TOOLS,
    toolContext: {
      store: unusedPort<BookStore>("store"),
      plans: unusedPort<PlanStore>("plans"),
      now: "2026-11-20T15:00:00.000Z",
      tradeDate: isoDate("2026-11-20"),
      allowStale: false,
    },
    audit,
    conversations,
    limits: { backoffMs: 100 },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => {
      clock += 5;
      return clock;
    },
    ...overrides,
  };
  const agent = createAgent(deps);
  return {
    fake,
    audit,
    conversations,
    sleeps,
    deps,
    ask: (userText, threadKey = "cli:test") => agent.run({ threadKey, userText, principal: ASKER }),
  };
}
