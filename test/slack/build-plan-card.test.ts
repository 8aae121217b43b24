// The Block Kit plan card, built from real engine plans of the demo households: its structure, every
// figure the card must show, the buttons, the outcome once decided, and Slack's limits on a plan far
// bigger than any demo household (the card summarises, the detail file carries everything).
import { describe, expect, it } from "vitest";
import { DEFAULT_PLAN_SETTINGS, draftPlan } from "../../src/engine/planning/draft-plan.ts";
import type { Plan, PlanTrade } from "../../src/engine/planning/plan.ts";
import { buildPlanCard, type PlanCard } from "../../src/slack/build-plan-card.ts";
import { parsePlanRef } from "../../src/slack/plan-button-value.ts";
import { renderPlanDetailText } from "../../src/slack/plan-detail-text.ts";
import { LINK_BREAK, SLACK_LIMITS } from "../../src/slack/slack-limits.ts";
import { demoFamilies, demoHousehold, demoModel, demoPolicy } from "../support/demo-household.ts";

function demoPlan(householdId: string): Plan {
  const model = demoModel(householdId);
  const drafted = draftPlan({
    book: demoHousehold(householdId),
    model,
    policy: demoPolicy(),
    settings: DEFAULT_PLAN_SETTINGS,
    inputs: {
      snapshots: [
        { accountId: "acct-a", snapshotId: "s1", asOf: "2026-11-20T20:00:00.000Z" },
        { accountId: "acct-b", snapshotId: "s2", asOf: "2026-11-20T19:58:00.000Z" },
      ],
      modelVersionId: model.id,
      policyVersion: "si-policy-v1",
      settingsId: "test",
    },
    staleInputs: [],
    families: demoFamilies(),
  });
  if (!drafted.ok) throw new Error(drafted.error.message);
  return drafted.value;
}

const HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const chen = demoPlan("hh-chen");
const stored = (plan: Plan, status: "pending-approval" | "expired" = "pending-approval") => ({
  id: "plan-9f86d081884c7d65",
  hash: HASH,
  status,
  expiresAt: "2026-11-20T20:18:00.000Z",
  plan,
});
const household = {
  name: "Chen Household",
  custodians: {
    "acct-chen-schwab-taxable": "Charles Schwab",
    "acct-chen-ibkr-taxable": "Interactive Brokers",
  },
};
const allText = (card: PlanCard) => JSON.stringify(card.blocks);

type AnyBlock = Record<string, unknown> & { type: string };

/** Every limit Slack enforces on what the card uses. */
function expectWithinSlackLimits(card: PlanCard) {
  expect(card.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  expect(card.text.length).toBeLessThanOrEqual(SLACK_LIMITS.messageText);
  for (const block of card.blocks as unknown as AnyBlock[]) {
    if (block.type === "header") {
      expect((block.text as { text: string }).text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    }
    if (block.type === "section") {
      const text = block.text as { text: string } | undefined;
      if (text) expect(text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      const fields = (block.fields ?? []) as { text: string }[];
      expect(fields.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionFields);
      for (const field of fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
    }
    if (block.type === "context") {
      const elements = block.elements as { text: string }[];
      expect(elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
      for (const element of elements)
        expect(element.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    if (block.type === "actions") {
      for (const button of block.elements as {
        text: { text: string };
        value: string;
        confirm?: {
          title: { text: string };
          text: { text: string };
          confirm: { text: string };
          deny: { text: string };
        };
      }[]) {
        expect(button.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonText);
        expect(button.value.length).toBeLessThanOrEqual(SLACK_LIMITS.buttonValue);
        if (button.confirm) {
          expect(button.confirm.title.text.length).toBeLessThanOrEqual(SLACK_LIMITS.confirmTitle);
          expect(button.confirm.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.confirmText);
          expect(button.confirm.confirm.text.length).toBeLessThanOrEqual(SLACK_LIMITS.confirmButton);
          expect(button.confirm.deny.text.length).toBeLessThanOrEqual(SLACK_LIMITS.confirmButton);
        }
      }
    }
  }
}

describe("buildPlanCard", () => {
  const card = buildPlanCard(stored(chen), { household, askedBy: "U0ADVISOR1" });

  it("has a stable structure: header, facts, summary, drift, harvests, trades, footer, buttons", () => {
    const shape = (card.blocks as unknown as AnyBlock[]).map((b) =>
      b.block_id ? `${b.type}#${b.block_id}` : b.type,
    );
    expect(shape).toMatchSnapshot();
    expect(card.text).toBe("Plan for Chen Household: 11 trades, awaiting approval");
    expect(card.truncated).toBe(false);
    expectWithinSlackLimits(card);
  });

  it("shows the household, the data as-of time (the oldest snapshot), the model and the approval deadline", () => {
    expect(card.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Plan for Chen Household" },
    });
    expect(card.blocks[1]).toMatchSnapshot();
    expect(allText(card)).toContain("2026-11-20 19:58 UTC");
  });

  it("shows drift before and after for every class, and the totals as the plan states them", () => {
    const text = allText(card);
    for (const c of chen.drift.before) expect(text).toContain(c.assetClassId);
    expect(text).toContain("us_equity        70.6%*   36.0%    36.0%  31.0%-41.0%");
    expect(text).toContain("*Realised long-term*\\n$60,119.60");
    expect(text).toContain("*Estimated tax*\\n$12,023.92");
  });

  it("shows each trade with account, custodian, side, quantity, lots, expected gain or loss and term", () => {
    const text = allText(card);
    expect(text).toContain(
      "*4. SELL 577 VTI* · $178,870.00 at $310.00\\nDavid - Schwab brokerage · Charles Schwab · taxable · rebalance",
    );
    expect(text).toContain(
      "lot-chen-schwab-taxable-vti-2020-11-20 acquired 2020-11-20: 277 sh, gain $40,109.60 (long-term)",
    );
    expect(text).toContain("Expected gain/loss: short-term $0.00, long-term $62,519.60");
    expect(text).toContain("loss -$2,400.00 (long-term)");
  });

  it("shows harvested losses with their tax value, and replacements with the policy rule", () => {
    const text = allText(card);
    expect(text).toContain(
      "VEA: $2,400.00 long-term loss, estimated tax value $480.00; replaced by IEFA (si-policy-v1: different index",
    );
    expect(text).toContain("no rebuy of VEA before 2026-12-21");
    expect(text).toContain("Replaces VEA: si-policy-v1: different index");
  });

  it("carries planId and planHash on both buttons; Approve asks for confirmation", () => {
    const actions = card.blocks.at(-1) as unknown as AnyBlock;
    expect(actions).toMatchSnapshot();
    for (const button of actions.elements as { value: string }[]) {
      expect(parsePlanRef(button.value)).toEqual({ planId: "plan-9f86d081884c7d65", planHash: HASH });
    }
  });

  it("once decided shows who decided and when, without buttons", () => {
    const approved = buildPlanCard(stored(chen), {
      household,
      decision: {
        decision: "approved",
        byName: "Ben Whitaker",
        bySlackUserId: "U0APPROVER1",
        at: "2026-11-20T20:05:00.000Z",
        reason: null,
      },
    });
    expect(approved.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(approved.blocks.at(-1)).toMatchSnapshot();
    expect(approved.text).toBe("Plan for Chen Household: 11 trades, approved by Ben Whitaker");
    const rejected = buildPlanCard(stored(chen), {
      decision: {
        decision: "rejected",
        byName: "Ben Whitaker",
        bySlackUserId: "U0APPROVER1",
        at: "2026-11-20T20:05:00.000Z",
        reason: "<!channel> wait",
      },
    });
    expect(allText(rejected)).toContain(
      "*Rejected* by Ben Whitaker (<@U0APPROVER1>) at <!date^1795205100^{date_short} {time}|2026-11-20 20:05 UTC>: &lt;!channel&gt; wait",
    );
  });

  it("a plan no longer pending has no buttons and says why", () => {
    const expired = buildPlanCard(stored(chen, "expired"));
    expect(expired.blocks.some((b) => b.type === "actions")).toBe(false);
    expect(allText(expired)).toContain("This plan is expired: it can no longer be approved");
  });

  it("a long plan stays inside Slack's limits: a summary and the first trades, the rest in the detail", () => {
    const long = "x".repeat(5_000);
    const sell = chen.trades.find((t) => t.side === "sell" && t.lots.length > 0) as PlanTrade;
    const trades: PlanTrade[] = Array.from({ length: 60 }, (_, i) => ({
      ...sell,
      index: i,
      accountName: `Account ${i} ${"with a very long nickname ".repeat(10)}`,
      lots: Array.from({ length: 20 }, (_, j) => ({
        ...(sell.lots[0] as PlanTrade["lots"][number]),
        lotKey: `lot-${i}-${j}`,
      })),
      replaces: { symbol: "VEA", allowedBecause: long },
    }));
    const big: Plan = {
      ...chen,
      householdId: `hh-${"z".repeat(300)}`,
      trades,
      warnings: Array.from({ length: 40 }, (_, i) => ({ code: "w", message: `warning ${i} ${long}` })),
      reasons: Array.from({ length: 40 }, (_, i) => ({ code: "r", message: `reason ${i}` })),
      drift: {
        ...chen.drift,
        before: Array.from({ length: 80 }, (_, i) => ({
          ...(chen.drift.before[0] as Plan["drift"]["before"][number]),
          assetClassId: `class_${i}_${"y".repeat(40)}`,
        })),
      },
    };
    const bigCard = buildPlanCard(stored(big), { household: { name: "N".repeat(400), custodians: {} } });
    expectWithinSlackLimits(bigCard);
    expect(bigCard.truncated).toBe(true);
    expect(allText(bigCard)).toContain("the first 12 of 60; every trade and lot is in the detail file");
    expect(allText(bigCard)).toContain("… and 17 more lots (detail file)");
    expect(allText(bigCard)).toContain("… and 35 more (detail file)");
    const detail = renderPlanDetailText(stored(big));
    for (const trade of trades) expect(detail).toContain(`${trade.index + 1}. SELL`);
    expect(detail).toContain("lot-59-19");
  });

  it("escapes names from custodian data so they cannot ping or link", () => {
    const plan: Plan = {
      ...chen,
      trades: chen.trades.map((t) => ({
        ...t,
        accountName: "<!everyone> & <https://evil.example|x> [Approve now](https://evil.example/approve)",
        symbol: "<!here>",
        replaces: t.replaces ? { ...t.replaces, symbol: "www.evil.example" } : null,
      })),
      harvested: chen.harvested.map((h) => ({ ...h, symbol: "<@U0EVIL>", replacement: "evil.example" })),
      drift: {
        ...chen.drift,
        before: chen.drift.before.map((c) => ({ ...c, assetClassId: "<!channel>" })),
      },
    };
    const card = buildPlanCard(stored(plan), { household: { name: "<!subteam^S1> Chen", custodians: {} } });
    // The header is plain_text, which Slack shows as it is; everything else is mrkdwn.
    expect(card.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "Plan for <!subteam^S1> Chen" },
    });
    const mrkdwn = JSON.stringify(card.blocks.slice(1));
    const text = mrkdwn.replaceAll(LINK_BREAK, "");
    expect(mrkdwn).not.toMatch(
      /<!(everyone|here|channel|subteam)|<@U0EVIL>|<https?:|https?:\/\/|www\.|evil\.example/,
    );
    expect(text).toContain(
      "&lt;!everyone&gt; &amp; &lt;https://evil.example|x&gt; [Approve now](https://evil.example/approve)",
    );
    expect(text).toContain("SELL 577 &lt;!here&gt;");
    expect(text).toContain("&lt;@U0EVIL&gt;: $2,400.00 long-term loss");
    expect(text).toContain("&lt;!channel&gt;");
    expect(text).toContain("for &lt;!subteam^S1&gt; Chen?");
    expect(card.text).toBe("Plan for &lt;!subteam^S1&gt; Chen: 11 trades, awaiting approval");
  });

  it("the detail text drops control and bidi characters from custodian names (terminal escapes, reordering)", () => {
    const plan: Plan = {
      ...chen,
      trades: chen.trades.map((t) => ({ ...t, accountName: "Joint\u001b[2J\u202Elavorppa\u202C" })),
    };
    const detail = renderPlanDetailText(stored(plan));
    expect(detail).toContain("Joint[2Jlavorppa (");
    for (const hidden of ["\u001b", "\u202c", "\u202e"]) expect(detail).not.toContain(hidden);
  });

  it("no text object lets Slack auto-link or parse names on its own", () => {
    const objects: { type: string; verbatim?: boolean }[] = [];
    const collect = (value: unknown): void => {
      if (Array.isArray(value)) value.forEach(collect);
      else if (typeof value === "object" && value !== null) {
        if ((value as { type?: string }).type === "mrkdwn") objects.push(value as { type: string });
        Object.values(value).forEach(collect);
      }
    };
    collect(card.blocks);
    expect(objects.length).toBeGreaterThan(10);
    expect(objects.filter((o) => o.verbatim !== true)).toEqual([]);
  });
});
