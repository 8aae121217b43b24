// Real faults against real processes: `lotwise serve` is killed with SIGKILL after Slack was told
// "got it" and before the answer went out, and the next process answers exactly once, well within
// 60 s: the request was a job in the database, not a promise in memory.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type FakeSlack,
  type SlackCall,
  SlackSender,
  slashCommand,
  startFakeSlack,
} from "../support/fake-slack.ts";
import {
  freePort,
  openServeHome,
  SERVE_SIGNING_SECRET,
  type ServeHome,
  SLACK_UP,
  WORKERS_UP,
} from "../support/serve-process.ts";
import { BACKEND } from "../support/test-database.ts";

const isCard = (c: SlackCall) =>
  c.method === "chat.postMessage" && JSON.stringify(c.args.blocks ?? "").includes("approve_plan");
const isRoot = (c: SlackCall) =>
  c.method === "chat.postMessage" && String(c.args.text ?? "").includes("asked:");

describe(`a request survives the process that acknowledged it (${BACKEND})`, () => {
  let slack: FakeSlack;
  let home: ServeHome;

  beforeAll(async () => {
    slack = await startFakeSlack();
    home = await openServeHome({
      SLACK_BOT_TOKEN: "xoxb-crash-test",
      SLACK_API_URL: slack.apiUrl,
      LOTWISE_WORKER_HEARTBEAT_MS: "250",
    });
  }, 120_000);
  afterEach(() => slack.reset());
  afterAll(async () => {
    await home.close();
    await slack.close();
  });

  const askForAPlan = async (port: number) => {
    const sender = new SlackSender(`http://127.0.0.1:${port}/slack/events`, SERVE_SIGNING_SECRET);
    const ack = await sender.command(
      slashCommand({ user: "U0ADVISOR1", channel: "C1", text: "plan Chen" }) as Record<string, string>,
    );
    expect(ack.status).toBe(200);
  };

  const answeredWithin60s = async (port: number) => {
    const restarted = Date.now();
    const next = await home.serve("all", WORKERS_UP, { PORT: String(port) });
    await slack
      .waitFor((calls) => calls.some(isCard), 60_000)
      .catch((error) => {
        throw new Error(`${error}\n${next.output()}`);
      });
    expect(Date.now() - restarted).toBeLessThan(60_000);
    // Time for a second answer to show, were there one.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    return next;
  };

  it("a-slash-command-acked-by-a-process-killed-before-it-answered-is-answered-once-after-restart", async () => {
    const port = await freePort();
    const web = await home.serve("web", SLACK_UP, { PORT: String(port) });
    await askForAPlan(port);
    // Killed at once: nothing but the queue holds the request.
    await web.kill();
    expect(slack.calls.filter(isRoot)).toHaveLength(0);

    const next = await answeredWithin60s(port);
    expect(slack.calls.filter(isRoot)).toHaveLength(1);
    expect(slack.calls.filter(isCard)).toHaveLength(1);
    await next.kill();
  }, 120_000);

  it("a-worker-killed-in-the-middle-of-the-answer-has-its-job-released-and-the-answer-goes-out-once", async () => {
    const port = await freePort();
    const first = await home.serve("all", WORKERS_UP, { PORT: String(port) });
    // The thread is opened, and the answer is held back while the process dies.
    slack.delay("chat.update", 30_000);
    await askForAPlan(port);
    await slack.waitFor((calls) => calls.some((c) => c.method === "chat.update"), 60_000);
    await first.kill();
    slack.reset();

    const next = await answeredWithin60s(port);
    // The retry answers in the thread the first attempt opened: no second root message, one card.
    expect(slack.calls.filter(isRoot)).toHaveLength(0);
    expect(slack.calls.filter(isCard)).toHaveLength(1);
    await next.kill();
  }, 120_000);
});
