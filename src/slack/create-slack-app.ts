// The Bolt app: HTTP (signed requests on /slack/events; events, commands and interactivity share
// the one URL) or Socket Mode, listeners for every surface, and the order-update hook for the
// outbox worker. Every listener hands its work to the queue (durable: a job in the database) and
// then acknowledges, so Slack gets its answer within 3 s whatever the model and the custodians take,
// and nothing Slack was told about is lost if this process dies.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { App, HTTPReceiver, SocketModeReceiver, type webApi } from "@slack/bolt";
import { boltLogger } from "./bolt-logger.ts";
import { assistantSurface } from "./listeners/assistant.ts";
import { listenToDirectMessages } from "./listeners/direct-messages.ts";
import { listenToMentions } from "./listeners/mentions.ts";
import { listenToPlanActions } from "./listeners/plan-actions.ts";
import { listenToSlashCommand } from "./listeners/slash-command.ts";
import type { OrderUpdate, SlackDeps } from "./slack-deps.ts";
import { EVENTS_PATH, HEALTH_PATH, READY_PATH } from "./slack-endpoints.ts";
import { createSlackRuntime, type SlackRuntime } from "./slack-runtime.ts";
import type { SlackWorkQueue } from "./slack-work-queue.ts";

export { EVENTS_PATH } from "./slack-endpoints.ts";

export type SlackMode =
  | {
      kind: "http";
      signingSecret: string;
      /** 0: any free port (tests). */
      port: number;
      /**
       * true (default): the HTTP 200 goes out when the listener returns, so an event is acknowledged
       * only once its work is queued; false: at ack().
       */
      processBeforeResponse?: boolean;
    }
  | { kind: "socket"; appToken: string };

export interface SlackAppOptions {
  botToken: string;
  mode: SlackMode;
  /** The Web API base URL (SLACK_API_URL), ending in /api/; Slack's own when null. */
  apiUrl?: string | null;
  /** Web API retries per call (default 3, over about a minute). */
  retries?: number;
  /** Who takes the work after the ack (the durable queue; tests may do it in process). */
  work: (rt: SlackRuntime) => SlackWorkQueue;
  /** Answers GET /healthz and /readyz beside /slack/events (HTTP mode). */
  health: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

export interface SlackApp {
  app: App;
  /** What the listeners share (the workers in this process do the queued work with it). */
  runtime: SlackRuntime;
  /** Starts receiving; the HTTP port when serving HTTP. */
  start(): Promise<{ port: number | null }>;
  /** Stops receiving. */
  stop(): Promise<void>;
  /** Resolves when the work handed over so far is done. */
  idle(): Promise<void>;
  /** Posts an order update to its plan's thread (the outbox worker's `notify`). */
  notifyOrderUpdate(update: OrderUpdate): Promise<void>;
}

export function createSlackApp(deps: SlackDeps, options: SlackAppOptions): SlackApp {
  const logger = boltLogger(deps.logger);
  const clientOptions: webApi.WebClientOptions = {
    ...(options.apiUrl ? { slackApiUrl: options.apiUrl } : {}),
    retryConfig: { retries: options.retries ?? 3, factor: 2, minTimeout: 1000, maxTimeout: 20_000 },
  };
  const { mode } = options;
  const receiver =
    mode.kind === "http"
      ? new HTTPReceiver({
          signingSecret: mode.signingSecret,
          endpoints: EVENTS_PATH,
          port: mode.port,
          processBeforeResponse: mode.processBeforeResponse ?? true,
          logger,
          customRoutes: [HEALTH_PATH, READY_PATH].map((path) => ({
            path,
            method: "GET",
            handler: (req, res) => void options.health(req, res),
          })),
        })
      : new SocketModeReceiver({
          appToken: mode.appToken,
          logger,
          // apps.connections.open honours SLACK_API_URL too.
          installerOptions: { clientOptions },
        });
  const app = new App({
    token: options.botToken,
    receiver,
    logger,
    clientOptions,
    deferInitialization: true,
    ...(mode.kind === "socket" ? { socketMode: true, appToken: mode.appToken } : {}),
  });

  const rt = createSlackRuntime(deps, app.client, options.work);

  app.assistant(assistantSurface(rt));
  listenToMentions(app, rt);
  listenToDirectMessages(app, rt);
  listenToSlashCommand(app, rt);
  listenToPlanActions(app, rt);
  app.error(async (error) => {
    deps.logger.error({ err: error }, "slack listener failed");
  });

  return {
    app,
    runtime: rt,
    async start() {
      // auth.test: a wrong or revoked bot token fails here, not on the first event (nor as an
      // unhandled rejection from the constructor, hence deferInitialization).
      await app.init();
      if (mode.kind === "socket") {
        await app.start();
        return { port: null };
      }
      const server = (await app.start(mode.port)) as Server;
      return { port: (server.address() as AddressInfo).port };
    },
    async stop() {
      await app.stop();
    },
    idle: () => rt.work.idle(),
    notifyOrderUpdate: (update) => rt.orders.notify(update),
  };
}
