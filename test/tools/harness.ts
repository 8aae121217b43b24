// Drives tools the way the dispatcher does (input parsed by the tool's zod schema, output checked
// against its output schema) against a seeded test database with the real stores.
import { expect } from "vitest";
import { type Principal, resolveUser } from "../../src/access/principal.ts";
import { createPrismaBookStore } from "../../src/db/prisma-book-store.ts";
import { createPrismaPlanStore } from "../../src/db/prisma-plan-store.ts";
import { createPrismaUserStore } from "../../src/db/prisma-user-store.ts";
import { buildDemoBook } from "../../src/demo/demo-book.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import type { PlanStore } from "../../src/ports/plan-store.ts";
import type { UserStore } from "../../src/ports/user-store.ts";
import type { Tool, ToolContext, ToolOutcome } from "../../tools/tool.ts";
import { openTestDatabase, type TestDatabase } from "../support/test-database.ts";

/** The demo book is stamped 20:00 UTC; three minutes later it is fresh, except Patel's nightly files. */
export const NOW = "2026-11-20T20:03:00.000Z";
export const TRADE_DATE = isoDate("2026-11-20");

/** The demo book's advisor for every household: who the tools act for unless a test says otherwise. */
export const ADVISOR = "U0ADVISOR1";

export interface ToolHarness {
  db: TestDatabase;
  plans: PlanStore;
  users: UserStore;
  context: ToolContext;
  /** The principal for a Slack user id, resolved from the seeded users (unknown ids are unknown). */
  principal(slackUserId: string): Promise<Principal>;
  /** Runs a tool on raw input; a refusal or an output that breaks the schema fails the test. */
  value<O>(tool: Tool, input: unknown, context?: Partial<ToolContext>): Promise<O>;
  outcome(tool: Tool, input: unknown, context?: Partial<ToolContext>): Promise<ToolOutcome<unknown>>;
  close(): Promise<void>;
}

export async function openToolHarness(): Promise<ToolHarness> {
  const db = await openTestDatabase();
  const store = createPrismaBookStore(db.prisma);
  await store.seedDemo(buildDemoBook({ anchorDate: TRADE_DATE, now: "2026-11-20T20:00:00.000Z" }));
  const plans = createPrismaPlanStore(db.prisma);
  const users = createPrismaUserStore(db.prisma);
  const principal = (slackUserId: string) => resolveUser(users, slackUserId);
  const context: ToolContext = {
    store,
    plans,
    now: NOW,
    tradeDate: TRADE_DATE,
    conversationId: null,
    principal: await principal(ADVISOR),
    allowStale: false,
  };
  const outcome = async (tool: Tool, input: unknown, overrides: Partial<ToolContext> = {}) => {
    const parsed = tool.input.parse(input);
    const result = await tool.run(parsed, { ...context, ...overrides });
    if (result.ok) expect(tool.output.parse(result.value)).toEqual(result.value);
    return result;
  };
  return {
    db,
    plans,
    users,
    context,
    principal,
    outcome,
    async value<O>(tool: Tool, input: unknown, overrides: Partial<ToolContext> = {}) {
      const result = await outcome(tool, input, overrides);
      if (!result.ok) throw new Error(`${tool.name} refused: ${result.code}: ${result.message}`);
      return result.value as O;
    },
    close: () => db.close(),
  };
}
