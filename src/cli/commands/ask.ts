// `lotwise ask "<request>"` (one shot) and `lotwise chat` (a conversation): the assistant in the
// terminal, on the same tools, guard and fallback as in Slack. Plans are drafted, never sent.
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { type Answer, answerRequest } from "../../agent/answer-request.ts";
import { assistantDeps } from "../assistant-deps.ts";
import { type Command, type CommandContext, UsageError } from "../command.ts";
import { ensureDemoBook } from "../ensure-demo-book.ts";
import { syncDemoFeed } from "../sync-demo-feed.ts";
import { withStore } from "../with-store.ts";

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
  as: { type: "string" },
} as const;

export const askCommand: Command = {
  name: "ask",
  summary: "Ask the assistant once: a reply and the plan card, as text",
  usage: 'lotwise ask "<request>" [--json] [--thread <key>] [--as <advisor>]',
  details: [
    "Without ANTHROPIC_API_KEY the deterministic fallback answers from the rules engine and says so.",
    "Every number shown comes from the engine; nothing is sent for execution.",
    "",
    "Examples:",
    '  lotwise ask "rebalance the Chen household"',
    '  lotwise ask "what can we harvest for the Alvarez family?" --json',
  ].join("\n"),
  options: askOptions,
  optionHelp: {
    json: "print { conversationId, source, fallbackReason, text, planIds, planCards } as JSON",
    thread: "continue a conversation (default: a new one, cli:<uuid>)",
    as: "who is asking (recorded in the audit log; default: cli)",
  },
  positionals: { min: 1, max: 1 },
  run(context, { values, positionals }) {
    const request = (positionals[0] as string).trim();
    if (request === "") throw new UsageError("the request is empty");
    const json = Boolean(values.json);
    return withStore(context, { quiet: json }, async (opened, progress) => {
      const now = context.services.clock.now();
      await ensureDemoBook(opened, now, progress);
      await syncDemoFeed(opened.store, now, progress);
      progress.step("asking the assistant");
      const answer = await answerRequest(await assistantDeps(context, opened, now), {
        threadKey: (values.thread as string | undefined) ?? `cli:${randomUUID()}`,
        userText: request,
        requestedBy: (values.as as string | undefined) ?? "cli",
      });
      progress.done();
      context.io.stdout.write(json ? `${JSON.stringify(answer, null, 2)}\n` : renderAnswer(answer));
      return 0;
    });
  },
};

export const chatCommand: Command = {
  name: "chat",
  summary: "Talk to the assistant in this terminal (one line per request; Ctrl-D to end)",
  usage: "lotwise chat [--thread <key>] [--as <advisor>]",
  details: "Reads requests line by line from the terminal (or stdin) and answers each in one thread.",
  options: { thread: { type: "string" }, as: { type: "string" } },
  optionHelp: {
    thread: "continue a conversation (default: a new one)",
    as: "who is asking (recorded in the audit log; default: cli)",
  },
  positionals: { min: 0, max: 0 },
  run(context: CommandContext, { values }) {
    const { io } = context;
    if (!io.stdin) throw new UsageError("chat needs a terminal or stdin");
    const threadKey = (values.thread as string | undefined) ?? `cli:${randomUUID()}`;
    return withStore(context, { quiet: false }, async (opened, progress) => {
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
          requestedBy: (values.as as string | undefined) ?? "cli",
        });
        progress.done();
        io.stdout.write(renderAnswer(answer));
        prompt();
      }
      return 0;
    });
  },
};
