// A local stand-in for the Messages API: POST /v1/messages answered from a script (a queue of
// bodies and HTTP errors, or a function of the request), every request recorded. The real SDK
// client talks to it through `baseURL`.
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type Anthropic from "@anthropic-ai/sdk";

/** A non-2xx answer (or a slow one: `delayMs` holds the response back). */
export interface FakeHttpReply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Anthropic.MessageCreateParamsNonStreaming;
}

export type FakeReply = Anthropic.Message | FakeHttpReply;
export type FakeResponder = (request: RecordedRequest, index: number) => FakeReply | Promise<FakeReply>;
export type FakeStep = FakeReply | FakeResponder;

export interface FakeAnthropic {
  /** For `baseURL`. */
  url: string;
  requests: RecordedRequest[];
  /** Adds steps to the queue; a function step answers one request. */
  enqueue(...steps: FakeStep[]): void;
  /** Answers every request once the queue is empty. */
  respondWith(responder: FakeResponder): void;
  close(): Promise<void>;
}

export async function startFakeAnthropic(script: FakeStep[] = []): Promise<FakeAnthropic> {
  const queue = [...script];
  const requests: RecordedRequest[] = [];
  let fallback: FakeResponder | null = null;
  const timers = new Set<NodeJS.Timeout>();
  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      send(
        res,
        { status: 500, body: errorBody("api_error", `fake failed: ${String(error)}`) },
        "req_fake_error",
      );
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? "").split("?")[0] ?? "";
    if (req.method !== "POST" || path !== "/v1/messages") {
      send(
        res,
        { status: 404, body: errorBody("not_found_error", `fake has no ${req.method} ${path}`) },
        "req_404",
      );
      return;
    }
    const recorded: RecordedRequest = {
      method: req.method,
      path,
      headers: req.headers,
      body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as Anthropic.MessageCreateParamsNonStreaming,
    };
    const index = requests.push(recorded) - 1;
    const step = queue.shift() ?? fallback;
    const reply: FakeReply =
      step === null
        ? {
            status: 400,
            body: errorBody("invalid_request_error", `fake script exhausted at request ${index + 1}`),
          }
        : typeof step === "function"
          ? await step(recorded, index)
          : step;
    const requestId = `req_fake_${index + 1}`;
    if ("status" in reply) {
      if (reply.delayMs) await delay(reply.delayMs);
      send(res, reply, requestId);
    } else {
      send(res, { status: 200, body: reply }, requestId);
    }
  }

  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    enqueue: (...steps) => {
      queue.push(...steps);
    },
    respondWith: (responder) => {
      fallback = responder;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(res: ServerResponse, reply: FakeHttpReply, requestId: string) {
  if (res.destroyed) return;
  res.writeHead(reply.status, {
    "content-type": "application/json",
    "request-id": requestId,
    ...reply.headers,
  });
  res.end(JSON.stringify(reply.body));
}

function errorBody(type: string, message: string) {
  return { type: "error", error: { type, message }, request_id: null };
}

let messageCounter = 0;

export interface MessageOptions {
  id?: string;
  model?: string;
  usage?: Partial<Anthropic.Usage>;
}

/** A realistic Messages API response body. */
export function message(
  content: Anthropic.ContentBlock[],
  stopReason: Anthropic.StopReason,
  options: MessageOptions = {},
): Anthropic.Message {
  messageCounter += 1;
  return {
    id: options.id ?? `msg_fake_${String(messageCounter).padStart(4, "0")}`,
    type: "message",
    role: "assistant",
    model: options.model ?? "claude-sonnet-5-5",
    content,
    stop_reason: stopReason,
    stop_sequence: null,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage: {
      input_tokens: 412,
      output_tokens: 58,
      cache_creation_input_tokens: 1_830,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 1_830, ephemeral_1h_input_tokens: 0 },
      inference_geo: "us",
      output_tokens_details: null,
      server_tool_use: null,
      service_tier: "standard",
      speed: "standard",
      ...options.usage,
    },
  };
}

export function text(value: string, options?: MessageOptions): Anthropic.Message {
  return message([{ type: "text", text: value, citations: null }], "end_turn", options);
}

let toolUseCounter = 0;

export function toolUseBlock(name: string, input: unknown, id?: string): Anthropic.ToolUseBlock {
  toolUseCounter += 1;
  return {
    type: "tool_use",
    id: id ?? `toolu_fake_${String(toolUseCounter).padStart(4, "0")}`,
    name,
    input,
    caller: { type: "direct" },
  };
}

/** The model calling one tool (with a short preamble, as Claude usually writes). */
export function toolUse(
  name: string,
  input: unknown,
  id?: string,
  options?: MessageOptions,
): Anthropic.Message {
  return message(
    [{ type: "text", text: `Calling ${name}.`, citations: null }, toolUseBlock(name, input, id)],
    "tool_use",
    options,
  );
}

/** The model calling several tools in one turn. */
export function toolUses(blocks: Anthropic.ToolUseBlock[], options?: MessageOptions): Anthropic.Message {
  return message(blocks, "tool_use", options);
}

export function apiError(
  status: number,
  type: string,
  errorMessage: string,
  headers?: Record<string, string>,
): FakeHttpReply {
  return { status, body: errorBody(type, errorMessage), ...(headers ? { headers } : {}) };
}

export const overloaded = (): FakeHttpReply => apiError(529, "overloaded_error", "Overloaded");
export const rateLimited = (headers?: Record<string, string>): FakeHttpReply =>
  apiError(
    429,
    "rate_limit_error",
    "Number of request tokens has exceeded your per-minute rate limit",
    headers,
  );
export const serverError = (): FakeHttpReply => apiError(500, "api_error", "Internal server error");
export const unauthorized = (): FakeHttpReply => apiError(401, "authentication_error", "invalid x-api-key");
