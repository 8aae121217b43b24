// `lotwise ask "<request>"` (one shot) and `lotwise chat` (a conversation): the assistant in the
// terminal, on the same tools, guard, fallback and authorisation as in Slack, acting as the CLI's
// principal (--as, LOTWISE_USER or the local operator). Plans are drafted, never sent.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { type Answer, answerRequest } from "../../agent/answer-request.ts";
import { withPrincipal } from "../act-as.ts";
import { assistantDeps } from "../assistant-deps.ts";
import { type Command, type CommandContext, UsageError } from "../command.ts";
import { ensureDemoBook } from "../ensure-demo-book.ts";
import { syncDemoFeed } from "../sync-demo-feed.ts";

const FALLBACK_WORDS: Record<NonNullable<Answer["fallbackReason"]>, string> = {
  "no-api-key": "no ANTHROPIC_API_KEY is set",
  "model-unavailable": "the model could not be reached",
  "grounding-failed": "the model's reply quoted figures no tool produced",
  "turn-limit": "the model did not finish within its turn limit",
};

export function renderAnswer(answer: Answer): string {
  const lines = [answer.text.trimEnd(), ""];
  for (const card of answer.planCards) lines.push(card.trimEnd(), "");
  if (answer.fallbackReason)
    lines.push(`(answered by the rules engine alone: ${FALLBACK_WORDS[answer.fallbackReason]})`, "");
  return lines.join("\n");
}

const askOptions = {
  json: { type: "boolean", default: false },
  thread: { type: "string" },
} as const;

export const askCommand: Command = {
  name: "ask",
  summary: "Ask the assistant once: a reply and the plan card, as text",
  usage: 'lotwise ask "<request>" [--json] [--thread <key>]',
  details: [
    "Without ANTHROPIC_API_KEY the deterministic fallback answers from the rules engine and says so.",
    "Every number shown comes from the engine; nothing is sent for execution. The assistant sees only",
    "the households the asker may read; someone with no role at all is refused (exit 1).",
    "",
    "Examples:",
    '  lotwise ask "rebalance the Chen household"',
    '  lotwise ask "what can we harvest for the Alvarez family?" --json',
  ].join("\n"),
  options: askOptions,
  optionHelp: {
    json: "print { conversationId, source, fallbackReason, text, planIds, planCards } as JSON",
    thread: "continue a conversation (default: a new one, cli:<uuid>)",
  },
  positionals: { min: 1, max: 1 },
  actsAs: true,
  run(context, { values, positionals }) {
    const request = (positionals[0] as string).trim();
    if (request === "") throw new UsageError("the request is empty");
    const json = Boolean(values.json);
    return withPrincipal(context, { quiet: json, command: "ask" }, async (opened, progress, principal) => {
      const now = context.services.clock.now();
      await ensureDemoBook(opened, now, progress);
      await syncDemoFeed(opened.store, now, progress);
      progress.step("asking the assistant");
      const answer = await answerRequest(await assistantDeps(context, opened, now), {
        threadKey: (values.thread as string | undefined) ?? `cli:${randomUUID()}`,
        userText: request,
        principal,
      });
      progress.done();
      context.io.stdout.write(json ? `${JSON.stringify(answer, null, 2)}\n` : renderAnswer(answer));
      return answer.source === "refused" ? 1 : 0;
    });
  },
};

export const chatCommand: Command = {
  name: "chat",
  summary: "Talk to the assistant in this terminal (one line per request; Ctrl-D to end)",
  usage: "lotwise chat [--thread <key>]",
  details: "Reads requests line by line from the terminal (or stdin) and answers each in one thread.",
  options: { thread: { type: "string" } },
  optionHelp: {
    thread: "continue a conversation (default: a new one)",
  },
  positionals: { min: 0, max: 0 },
  actsAs: true,
  run(context: CommandContext, { values }) {
    const { io } = context;
    if (!io.stdin) throw new UsageError("chat needs a terminal or stdin");
    const threadKey = (values.thread as string | undefined) ?? `cli:${randomUUID()}`;
    return withPrincipal(context, { quiet: false, command: "chat" }, async (opened, progress, principal) => {
      await ensureDemoBook(opened, context.services.clock.now(), progress);
      progress.done();
      io.stdout.write(`lotwise chat · thread ${threadKey} · Ctrl-D to end\n`);
      const lines = createInterface({ input: io.stdin as NodeJS.ReadableStream, terminal: false });
      const prompt = () => io.stdinIsTty && io.stdout.write("> ");
      prompt();
      for await (const line of lines) {
        const text = line.trim();
        if (text === "") {
          prompt();
          continue;
        }
        const now = context.services.clock.now();
        await syncDemoFeed(opened.store, now, progress);
        progress.step("thinking");
        const answer = await answerRequest(await assistantDeps(context, opened, now), {
          threadKey,
          userText: text,
          principal,
        });
        progress.done();
        io.stdout.write(renderAnswer(answer));
        prompt();
      }
      return 0;
    });
  },
};
