// The Slack flow without Slack (`lotwise serve` with no tokens): requests read from the terminal,
// the answer and the plan card printed as text, then "approve / reject <reason> / skip" decided as a
// demo user through the same approval service and execution as the buttons, with the fills printed.
// Without a terminal it runs one scripted request and stops before any decision.
import { renderPlanCardText } from "../agent/render-plan-card.ts";
import { executionSummary } from "./decide-in-thread.ts";
import { orderLine } from "./order-board.ts";
import type { DecisionOutcome, OrderUpdate, SlackDeps } from "./slack-deps.ts";
import { utcText } from "./slack-limits.ts";

export const SCRIPTED_REQUEST = "rebalance the Chen household";

export interface LocalSessionIo {
  /** Lines from the terminal (or a pipe with --interactive); null: none. */
  lines: AsyncIterator<string> | null;
  /** Read requests and decisions from `lines`; false: the one scripted request, no decision. */
  interactive: boolean;
  /** Show "> " prompts (a terminal). */
  prompts: boolean;
  write(text: string): void;
  /** Progress while the assistant works (stderr). */
  progress(label: string): void;
  progressDone(): void;
}

export interface LocalSessionOptions {
  threadKey: string;
  /** The Slack user id who asks (what they may see; recorded as the plan's requester). */
  requester: string;
  /** The Slack user id who decides at the prompt. */
  approver: string;
  scriptedRequest?: string;
}

const FALLBACK_WORDS: Record<string, string> = {
  "no-api-key": "no ANTHROPIC_API_KEY is set",
  "model-unavailable": "the model could not be reached",
  "grounding-failed": "the model's reply quoted figures no tool produced",
  "turn-limit": "the model did not finish within its turn limit",
};

export const NEEDS_APPROVER =
  "Approval needs an approver: press Approve on the card in Slack, or run `lotwise serve` in a terminal " +
  "and answer the prompt (decisions are made as --as <slack user id>, default U0APPROVER1). Nothing was sent.";

export async function runLocalSession(
  deps: SlackDeps,
  io: LocalSessionIo,
  options: LocalSessionOptions,
): Promise<number> {
  const read = async (prompt: string): Promise<string | null> => {
    if (!io.lines) return null;
    if (io.prompts) io.write(prompt);
    const next = await io.lines.next();
    return next.done ? null : next.value.trim();
  };
  io.write(
    `lotwise serve · local mode (no Slack tokens) · asking as ${options.requester}, deciding as ${options.approver}\n`,
  );

  if (!io.interactive) {
    const request = options.scriptedRequest ?? SCRIPTED_REQUEST;
    io.write(`> ${request}\n`);
    await ask(deps, io, options, request, null);
    io.write(`${NEEDS_APPROVER}\n`);
    return 0;
  }
  io.write("Type a request (e.g. rebalance the Chen household); Ctrl-D to end.\n");
  for (;;) {
    const line = await read("> ");
    if (line === null) break;
    if (line === "") continue;
    await ask(deps, io, options, line, read);
  }
  return 0;
}

async function ask(
  deps: SlackDeps,
  io: LocalSessionIo,
  options: LocalSessionOptions,
  text: string,
  read: ((prompt: string) => Promise<string | null>) | null,
): Promise<void> {
  let answer: Awaited<ReturnType<SlackDeps["answer"]>>;
  try {
    answer = await deps.answer({
      threadKey: options.threadKey,
      userText: text,
      principal: await deps.principalOf(options.requester),
      onProgress: io.progress,
    });
  } catch (error) {
    io.progressDone();
    deps.logger.error({ err: error }, "local request failed");
    io.write(
      "Sorry, that request could not be completed (an internal error). Nothing was drafted or sent.\n",
    );
    return;
  }
  io.progressDone();
  io.write(`${answer.text.trimEnd()}\n\n`);
  if (answer.fallbackReason) {
    io.write(`(answered by the rules engine alone: ${FALLBACK_WORDS[answer.fallbackReason]})\n\n`);
  }
  for (const planId of answer.planIds) {
    const stored = await deps.plans.getPlan(planId);
    if (!stored) continue;
    const household = deps.households ? await deps.households(stored.householdId) : null;
    io.write(
      `${renderPlanCardText(stored, household ? { householdName: household.name } : {}).trimEnd()}\n\n`,
    );
    if (read && stored.status === "pending-approval") await decide(deps, io, options, stored, read);
  }
}

async function decide(
  deps: SlackDeps,
  io: LocalSessionIo,
  options: LocalSessionOptions,
  stored: { id: string; hash: string },
  read: (prompt: string) => Promise<string | null>,
): Promise<void> {
  for (;;) {
    const line = await read(`${options.approver}: approve / reject <reason> / skip? `);
    if (line === null || /^(s|skip)?$/i.test(line)) {
      io.write(`Skipped: plan ${stored.id} stays pending (nothing sent).\n\n`);
      return;
    }
    const reject = /^(?:r|reject)(?:\s+(.*))?$/i.exec(line);
    if (!/^(a|approve)$/i.test(line) && !reject) {
      io.write("Answer approve, reject <reason> or skip.\n");
      continue;
    }
    const reason = reject ? (reject[1] ?? "").trim() : undefined;
    if (reject && reason === "") {
      io.write("A reason is required: reject <reason>.\n");
      continue;
    }
    let outcome: DecisionOutcome;
    try {
      outcome = await deps.decide({
        planId: stored.id,
        planHash: stored.hash,
        principal: await deps.principalOf(options.approver),
        decision: reject ? "reject" : "approve",
        ...(reason !== undefined ? { reason } : {}),
        now: deps.clock.now(),
      });
    } catch (error) {
      deps.logger.error({ err: error, planId: stored.id }, "local decision failed");
      io.write("The decision could not be recorded (an internal error). Nothing was approved or sent.\n\n");
      return;
    }
    if (!outcome.ok) {
      io.write(`Refused (${outcome.code}): ${outcome.message} Nothing was approved or sent.\n\n`);
      return;
    }
    const when = utcText(outcome.decidedAt);
    if (outcome.repeated) {
      io.write(`Already ${outcome.decision} by ${outcome.decidedBy.name} at ${when}; nothing more done.\n\n`);
      return;
    }
    if (outcome.decision === "rejected") {
      io.write(`Rejected by ${outcome.decidedBy.name} at ${when}: ${reason}. Nothing will be sent.\n\n`);
      return;
    }
    io.write(
      `Approved by ${outcome.decidedBy.name} at ${when}; ${outcome.orderIds.length} orders queued for the custodians.\n`,
    );
    await execute(deps, io, stored.id, outcome.orderIds.length);
    return;
  }
}

async function execute(deps: SlackDeps, io: LocalSessionIo, planId: string, queued: number): Promise<void> {
  const stored = await deps.plans.getPlan(planId);
  const names: Record<string, string> = {};
  for (const trade of stored?.plan.trades ?? []) names[trade.accountId] = trade.accountName;
  const latest = new Map<string, OrderUpdate>();
  try {
    await deps.executeApproved(planId, async (update) => {
      if (update.planId !== planId) return;
      latest.set(update.orderId, update);
      io.write(`  ${orderLine(update, names[update.accountId], "plain")}\n`);
    });
  } catch (error) {
    deps.logger.error({ err: error, planId }, "local execution failed");
    io.write("Sending the orders failed (an internal error); they stay queued and will be retried.\n\n");
    return;
  }
  io.write(`${executionSummary(queued, [...latest.values()]).replace(/^:bar_chart: /, "")}\n\n`);
}
