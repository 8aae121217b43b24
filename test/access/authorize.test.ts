import { describe, expect, it } from "vitest";
import {
  authorize,
  can,
  hasAnyRole,
  readableHouseholds,
  readsEveryHousehold,
} from "../../src/access/authorize.ts";
import {
  actorOf,
  operatorPrincipal,
  type Principal,
  principalFromRecord,
  principalId,
  principalRecord,
  resolveUser,
} from "../../src/access/principal.ts";
import type { AppUser } from "../../src/ports/user-store.ts";

const user = (over: Partial<AppUser>): Principal => ({
  kind: "user",
  user: {
    id: "user-x",
    slackUserId: "U0X",
    name: "X",
    email: null,
    roles: [],
    active: true,
    access: [],
    ...over,
  },
});
const advisor = user({ access: [{ householdId: "hh-chen", role: "ADVISOR" }] });
const approver = user({ access: [{ householdId: "hh-chen", role: "APPROVER" }] });
const compliance = user({ roles: ["COMPLIANCE"] });
const admin = user({ roles: ["ADMIN"] });
const outsider = user({});
const unknown: Principal = { kind: "unknown", claimedId: "U0NOBODY999" };
const operator = operatorPrincipal("ana");

describe("authorize", () => {
  it("advisors read and draft for their households only", () => {
    expect(can(advisor, "household.read", "hh-chen")).toBe(true);
    expect(can(advisor, "household.draft", "hh-chen")).toBe(true);
    expect(can(advisor, "plan.decide", "hh-chen")).toBe(false);
    expect(can(advisor, "household.read", "hh-patel")).toBe(false);
  });
  it("approvers read and decide for theirs, and never draft", () => {
    expect(can(approver, "household.read", "hh-chen")).toBe(true);
    expect(can(approver, "plan.decide", "hh-chen")).toBe(true);
    expect(can(approver, "household.draft", "hh-chen")).toBe(false);
    expect(can(approver, "plan.decide", "hh-patel")).toBe(false);
  });
  it("compliance reads everything and changes nothing", () => {
    expect(can(compliance, "household.read", "hh-anything")).toBe(true);
    expect(can(compliance, "audit.read")).toBe(true);
    expect(can(compliance, "household.draft", "hh-chen")).toBe(false);
    expect(can(compliance, "plan.decide", "hh-chen")).toBe(false);
    expect(can(compliance, "book.manage")).toBe(false);
    expect(can(compliance, "jobs.read")).toBe(true);
    expect(can(compliance, "jobs.manage")).toBe(false);
  });
  it("admins and the operator manage and read but never decide a plan", () => {
    for (const p of [admin, operator]) {
      expect(can(p, "household.read", "hh-chen")).toBe(true);
      expect(can(p, "users.manage")).toBe(true);
      expect(can(p, "jobs.read")).toBe(true);
      expect(can(p, "jobs.manage")).toBe(true);
      expect(can(p, "plan.decide", "hh-chen")).toBe(false);
    }
  });
  it("only compliance, admins and the operator see the job queue; only admins and the operator retry", () => {
    for (const p of [advisor, approver, outsider, unknown]) {
      expect(can(p, "jobs.read")).toBe(false);
      expect(can(p, "jobs.manage")).toBe(false);
    }
  });
  it("an unknown id and a user with no role may do nothing, with the same refusal whether or not the household exists", () => {
    for (const p of [unknown, outsider]) {
      expect(hasAnyRole(p)).toBe(false);
      expect(readableHouseholds(p, [{ id: "hh-chen" }])).toEqual([]);
      const a = authorize(p, "household.read", "hh-chen");
      const b = authorize(p, "household.read", "hh-does-not-exist");
      expect(a).toEqual(b);
      expect(a.ok ? null : a.error.code).toBe("forbidden");
    }
  });
  it("names principals for the audit log and the plan's requester", async () => {
    expect(actorOf(advisor)).toBe("user:U0X");
    expect(principalId(operator)).toBe("operator:ana");
    expect(actorOf(unknown)).toBe("unknown:U0NOBODY999");
    const users = {
      findBySlackId: async (id: string) => (id === "U0X" ? (advisor as { user: AppUser }).user : null),
    };
    expect((await resolveUser(users, "U0X")).kind).toBe("user");
    expect((await resolveUser(users, "U0NOBODY999")).kind).toBe("unknown");
    const inactive = {
      findBySlackId: async () => ({ ...(advisor as { user: AppUser }).user, active: false }),
    };
    expect((await resolveUser(inactive, "U0X")).kind).toBe("unknown");
  });
  it("only firm-wide readers may learn that a household does not exist", () => {
    expect([compliance, admin, operator].map(readsEveryHousehold)).toEqual([true, true, true]);
    expect([advisor, approver, outsider, unknown].map(readsEveryHousehold)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
  it("a recorded principal authorises exactly as it did, without name or email", () => {
    for (const p of [advisor, approver, compliance, admin, outsider, unknown, operator]) {
      const record = principalRecord(p);
      expect(JSON.stringify(record)).not.toContain('"name"');
      const back = principalFromRecord(JSON.parse(JSON.stringify(record)));
      expect(principalId(back)).toBe(principalId(p));
      expect(actorOf(back)).toBe(actorOf(p));
      for (const action of ["household.read", "household.draft", "plan.decide"] as const) {
        for (const household of ["hh-chen", "hh-patel"]) {
          expect(can(back, action, household)).toBe(can(p, action, household));
        }
      }
      for (const action of [
        "audit.read",
        "jobs.read",
        "book.manage",
        "jobs.manage",
        "users.manage",
      ] as const) {
        expect(can(back, action)).toBe(can(p, action));
      }
    }
  });
});
