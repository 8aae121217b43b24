// `lotwise ask` and `lotwise chat` on a real database: the fallback with no key, the model path
// through the real SDK pointed at a local fake Messages API, and the plan card from the stored plan.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runInProcess } from "../support/cli.ts";
import { type FakeAnthropic, startFakeAnthropic, text, toolUse } from "../support/fake-anthropic.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

describe(`lotwise ask and chat (${BACKEND})`, () => {
  let db: TestDatabase;
  let fake: FakeAnthropic;
  const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}, stdin?: string[]) =>
    runInProcess(argv, { database: db, clock, env, ...(stdin ? { stdin } : {}) });

  beforeAll(async () => {
    db = await openTestDatabase();
    fake = await startFakeAnthropic();
    await run(["seed", "--demo", "--as-of", "2026-11-20"]);
  });
  afterAll(async () => {
    await fake.close();
    await db.close();
  });

  it("no-key-falls-back: the rules engine answers, says so, and shows the plan card", async () => {
    const result = await run(["ask", "rebalance the Chen household"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("The assistant is unavailable");
    expect(result.stdout).toContain("answered by the rules engine alone: no ANTHROPIC_API_KEY is set");
    expect(result.stdout).toMatch(/SELL\s+577 VTI/);
    expect(result.stdout).toContain("nothing is sent until an authorised person approves");
  });

  it("model-path-through-the-sdk: scripted tool calls, a grounded reply, the stored plan's card", async () => {
    fake.enqueue(
      toolUse("find_household", { query: "Chen" }),
      toolUse("draft_trades", { householdId: "hh-chen" }),
      text(
        "I drafted a plan for the Chen Household with 11 trades; it realises $60,119.60 of long-term gains.",
      ),
    );
    const env = { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: fake.url };
    const result = await run(["ask", "rebalance the Chen household", "--json"], env);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer).toMatchObject({ source: "model", fallbackReason: null });
    expect(answer.text).toContain("$60,119.60");
    expect(answer.planIds).toHaveLength(1);
    expect(answer.planCards[0]).toMatch(/SELL\s+577 VTI/);
    const last = fake.requests.at(-1);
    expect(last?.headers.authorization).toBe("Bearer test-key");
    expect(last?.body.model).toBe("claude-sonnet-5-5");
  });

  it("a-hallucinated-number-is-never-shown: the guard re-asks, then falls back", async () => {
    fake.enqueue(
      toolUse("draft_trades", { householdId: "hh-chen" }),
      text("The plan realises $70,000.00 of gains."),
      text("Sorry: it realises $70,000.00 of gains."),
    );
    const env = { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: fake.url };
    const result = await run(["ask", "rebalance the Chen household"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("70,000");
    expect(result.stdout).toContain("the model's reply quoted figures no tool produced");
  });

  it("chat-keeps-one-thread: two requests, one conversation, each answered", async () => {
    const result = await run(["chat"], {}, [
      "rebalance the Okafor household",
      "",
      "rebalance the Brooks household",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/lotwise chat · thread cli:[0-9a-f-]+/);
    expect(result.stdout).toContain("Okafor");
    expect(result.stdout).toContain("did not draft a plan");
  });

  it("an empty request is a usage error", async () => {
    expect((await run(["ask", "  "])).code).toBe(2);
    expect((await run(["ask"])).code).toBe(2);
  });
});
