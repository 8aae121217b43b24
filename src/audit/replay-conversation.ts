// Replays a conversation from its audit stream: a readable transcript (who asked what, what the
// model answered, which tools ran with which inputs and outputs, guard verdicts, decisions), every
// recorded tool call re-executed on the rows it read (its pins) at its recorded instant, and every
// plan it drafted re-derived. No model and no network: tools and engine only.
import type { Tool, ToolContext, ToolOutcome } from "../../tools/tool.ts";
import { operatorPrincipal, type PrincipalRecord, principalFromRecord } from "../access/principal.ts";
import type { IsoDate } from "../domain/iso-date.ts";
import type { AuditEvent, AuditLog } from "../ports/audit-log.ts";
import type { BookStore, PlanningPins } from "../ports/book-store.ts";
import type { PlanStore, PlanToStore, StoredPlan } from "../ports/plan-store.ts";
import { canonicalJson } from "./canonical-json.ts";
import { type ChainProblem, verifyChain } from "./chain.ts";
import { diffJson, type FieldDifference } from "./diff-json.ts";
import { type PlanReplay, replayPlan } from "./replay-plan.ts";

export interface TranscriptLine {
  seq: number;
  at: string;
  who: string;
  text: string;
}

export interface ToolReplay {
  seq: number;
  name: string;
  input: unknown;
  verdict: "same" | "different" | "not-replayable";
  differences: FieldDifference[];
  message: string;
}

export interface ConversationReplay {
  stream: string;
  chain: ChainProblem[];
  transcript: TranscriptLine[];
  tools: ToolReplay[];
  plans: PlanReplay[];
  /** True when the chain holds, every tool call gives the same output and every plan is identical. */
  reproduced: boolean;
}

export interface ReplayDeps {
  audit: AuditLog;
  store: BookStore;
  plans: PlanStore;
  tools: readonly Tool[];
}

export async function replayConversation(deps: ReplayDeps, stream: string): Promise<ConversationReplay> {
  const events = await deps.audit.read(stream);
  const transcript = events.flatMap(transcriptLine);
  const tools: ToolReplay[] = [];
  const planIds = new Set<string>();
  const replayPlans = memoryPlanStore(deps.plans);
  for (const [index, call] of events.entries()) {
    if (call.type !== "tool.call") continue;
    const payload = call.payload as {
      name: string;
      input: unknown;
      toolUseId?: string;
      context?: RecordedContext;
    };
    const result = events.slice(index + 1).find((e) => e.type === "tool.result" && sameCall(e, payload));
    const recorded = result ? recordedOutcome(result) : null;
    if (!recorded) continue; // rejected input, unknown tool or a thrown error: nothing ran to compare
    const planId = planIdOf(recorded);
    if (planId) planIds.add(planId);
    tools.push(
      await replayTool(
        deps,
        replayPlans,
        call.seq,
        payload,
        recorded,
        (result?.payload as { pins?: PlanningPins[] } | undefined)?.pins ?? [],
      ),
    );
  }
  const plans: PlanReplay[] = [];
  for (const planId of [...planIds].sort()) plans.push(await replayPlan(deps, planId));
  const chain = verifyChain(events);
  return {
    stream,
    chain,
    transcript,
    tools,
    plans,
    reproduced:
      events.length > 0 &&
      chain.length === 0 &&
      tools.every((t) => t.verdict === "same") &&
      plans.every((p) => p.verdict === "identical"),
  };
}

interface RecordedContext {
  now: string;
  tradeDate: IsoDate;
  allowStale: boolean;
  planTtlMinutes: number | null;
  conversationId: string | null;
  /** Absent in calls recorded before tools were authorised. */
  principal?: PrincipalRecord;
}

function sameCall(result: AuditEvent, call: { name: string; toolUseId?: string }): boolean {
  const payload = result.payload as { name?: string; toolUseId?: string };
  return call.toolUseId ? payload.toolUseId === call.toolUseId : payload.name === call.name;
}

/** The outcome a tool returned, as recorded (the loop and the fallback record it differently). */
function recordedOutcome(result: AuditEvent): ToolOutcome<unknown> | null {
  const payload = result.payload as {
    isError?: boolean;
    ok?: boolean;
    output?: unknown;
    code?: string;
    message?: string;
  };
  if (payload.isError === true) return null;
  if (payload.isError === false) {
    return payload.ok
      ? { ok: true, value: payload.output }
      : { ok: false, code: payload.code ?? "", message: payload.message ?? "" };
  }
  const output = payload.output as ToolOutcome<unknown> | undefined;
  return output && typeof output === "object" && "ok" in output ? output : null;
}

function planIdOf(outcome: ToolOutcome<unknown>): string | null {
  if (!outcome.ok) return null;
  const planId = (outcome.value as { planId?: unknown } | null)?.planId;
  return typeof planId === "string" ? planId : null;
}

async function replayTool(
  deps: ReplayDeps,
  plans: PlanStore,
  seq: number,
  call: { name: string; input: unknown; context?: RecordedContext },
  recorded: ToolOutcome<unknown>,
  pins: PlanningPins[],
): Promise<ToolReplay> {
  const base = { seq, name: call.name, input: call.input };
  const tool = deps.tools.find((t) => t.name === call.name);
  if (!tool)
    return { ...base, verdict: "not-replayable", differences: [], message: "the tool no longer exists" };
  if (!call.context) {
    return { ...base, verdict: "not-replayable", differences: [], message: "recorded without its context" };
  }
  const input = tool.input.safeParse(call.input);
  if (!input.success) {
    return {
      ...base,
      verdict: "not-replayable",
      differences: [],
      message: "the recorded input no longer validates",
    };
  }
  const context: ToolContext = {
    store: pinnedStore(deps.store, pins),
    plans,
    now: call.context.now,
    tradeDate: call.context.tradeDate,
    conversationId: call.context.conversationId,
    // As the principal was then (roles and grants included), so refusals replay as refusals; calls
    // recorded before tools were authorised read everything, as an operator does.
    principal: call.context.principal
      ? principalFromRecord(call.context.principal)
      : operatorPrincipal("replay"),
    allowStale: call.context.allowStale,
    ...(call.context.planTtlMinutes === null ? {} : { planTtlMinutes: call.context.planTtlMinutes }),
  };
  const replayed = await tool.run(input.data, context);
  const same = canonicalJson(replayed) === canonicalJson(recorded);
  return {
    ...base,
    verdict: same ? "same" : "different",
    differences: same ? [] : diffJson(recorded, replayed),
    message: same ? "same output" : "the output differs",
  };
}

/** The store as the tool saw it: each planning-inputs load reads the rows it read then, in order. */
function pinnedStore(store: BookStore, pins: PlanningPins[]): BookStore {
  let next = 0;
  return {
    ...store,
    loadPlanningInputs(householdId, asOf) {
      const recorded = pins[Math.min(next, pins.length - 1)];
      next += 1;
      return store.loadPlanningInputs(householdId, asOf, recorded);
    },
    refreshDemoFeed: async () => ({ snapshots: 0, prices: 0 }),
  };
}

/** Replay writes nothing: plans a replayed tool drafts stay in memory; stored ones are read. */
function memoryPlanStore(stored: PlanStore): PlanStore {
  const drafted = new Map<string, StoredPlan>();
  return {
    async savePlan(toStore: PlanToStore) {
      const existing = await stored.getPlan(`plan-${toStore.hash.slice(0, 16)}`);
      const plan: StoredPlan = existing ?? {
        id: `plan-${toStore.hash.slice(0, 16)}`,
        householdId: toStore.plan.householdId,
        hash: toStore.hash,
        status: "pending-approval",
        createdAt: toStore.plan.inputs.draftedAt ?? "",
        expiresAt: toStore.expiresAt,
        plan: toStore.plan,
      };
      drafted.set(plan.id, plan);
      return plan;
    },
    async getPlan(planId) {
      return drafted.get(planId) ?? stored.getPlan(planId);
    },
    async latestPlan(householdId) {
      const mine = [...drafted.values()].filter((p) => p.householdId === householdId).at(-1);
      return mine ?? stored.latestPlan(householdId);
    },
    countPending: (now) => stored.countPending(now),
  };
}

function transcriptLine(event: AuditEvent): TranscriptLine[] {
  const p = event.payload as Record<string, unknown>;
  const line = (who: string, text: string): TranscriptLine[] => [{ seq: event.seq, at: event.at, who, text }];
  switch (event.type) {
    case "message.received":
      return line(event.actor, String(p.text ?? p.userText ?? ""));
    case "model.request":
      return line(
        "system",
        `model request to ${String(p.model)} (prompt ${JSON.stringify(p.prompt ?? null)})`,
      );
    case "model.response": {
      const content = (p.content as { type: string; text?: string; name?: string }[] | undefined) ?? [];
      const text = content
        .map((b) => (b.type === "text" ? b.text : b.type === "tool_use" ? `[calls ${b.name}]` : ""))
        .filter(Boolean)
        .join(" ");
      return line("assistant", text);
    }
    case "tool.call":
      return line(event.actor, `${String(p.name)} ${JSON.stringify(p.input)}`);
    case "tool.result":
      return line(
        "tool",
        `${String(p.name)}: ${p.isError ? `error ${String(p.message ?? "")}` : p.ok === false ? `refused ${String(p.code)}` : "ok"}`,
      );
    case "guard.passed":
    case "guard.failed":
      return line(
        "guard",
        `${event.type === "guard.passed" ? "passed" : "failed"}${event.type === "guard.failed" ? `: ${JSON.stringify(p.ungrounded)}` : ""}`,
      );
    case "fallback.started":
      return line("system", `fallback (${String(p.reason)})`);
    case "fallback.reply":
      return line("fallback", String(p.text ?? ""));
    default:
      return line(event.actor, event.type);
  }
}
