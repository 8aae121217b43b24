// One model call with our own retries (the SDK's are turned off so every attempt is audited):
// 408, 429, 5xx, 529 (overloaded), timeouts and connection failures are retried after
// backoffMs * 2^retry, or after the server's retry-after (capped); other 4xx fail at once.
import Anthropic from "@anthropic-ai/sdk";
import type { ConversationAudit } from "./conversation-audit.ts";

export interface RetryPolicy {
  maxRetries: number;
  backoffMs: number;
  maxRetryAfterMs: number;
  requestTimeoutMs: number;
}

export interface CallModelDeps {
  client: Anthropic;
  audit: ConversationAudit;
  policy: RetryPolicy;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export type ModelCall = { ok: true; message: Anthropic.Message } | { ok: false; reason: string };

export async function callModel(
  params: Anthropic.MessageCreateParamsNonStreaming,
  requestAudit: Record<string, unknown>,
  deps: CallModelDeps,
): Promise<ModelCall> {
  const { policy, audit } = deps;
  for (let attempt = 1; ; attempt++) {
    await audit("model.request", "system", { ...requestAudit, attempt });
    const started = deps.now();
    try {
      const message = await deps.client.messages.create(params, {
        timeout: policy.requestTimeoutMs,
        maxRetries: 0,
      });
      await audit("model.response", "assistant", {
        attempt,
        id: message.id,
        model: message.model,
        stopReason: message.stop_reason,
        content: message.content,
        usage: message.usage,
        latencyMs: Math.round(deps.now() - started),
        requestId: message._request_id ?? null,
      });
      return { ok: true, message };
    } catch (error) {
      if (!(error instanceof Anthropic.APIError)) throw error;
      const failure = classify(error, params.model, policy.requestTimeoutMs);
      const retry = failure.retryable && attempt <= policy.maxRetries;
      const delayMs = retry ? retryDelay(error, attempt, policy) : null;
      await audit("model.error", "system", {
        attempt,
        status: error.status ?? null,
        type: error.type,
        error: error.constructor.name,
        message: error.apiMessage ?? error.message,
        requestId: error.requestID ?? null,
        retryable: failure.retryable,
        delayMs,
        latencyMs: Math.round(deps.now() - started),
      });
      if (delayMs === null) {
        const reason = failure.retryable
          ? `${failure.reason} (gave up after ${attempt} attempts)`
          : failure.reason;
        return { ok: false, reason };
      }
      await deps.sleep(delayMs);
    }
  }
}

interface Failure {
  retryable: boolean;
  reason: string;
}

function classify(error: InstanceType<typeof Anthropic.APIError>, model: string, timeoutMs: number): Failure {
  if (error instanceof Anthropic.APIConnectionTimeoutError) {
    return { retryable: true, reason: `the model API did not answer within ${timeoutMs} ms` };
  }
  if (error instanceof Anthropic.APIConnectionError) {
    return { retryable: true, reason: "the model API could not be reached" };
  }
  const status = error.status ?? 0;
  const detail = error.apiMessage ? `: ${error.apiMessage}` : "";
  if (status === 529) return { retryable: true, reason: "the model API is overloaded (529)" };
  if (status === 429) return { retryable: true, reason: "the model API is rate limiting us (429)" };
  if (status === 408) return { retryable: true, reason: "the model API timed out the request (408)" };
  if (status >= 500) return { retryable: true, reason: `the model API failed (${status})${detail}` };
  if (status === 401)
    return { retryable: false, reason: "the API key was refused (401): check ANTHROPIC_API_KEY" };
  if (status === 403) return { retryable: false, reason: `the API key may not use ${model} (403)${detail}` };
  if (status === 404) {
    return {
      retryable: false,
      reason: `the model API answered not found (404) for ${model}: check LOTWISE_MODEL and ANTHROPIC_BASE_URL`,
    };
  }
  return { retryable: false, reason: `the model API rejected the request (${status})${detail}` };
}

function retryDelay(
  error: InstanceType<typeof Anthropic.APIError>,
  attempt: number,
  policy: RetryPolicy,
): number {
  const fromServer = retryAfterMs(error.headers);
  if (fromServer !== null) return Math.min(fromServer, policy.maxRetryAfterMs);
  return policy.backoffMs * 2 ** (attempt - 1);
}

/** `retry-after-ms` (milliseconds) or `retry-after` (seconds or an HTTP date). */
function retryAfterMs(headers: Headers | undefined): number | null {
  const ms = Number.parseFloat(headers?.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = headers?.get("retry-after");
  if (!value) return null;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
