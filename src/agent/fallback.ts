// The deterministic fallback: with no model (no key, the API down, or a reply that failed the number
// guard) the same tools run in a fixed order and the plan is presented from the engine alone. The
// text is built only from tool outputs and the stored plan: figures are formatted, never computed.
// A tool's "forbidden" refusal (the household is outside the asker's grants) is the whole answer.
// A question about the whole book ("which of my households have losses worth harvesting?") is
// answered from scan_book alone.
import { z } from "zod";
import type { Tool, ToolContext, ToolOutcome } from "../../tools/tool.ts";
import type { Plan } from "../engine/planning/plan.ts";
import { formatMoney, modelText, outOfBandText } from "./render-plan-card.ts";

export type FallbackReason = "no-api-key" | "model-unavailable" | "grounding-failed";

export interface FallbackToolCall {
  name: string;
  input: unknown;
  output: ToolOutcome<unknown>;
}

export interface FallbackOutcome {
  text: string;
  toolCalls: FallbackToolCall[];
  planId: string | null;
}

export interface FallbackDeps {
  tools: readonly Tool[];
  context: ToolContext;
  reason: FallbackReason;
  /** Called after every tool call, in order (the caller audits). */
  onToolCall?: (call: FallbackToolCall) => Promise<void>;
}

const REASON_WORDS: Record<FallbackReason, string> = {
  "no-api-key": "no Anthropic API key is configured",
  "model-unavailable": "the model API did not answer, even after retries",
  "grounding-failed": "its reply quoted figures the tools did not produce",
};

/** The steps after the household is known, in the order the assistant would take them. */
const PLAN_STEPS = ["get_positions", "compute_drift", "find_harvestable_lots", "draft_trades"] as const;
const MAX_LOOKUPS = 16;
const SHOWN = 3;

/** A step that stopped the fallback: a refusal (a value) or a failure (a throw, a missing tool...). */
class Stop extends Error {
  constructor(
    readonly kind: "refused" | "failed",
    readonly toolName: string,
    message: string,
  ) {
    super(message);
  }
}

export async function runFallback(
  request: { userText: string },
  deps: FallbackDeps,
): Promise<FallbackOutcome> {
  const toolCalls: FallbackToolCall[] = [];
  const unavailable = `The assistant is unavailable (${REASON_WORDS[deps.reason]})`;
  const call = async (name: string, input: unknown): Promise<ToolOutcome<unknown>> => {
    const { output, failure } = await runTool(deps, name, input);
    const record = { name, input, output };
    toolCalls.push(record);
    await deps.onToolCall?.(record);
    if (failure) throw new Stop("failed", name, failure);
    return output;
  };
  const done = (lines: string[], planId: string | null = null): FallbackOutcome => ({
    text: lines.join("\n"),
    toolCalls,
    planId,
  });

  try {
    if (isBookQuestion(request.userText)) {
      const scanned = await call("scan_book", {});
      if (!scanned.ok) {
        if (scanned.code === FORBIDDEN) return done([scanned.message]);
        throw new Stop("refused", "scan_book", scanned.message);
      }
      return done([
        `${unavailable}; here is the book scan from the rules engine alone.`,
        ...bookLines(scanned.value),
      ]);
    }
    const household = await resolveHousehold(request.userText, call);
    if (household.kind === "forbidden") return done([household.message]);
    if (household.kind !== "found") {
      return done([`${unavailable}. ${household.question}`]);
    }
    let drafted: unknown = null;
    for (const step of PLAN_STEPS) {
      const outcome = await call(step, { householdId: household.id });
      if (!outcome.ok && outcome.code === FORBIDDEN) return done([outcome.message]);
      if (!outcome.ok) throw new Stop("refused", step, outcome.message);
      drafted = outcome.value;
    }
    const presented = await present(household, drafted, deps.context);
    return done(
      [`${unavailable}; here is the plan from the rules engine alone.`, ...presented.lines],
      presented.planId,
    );
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    if (error.kind === "refused") {
      return done([`${unavailable}, and the rules engine did not draft a plan: ${sentence(error.message)}`]);
    }
    return done([
      `${unavailable}, and the rules engine could not complete the plan either: ${error.toolName} failed (${error.message}).`,
    ]);
  }
}

// --- the book ------------------------------------------------------------------------------------

/**
 * A question about the book rather than one household: households, clients or families in the
 * plural after "my", "which", "all"..., the book itself, or what to look at today.
 */
export function isBookQuestion(userText: string): boolean {
  const text = userText.replace(/<[@#!][^>]*>/g, " ").toLowerCase();
  return (
    /\b(?:my|our|which|all|any|every)\s+(?:of\s+(?:my|our|the)\s+)?(?:households|clients|families)\b/.test(
      text,
    ) ||
    /\b(?:my|our|the|whole|entire)\s+book\b/.test(text) ||
    /\bwhat\s+should\s+(?:i|we)\s+(?:look\s+at|work\s+on|do|focus\s+on)\b/.test(text)
  );
}

const BOOK_SHOWN = 5;

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;

/** What the fallback reads of scan_book's result. */
const BookView = z.object({
  asOf: z.string(),
  households: z.number(),
  totals: z.object({
    outOfBand: z.number(),
    harvestableLoss: z.string(),
    taxValue: z.string(),
    harvestableLots: z.number(),
    blockedByWash: z.number(),
    stale: z.number(),
    awaitingApproval: z.number(),
  }),
  rows: z.array(
    z.object({
      householdId: z.string(),
      name: z.string(),
      rank: z.number(),
      classesOutOfBand: z.array(z.string()),
      harvestableLoss: z.string(),
      taxValue: z.string(),
      harvestableLots: z.number(),
      blockedByWash: z.number(),
      nextClearDate: z.string().nullable(),
      stale: z.boolean(),
      awaitingApproval: z.number(),
      unreconciled: z.number(),
      reasons: z.array(z.object({ code: z.string() })),
    }),
  ),
});

function bookLines(value: unknown): string[] {
  const parsed = BookView.safeParse(value);
  if (!parsed.success) throw new Stop("failed", "scan_book", "it returned a scan that could not be read");
  const { asOf, households, totals, rows } = parsed.data;
  if (households === 0) return ["There are no households you may read; ask an admin for a role."];
  const lines = [
    `Scanned ${households} households as of ${asOf}, ranked by the tax value of losses harvestable now.`,
  ];
  const needing = rows.filter(
    (r) =>
      r.harvestableLots > 0 ||
      r.classesOutOfBand.length > 0 ||
      r.blockedByWash > 0 ||
      r.stale ||
      r.awaitingApproval > 0 ||
      r.unreconciled > 0 ||
      r.reasons.some((reason) => reason.code.startsWith("scan.")),
  );
  if (needing.length === 0)
    lines.push("None of them needs attention: no harvestable losses, nothing out of band.");
  for (const r of needing.slice(0, BOOK_SHOWN)) {
    const parts = [
      r.harvestableLots > 0
        ? `losses of ${formatMoney(r.harvestableLoss)} harvestable now in ${count(r.harvestableLots, "lot")}, worth about ${formatMoney(r.taxValue)} in tax`
        : "no loss to harvest now",
      ...(r.classesOutOfBand.length > 0 ? [`out of band: ${r.classesOutOfBand.join(", ")}`] : []),
      ...(r.blockedByWash > 0
        ? [
            `${count(r.blockedByWash, "lot")} ${r.blockedByWash === 1 ? "waits" : "wait"} on a wash-sale window${r.nextClearDate ? `, the first clears on ${r.nextClearDate}` : ""}`,
          ]
        : []),
      ...(r.awaitingApproval > 0 ? [`${count(r.awaitingApproval, "plan")} awaiting approval`] : []),
      ...(r.unreconciled > 0 ? [`${count(r.unreconciled, "position")} not reconciled`] : []),
      ...(r.stale ? ["its data is STALE"] : []),
      ...(r.reasons.some((reason) => reason.code === "scan.no-model") ? ["no model assigned"] : []),
    ];
    lines.push(`${r.rank}. ${r.name} (${r.householdId}): ${parts.join("; ")}.`);
  }
  lines.push(
    `Across the ${households} households: losses of ${formatMoney(totals.harvestableLoss)} harvestable now in ${count(totals.harvestableLots, "lot")}, worth about ${formatMoney(totals.taxValue)} in tax; ${count(totals.blockedByWash, "lot")} waiting on wash-sale windows; ${totals.outOfBand} out of band; ${totals.stale} with stale data; ${count(totals.awaitingApproval, "plan")} awaiting approval.`,
    "Nothing has been drafted: ask me to plan one of these households to act on it.",
  );
  return lines;
}

// --- running one tool ----------------------------------------------------------------------------

interface ToolRun {
  output: ToolOutcome<unknown>;
  /** Why the call failed (not a refusal: those are outputs), in words without internals. */
  failure: string | null;
}

async function runTool(deps: FallbackDeps, name: string, input: unknown): Promise<ToolRun> {
  const failed = (code: string, failure: string): ToolRun => ({
    output: { ok: false, code, message: failure },
    failure,
  });
  const tool = deps.tools.find((t) => t.name === name);
  if (!tool) return failed("tool.unavailable", "the tool is not available");
  const parsed = tool.input.safeParse(input);
  if (!parsed.success) return failed("tool.invalid-input", "it rejected its input");
  let outcome: ToolOutcome<unknown>;
  try {
    outcome = await tool.run(parsed.data, deps.context);
  } catch (error) {
    return failed("tool.internal-error", firstLine(error));
  }
  if (!outcome.ok) return { output: outcome, failure: null };
  const output = tool.output.safeParse(outcome.value);
  if (!output.success) {
    return failed("tool.invalid-output", "it returned a result that does not match its schema");
  }
  return { output: { ok: true, value: output.data }, failure: null };
}

const sentence = (text: string) => `${text.replace(/[.\s]+$/, "")}.`;

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = message.split("\n")[0]?.trim() ?? "";
  return line === "" ? "an internal error" : line.slice(0, 200);
}

// --- which household -----------------------------------------------------------------------------

type Resolved =
  | { kind: "found"; id: string; name: string }
  | { kind: "ask"; question: string }
  | { kind: "forbidden"; message: string };

const FORBIDDEN = "forbidden";

const STOPWORDS = new Set(
  (
    "a about account accounts all an and any anyway are at budget can check client clients could create data " +
    "do draft drafting drift even family for from gain gains get give harvest harvesting hello hey hi how " +
    "household households i in is it its keep let lets look losses loss lotwise make me my need new now of " +
    "on our please plan plans portfolio portfolios prepare propose realised realized rebalance rebalancing " +
    "review run show stale tax taxes thanks that the this tlh to today trade trades trust under up us want " +
    "we what with would year you"
  ).split(" "),
);

/**
 * The household the request names: the text without common words first; then every bigram and
 * word, keeping the matches. One household matched: that one. Otherwise ask, listing candidates;
 * or, when nothing the asker may read matched and a lookup was forbidden, the refusal.
 */
async function resolveHousehold(
  userText: string,
  call: (name: string, input: unknown) => Promise<ToolOutcome<unknown>>,
): Promise<Resolved> {
  const words = userText
    .replace(/<[@#!][^>]*>/g, " ")
    .toLowerCase()
    .replace(/['’]s\b/g, "")
    .split(/[^a-z0-9-]+/)
    .map((word) => word.replace(/^-+|-+$/g, ""))
    .filter((word) => word !== "");
  const meaningful = (word: string) => !STOPWORDS.has(word) && /[a-z]/.test(word);
  const phrase = words.filter(meaningful).join(" ");
  if (phrase === "") {
    return { kind: "ask", question: "Which household should I plan for? Name it (a surname or its id)." };
  }
  const queries = new Set([phrase]);
  for (const word of words.filter(meaningful)) {
    queries.add(word);
    if (word.length > 3 && word.endsWith("s")) queries.add(word.slice(0, -1));
  }
  for (let i = 1; i < words.length; i++) {
    const pair = [words[i - 1] ?? "", words[i] ?? ""];
    if (pair.some(meaningful)) queries.add(pair.join(" "));
  }

  const found = new Map<string, string>();
  const ambiguous: string[] = [];
  let refused: string | null = null;
  for (const query of [...queries].slice(0, MAX_LOOKUPS)) {
    const outcome = await call("find_household", { query });
    if (outcome.ok) {
      const household = householdOf(outcome.value);
      if (household) found.set(household.id, household.name);
      if (query === phrase && household) break;
    } else if (outcome.code.includes("ambiguous")) {
      ambiguous.push(outcome.message);
    } else if (outcome.code === FORBIDDEN) {
      refused ??= outcome.message;
    }
  }
  // "chen" is ambiguous (Chen, Cheng) but "chen household" found one of them: that settles it.
  const unsettled = ambiguous.filter(
    (message) => ![...found.keys()].some((id) => message.includes(`(${id})`)),
  );
  const [first, ...others] = [...found];
  if (first && others.length === 0 && unsettled.length === 0) {
    return { kind: "found", id: first[0], name: first[1] };
  }
  if (first) {
    const names = [...found].map(([id, name]) => `${name} (${id})`).join(", ");
    const also = unsettled[0] ? `; also ${unsettled[0].replace(/[.\s]+$/, "")}` : "";
    return {
      kind: "ask",
      question: `The request could mean ${names}${also}. Which household should I plan for?`,
    };
  }
  if (ambiguous[0])
    return { kind: "ask", question: `Which household do you mean? ${sentence(ambiguous[0])}` };
  if (refused !== null) return { kind: "forbidden", message: refused };
  return {
    kind: "ask",
    question: `No household matches "${phrase}". Which household do you mean (a surname or its id)?`,
  };
}

function householdOf(value: unknown): { id: string; name: string } | null {
  if (typeof value !== "object" || value === null) return null;
  const { id, name } = value as { id?: unknown; name?: unknown };
  if (typeof id !== "string") return null;
  return { id, name: typeof name === "string" ? name : id };
}

// --- the plan --------------------------------------------------------------------------------------

const isPlan = (value: unknown): value is Plan =>
  typeof value === "object" && value !== null && (value as { schema?: unknown }).schema === "lotwise.plan/v1";

const findings = z.array(z.object({ message: z.string() }));

/** What the fallback reads of draft_trades' result; the stored plan supplies the rest. */
const DraftView = z.object({
  planId: z.string().nullable().optional(),
  plan: z.custom<Plan>(isPlan).optional(),
  status: z.string().optional(),
  tradeDate: z.string().optional(),
  model: z.object({ name: z.string(), version: z.number() }).nullable().optional(),
  warnings: findings.optional(),
  reasons: findings.optional(),
});

const CARD_LINE = "The plan card follows; nothing is sent until an authorised person approves.";

async function present(
  household: { id: string; name: string },
  drafted: unknown,
  context: ToolContext,
): Promise<{ planId: string | null; lines: string[] }> {
  const parsed = DraftView.safeParse(drafted);
  const view = parsed.success ? parsed.data : {};
  const planId = view.planId ?? null;
  const plan = view.plan ?? (planId ? (await context.plans.getPlan(planId))?.plan : undefined);
  if (plan) return { planId, lines: [...planSummary(household, plan), CARD_LINE] };
  if (view.status !== "empty") {
    throw new Stop("failed", "draft_trades", "it returned no plan that could be read");
  }
  // An empty plan is not stored: there is no card, only the reasons.
  const model = view.model ? `, model ${view.model.name} v${view.model.version}` : "";
  const why = view.reasons?.[0]?.message;
  return {
    planId: null,
    lines: [
      `${household.name} (${household.id})${view.tradeDate ? `, trade date ${view.tradeDate}` : ""}${model}.`,
      `The rules engine drafted no trades${why ? `: ${why}` : ""}.`,
      ...[...(view.warnings ?? []), ...(view.reasons ?? []).slice(1)]
        .slice(0, SHOWN)
        .map((finding) => `Note: ${finding.message}`),
    ],
  };
}

function planSummary(household: { id: string; name: string }, plan: Plan): string[] {
  const lines = [`${household.name} (${household.id}), trade date ${plan.asOf}, model ${modelText(plan)}.`];
  if (plan.stale) {
    lines.push("The plan is marked STALE: it rests on positions or prices older than the freshness limit.");
  }
  const outBefore = outOfBandText(plan.drift.before);
  lines.push(
    outBefore === "none" ? "Every asset class is within its band." : `Out of band now: ${outBefore}.`,
  );
  if (plan.trades.length === 0) {
    const why = plan.reasons[0]?.message;
    lines.push(`The rules engine drafted no trades${why ? `: ${why}` : ""}.`);
    return lines;
  }
  const r = plan.realized;
  lines.push(
    `The rules engine drafted ${plan.trades.length} trades: realised short-term ${formatMoney(r.shortTerm)}, long-term ${formatMoney(r.longTerm)}; estimated tax ${formatMoney(r.estimatedTax)}.`,
  );
  for (const h of plan.harvested.slice(0, SHOWN)) {
    lines.push(
      `Harvests ${h.symbol}: a ${h.term}-term loss of ${formatMoney(h.loss)}${h.replacement ? `, replaced by ${h.replacement}` : ""}; no rebuy of ${h.symbol} before ${h.rebuyFrom}.`,
    );
  }
  if (plan.harvested.length > SHOWN) lines.push("More harvested losses are on the plan card.");
  // Names only: the weights after the plan are on the card (no tool result states them).
  const outAfter = plan.drift.after.filter((c) => c.outOfBand).map((c) => c.assetClassId);
  lines.push(
    outAfter.length === 0
      ? "After the plan every asset class is within its band."
      : `Still out of band after the plan: ${outAfter.join(", ")}.`,
  );
  for (const finding of [...plan.warnings, ...plan.reasons].slice(0, SHOWN)) {
    lines.push(`Note: ${finding.message}`);
  }
  return lines;
}
