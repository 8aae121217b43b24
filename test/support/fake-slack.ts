// A local stand-in for Slack: the Web API at /api/<method> (what the Bolt app calls through
// `clientOptions.slackApiUrl`), recording every call and answering like Slack does (ts values, ok
// flags, upload URLs); and the other direction, signed requests to the app's HTTP receiver (events
// as JSON, slash commands and interactivity form-encoded), with good, forged or stale signatures.
import { createHash, createHmac } from "node:crypto";
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export const TEAM_ID = "T0LOTWISE";
export const BOT_USER_ID = "U0LOTWISEBOT";
export const BOT_ID = "B0LOTWISE";

export interface SlackCall {
  method: string;
  /** Form fields, with JSON-looking values (blocks, view, prompts) parsed. */
  args: Record<string, unknown>;
  authorization: string | undefined;
  /** Milliseconds since the epoch (real time) when the call arrived. */
  at: number;
  /** What the fake answered (null until it has). */
  response: Record<string, unknown> | null;
}

export interface FakeSlack {
  /** For `slackApiUrl` / SLACK_API_URL: ends in /api/. */
  apiUrl: string;
  calls: SlackCall[];
  /** The calls of these methods, in order. */
  callsTo(...methods: string[]): SlackCall[];
  /** Uploaded file bodies (files.uploadV2's step 2), by file id. */
  uploads: Map<string, string>;
  /** Makes `method` answer `{ ok: false, error }` (every call, or the next `times`). */
  failWith(method: string, error: string, times?: number): void;
  /** Holds every answer to `method` back by `ms`. */
  delay(method: string, ms: number): void;
  /** What apps.connections.open returns (Socket Mode): this fake's own WebSocket endpoint by default. */
  socketUrl: string | null;
  /** Socket Mode: the connected app, envelopes sent to it and its acknowledgements. */
  socket: FakeSocketMode;
  /** Resolves when `predicate` holds over the recorded calls (polls; fails after `timeoutMs`). */
  waitFor(predicate: (calls: SlackCall[]) => boolean, timeoutMs?: number): Promise<void>;
  reset(): void;
  close(): Promise<void>;
}

let tsCounter = 0;
/** A Slack message timestamp ("1763668980.000123"), increasing within the process. */
export function nextTs(): string {
  tsCounter += 1;
  return `${Math.floor(Date.now() / 1000)}.${String(tsCounter).padStart(6, "0")}`;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const calls: SlackCall[] = [];
  const uploads = new Map<string, string>();
  const failures = new Map<string, { error: string; times: number }>();
  const delays = new Map<string, number>();
  let fileCounter = 0;
  let viewCounter = 0;
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) =>
      json(res, { ok: false, error: `fake_error: ${String(error)}` }),
    );
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  server.on("upgrade", (req, socket) => {
    if ((req.url ?? "").startsWith("/socket")) fake.socket.accept(req, socket as Socket);
    else socket.destroy();
  });

  const fake: FakeSlack = {
    apiUrl: `${base}/api/`,
    calls,
    callsTo: (...methods) => calls.filter((c) => methods.includes(c.method)),
    uploads,
    failWith(method, error, times = Number.POSITIVE_INFINITY) {
      failures.set(method, { error, times });
    },
    delay(method, ms) {
      delays.set(method, ms);
    },
    socketUrl: `${base.replace("http:", "ws:")}/socket`,
    socket: createSocketMode(),
    async waitFor(predicate, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(calls)) {
        if (Date.now() > until) {
          throw new Error(
            `fake Slack: condition not met within ${timeoutMs} ms; calls: ${calls.map((c) => c.method).join(", ")}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    reset() {
      calls.length = 0;
      uploads.clear();
      failures.clear();
      delays.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        fake.socket.closeAll();
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (path.startsWith("/upload/")) {
      const fileId = path.slice("/upload/".length);
      uploads.set(fileId, uploadedText(raw, req.headers["content-type"]));
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`OK - ${raw.length}`);
      return;
    }
    if (!path.startsWith("/api/")) {
      res.writeHead(404);
      res.end();
      return;
    }
    const method = path.slice("/api/".length);
    const args = parseArgs(raw.toString("utf8"), req.headers["content-type"]);
    const authorization = req.headers.authorization;
    const call: SlackCall = { method, args, authorization, at: Date.now(), response: null };
    calls.push(call);
    const wait = delays.get(method);
    if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
    const failure = failures.get(method);
    if (failure && failure.times > 0) {
      failure.times -= 1;
      call.response = { ok: false, error: failure.error };
    } else {
      call.response = answer(method, args);
    }
    json(res, call.response);
  }

  function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case "auth.test":
        return {
          ok: true,
          url: "https://lotwise-test.slack.com/",
          team: "Lotwise Test",
          user: "lotwise",
          team_id: TEAM_ID,
          user_id: BOT_USER_ID,
          bot_id: BOT_ID,
          is_enterprise_install: false,
        };
      case "chat.postMessage": {
        const ts = nextTs();
        return {
          ok: true,
          channel: args.channel,
          ts,
          message: {
            type: "message",
            user: BOT_USER_ID,
            bot_id: BOT_ID,
            text: args.text,
            ts,
            ...(args.thread_ts ? { thread_ts: args.thread_ts } : {}),
            ...(args.blocks ? { blocks: args.blocks } : {}),
          },
        };
      }
      case "chat.update":
        return { ok: true, channel: args.channel, ts: args.ts, text: args.text };
      case "chat.postEphemeral":
        return { ok: true, message_ts: nextTs() };
      case "views.open":
        viewCounter += 1;
        return {
          ok: true,
          view: { id: `V${String(viewCounter).padStart(8, "0")}`, ...(args.view as object) },
        };
      case "assistant.threads.setStatus":
      case "assistant.threads.setSuggestedPrompts":
      case "assistant.threads.setTitle":
        return { ok: true };
      case "conversations.replies":
        return { ok: true, messages: [], has_more: false };
      case "files.getUploadURLExternal": {
        fileCounter += 1;
        const fileId = `F${String(fileCounter).padStart(8, "0")}`;
        return { ok: true, upload_url: `${base}/upload/${fileId}`, file_id: fileId };
      }
      case "files.completeUploadExternal": {
        const files = Array.isArray(args.files) ? (args.files as { id: string; title?: string }[]) : [];
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title ?? "" })) };
      }
      case "apps.connections.open":
        return fake.socketUrl ? { ok: true, url: fake.socketUrl } : { ok: false, error: "not_configured" };
      default:
        return { ok: false, error: "unknown_method" };
    }
  }

  return fake;
}

function parseArgs(text: string, contentType: string | undefined): Record<string, unknown> {
  if (text === "") return {};
  if (contentType?.includes("application/json")) return JSON.parse(text) as Record<string, unknown>;
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/** The file's text out of a multipart body (or the raw body). */
function uploadedText(raw: Buffer, contentType: string | undefined): string {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType ?? "");
  const text = raw.toString("utf8");
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) return text;
  const part = text.split(`--${marker}`).find((p) => p.includes("filename="));
  if (!part) return text;
  const start = part.indexOf("\r\n\r\n");
  return part.slice(start + 4).replace(/\r\n$/, "");
}

function json(res: ServerResponse, body: unknown) {
  if (res.headersSent) return;
  res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}

// --- Socket Mode: a minimal WebSocket server speaking Slack's envelope protocol ---------------------

export interface SocketEnvelope {
  envelope_id: string;
  type: "events_api" | "interactive" | "slash_commands";
  payload: unknown;
  accepts_response_payload: boolean;
  retry_attempt: number;
  retry_reason: string;
}

export interface FakeSocketMode {
  /** Connections opened by the app so far. */
  connections: number;
  /** Messages the app sent (acknowledgements: { envelope_id, payload }). */
  received: { envelope_id?: string; payload?: unknown }[];
  /** Sends an envelope to the connected app; resolves with the app's acknowledgement. */
  send(type: SocketEnvelope["type"], payload: unknown): Promise<{ envelope_id?: string; payload?: unknown }>;
  accept(req: IncomingMessage, socket: Socket): void;
  closeAll(): void;
}

const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

function createSocketMode(): FakeSocketMode {
  const sockets = new Set<Socket>();
  const waiting = new Map<string, (message: { envelope_id?: string; payload?: unknown }) => void>();
  let envelopes = 0;
  const fake: FakeSocketMode = {
    connections: 0,
    received: [],
    send(type, payload) {
      const socket = [...sockets].at(-1);
      if (!socket) return Promise.reject(new Error("fake Socket Mode: the app is not connected"));
      envelopes += 1;
      const envelope: SocketEnvelope = {
        envelope_id: `env-${envelopes}`,
        type,
        payload,
        accepts_response_payload: type !== "events_api",
        retry_attempt: 0,
        retry_reason: "",
      };
      return new Promise((resolve) => {
        waiting.set(envelope.envelope_id, resolve);
        socket.write(wsFrame(0x1, Buffer.from(JSON.stringify(envelope))));
      });
    },
    accept(req, socket) {
      const key = String(req.headers["sec-websocket-key"] ?? "");
      const accept = createHash("sha1")
        .update(key + WS_GUID)
        .digest("base64");
      socket.write(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
          `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      sockets.add(socket);
      fake.connections += 1;
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => sockets.delete(socket));
      let buffer: Buffer = Buffer.alloc(0);
      socket.on("data", (chunk: Buffer) => {
        buffer = Buffer.concat([buffer, chunk]);
        for (;;) {
          const frame = readFrame(buffer);
          if (!frame) break;
          buffer = buffer.subarray(frame.length);
          if (frame.opcode === 0x8) {
            socket.end(wsFrame(0x8, Buffer.alloc(0)));
            return;
          }
          if (frame.opcode === 0x9) socket.write(wsFrame(0xa, frame.payload));
          if (frame.opcode === 0x1) {
            const message = JSON.parse(frame.payload.toString("utf8")) as {
              envelope_id?: string;
              payload?: unknown;
            };
            fake.received.push(message);
            const resolve = message.envelope_id ? waiting.get(message.envelope_id) : undefined;
            if (resolve && message.envelope_id) {
              waiting.delete(message.envelope_id);
              resolve(message);
            }
          }
        }
      });
      const hello = {
        type: "hello",
        num_connections: 1,
        connection_info: { app_id: "A0LOTWISE" },
        debug_info: {},
      };
      socket.write(wsFrame(0x1, Buffer.from(JSON.stringify(hello))));
    },
    closeAll() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
  return fake;
}

/** A server-to-client frame (final, unmasked). */
function wsFrame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x80 | opcode, length]);
  } else if (length < 65_536) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** One client-to-server frame (masked), or null until it has fully arrived. */
function readFrame(buffer: Buffer): { opcode: number; payload: Buffer; length: number } | null {
  if (buffer.length < 2) return null;
  const opcode = (buffer[0] ?? 0) & 0x0f;
  const masked = ((buffer[1] ?? 0) & 0x80) !== 0;
  let length = (buffer[1] ?? 0) & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buffer.length < 4) return null;
    length = buffer.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buffer.length < 10) return null;
    length = Number(buffer.readBigUInt64BE(2));
    offset = 10;
  }
  const maskLength = masked ? 4 : 0;
  if (buffer.length < offset + maskLength + length) return null;
  const mask = buffer.subarray(offset, offset + maskLength);
  const payload = Buffer.from(buffer.subarray(offset + maskLength, offset + maskLength + length));
  if (masked) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  return { opcode, payload, length: offset + maskLength + length };
}

// --- signed requests to the app ------------------------------------------------------------------

export interface SignOptions {
  /** Seconds since the epoch (default: now). */
  timestamp?: number;
  /** Sign with this secret instead (a forgery). */
  secret?: string;
  /** Send this signature header verbatim. */
  signature?: string;
}

export interface AppResponse {
  status: number;
  body: string;
  /** When the response headers arrived (ms since the epoch). */
  at: number;
}

/** Slack's signature: v0=hex(hmac_sha256(secret, "v0:<ts>:<body>")). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export class SlackSender {
  constructor(
    readonly url: string,
    readonly signingSecret: string,
  ) {}

  async post(body: string, contentType: string, options: SignOptions = {}): Promise<AppResponse> {
    const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
    const signature =
      options.signature ?? slackSignature(options.secret ?? this.signingSecret, timestamp, body);
    const response = await fetch(this.url, {
      method: "POST",
      headers: {
        "content-type": contentType,
        "x-slack-request-timestamp": String(timestamp),
        "x-slack-signature": signature,
      },
      body,
    });
    const at = Date.now();
    return { status: response.status, body: await response.text(), at };
  }

  /** An Events API callback (JSON). */
  event(event: Record<string, unknown>, options: SignOptions & { eventId?: string } = {}) {
    return this.post(JSON.stringify(eventEnvelope(event, options.eventId)), "application/json", options);
  }

  /** A slash command (form-encoded). */
  command(fields: Record<string, string>, options: SignOptions = {}) {
    return this.post(new URLSearchParams(fields).toString(), "application/x-www-form-urlencoded", options);
  }

  /** Interactivity: block_actions or view_submission (form-encoded `payload=`). */
  interaction(payload: unknown, options: SignOptions = {}) {
    return this.post(
      new URLSearchParams({ payload: JSON.stringify(payload) }).toString(),
      "application/x-www-form-urlencoded",
      options,
    );
  }
}

let eventCounter = 0;

export function eventEnvelope(event: Record<string, unknown>, eventId?: string) {
  eventCounter += 1;
  return {
    token: "legacy-verification-token",
    team_id: TEAM_ID,
    api_app_id: "A0LOTWISE",
    event: { event_ts: event.ts ?? nextTs(), ...event },
    type: "event_callback",
    event_id: eventId ?? `Ev${String(eventCounter).padStart(8, "0")}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      {
        enterprise_id: null,
        team_id: TEAM_ID,
        user_id: BOT_USER_ID,
        is_bot: true,
        is_enterprise_install: false,
      },
    ],
    is_ext_shared_channel: false,
  };
}

export function mentionEvent(options: {
  user: string;
  channel: string;
  text: string;
  ts?: string;
  threadTs?: string;
}) {
  const ts = options.ts ?? nextTs();
  return {
    type: "app_mention",
    user: options.user,
    text: `<@${BOT_USER_ID}> ${options.text}`,
    ts,
    channel: options.channel,
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  };
}

export function directMessageEvent(options: {
  user: string;
  channel: string;
  text: string;
  ts?: string;
  threadTs?: string;
}) {
  const ts = options.ts ?? nextTs();
  return {
    type: "message",
    channel_type: "im",
    user: options.user,
    text: options.text,
    ts,
    channel: options.channel,
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  };
}

export function slashCommand(options: { user: string; channel: string; text: string }) {
  return {
    token: "legacy-verification-token",
    team_id: TEAM_ID,
    team_domain: "lotwise-test",
    channel_id: options.channel,
    channel_name: "advisors",
    user_id: options.user,
    user_name: options.user.toLowerCase(),
    command: "/lotwise",
    text: options.text,
    api_app_id: "A0LOTWISE",
    response_url: "http://127.0.0.1:9/commands/response",
    trigger_id: `trigger-${nextTs()}`,
  };
}

/** A click on one of a posted message's buttons, as Slack sends it. */
export function blockActions(options: {
  user: string;
  channel: string;
  message: { ts: string; thread_ts?: string; blocks: unknown[]; text?: string };
  actionId: string;
  /** Default: the value on the message's button with that action id. */
  value?: string;
}) {
  const button = findButton(options.message.blocks, options.actionId);
  const value = options.value ?? button?.value;
  return {
    type: "block_actions",
    user: {
      id: options.user,
      username: options.user.toLowerCase(),
      name: options.user.toLowerCase(),
      team_id: TEAM_ID,
    },
    api_app_id: "A0LOTWISE",
    token: "legacy-verification-token",
    container: {
      type: "message",
      message_ts: options.message.ts,
      channel_id: options.channel,
      is_ephemeral: false,
      ...(options.message.thread_ts ? { thread_ts: options.message.thread_ts } : {}),
    },
    trigger_id: `trigger-${nextTs()}`,
    team: { id: TEAM_ID, domain: "lotwise-test" },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: options.channel, name: "advisors" },
    message: {
      type: "message",
      user: BOT_USER_ID,
      bot_id: BOT_ID,
      text: options.message.text ?? "",
      ts: options.message.ts,
      ...(options.message.thread_ts ? { thread_ts: options.message.thread_ts } : {}),
      blocks: options.message.blocks,
    },
    response_url: "http://127.0.0.1:9/actions/response",
    actions: [
      {
        type: "button",
        action_id: options.actionId,
        block_id: button?.blockId ?? "plan_actions",
        text: { type: "plain_text", text: "Button", emoji: true },
        value,
        action_ts: `${Date.now() / 1000}`,
      },
    ],
  };
}

/** Submitting a modal opened by views.open (its view, with the typed values). */
export function viewSubmission(options: {
  user: string;
  view: { callback_id: string; private_metadata?: string; id?: string };
  values: Record<string, Record<string, { type: string; value: string | null }>>;
}) {
  return {
    type: "view_submission",
    team: { id: TEAM_ID, domain: "lotwise-test" },
    user: {
      id: options.user,
      username: options.user.toLowerCase(),
      name: options.user.toLowerCase(),
      team_id: TEAM_ID,
    },
    api_app_id: "A0LOTWISE",
    token: "legacy-verification-token",
    trigger_id: `trigger-${nextTs()}`,
    view: {
      id: options.view.id ?? "V00000001",
      team_id: TEAM_ID,
      type: "modal",
      callback_id: options.view.callback_id,
      private_metadata: options.view.private_metadata ?? "",
      state: { values: options.values },
      hash: "1763668980.abcdef",
      app_id: "A0LOTWISE",
      bot_id: BOT_ID,
    },
    response_urls: [],
  };
}

function findButton(blocks: unknown[], actionId: string): { value: string; blockId: string } | null {
  for (const block of blocks as { type?: string; block_id?: string; elements?: unknown[] }[]) {
    if (block.type !== "actions") continue;
    for (const element of (block.elements ?? []) as { action_id?: string; value?: string }[]) {
      if (element.action_id === actionId && typeof element.value === "string") {
        return { value: element.value, blockId: block.block_id ?? "" };
      }
    }
  }
  return null;
}
