// Real faults against real processes: `lotwise serve` is killed with SIGKILL after Slack was told
// "got it" and before the answer went out, and the next process answers exactly once, well within
// 60 s: the request was a job in the database, not a promise in memory.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../support/cli.ts";
import {
  type FakeSlack,
  type SlackCall,
  SlackSender,
  slashCommand,
  startFakeSlack,
} from "../support/fake-slack.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../support/test-database.ts";

const SECRET = "crash-test-signing-secret";
const isCard = (c: SlackCall) =>
  c.method === "chat.postMessage" && JSON.stringify(c.args.blocks ?? "").includes("approve_plan");
const isRoot = (c: SlackCall) =>
  c.method === "chat.postMessage" && String(c.args.text ?? "").includes("asked:");

describe(`a request survives the process that acknowledged it (${BACKEND})`, () => {
  let slack: FakeSlack;
  let db: TestDatabase | null = null;
  let home: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    slack = await startFakeSlack();
    home = mkdtempSync(join(tmpdir(), "lotwise-crash-"));
    if (BACKEND === "postgres") {
      // A PostgreSQL book is never the demo unless asked for (the embedded one seeds itself).
      db = await openTestDatabase();
      const seeded = spawnSync(process.execPath, [join(ROOT, "bin/lotwise.js"), "seed", "--demo"], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, LOTWISE_HOME: home, DATABASE_URL: db.url, LOG_LEVEL: "warn" },
        encoding: "utf8",
      });
      if (seeded.status !== 0) throw new Error(`seed --demo failed: ${seeded.stderr}`);
    }
  }, 120_000);
  afterEach(() => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    slack.reset();
  });
  afterAll(async () => {
    await db?.close();
    await slack.close();
    rmSync(home, { recursive: true, force: true });
  });

  async function serve(
    port: number,
    role: "web" | "all",
  ): Promise<{ child: ChildProcess; stderr: () => string }> {
    const child = spawn(process.execPath, [join(ROOT, "bin/lotwise.js"), "serve", "--role", role], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        LOTWISE_HOME: home,
        ...(db?.url ? { DATABASE_URL: db.url } : {}),
        LOG_LEVEL: process.env.CRASH_TEST_LOG_LEVEL ?? "warn",
        SLACK_BOT_TOKEN: "xoxb-crash-test",
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: String(port),
        LOTWISE_WORKER_HEARTBEAT_MS: "250",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const ready = role === "web" ? "Slack HTTP on port" : "workers on the job queue";
    const until = Date.now() + 90_000;
    while (!stderr.includes(ready)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`serve did not start:\n${stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return { child, stderr: () => stderr };
  }

  async function killed(child: ChildProcess): Promise<void> {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  }

  it("a-slash-command-acked-by-a-process-killed-before-it-answered-is-answered-once-after-restart", async () => {
    const port = await freePort();
    const web = await serve(port, "web");
    const sender = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SECRET);
    const ack = await sender.command(
      slashCommand({ user: "U0ADVISOR1", channel: "C1", text: "plan Chen" }) as Record<string, string>,
    );
    expect(ack.status).toBe(200);
    // Killed at once: nothing but the queue holds the request.
    await killed(web.child);
    expect(slack.calls.filter(isRoot)).toHaveLength(0);

    const restarted = Date.now();
    const next = await serve(port, "all");
    await slack
      .waitFor((calls) => calls.some(isCard), 60_000)
      .catch((error) => {
        throw new Error(
          `${error}\n${next.stderr()}\n${JSON.stringify(slack.calls.map((c) => [c.method, c.args.text]))}`,
        );
      });
    expect(Date.now() - restarted).toBeLessThan(60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(slack.calls.filter(isRoot)).toHaveLength(1);
    expect(slack.calls.filter(isCard)).toHaveLength(1);
    await killed(next.child);
  }, 120_000);

  it("a-worker-killed-in-the-middle-of-the-answer-has-its-job-released-and-the-answer-goes-out-once", async () => {
    const port = await freePort();
    const first = await serve(port, "all");
    // The thread is opened, and the answer is held back while the process dies.
    slack.delay("chat.update", 30_000);
    const sender = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SECRET);
    const ack = await sender.command(
      slashCommand({ user: "U0ADVISOR1", channel: "C1", text: "plan Chen" }) as Record<string, string>,
    );
    expect(ack.status).toBe(200);
    await slack.waitFor((calls) => calls.some((c) => c.method === "chat.update"), 60_000);
    await killed(first.child);
    slack.reset();

    const restarted = Date.now();
    const next = await serve(port, "all");
    await slack
      .waitFor((calls) => calls.some(isCard), 60_000)
      .catch((error) => {
        throw new Error(
          `${error}\n${next.stderr()}\n${JSON.stringify(slack.calls.map((c) => [c.method, c.args.text]))}`,
        );
      });
    expect(Date.now() - restarted).toBeLessThan(60_000);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    // The retry answers in the thread the first attempt opened: no second root message, one card.
    expect(slack.calls.filter(isRoot)).toHaveLength(0);
    expect(slack.calls.filter(isCard)).toHaveLength(1);
    await killed(next.child);
  }, 120_000);
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
