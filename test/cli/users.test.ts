// `lotwise users` against a real database: the demo's users and roles, adding users, granting and
// revoking household and firm-wide roles, clear errors, and an audit event for every change.
import { userInfo } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

type UserJson = {
  id: string;
  slackUserId: string;
  name: string;
  email: string | null;
  roles: string[];
  active: boolean;
  access: { householdId: string; role: string }[];
};

const ALL = ["hh-alvarez", "hh-brooks", "hh-chen", "hh-okafor", "hh-patel"];

describe(`lotwise users (${BACKEND})`, () => {
  let db: TestDatabase;
  const clock = { now: () => new Date("2026-11-20T20:00:00Z") };
  const run = (argv: string[]) => runInProcess(argv, { database: db, clock });
  const listed = async () => JSON.parse((await run(["users", "list", "--json"])).stdout) as UserJson[];
  const bySlack = async (slackUserId: string) => (await listed()).find((u) => u.slackUserId === slackUserId);

  beforeAll(async () => {
    db = await openTestDatabase();
    await run(["seed", "--demo", "--as-of", "2026-11-20"]);
  });
  afterAll(() => db.close());

  it("the demo seed has an advisor, an approver, compliance and an outsider", async () => {
    const users = await listed();
    expect(users.map((u) => [u.slackUserId, u.name, u.roles])).toEqual([
      ["U0ADVISOR1", "Alice Moreno", []],
      ["U0APPROVER1", "Ben Whitaker", []],
      ["U0COMPLIANCE1", "Carla Jensen", ["COMPLIANCE"]],
      ["U0OUTSIDER1", "Oscar Lind", []],
    ]);
    const access = (slackUserId: string) => users.find((u) => u.slackUserId === slackUserId)?.access;
    expect(access("U0ADVISOR1")).toEqual(ALL.map((householdId) => ({ householdId, role: "ADVISOR" })));
    expect(access("U0APPROVER1")).toEqual(ALL.map((householdId) => ({ householdId, role: "APPROVER" })));
    expect(access("U0COMPLIANCE1")).toEqual([]);
    expect(access("U0OUTSIDER1")).toEqual([]);

    const table = await run(["users", "list"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^SLACK ID\s+NAME\s+EMAIL\s+FIRM ROLES\s+HOUSEHOLD ROLES\s+ACTIVE\n/);
    expect(table.stdout).toMatch(
      /U0APPROVER1\s+Ben Whitaker\s+ben\.whitaker@lotwise-demo\.example\s+-\s+APPROVER: hh-alvarez, hh-brooks, hh-chen, hh-okafor, hh-patel\s+yes/,
    );
    expect(table.stdout).toMatch(/U0COMPLIANCE1\s+Carla Jensen\s+\S+\s+COMPLIANCE\s+-\s+yes/);
  });

  it("adds a user, then updates only what is given", async () => {
    const added = await run([
      "users",
      "add",
      "U0NEWBIE1",
      "--name",
      "Nora Newbie",
      "--email",
      "nora@example.com",
    ]);
    expect(added.code).toBe(0);
    expect(added.stdout).toBe(
      "Added Nora Newbie (U0NEWBIE1, user-u0newbie1): no firm-wide role.\n" +
        "Grant household roles with: lotwise users grant U0NEWBIE1 <household> --role ADVISOR|APPROVER\n",
    );
    const updated = await run(["users", "add", "U0NEWBIE1", "--role", "admin", "--json"]);
    expect(updated.code).toBe(0);
    expect(JSON.parse(updated.stdout)).toEqual({
      id: "user-u0newbie1",
      slackUserId: "U0NEWBIE1",
      name: "Nora Newbie",
      email: "nora@example.com",
      roles: ["ADMIN"],
      active: true,
      access: [],
    });
  });

  it("grants and revokes household roles by Slack id, name or household prefix", async () => {
    const granted = await run(["users", "grant", "U0OUTSIDER1", "chen", "--role", "APPROVER"]);
    expect(granted).toMatchObject({ code: 0, stdout: "Oscar Lind is now an approver for Chen Household.\n" });
    const again = await run(["users", "grant", "oscar", "hh-chen", "--role", "approver"]);
    expect(again.stdout).toBe("Oscar Lind is already an approver for Chen Household; nothing changed.\n");
    expect((await bySlack("U0OUTSIDER1"))?.access).toEqual([{ householdId: "hh-chen", role: "APPROVER" }]);

    const revoked = await run(["users", "revoke", "Oscar Lind", "Chen Household", "--role", "APPROVER"]);
    expect(revoked.stdout).toBe("Oscar Lind is no longer an approver for Chen Household.\n");
    const none = await run(["users", "revoke", "U0OUTSIDER1", "chen", "--role", "APPROVER"]);
    expect(none.stdout).toBe("Oscar Lind is not an approver for Chen Household; nothing changed.\n");
    expect((await bySlack("U0OUTSIDER1"))?.access).toEqual([]);
  });

  it("grants and revokes firm-wide roles without a household", async () => {
    expect((await run(["users", "grant", "U0ADVISOR1", "--role", "COMPLIANCE"])).stdout).toBe(
      "Alice Moreno now has the firm-wide COMPLIANCE role.\n",
    );
    expect((await bySlack("U0ADVISOR1"))?.roles).toEqual(["COMPLIANCE"]);
    const revoked = await run(["users", "revoke", "U0ADVISOR1", "--role", "COMPLIANCE", "--json"]);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ slackUserId: "U0ADVISOR1", roles: [] });
    expect((await run(["users", "revoke", "U0ADVISOR1", "--role", "COMPLIANCE"])).stdout).toBe(
      "Alice Moreno does not have the firm-wide COMPLIANCE role; nothing changed.\n",
    );
  });

  it("audits every change on the users stream", async () => {
    await run(["users", "add", "U0AUDITED1", "--name", "Audited Person"]);
    await run(["users", "grant", "U0AUDITED1", "brooks", "--role", "ADVISOR"]);
    await run(["users", "grant", "U0AUDITED1", "brooks", "--role", "ADVISOR"]);
    const events = await createPrismaAuditLog(db.prisma, clock).read("users");
    const mine = events.filter((e) => JSON.stringify(e.payload).includes("U0AUDITED1"));
    const operator = `operator:${userInfo().username}`;
    expect(mine.map((e) => [e.type, e.actor])).toEqual([
      ["user.added", operator],
      ["user.role-granted", operator],
    ]);
    expect(mine[1]?.payload).toEqual({
      userId: "user-u0audited1",
      slackUserId: "U0AUDITED1",
      role: "ADVISOR",
      householdId: "hh-brooks",
    });
  });

  it.each([
    [
      ["users", "add", "alice"],
      2,
      'lotwise users add: "alice" is not a Slack user id (they look like U0123ABCD)',
    ],
    [["users", "add", "U0NONAME1"], 2, "lotwise users add: --name is required for a new user"],
    [
      ["users", "add", "U0BAD1", "--name", "X", "--email", "nope"],
      2,
      'lotwise users add: "nope" is not an email address',
    ],
    [
      ["users", "add", "U0BAD1", "--name", "X", "--role", "APPROVER"],
      2,
      "lotwise users add: APPROVER is a household role: grant it with lotwise users grant U0BAD1 <household> --role APPROVER",
    ],
    [
      ["users", "grant", "U0OUTSIDER1", "chen", "--role", "boss"],
      2,
      'lotwise users grant: unknown role "boss": household roles are ADVISOR, APPROVER; firm-wide roles are COMPLIANCE, ADMIN',
    ],
    [["users", "grant", "U0OUTSIDER1", "chen"], 2, "lotwise users grant: --role is required"],
    [
      ["users", "grant", "U0OUTSIDER1", "--role", "APPROVER"],
      2,
      "lotwise users grant: APPROVER is held per household: name the household",
    ],
    [
      ["users", "revoke", "U0COMPLIANCE1", "chen", "--role", "COMPLIANCE"],
      2,
      "lotwise users revoke: COMPLIANCE is firm-wide: leave out the household",
    ],
    [
      ["users", "grant", "U0OUTSIDER1", "smith", "--role", "APPROVER"],
      1,
      'lotwise users grant: no household matches "smith"; see lotwise households',
    ],
    [
      ["users", "grant", "U0NOBODY9", "chen", "--role", "APPROVER"],
      1,
      'lotwise users grant: no user matches "U0NOBODY9"; see lotwise users list',
    ],
  ])("refuses %j with exit %i and a clear message", async (argv, code, message) => {
    const before = await listed();
    const result = await run(argv);
    expect(result.code).toBe(code);
    expect(result.stderr.split("\n")).toContain(message);
    expect(await listed()).toEqual(before);
  });

  it("has help for each subcommand", async () => {
    const help = await run(["users", "grant", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: lotwise users grant <user> [<household>] --role ROLE [--json]");
    expect(help.stdout).toContain("Only a household's approvers can approve or reject its plans.");
    expect((await run(["--help"])).stdout).toMatch(/users list\s+List lotwise users/);
  });
});
