// What the Approve and Reject buttons carry (the plan and the exact hash the clicker saw), and what
// the reject dialog remembers about the card it came from. Both arrive from Slack: parsed, never
// trusted beyond their shape (the approval service checks the rest).
import { z } from "zod";

export const APPROVE_ACTION = "approve_plan";
export const REJECT_ACTION = "reject_plan";
export const REJECT_VIEW = "reject_plan_reason";
export const REASON_BLOCK = "reason";
export const REASON_INPUT = "reason_input";

const PlanRef = z.object({
  planId: z.string().min(1).max(200),
  planHash: z.string().regex(/^[0-9a-f]{64}$/),
});
export type PlanRef = z.infer<typeof PlanRef>;

export function encodePlanRef(ref: PlanRef): string {
  return JSON.stringify({ planId: ref.planId, planHash: ref.planHash });
}

export function parsePlanRef(value: unknown): PlanRef | null {
  if (typeof value !== "string") return null;
  try {
    const parsed = PlanRef.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Where a plan card is: the message to update and the thread to answer in. */
const CardRef = PlanRef.extend({
  teamId: z.string(),
  channel: z.string().min(1),
  messageTs: z.string().min(1),
  threadTs: z.string().min(1),
});
export type CardRef = z.infer<typeof CardRef>;

export function encodeCardRef(ref: CardRef): string {
  return JSON.stringify(ref);
}

export function parseCardRef(value: unknown): CardRef | null {
  if (typeof value !== "string") return null;
  try {
    const parsed = CardRef.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
