// The small pure pieces of the Slack front end: what a request says, the reply as mrkdwn, progress,
// the order board, refusals, and the layer rule (src/slack formats; it reads no database).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answerMessage, toMrkdwn } from "../../src/slack/answer-blocks.ts";
import { progressLabel, withProgress } from "../../src/slack/create-slack-answer.ts";
import { executionSummary, refusalText } from "../../src/slack/decide-in-thread.ts";
import { parseCommand } from "../../src/slack/listeners/slash-command.ts";
import { orderBoard, orderLine } from "../../src/slack/order-board.ts";
import { encodeCardRef, parseCardRef, parsePlanRef } from "../../src/slack/plan-button-value.ts";
import { requestText } from "../../src/slack/request-text.ts";
import type { OrderUpdate } from "../../src/slack/slack-deps.ts";
import { chunkLines, SLACK_LIMITS, truncate, utcText } from "../../src/slack/slack-limits.ts";
import { progressText } from "../../src/slack/thread-progress.ts";
import { TOOLS } from "../../tools/index.ts";
import { ROOT } from "../support/cli.ts";

const HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

describe("requests", () => {
  it("drops the bot's mention and squeezes whitespace", () => {
    expect(requestText("<@U0BOT> rebalance   the Chen household", "U0BOT")).toBe(
      "rebalance the Chen household",
    );
    expect(requestText("ask <@U0BOT|lotwise> about Chen", "U0BOT")).toBe("ask about Chen");
    expect(requestText("<@U0BOT> hi", undefined)).toBe("hi");
    expect(requestText(undefined, "U0BOT")).toBe("");
  });

  it("/lotwise: help, plan <household>, or a free request", () => {
    expect(parseCommand("")).toEqual({ kind: "help", note: null });
    expect(parseCommand(" HELP ")).toEqual({ kind: "help", note: null });
    expect(parseCommand("plan")).toMatchObject({
      kind: "help",
      note: expect.stringContaining("/lotwise plan"),
    });
    expect(parseCommand("plan  Chen household")).toEqual({
      kind: "ask",
      text: "Draft a rebalance plan for the Chen household",
    });
    expect(parseCommand("what can we harvest for Alvarez?")).toEqual({
      kind: "ask",
      text: "what can we harvest for Alvarez?",
    });
  });

  it("button values and dialog metadata are parsed, never trusted beyond their shape", () => {
    expect(parsePlanRef(JSON.stringify({ planId: "plan-1", planHash: HASH }))).toEqual({
      planId: "plan-1",
      planHash: HASH,
    });
    expect(parsePlanRef(JSON.stringify({ planId: "plan-1", planHash: "nope" }))).toBeNull();
    expect(parsePlanRef("{not json")).toBeNull();
    expect(parsePlanRef(undefined)).toBeNull();
    const card = {
      planId: "plan-1",
      planHash: HASH,
      teamId: "T1",
      channel: "C1",
      messageTs: "1.2",
      threadTs: "1.1",
    };
    expect(parseCardRef(encodeCardRef(card))).toEqual(card);
    expect(parseCardRef(JSON.stringify({ ...card, channel: "" }))).toBeNull();
  });
});

describe("replies and progress", () => {
  it("turns the model's markdown into mrkdwn, escaped, and notes a fallback", () => {
    expect(
      toMrkdwn("**Plan** for [Chen](https://example.com)\n## Trades", { linkHosts: ["example.com"] }),
    ).toBe("*Plan* for <https://example.com|Chen>\n*Trades*");
    const message = answerMessage({ text: "Use <!here> & **go**", fallbackReason: "no-api-key" });
    expect(message.text).toBe("Use &lt;!here&gt; &amp; *go*");
    expect(message.blocks).toEqual([
      { type: "section", text: { type: "mrkdwn", text: "Use &lt;!here&gt; &amp; *go*", verbatim: true } },
      {
        type: "context",
        elements: [
          { type: "mrkdwn", text: "Answered by the rules engine alone: no Anthropic API key is configured." },
        ],
      },
    ]);
  });

  it("splits a long reply into sections within Slack's limit", () => {
    const long = Array.from({ length: 400 }, (_, i) => `line ${i} ${"x".repeat(40)}`).join("\n");
    const { blocks } = answerMessage({ text: long, fallbackReason: null });
    expect(blocks.length).toBeGreaterThan(1);
    for (const block of blocks) {
      expect((block as { text: { text: string } }).text.text.length).toBeLessThanOrEqual(
        SLACK_LIMITS.sectionText,
      );
    }
    expect(chunkLines("a".repeat(7000), 3000).map((c) => c.length)).toEqual([3000, 3000, 1000]);
    expect(truncate("abcdef", 4)).toBe("abc…");
    expect(utcText("2026-11-20T20:18:00.000Z")).toBe("2026-11-20 20:18 UTC");
  });

  it("labels each tool and reports it before the tool runs", async () => {
    expect(progressLabel("draft_trades")).toBe("Drafting the trades (draft_trades)");
    expect(progressLabel("new_tool")).toBe("Running new_tool");
    for (const tool of TOOLS) expect(progressLabel(tool.name)).not.toMatch(/^Running /);
    const seen: string[] = [];
    const [wrapped] = withProgress(
      [{ ...(TOOLS[0] as (typeof TOOLS)[number]), run: async () => ({ ok: true, value: seen.length }) }],
      (label) => seen.push(label),
    );
    expect(await wrapped?.run({}, {} as never)).toEqual({ ok: true, value: 1 });
    expect(seen).toEqual(["Finding the household (find_household)"]);
    expect(progressText(["Finding the household", "Drafting the trades"])).toBe(
      ":hourglass_flowing_sand: Working on it…\n:white_check_mark: Finding the household\n:arrow_forward: Drafting the trades…",
    );
  });
});

describe("orders and refusals", () => {
  const update = (over: Partial<OrderUpdate>): OrderUpdate => ({
    planId: "plan-1",
    orderId: "o1",
    accountId: "acct-1",
    symbol: "VTI",
    side: "sell",
    quantity: "577",
    status: "submitted",
    filledQuantity: "0",
    averagePrice: null,
    message: "accepted",
    attempt: 1,
    ...over,
  });

  it("one line per order with its latest status and fill", () => {
    expect(
      orderLine(update({ status: "filled", filledQuantity: "577", averagePrice: "310.5" }), "Schwab"),
    ).toBe(":white_check_mark: SELL 577 VTI in Schwab, filled: 577 at $310.50");
    expect(orderLine(update({ status: "rejected", message: "no <price>" }), undefined, "plain")).toBe(
      "SELL 577 VTI in acct-1, rejected by the custodian (no <price>)",
    );
    const board = orderBoard(
      "plan-1",
      [update({ status: "filled", filledQuantity: "577", averagePrice: "310" }), update({ orderId: "o2" })],
      { "acct-1": "Schwab" },
    );
    expect(board.text).toBe("Orders for plan plan-1: 1 of 2 settled");
    expect(executionSummary(2, [{ status: "filled" }, { status: "submitted" }])).toBe(
      ":bar_chart: Orders (2 queued): 1 filled, the rest still with the custodians; updates follow here.",
    );
    expect(executionSummary(1, [{ status: "failed" }])).toBe(
      ":bar_chart: Orders (1 queued): 0 filled, 1 rejected or failed (see above).",
    );
  });

  it("a refusal says what happened, that nothing changed, and what to do", () => {
    expect(
      refusalText({ ok: false, code: "decision.expired", message: "This plan expired at 20:18 UTC." }),
    ).toBe(
      ":no_entry: This plan expired at 20:18 UTC. Nothing was approved, rejected or sent. Ask again for a fresh plan.",
    );
  });
});

describe("layers", () => {
  it("src/slack imports no database code and no Prisma: it gets ports injected", () => {
    const dir = join(ROOT, "src/slack");
    const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts"));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const source = readFileSync(join(dir, file), "utf8");
      const imports = [...source.matchAll(/from "([^"]+)"/g)].map((m) => m[1] ?? "");
      expect(
        imports.filter((i) => /\/db\/|@prisma|\/cli\/|\/main\.ts/.test(i)),
        file,
      ).toEqual([]);
    }
  });
});
