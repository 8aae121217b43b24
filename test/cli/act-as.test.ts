// Every CLI command acts as a principal: --as <slack user id>, else LOTWISE_USER, else the local
// operator. An outsider and an unknown id get no figures and no plan; households outside the grants
// are refused the same way whether or not they exist; firm-wide commands need their role; and what
// the operator does is recorded as operator:<os user>.
import { userInfo } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FORBIDDEN_MESSAGE } from "../../src/access/authorize.ts";
import { createPrismaAuditLog } from "../../src/db/prisma-audit-log.ts";
import { runInProcess } from "../support/cli.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const OPERATOR = `operator:${userInfo().username}`;
const CHEN = "show the Chen household positions";
/** The error line; progress goes to stderr before it. */
const errorLine = (stderr: string) => stderr.trimEnd().split("\n").at(-1);

describe(`lotwise acting as a principal (${BACKEND})`, () => {
  let db: TestDatabase;
  const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) =>
    runInProcess(argv, { database: db, clock, env });
  const plans = () => db.prisma.plan.count();
  const refusals = async () =>
    (await createPrismaAuditLog(db.prisma, clock).read("access")).filter((e) => e.type === "access.refused");

  beforeAll(async () => {
    db = await openTestDatabase();
    await run(["seed", "--demo", "--as-of", "2026-11-20"]);
    await run(["users", "add", "U0OKAFORADV", "--name", "Olu Adeyemi"]);
    await run(["users", "grant", "U0OKAFORADV", "okafor", "--role", "ADVISOR"]);
  });
  afterAll(() => db.close());

  describe.each([
    ["--as", (id: string) => ({ args: ["--as", id], env: {} })],
    ["LOTWISE_USER", (id: string) => ({ args: [], env: { LOTWISE_USER: id } })],
  ])("named with %s", (_how, as) => {
    it("an outsider asking for the Chen positions gets the refusal: no figures, no plan", async () => {
      const before = await plans();
      const { args, env } = as("U0OUTSIDER1");
      const result = await run(["ask", CHEN, ...args], env);
      expect(result.code).toBe(1);
      expect(result.stdout.trim()).toBe(FORBIDDEN_MESSAGE);
      expect(result.stdout).not.toMatch(/\d/);
      expect(await plans()).toBe(before);
    });

    it("an unknown id is refused with one line before anything is done", async () => {
      const before = { plans: await plans(), conversations: await db.prisma.conversation.count() };
      const { args, env } = as("U0NOBODY999");
      const result = await run(["ask", CHEN, ...args], env);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe("");
      const source = args.length > 0 ? "--as" : "LOTWISE_USER";
      expect(errorLine(result.stderr)).toBe(
        `lotwise ask: ${source} U0NOBODY999 is not an active lotwise user, so nothing was done; ask an admin (lotwise users add)`,
      );
      expect(await plans()).toBe(before.plans);
      expect(await db.prisma.conversation.count()).toBe(before.conversations);
      expect((await refusals()).at(-1)).toMatchObject({
        actor: "unknown:U0NOBODY999",
        payload: {
          principal: { id: "U0NOBODY999", kind: "unknown" },
          command: "ask",
          reason: "unknown-user",
        },
      });
    });

    it("plan chen is refused for an outsider exactly as a household that does not exist", async () => {
      const { args, env } = as("U0OUTSIDER1");
      const chen = await run(["plan", "chen", ...args], env);
      expect(chen).toMatchObject({ code: 1, stdout: "" });
      expect(errorLine(chen.stderr)).toBe(`lotwise plan: ${FORBIDDEN_MESSAGE}`);
      const nobody = await run(["plan", "hh-nobody", ...args], env);
      expect({ ...nobody, stderr: errorLine(nobody.stderr) }).toEqual({
        ...chen,
        stderr: errorLine(chen.stderr),
      });
      expect((await refusals()).at(-1)).toMatchObject({
        actor: "user:U0OUTSIDER1",
        payload: { command: "plan", action: "household.read", household: "hh-nobody" },
      });
    });

    it("households lists nothing for an outsider", async () => {
      const { args, env } = as("U0OUTSIDER1");
      expect(JSON.parse((await run(["households", "--json", ...args], env)).stdout)).toEqual([]);
      const text = await run(["households", ...args], env);
      expect(text).toMatchObject({
        code: 0,
        stdout: "No households you may read; ask an admin for a role.\n",
      });
    });
  });

  it("the advisor of one household lists, plans and asks only for it", async () => {
    const as = ["--as", "U0OKAFORADV"];
    const listed = JSON.parse((await run(["households", "--json", ...as])).stdout);
    expect(listed.map((h: { id: string }) => h.id)).toEqual(["hh-okafor"]);
    expect((await run(["plan", "okafor", ...as])).code).toBe(0);
    expect(errorLine((await run(["plan", "chen", ...as])).stderr)).toBe(`lotwise plan: ${FORBIDDEN_MESSAGE}`);
    expect(errorLine((await run(["households", "chen", ...as])).stderr)).toBe(
      `lotwise households: ${FORBIDDEN_MESSAGE}`,
    );
    const before = await plans();
    const asked = await run(["ask", CHEN, ...as]);
    expect(asked.code).toBe(0);
    expect(asked.stdout).toContain(FORBIDDEN_MESSAGE);
    expect(asked.stdout).not.toContain("$");
    expect(await plans()).toBe(before);
    // Replay authorises each recorded call as the principal was then: the refusals replay as refusals.
    const { conversationId } = JSON.parse((await run(["ask", CHEN, "--json", ...as])).stdout);
    const replay = await run([
      "audit",
      "replay",
      "--thread",
      conversationId,
      "--json",
      "--as",
      "U0COMPLIANCE1",
    ]);
    const replayed = JSON.parse(replay.stdout) as { reproduced: boolean; tools: { verdict: string }[] };
    expect(replayed.reproduced).toBe(true);
    expect(replayed.tools.length).toBeGreaterThan(0);
    const models = JSON.parse((await run(["models", "list", "--json", ...as])).stdout);
    const households = models.flatMap((m: { versions: { households: { id: string }[] }[] }) =>
      m.versions.flatMap((v) => v.households.map((h) => h.id)),
    );
    expect(households).toEqual(["hh-okafor"]);
  });

  it("with neither, the local operator acts: plans and audit events name operator:<os user>", async () => {
    const result = await run(["ask", "rebalance the Chen household", "--json"]);
    expect(result.code).toBe(0);
    const answer = JSON.parse(result.stdout);
    expect(answer.planIds).toHaveLength(1);
    const plan = await db.prisma.plan.findUniqueOrThrow({ where: { id: answer.planIds[0] } });
    expect(plan.requestedBy).toBe(OPERATOR);
    const events = await createPrismaAuditLog(db.prisma, clock).read(`conversation:${answer.conversationId}`);
    expect(events.find((e) => e.type === "message.received")?.actor).toBe(OPERATOR);
    expect(events.find((e) => e.type === "tool.call")?.payload).toMatchObject({
      context: { principal: { kind: "operator", id: OPERATOR } },
    });
  });

  it("an advisor's ask drafts a plan that names them, never cli", async () => {
    const result = await run(["ask", "rebalance the Alvarez household", "--json", "--as", "U0ADVISOR1"]);
    const plan = await db.prisma.plan.findUniqueOrThrow({
      where: { id: JSON.parse(result.stdout).planIds[0] },
    });
    expect(plan.requestedBy).toBe("U0ADVISOR1");
  });

  const ADMIN_ONLY = "(that needs the ADMIN role)";
  it.each([
    ["seed", ["--demo"], "U0ADVISOR1", `Alice Moreno (U0ADVISOR1) may not change the book ${ADMIN_ONLY}`],
    [
      "sync",
      ["--custodian", "schwab"],
      "U0COMPLIANCE1",
      `Carla Jensen (U0COMPLIANCE1) may not change the book ${ADMIN_ONLY}`,
    ],
    [
      "models assign",
      ["patel", "growth"],
      "U0APPROVER1",
      `Ben Whitaker (U0APPROVER1) may not change the book ${ADMIN_ONLY}`,
    ],
    [
      "users list",
      [],
      "U0COMPLIANCE1",
      `Carla Jensen (U0COMPLIANCE1) may not manage users and roles ${ADMIN_ONLY}`,
    ],
    [
      "audit export",
      ["--from", "2026-11-01", "--to", "2026-12-01", "--out", "/nonexistent/x.jsonl"],
      "U0ADVISOR1",
      "Alice Moreno (U0ADVISOR1) may not read the audit log (that needs the COMPLIANCE or ADMIN role)",
    ],
  ])("%s as %s is refused, audited, and nothing is done", async (command, args, slackUserId, message) => {
    const assignments = await db.prisma.householdModelAssignment.count();
    const result = await run([...command.split(" "), ...args, "--as", slackUserId]);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(errorLine(result.stderr)).toBe(`lotwise ${command}: ${message}; nothing was done`);
    expect(await db.prisma.householdModelAssignment.count()).toBe(assignments);
    expect((await refusals()).at(-1)).toMatchObject({
      actor: `user:${slackUserId}`,
      payload: { surface: "cli", command },
    });
  });

  it("compliance may read the audit log", async () => {
    const conversation = await db.prisma.conversation.findFirstOrThrow();
    const result = await run(["audit", "replay", "--thread", conversation.id, "--as", "U0COMPLIANCE1"]);
    expect(result.stderr).not.toContain("may not");
    expect(result.stdout).toContain(`conversation:${conversation.id}`);
  });

  it("--help shows the --as option where a command acts as a principal", async () => {
    const help = await run(["plan", "--help"]);
    expect(help.stdout).toContain("Usage: lotwise plan <household>");
    expect(help.stdout).toContain("[--as <slack user id>]");
    expect(help.stdout).toMatch(/--as\s+act as this lotwise user/);
    expect((await run(["ledger", "--help"])).stdout).not.toContain("--as");
    expect((await run(["--help"])).stdout).toContain("LOTWISE_USER");
  });
});
