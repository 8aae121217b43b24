// The real Bolt app (HTTP receiver on a free port) wired exactly as `lotwise serve` wires it
// (buildSlackDeps: the assistant, the approval service, the outbox on the paper custodian), on a
// seeded test database, talking to a fake Slack Web API; the model through the fake Messages API
// when asked for, else the deterministic fallback.
import { pino } from "pino";
import type { CommandContext } from "../../src/cli/command.ts";
import { buildSlackDeps } from "../../src/cli/commands/serve.ts";
import { answerHealth } from "../../src/cli/health-server.ts";
import { buildDemoBook } from "../../src/demo/demo-book.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { createLogger } from "../../src/logger.ts";
import { createServices, type OpenedStore } from "../../src/main.ts";
import { createSlackApp, EVENTS_PATH, type SlackApp } from "../../src/slack/create-slack-app.ts";
import type { SlackDeps } from "../../src/slack/slack-deps.ts";
import { type FakeAnthropic, startFakeAnthropic } from "../support/fake-anthropic.ts";
import { type FakeSlack, type SlackCall, SlackSender, startFakeSlack } from "../support/fake-slack.ts";
import { inProcessSlackWork } from "../support/in-process-slack-work.ts";
import { openTestDatabase, type TestDatabase } from "../support/test-database.ts";

export const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const CHANNEL = "C0ADVISORS";
export const ADVISOR = "U0ADVISOR1";
export const APPROVER = "U0APPROVER1";
export const COMPLIANCE = "U0COMPLIANCE1";
export const OUTSIDER = "U0OUTSIDER1";
/** The demo book is stamped 20:00 UTC; three minutes later it is fresh (Patel's nightly files aside). */
export const START = "2026-11-20T20:03:00.000Z";

export interface MutableClock {
  now(): Date;
  set(iso: string): void;
  advance(ms: number): void;
}

export function mutableClock(start: string): MutableClock {
  let current = Date.parse(start);
  return {
    now: () => new Date(current),
    set: (iso) => {
      current = Date.parse(iso);
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface SlackHarness {
  db: TestDatabase;
  opened: OpenedStore;
  slack: FakeSlack;
  anthropic: FakeAnthropic | null;
  app: SlackApp;
  deps: SlackDeps;
  sender: SlackSender;
  clock: MutableClock;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Through the real SDK against a fake Messages API (default: no key, the fallback). */
  model?: boolean;
  /** Hold the HTTP response until the listener returns (Bolt's processBeforeResponse). */
  processBeforeResponse?: boolean;
  /** Replace parts of the real wiring. */
  override?: (deps: SlackDeps) => Partial<SlackDeps>;
  /** Socket Mode (through the fake's apps.connections.open and WebSocket) instead of HTTP. */
  socket?: boolean;
  /** More environment (wins over the test values); its SLACK_BOT_TOKEN is the app's bot token. */
  env?: NodeJS.ProcessEnv;
  /** The app's own logger (createLogger, every level) writing here, instead of a silent one. */
  logDestination?: pino.DestinationStream;
}

export const APP_TOKEN = "xapp-test-token";

export async function openSlackHarness(options: HarnessOptions = {}): Promise<SlackHarness> {
  const db = await openTestDatabase();
  const slack = await startFakeSlack();
  const anthropic = options.model ? await startFakeAnthropic() : null;
  const clock = mutableClock(START);
  const logger = options.logDestination
    ? createLogger({ level: "trace", pretty: false }, options.logDestination)
    : pino({ level: process.env.TEST_LOG_LEVEL ?? "silent" });
  const env: NodeJS.ProcessEnv = {
    ...(anthropic ? { ANTHROPIC_API_KEY: "test-key", ANTHROPIC_BASE_URL: anthropic.url } : {}),
    ...options.env,
  };
  const services = createServices(env, { isTty: false, database: db, clock, logger });
  const opened = await services.openStore();
  await opened.store.seedDemo(
    buildDemoBook({ anchorDate: isoDate("2026-11-20"), now: "2026-11-20T20:00:00.000Z" }),
  );
  const context: CommandContext = {
    io: {
      stdout: { write: () => true },
      stderr: { write: () => true },
      stdoutIsTty: false,
      stderrIsTty: false,
    },
    services,
  };
  const wired = (await buildSlackDeps(context, opened)).deps;
  const deps: SlackDeps = { ...wired, ...(options.override?.(wired) ?? {}) };
  const app = createSlackApp(deps, {
    botToken: options.env?.SLACK_BOT_TOKEN ?? "xoxb-test-token",
    mode: options.socket
      ? { kind: "socket", appToken: APP_TOKEN }
      : {
          kind: "http",
          signingSecret: SIGNING_SECRET,
          port: 0,
          processBeforeResponse: options.processBeforeResponse ?? false,
        },
    apiUrl: slack.apiUrl,
    retries: 0,
    work: inProcessSlackWork,
    health: answerHealth(async () => ({ ready: true, checks: {} })),
  });
  const { port } = await app.start();
  const sender = new SlackSender(`http://127.0.0.1:${port}${EVENTS_PATH}`, SIGNING_SECRET);
  return {
    db,
    opened,
    slack,
    anthropic,
    app,
    deps,
    sender,
    clock,
    async close() {
      await app.stop();
      await anthropic?.close();
      await slack.close();
      await opened.close();
      await db.close();
    },
  };
}

// --- reading what the app sent -------------------------------------------------------------------

type Block = { type: string; block_id?: string; elements?: { action_id?: string; value?: string }[] };

export function blocksOf(call: SlackCall): Block[] {
  return Array.isArray(call.args.blocks) ? (call.args.blocks as Block[]) : [];
}

export function hasApproveButton(call: SlackCall): boolean {
  return blocksOf(call).some(
    (b) => b.type === "actions" && (b.elements ?? []).some((e) => e.action_id === "approve_plan"),
  );
}

/** The plan cards posted (chat.postMessage with the Approve button), with the ts the fake gave them. */
export function postedCards(
  slack: FakeSlack,
): { call: SlackCall; ts: string; threadTs: string; channel: string }[] {
  return slack
    .callsTo("chat.postMessage")
    .filter(hasApproveButton)
    .map((call) => ({
      call,
      ts: String(call.response?.ts),
      threadTs: String(call.args.thread_ts),
      channel: String(call.args.channel),
    }));
}

export function textOf(call: SlackCall): string {
  const blocks = JSON.stringify(call.args.blocks ?? "");
  return `${String(call.args.text ?? "")}\n${blocks}`;
}

/** The value, or a failed test saying what was missing. */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}`);
  return value;
}
