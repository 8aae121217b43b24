// Who may read a household through the tools: an outsider, an unknown id and an advisor of another
// household are refused by every household tool, identically for a real household and one that does
// not exist; find_household only ever names households the asker may read; compliance and approvers
// read but do not draft.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORBIDDEN_MESSAGE } from "../../src/access/authorize.ts";
import type { Principal } from "../../src/access/principal.ts";
import { checkWashSaleTool } from "../../tools/check-wash-sale.ts";
import { computeDriftTool } from "../../tools/compute-drift.ts";
import { draftTradesTool } from "../../tools/draft-trades.ts";
import { explainTool } from "../../tools/explain.ts";
import { findHarvestableLotsTool } from "../../tools/find-harvestable-lots.ts";
import { findHouseholdTool } from "../../tools/find-household.ts";
import { getPositionsTool } from "../../tools/get-positions.ts";
import { suggestReplacementsTool } from "../../tools/suggest-replacements.ts";
import type { Tool } from "../../tools/tool.ts";
import { BACKEND } from "../support/test-database.ts";
import { openToolHarness, type ToolHarness } from "./harness.ts";

/** Every tool that takes a household id, with an input that would succeed for an advisor of it. */
const HOUSEHOLD_TOOLS: [Tool, (householdId: string) => object][] = [
  [getPositionsTool, (householdId) => ({ householdId })],
  [computeDriftTool, (householdId) => ({ householdId })],
  [findHarvestableLotsTool, (householdId) => ({ householdId })],
  [checkWashSaleTool, (householdId) => ({ householdId })],
  [
    checkWashSaleTool,
    (householdId) => ({
      householdId,
      trades: [{ accountId: "acct-chen-schwab-taxable", symbol: "VTI", side: "sell", quantity: "10" }],
    }),
  ],
  [suggestReplacementsTool, (householdId) => ({ householdId, symbol: "VEA" })],
  [explainTool, (householdId) => ({ householdId, subject: "VOO" })],
  [draftTradesTool, (householdId) => ({ householdId })],
];

describe(`household access through the tools (${BACKEND})`, () => {
  let h: ToolHarness;
  const as = (principal: Principal) => ({ principal });

  beforeAll(async () => {
    h = await openToolHarness();
    const okafor = await h.users.upsert({ slackUserId: "U0OKAFORADV", name: "Olu Adeyemi" });
    await h.users.grant(okafor.user.id, "hh-okafor", "ADVISOR");
    const two = await h.users.upsert({ slackUserId: "U0TWOHH", name: "Tess Ward" });
    await h.users.grant(two.user.id, "hh-chen", "ADVISOR");
    await h.users.grant(two.user.id, "hh-alvarez", "APPROVER");
  });
  afterAll(() => h.close());

  describe.each([
    ["an outsider with no role", "U0OUTSIDER1", FORBIDDEN_MESSAGE],
    [
      "an id lotwise does not know",
      "U0NOBODY999",
      "You are not set up in lotwise, so you have no role on this household; ask an admin.",
    ],
    ["the advisor of another household", "U0OKAFORADV", FORBIDDEN_MESSAGE],
  ])("%s", (_who, slackUserId, message) => {
    it.each(HOUSEHOLD_TOOLS.map(([tool, input], i) => [`${tool.name} #${i}`, tool, input] as const))(
      "%s is forbidden, the same for hh-chen as for a household that does not exist",
      async (_name, tool, input) => {
        const principal = await h.principal(slackUserId);
        const plansBefore = await h.db.prisma.plan.count();
        const real = await h.outcome(tool, input("hh-chen"), as(principal));
        const missing = await h.outcome(tool, input("hh-nobody"), as(principal));
        expect(real).toEqual({ ok: false, code: "forbidden", message });
        expect(missing).toEqual(real);
        expect(await h.db.prisma.plan.count()).toBe(plansBefore);
      },
    );

    it("find_household names nothing outside the grants, and says the same for a real and a made-up name", async () => {
      const principal = await h.principal(slackUserId);
      const chen = await h.outcome(findHouseholdTool, { query: "chen" }, as(principal));
      expect(chen).toEqual({ ok: false, code: "forbidden", message });
      expect(await h.outcome(findHouseholdTool, { query: "hh-chen" }, as(principal))).toEqual(chen);
      expect(await h.outcome(findHouseholdTool, { query: "Smithers" }, as(principal))).toEqual(chen);
    });
  });

  it("the advisor of one household finds only it, even by a prefix every household shares", async () => {
    const principal = await h.principal("U0OKAFORADV");
    const found = await h.value<{ id: string }>(findHouseholdTool, { query: "hh" }, as(principal));
    expect(found.id).toBe("hh-okafor");
    const positions = await h.outcome(getPositionsTool, { householdId: "hh-okafor" }, as(principal));
    expect(positions.ok).toBe(true);
  });

  it("an ambiguity lists only the households the asker may read", async () => {
    const principal = await h.principal("U0TWOHH");
    const outcome = await h.outcome(findHouseholdTool, { query: "hh" }, as(principal));
    expect(outcome).toMatchObject({ ok: false, code: "household.ambiguous" });
    if (outcome.ok) return;
    expect(outcome.message).toContain("Chen Household (hh-chen)");
    expect(outcome.message).toContain("Alvarez Household (hh-alvarez)");
    for (const other of ["patel", "okafor", "brooks"]) expect(outcome.message).not.toContain(other);
  });

  it("compliance reads every household but cannot draft, and nothing is stored", async () => {
    const principal = await h.principal("U0COMPLIANCE1");
    for (const householdId of ["hh-chen", "hh-patel", "hh-okafor"]) {
      expect((await h.outcome(getPositionsTool, { householdId }, as(principal))).ok).toBe(true);
    }
    const plansBefore = await h.db.prisma.plan.count();
    const drafted = await h.outcome(draftTradesTool, { householdId: "hh-chen" }, as(principal));
    expect(drafted).toMatchObject({ ok: false, code: "forbidden" });
    if (!drafted.ok) expect(drafted.message).toContain("not draft");
    expect(await h.db.prisma.plan.count()).toBe(plansBefore);
  });

  it("an approver reads their household but cannot draft for it", async () => {
    const principal = await h.principal("U0TWOHH");
    expect((await h.outcome(computeDriftTool, { householdId: "hh-alvarez" }, as(principal))).ok).toBe(true);
    expect(await h.outcome(draftTradesTool, { householdId: "hh-alvarez" }, as(principal))).toMatchObject({
      ok: false,
      code: "forbidden",
    });
  });

  it("the demo advisor drafts, and the plan records them as its requester", async () => {
    const drafted = await h.value<{ planId: string }>(draftTradesTool, { householdId: "hh-chen" });
    const row = await h.db.prisma.plan.findUniqueOrThrow({ where: { id: drafted.planId } });
    expect(row.requestedBy).toBe("U0ADVISOR1");
  });
});
