// A plan too long for one card: the card shows the first trades, and the full detail (every trade and
// lot) goes into the thread as a file through files.uploadV2 (getUploadURLExternal, the upload,
// completeUploadExternal); when Slack refuses the upload, as threaded messages instead. No card at all
// for an asker who may not read the household.
import { webApi } from "@slack/bolt";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_PLAN_SETTINGS, draftPlan } from "../../src/engine/planning/draft-plan.ts";
import type { Plan, PlanTrade } from "../../src/engine/planning/plan.ts";
import type { PlanStore, StoredPlan } from "../../src/ports/plan-store.ts";
import { postPlanCard } from "../../src/slack/post-plan-card.ts";
import type { SlackDeps } from "../../src/slack/slack-deps.ts";
import { createSlackRuntime, type SlackRuntime } from "../../src/slack/slack-runtime.ts";
import { demoFamilies, demoHousehold, demoModel, demoPolicy } from "../support/demo-household.ts";
import { type FakeSlack, startFakeSlack } from "../support/fake-slack.ts";
import { inProcessSlackWork } from "../support/in-process-slack-work.ts";
import { MemoryAuditLog, MemoryConversationStore } from "../support/memory-ports.ts";
import { principalsOf, slackUser } from "./principals.ts";

const ASKER = slackUser("U1", { access: [{ householdId: "hh-chen", role: "ADVISOR" }] });

function longPlan(): Plan {
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
  const plan = drafted.value;
  const trades: PlanTrade[] = [...plan.trades, ...plan.trades].map((t, index) => ({ ...t, index }));
  return { ...plan, trades };
}

describe("the detail of a long plan", () => {
  let slack: FakeSlack;
  let rt: SlackRuntime;
  const stored: StoredPlan = {
    id: "plan-long",
    householdId: "hh-chen",
    hash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    status: "pending-approval",
    createdAt: "2026-11-20T20:03:00.000Z",
    expiresAt: "2026-11-20T20:18:00.000Z",
    plan: longPlan(),
  };
  const thread = { teamId: "T1", channel: "C1", threadTs: "1763668980.000001" };

  beforeAll(async () => {
    slack = await startFakeSlack();
    const logger = pino({ level: "silent" });
    const plans: PlanStore = {
      savePlan: async () => stored,
      getPlan: async (id) => (id === stored.id ? stored : null),
      latestPlan: async () => stored,
      countPending: async () => new Map(),
    };
    const audit = new MemoryAuditLog();
    const deps: SlackDeps = {
      answer: async () => {
        throw new Error("not used");
      },
      decide: async () => {
        throw new Error("not used");
      },
      executeApproved: async () => {},
      plans,
      conversations: new MemoryConversationStore(),
      audit,
      principalOf: principalsOf(ASKER),
      households: async () => ({ name: "Chen Household", custodians: {} }),
      clock: { now: () => new Date("2026-11-20T20:03:00.000Z") },
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
  beforeEach(() => slack.reset());

  it("is uploaded as a file in the thread beside the card", async () => {
    const posted = await postPlanCard(rt, { planId: stored.id, thread, conversationId: null, asker: ASKER });
    expect(posted).toMatchObject({ planId: stored.id, detail: "file" });
    expect(slack.calls.map((c) => c.method)).toEqual([
      "chat.postMessage",
      "files.getUploadURLExternal",
      "files.completeUploadExternal",
    ]);
    expect(JSON.stringify(slack.calls[0]?.args.blocks)).toContain("the first 12 of 22");
    expect(slack.calls[1]?.args).toMatchObject({ filename: "plan-long.txt" });
    expect(slack.calls[2]?.args).toMatchObject({ channel_id: "C1", thread_ts: thread.threadTs });
    const [file] = [...slack.uploads.values()];
    expect(file).toContain("Plan plan-long for Chen Household (hh-chen)");
    expect(file).toContain("22. BUY 1171 VTEB");
    expect(file).toContain("lot-chen-schwab-taxable-vti-2020-11-20 acquired 2020-11-20: 277 sh");
    // The card's location is remembered for the buttons and the order updates.
    expect(await rt.registry.find(stored.id)).toMatchObject({ channel: "C1", threadTs: thread.threadTs });
  });

  it("is posted as threaded messages when the upload is refused", async () => {
    slack.failWith("files.getUploadURLExternal", "missing_scope");
    const posted = await postPlanCard(rt, { planId: stored.id, thread, conversationId: null, asker: ASKER });
    expect(posted?.detail).toBe("messages");
    const parts = slack.callsTo("chat.postMessage").slice(1);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.args.thread_ts).toBe(thread.threadTs);
    const text = parts.map((p) => JSON.stringify(p.args.blocks)).join("");
    expect(text).toContain("22. BUY 1171 VTEB");
  });

  it("is not posted at all to an asker who may not read the household (and the refusal is audited)", async () => {
    const elsewhere = slackUser("U2", { access: [{ householdId: "hh-alvarez", role: "ADVISOR" }] });
    for (const asker of [elsewhere, { kind: "unknown", claimedId: "U0NOBODY999" } as const]) {
      slack.reset();
      const posted = await postPlanCard(rt, { planId: stored.id, thread, conversationId: null, asker });
      expect(posted).toBeNull();
      expect(slack.calls).toHaveLength(0);
      const refusal = (await rt.deps.audit.read(`plan:${stored.id}`)).at(-1);
      expect(refusal).toMatchObject({ type: "access.refused", payload: { action: "household.read" } });
    }
  });
});
