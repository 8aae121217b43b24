// The click flow on its own, with the approval service and the execution worker faked through
// SlackDeps: what Slack is told for each outcome, and that a refusal touches nothing.
import { webApi } from "@slack/bolt";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_PLAN_SETTINGS, draftPlan } from "../../src/engine/planning/draft-plan.ts";
import type { PlanStore, StoredPlan } from "../../src/ports/plan-store.ts";
import { decideInThread } from "../../src/slack/decide-in-thread.ts";
import type { DecisionOutcome, DecisionRequest, OrderUpdate, SlackDeps } from "../../src/slack/slack-deps.ts";
import { createSlackRuntime, type SlackRuntime } from "../../src/slack/slack-runtime.ts";
import { demoFamilies, demoHousehold, demoModel, demoPolicy } from "../support/demo-household.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { inProcessSlackWork } from "../support/in-process-slack-work.ts";
import { MemoryAuditLog, MemoryConversationStore } from "../support/memory-ports.ts";
import { principalsOf, slackUser } from "./principals.ts";

const APPROVER = slackUser("U0APPROVER1", { access: [{ householdId: "hh-chen", role: "APPROVER" }] });
const OUTSIDER = slackUser("U0OUTSIDER1");

const HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

function chenPlan(): StoredPlan {
  const model = demoModel("hh-chen");
  const drafted = draftPlan({
    book: demoHousehold("hh-chen"),
    model,
    policy: demoPolicy(),
    settings: DEFAULT_PLAN_SETTINGS,
    inputs: { snapshots: [], modelVersionId: model.id, policyVersion: "si-policy-v1", settingsId: "test" },
    staleInputs: [],
    families: demoFamilies(),
  });
  if (!drafted.ok) throw new Error(drafted.error.message);
  return {
    id: "plan-chen",
    householdId: "hh-chen",
    hash: HASH,
    status: "pending-approval",
    createdAt: "2026-11-20T20:03:00.000Z",
    expiresAt: "2026-11-20T20:18:00.000Z",
    plan: drafted.value,
  };
}

const approved = (repeated: boolean): DecisionOutcome => ({
  ok: true,
  decision: "approved",
  planId: "plan-chen",
  decidedBy: { userId: "user-ben", slackUserId: "U0APPROVER1", name: "Ben Whitaker" },
  decidedAt: "2026-11-20T20:05:00.000Z",
  orderIds: ["o1", "o2"],
  repeated,
});

describe("decideInThread with a faked approval service and execution", () => {
  let slack: FakeSlack;
  let rt: SlackRuntime;
  let outcome: DecisionOutcome;
  let requests: DecisionRequest[];
  let execute: (planId: string, notify: (u: OrderUpdate) => Promise<void>) => Promise<void>;
  const stored = chenPlan();
  const card = {
    planId: "plan-chen",
    planHash: HASH,
    teamId: "T1",
    channel: "C1",
    messageTs: "1763668980.000002",
    threadTs: "1763668980.000001",
  };

  beforeAll(async () => {
    slack = await startFakeSlack();
    const logger = pino({ level: "silent" });
    const plans: PlanStore = {
      savePlan: async () => stored,
      getPlan: async () => stored,
      latestPlan: async () => stored,
      countPending: async () => new Map(),
    };
    const audit = new MemoryAuditLog();
    const deps: SlackDeps = {
      answer: async () => {
        throw new Error("not used");
      },
      decide: async (request) => {
        requests.push(request);
        return outcome;
      },
      executeApproved: (planId, notify) => execute(planId, notify),
      plans,
      conversations: new MemoryConversationStore(),
      audit,
      principalOf: principalsOf(APPROVER, OUTSIDER),
      clock: { now: () => new Date("2026-11-20T20:05:00.000Z") },
      logger,
    };
    const client = new webApi.WebClient("xoxb-test", {
      slackApiUrl: slack.apiUrl,
      retryConfig: { retries: 0 },
    });
    rt = createSlackRuntime(deps, client, inProcessSlackWork);
  });
  afterAll(async () => {
    await slack.close();
  });
  beforeEach(() => {
    slack.reset();
    requests = [];
    execute = async () => {};
  });

  it("passes the clicker's principal, the button's plan and hash, the reason and the time", async () => {
    outcome = {
      ok: false,
      code: "decision.not-authorised",
      message: "Only an approver can approve this plan.",
    };
    await decideInThread(rt, { card, userId: "U0OUTSIDER1", decision: "reject", reason: "no" });
    expect(requests).toEqual([
      {
        planId: "plan-chen",
        planHash: HASH,
        principal: OUTSIDER,
        decision: "reject",
        reason: "no",
        now: new Date("2026-11-20T20:05:00.000Z"),
      },
    ]);
    expect(slack.calls.map((c) => c.method)).toEqual(["chat.postEphemeral"]);
  });

  it("approved: the card shows who and when, the thread gets the orders' progress and a summary", async () => {
    outcome = approved(false);
    execute = async (planId, notify) => {
      for (const [orderId, status] of [
        ["o1", "submitted"],
        ["o1", "filled"],
        ["o2", "rejected"],
      ] as const) {
        await notify({
          planId,
          orderId,
          accountId: "acct-chen-schwab-taxable",
          symbol: "VTI",
          side: "sell",
          quantity: "577",
          status,
          filledQuantity: status === "filled" ? "577" : "0",
          averagePrice: status === "filled" ? "310" : null,
          message: status === "rejected" ? "market closed" : "ok",
          attempt: 1,
        });
      }
    };
    await decideInThread(rt, { card, userId: "U0APPROVER1", decision: "approve" });
    const methods = slack.calls.map((c) => c.method);
    expect(methods[0]).toBe("chat.update");
    expect(slack.calls[0]?.args).toMatchObject({ channel: "C1", ts: card.messageTs });
    const texts = slack.calls
      .map((c) => `${String(c.args.text)} ${JSON.stringify(c.args.blocks ?? "")}`)
      .join("\n");
    expect(texts).toContain("approved plan `plan-chen`: 2 orders queued");
    expect(texts).toContain("SELL 577 VTI in David - Schwab brokerage, filled: 577 at $310.00");
    expect(texts).toContain("rejected by the custodian (market closed)");
    expect(texts).toContain("Orders (2 queued): 1 filled, 1 rejected or failed (see above).");
    expect(await rt.registry.find("plan-chen")).toMatchObject({ channel: "C1", messageTs: card.messageTs });
  });

  it("repeated: only the clicker hears it, nothing is re-sent", async () => {
    outcome = approved(true);
    let executed = 0;
    execute = async () => {
      executed += 1;
    };
    await decideInThread(rt, { card, userId: "U0APPROVER1", decision: "approve" });
    expect(executed).toBe(0);
    expect(slack.calls.map((c) => c.method)).toEqual(["chat.postEphemeral"]);
    expect(String(slack.calls[0]?.args.text)).toContain("already approved by Ben Whitaker");
  });

  it("an approval service failure is reported privately and changes nothing", async () => {
    rt.deps.decide = async () => {
      throw new Error("database down");
    };
    try {
      await decideInThread(rt, { card, userId: "U0APPROVER1", decision: "approve" });
    } finally {
      rt.deps.decide = async (request) => {
        requests.push(request);
        return outcome;
      };
    }
    expect(slack.calls.map((c) => c.method)).toEqual(["chat.postEphemeral"]);
    expect(String(slack.calls[0]?.args.text)).toContain("could not be recorded");
  });

  it("an execution failure after approval is said in the thread", async () => {
    outcome = approved(false);
    execute = async () => {
      throw new Error("venue exploded");
    };
    await decideInThread(rt, { card, userId: "U0APPROVER1", decision: "approve" });
    const last = slack.callsTo("chat.postMessage").at(-1);
    expect(String(last?.args.text)).toContain("They stay queued and are retried");
  });
});
