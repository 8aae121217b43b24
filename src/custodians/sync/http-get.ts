// GET with a timeout and retries for the API clients (custodian sync, quotes). Retries only what is
// safe to repeat: network failures, timeouts and 5xx answers, with exponential backoff. Errors name
// the host and path, never the query string (IBKR puts its token there).
import { ok, type Problem, problem, type Result } from "../../domain/result.ts";

export type Fetch = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface HttpOptions {
  fetch?: Fetch;
  /** Per attempt (default 30 s). */
  timeoutMs?: number;
  /** Extra attempts after a failure that may pass (default 2). */
  retries?: number;
  /** First backoff; doubled each time (default 500 ms). */
  retryDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface HttpReply {
  status: number;
  text: string;
  headers: Headers;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Where a request went, safe to print: origin and path, no query (it can hold a token). */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export async function httpGet(
  url: URL,
  headers: Record<string, string>,
  options: HttpOptions = {},
): Promise<Result<HttpReply, Problem>> {
  const fetchImpl = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retries = options.retries ?? 2;
  const sleep = options.sleep ?? realSleep;
  let lastProblem: Problem = { code: "http.unreachable", message: `no attempt made to ${describeUrl(url)}` };
  for (let attempt = 0; attempt <= retries; attempt += 1) {
    if (attempt > 0) await sleep((options.retryDelayMs ?? 500) * 2 ** (attempt - 1));
    try {
      const response = await fetchImpl(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      if (response.status >= 500 && attempt < retries) {
        lastProblem = {
          code: "http.server-error",
          message: `${describeUrl(url)} answered ${response.status}`,
        };
        continue;
      }
      return ok({ status: response.status, text, headers: response.headers });
    } catch (error) {
      const name = (error as Error).name;
      lastProblem =
        name === "TimeoutError" || name === "AbortError"
          ? { code: "http.timeout", message: `${describeUrl(url)} did not answer within ${timeoutMs} ms` }
          : {
              code: "http.unreachable",
              message: `cannot reach ${describeUrl(url)}: ${(error as Error).message}${causeOf(error)}`,
            };
    }
  }
  return problem(lastProblem.code, `${lastProblem.message} (after ${retries + 1} attempts)`);
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause ? ` (${cause.code ?? cause.message ?? "unknown cause"})` : "";
}
