// `lotwise serve`: the terminal mode (no Slack tokens) runs the Slack flow in the terminal (one
// scripted request without a terminal; requests and decisions with --interactive), the Slack modes
// refuse a half configuration, and the real executable serves signed HTTP requests against a fake
// Slack Web API until it is stopped.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveMode } from "../../src/cli/commands/serve.ts";
import { ROOT, runInProcess } from "../support/cli.ts";
import { type FakeSlack, mentionEvent, SlackSender, startFakeSlack } from "../support/fake-slack.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

describe(`lotwise serve (${BACKEND})`, () => {
  let db: TestDatabase;
  const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}, stdin?: string[]) =>
    runInProcess(argv, { database: db, clock, env, ...(stdin ? { stdin } : {}) });

  beforeAll(async () => {
    db = await openTestDatabase();
    await run(["seed", "--demo", "--as-of", "2026-11-20"]);
  });
  afterAll(async () => {
    await db.close();
  });

  it("no tokens and no terminal: one scripted request, the answer and the card, no decision", async () => {
    const result = await run(["serve"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("local mode (no Slack tokens)");
    expect(result.stdout).toContain("> rebalance the Chen household");
    expect(result.stdout).toContain("answered by the rules engine alone");
    expect(result.stdout).toMatch(/SELL\s+577 VTI/);
    expect(result.stdout).toContain("Approval needs an approver");
    expect(result.stderr).toContain("Drafting the trades (draft_trades)");
    expect(await db.prisma.approval.count()).toBe(0);
  });

  it("an outsider's approval at the prompt is refused and nothing is written", async () => {
    const result = await run(["serve", "--interactive", "--as", "U0OUTSIDER1"], {}, [
      "rebalance the Alvarez household",
      "approve",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Refused (decision.not-authorised): Only an approver for Alvarez");
    expect(await db.prisma.approval.count()).toBe(0);
    expect(await db.prisma.order.count()).toBe(0);
  });

  it("a rejection at the prompt needs a reason", async () => {
    const result = await run(["serve", "--interactive"], {}, [
      "rebalance the Alvarez household",
      "reject",
      "reject the client wants to wait",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("A reason is required: reject <reason>.");
    expect(result.stdout).toContain(
      "Rejected by Ben Whitaker at 2026-11-20 20:03 UTC: the client wants to wait.",
    );
    expect(await db.prisma.approval.findMany()).toMatchObject([{ decision: "REJECTED" }]);
    expect(await db.prisma.order.count()).toBe(0);
  });

  it("approving at the prompt sends the orders to the paper custodian and prints the fills", async () => {
    const result = await run(["serve", "--interactive"], {}, ["rebalance the Chen household", "approve"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Approved by Ben Whitaker at 2026-11-20 20:03 UTC; 11 orders queued");
    expect(result.stdout).toMatch(/SELL 577 VTI in David - Schwab brokerage, filled: 577 at \$\d/);
    expect(result.stdout).toContain("Orders (11 queued): 11 filled.");
    const orders = await db.prisma.order.findMany({ where: { status: "FILLED" } });
    expect(orders).toHaveLength(11);
  });

  it("a half-configured Slack app is a usage error, before anything is opened", async () => {
    const botOnly = await run(["serve"], { SLACK_BOT_TOKEN: "xoxb-1" });
    expect(botOnly.code).toBe(2);
    expect(botOnly.stderr).toContain("neither SLACK_APP_TOKEN (Socket Mode) nor SLACK_SIGNING_SECRET (HTTP)");
    const noBot = await run(["serve"], { SLACK_SIGNING_SECRET: "secret-secret" });
    expect(noBot.code).toBe(2);
    expect(noBot.stderr).toContain("SLACK_BOT_TOKEN is not");
    const start = await run(["start"], { SLACK_APP_TOKEN: "xapp-1" });
    expect(start.code).toBe(2);
  });

  it("a bot token Slack refuses stops serve at start, with Slack's reason", async () => {
    const slack = await startFakeSlack();
    try {
      slack.failWith("auth.test", "invalid_auth");
      const result = await run(["serve"], {
        SLACK_BOT_TOKEN: "xoxb-revoked",
        SLACK_SIGNING_SECRET: "serve-test-signing-secret",
        SLACK_API_URL: slack.apiUrl,
        PORT: String(await freePort()),
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/could not start the Slack app \(HTTP on port \d+\): .*invalid_auth/);
    } finally {
      await slack.close();
    }
  });

  it("picks Socket Mode with an app token, HTTP with a signing secret, the terminal with neither", () => {
    const slack = { botToken: "xoxb-1", appToken: null, signingSecret: null, apiUrl: null, port: 3000 };
    expect(serveMode({ ...slack, botToken: null })).toEqual({ kind: "local" });
    expect(serveMode({ ...slack, signingSecret: "s3cr3t-s3cr3t" })).toEqual({
      kind: "http",
      botToken: "xoxb-1",
      signingSecret: "s3cr3t-s3cr3t",
      port: 3000,
    });
    expect(serveMode({ ...slack, appToken: "xapp-1", signingSecret: "s3cr3t-s3cr3t" })).toMatchObject({
      kind: "socket",
    });
    expect(serveMode({ ...slack, appToken: "xapp-1" }, true)).toEqual({ kind: "local" });
  });
});

describe.runIf(BACKEND === "pglite")("bin/lotwise.js serve over HTTP", () => {
  let slack: FakeSlack;
  let home: string;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    slack = await startFakeSlack();
    home = mkdtempSync(join(tmpdir(), "lotwise-serve-"));
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await slack.close();
    rmSync(home, { recursive: true, force: true });
  });

  it("serves signed requests on PORT against SLACK_API_URL, and stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const secret = "serve-test-signing-secret";
    child = spawn(process.execPath, [join(ROOT, "bin/lotwise.js"), "serve"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        LOTWISE_HOME: home,
        LOG_LEVEL: "warn",
        SLACK_BOT_TOKEN: "xoxb-serve-test",
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.on("exit", (code) => resolve(code)));
    const until = Date.now() + 90_000;
    while (!stderr.includes("Slack HTTP on port")) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`serve did not start:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(stderr).toContain(`port ${port}, /slack/events`);

    const sender = new SlackSender(`http://127.0.0.1:${port}/slack/events`, secret);
    const forged = await sender.event(mentionEvent({ user: "U0ADVISOR1", channel: "C1", text: "hi" }), {
      secret: "wrong",
    });
    expect(forged.status).toBe(401);
    const mention = mentionEvent({ user: "U0ADVISOR1", channel: "C1", text: "rebalance the Chen household" });
    expect((await sender.event(mention)).status).toBe(200);
    await slack.waitFor((calls) =>
      calls.some(
        (c) =>
          c.method === "chat.postMessage" && JSON.stringify(c.args.blocks ?? "").includes("approve_plan"),
      ),
    );
    expect(slack.calls.every((c) => c.authorization === "Bearer xoxb-serve-test")).toBe(true);
    expect(slack.callsTo("chat.postMessage")[0]?.args).toMatchObject({
      channel: "C1",
      thread_ts: mention.ts,
    });

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
