import Anthropic from "@anthropic-ai/sdk";
import { afterEach, describe, expect, it } from "vitest";
import {
  apiError,
  overloaded,
  rateLimited,
  serverError,
  startFakeAnthropic,
  text,
  unauthorized,
} from "../support/fake-anthropic.ts";
import { type Harness, startHarness } from "./agent-harness.ts";

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.fake.close();
  harness = undefined;
});

async function start(...args: Parameters<typeof startHarness>) {
  harness = await startHarness(...args);
  return harness;
}

async function errorEvents(h: Harness) {
  const events = await h.audit.read("conversation:conv-1");
  return events.filter((e) => e.type === "model.error").map((e) => e.payload);
}

describe("model call retries", () => {
  it("retries a 429 after the server's retry-after, then backs off, then succeeds", async () => {
    const h = await start([rateLimited({ "retry-after": "2" }), rateLimited(), text("Hello.")]);

    const outcome = await h.ask("hi");

    expect(outcome).toMatchObject({ kind: "reply", text: "Hello." });
    expect(h.fake.requests).toHaveLength(3);
    expect(h.sleeps).toEqual([2000, 200]);
    expect(await errorEvents(h)).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: 429,
        type: "rate_limit_error",
        retryable: true,
        delayMs: 2000,
      }),
      expect.objectContaining({
        attempt: 2,
        status: 429,
        requestId: "req_fake_2",
        retryable: true,
        delayMs: 200,
      }),
    ]);
    const events = await h.audit.read("conversation:conv-1");
    expect(events.filter((e) => e.type === "model.request").map((e) => e.payload)).toEqual([
      expect.objectContaining({ turn: 1, attempt: 1 }),
      expect.objectContaining({ turn: 1, attempt: 2 }),
      expect.objectContaining({ turn: 1, attempt: 3 }),
    ]);
  });

  it("caps a long retry-after at maxRetryAfterMs", async () => {
    const h = await start([rateLimited({ "retry-after": "3600" }), text("Hello.")], {
      limits: { maxRetryAfterMs: 5_000 },
    });
    await h.ask("hi");
    expect(h.sleeps).toEqual([5_000]);
  });

  it("retries a 500 with the default backoff", async () => {
    const h = await start([serverError(), text("Hello.")], { limits: {} });
    await h.ask("hi");
    expect(h.sleeps).toEqual([1_000]);
  });

  it("gives up with model-unavailable after an overloaded 529 four times, doubling the delay", async () => {
    const h = await start([overloaded(), overloaded(), overloaded(), overloaded(), text("never sent")]);

    const outcome = await h.ask("hi");

    expect(outcome).toEqual({
      kind: "model-unavailable",
      reason: "the model API is overloaded (529) (gave up after 4 attempts)",
      conversationId: "conv-1",
      planIds: [],
    });
    expect(h.fake.requests).toHaveLength(4);
    expect(h.sleeps).toEqual([100, 200, 400]);
    expect((await errorEvents(h)).map((e) => (e as { delayMs: number | null }).delayMs)).toEqual([
      100,
      200,
      400,
      null,
    ]);
    const events = await h.audit.read("conversation:conv-1");
    expect(events.at(-1)).toMatchObject({ type: "agent.model-unavailable" });
  });

  it("gives up at once with model-unavailable when the API key is refused (401)", async () => {
    const h = await start([unauthorized(), text("never sent")]);

    const outcome = await h.ask("hi");

    expect(outcome).toMatchObject({ kind: "model-unavailable" });
    expect(outcome.kind === "model-unavailable" && outcome.reason).toMatch(/the API key was refused \(401\)/);
    expect(h.fake.requests).toHaveLength(1);
    expect(h.sleeps).toEqual([]);
    expect(await errorEvents(h)).toEqual([
      expect.objectContaining({ attempt: 1, status: 401, retryable: false, delayMs: null }),
    ]);
  });

  it("does not retry a 400 and passes on the API's message", async () => {
    const h = await start([apiError(400, "invalid_request_error", "messages: roles must alternate")]);
    const outcome = await h.ask("hi");
    expect(outcome.kind === "model-unavailable" && outcome.reason).toBe(
      "the model API rejected the request (400): messages: roles must alternate",
    );
    expect(h.sleeps).toEqual([]);
  });

  it("times out a slow request and retries it", async () => {
    const h = await start([{ status: 200, body: text("too late"), delayMs: 2_000 }, text("Hello.")], {
      limits: { requestTimeoutMs: 100, backoffMs: 100 },
    });

    const outcome = await h.ask("hi");

    expect(outcome).toMatchObject({ kind: "reply", text: "Hello." });
    expect(h.sleeps).toEqual([100]);
    expect(await errorEvents(h)).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: null,
        error: "APIConnectionTimeoutError",
        retryable: true,
      }),
    ]);
  });

  it("retries when the API cannot be reached, then reports model-unavailable", async () => {
    const dead = await startFakeAnthropic();
    const url = dead.url;
    await dead.close();
    const h = await start([], { client: new Anthropic({ apiKey: "test", baseURL: url, maxRetries: 0 }) });

    const outcome = await h.ask("hi");

    expect(outcome).toEqual({
      kind: "model-unavailable",
      reason: "the model API could not be reached (gave up after 4 attempts)",
      conversationId: "conv-1",
      planIds: [],
    });
    expect(h.sleeps).toEqual([100, 200, 400]);
  });
});
