// Records which rows each tool call read (the pins of every planning-inputs load), so the audit
// log can say exactly what a tool saw and `lotwise audit replay` can read the same rows again.

import type { ToolContext } from "../../tools/tool.ts";
import { principalRecord } from "../access/principal.ts";
import { ENGINE_VERSION } from "../engine/version.ts";
import type { PlanningPins } from "../ports/book-store.ts";

export interface PinRecorder {
  context: ToolContext;
  /** The pins recorded since the last call, cleared. */
  take(): PlanningPins[];
}

export function recordPins(context: ToolContext): PinRecorder {
  let recorded: PlanningPins[] = [];
  const store = context.store;
  return {
    context: {
      ...context,
      store: {
        ...store,
        async loadPlanningInputs(householdId, asOf, pins) {
          const inputs = await store.loadPlanningInputs(householdId, asOf, pins);
          if (inputs) recorded.push(inputs.pins);
          return inputs;
        },
      },
    },
    take() {
      const taken = recorded;
      recorded = [];
      return taken;
    },
  };
}

/**
 * What a tool's context was, as the audit log keeps it (no stores, no secrets): the principal with
 * the roles and grants that authorised the call, so a replay authorises it the same way.
 */
export function contextRecord(context: ToolContext): Record<string, unknown> {
  return {
    engineVersion: ENGINE_VERSION,
    now: context.now,
    tradeDate: context.tradeDate,
    allowStale: context.allowStale,
    planTtlMinutes: context.planTtlMinutes ?? null,
    conversationId: context.conversationId,
    principal: principalRecord(context.principal),
  };
}
