// The contract every assistant tool follows: a name, a description written for the model, zod
// input and output schemas, and a thin handler from ports to engine to JSON (decimal strings).
// Expected refusals (forbidden, unknown household, no model, stale data) are values; broken
// invariants throw.
import type { z } from "zod";
import type { Principal } from "../src/access/principal.ts";
import type { IsoDate } from "../src/domain/iso-date.ts";
import type { BookStore } from "../src/ports/book-store.ts";
import type { PlanStore } from "../src/ports/plan-store.ts";

export interface ToolContext {
  store: BookStore;
  plans: PlanStore;
  /** Now (UTC ISO instant) and the trade date plans are drafted for. */
  now: string;
  tradeDate: IsoDate;
  conversationId: string | null;
  /** Who is asking: every household a tool reads is checked against their grants. */
  principal: Principal;
  /** The advisor explicitly asked for a plan on stale data in this conversation. */
  allowStale: boolean;
  /** How long a drafted plan can be approved for (LOTWISE_PLAN_TTL_MINUTES, default 15). */
  planTtlMinutes?: number;
}

export type ToolOutcome<O> = { ok: true; value: O } | { ok: false; code: string; message: string };

export interface Tool<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: I;
  output: O;
  run(input: z.infer<I>, context: ToolContext): Promise<ToolOutcome<z.infer<O>>>;
}

/** Declares a tool with its types inferred from the schemas. */
export function defineTool<I extends z.ZodType, O extends z.ZodType>(tool: Tool<I, O>): Tool<I, O> {
  return tool;
}
