// IBKR Flex Web Service, version 3 (custodian-formats.md §5a; csingley/ibflex client.py):
//   GET {base}/SendRequest?t=TOKEN&q=QUERY_ID&v=3
//     -> <FlexStatementResponse><Status>Success</Status><ReferenceCode>…</ReferenceCode><Url>…</Url>
//     or <Status>Fail|Warn</Status><ErrorCode>1012</ErrorCode><ErrorMessage>…</ErrorMessage>
//   GET {base}/GetStatement?t=TOKEN&q=REFERENCE_CODE&v=3
//     -> the <FlexQueryResponse> statement, or a FlexStatementResponse error; 1019 ("statement
//        generation in progress") and the other "try again shortly" codes are polled with backoff.
// The statement is then read by the Flex XML parser. GetStatement is always asked of the configured
// base, not the <Url> in the reply, so the token is never sent to a host it was not configured for.
// IBKR requires a User-Agent and allows about one request per second per token.
import { ok, type Problem, problem, type Result } from "../../domain/result.ts";
import { parseFlexXml } from "../ibkr/flex-xml.ts";
import { childNamed, readXml } from "../ibkr/safe-xml.ts";
import type { Statement } from "../statement.ts";
import { type HttpOptions, httpGet, realSleep } from "./http-get.ts";

export const DEFAULT_IBKR_FLEX_URL = "https://ndcdyn.interactivebrokers.com/AccountManagement/FlexWebService";

/** IBKR's "please try again shortly" codes: the statement is being built, or the service is busy. */
const RETRYABLE = new Set(["1001", "1004", "1005", "1006", "1007", "1008", "1009", "1018", "1019", "1021"]);
const TOKEN_CODES = new Set(["1011", "1012", "1013", "1015"]);
const SEND_ATTEMPTS = 3;

export interface IbkrFlexOptions {
  /** The Flex Web Service base (default DEFAULT_IBKR_FLEX_URL). */
  baseUrl?: string;
  token: string;
  queryId: string;
  http?: HttpOptions;
  /** Polls of GetStatement before giving up (default 10). */
  maxPolls?: number;
  /** First wait before polling; grows 1.5x per poll up to maxDelayMs (default 2 s, 30 s). */
  initialDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  userAgent?: string;
}

interface FlexReply {
  status: string;
  referenceCode: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export async function fetchIbkrFlexStatement(options: IbkrFlexOptions): Promise<Result<Statement, Problem>> {
  const xml = await fetchIbkrFlexXml(options);
  if (!xml.ok) return xml;
  const parsed = parseFlexXml(xml.value);
  if (!parsed.ok) {
    const where = parsed.error.line === null ? "" : ` (line ${parsed.error.line})`;
    return problem(
      "ibkr.bad-statement",
      `IBKR's statement could not be read${where}: ${parsed.error.message}`,
    );
  }
  return parsed;
}

/** The statement's XML text, after requesting it and polling until it is ready. */
export async function fetchIbkrFlexXml(options: IbkrFlexOptions): Promise<Result<string, Problem>> {
  const base = (options.baseUrl ?? DEFAULT_IBKR_FLEX_URL).replace(/\/+$/, "");
  const sleep = options.sleep ?? realSleep;
  const get = (endpoint: string, q: string) => {
    const url = new URL(`${base}/${endpoint}`);
    url.searchParams.set("t", options.token);
    url.searchParams.set("q", q);
    url.searchParams.set("v", "3");
    return httpGet(url, { "User-Agent": options.userAgent ?? "lotwise/0.1" }, options.http);
  };

  // SendRequest itself can meet a busy service or the per-token rate limit: a few tries, spaced.
  let reference: string | null = null;
  for (let attempt = 1; reference === null; attempt += 1) {
    const sent = await get("SendRequest", options.queryId);
    if (!sent.ok) return problem(sent.error.code, `IBKR Flex Web Service: ${sent.error.message}`);
    if (sent.value.status !== 200) return httpProblem("SendRequest", sent.value.status, sent.value.text);
    const request = readFlexReply(sent.value.text);
    if (!request.ok) return request;
    if (request.value.status === "Success" && request.value.referenceCode) {
      reference = request.value.referenceCode;
    } else if (RETRYABLE.has(request.value.errorCode ?? "") && attempt < SEND_ATTEMPTS) {
      await sleep((options.initialDelayMs ?? 2000) * 2 ** attempt);
    } else {
      return flexProblem("SendRequest", request.value);
    }
  }

  let delay = options.initialDelayMs ?? 2000;
  const maxPolls = options.maxPolls ?? 10;
  let last: FlexReply | null = null;
  for (let poll = 1; poll <= maxPolls; poll += 1) {
    await sleep(delay);
    delay = Math.min(Math.round(delay * 1.5), options.maxDelayMs ?? 30_000);
    const reply = await get("GetStatement", reference);
    if (!reply.ok) return problem(reply.error.code, `IBKR Flex Web Service: ${reply.error.message}`);
    if (reply.value.status !== 200) return httpProblem("GetStatement", reply.value.status, reply.value.text);
    const text = reply.value.text;
    if (isStatement(text)) return ok(text);
    const status = readFlexReply(text);
    if (!status.ok) return status;
    last = status.value;
    if (!RETRYABLE.has(status.value.errorCode ?? "")) return flexProblem("GetStatement", status.value);
  }
  return problem(
    "ibkr.not-ready",
    `IBKR had not finished the statement after ${maxPolls} polls (last: ${last?.errorCode ?? "?"} ${last?.errorMessage ?? ""}); try again in a few minutes`,
  );
}

function isStatement(text: string): boolean {
  return text.slice(0, 4096).includes("<FlexQueryResponse");
}

function readFlexReply(text: string): Result<FlexReply, Problem> {
  const parsed = readXml(text);
  if (!parsed.ok || parsed.value.name !== "FlexStatementResponse") {
    return problem(
      "ibkr.bad-response",
      `IBKR's reply is not a Flex Web Service response: ${parsed.ok ? `<${parsed.value.name}>` : parsed.error.message}`,
    );
  }
  const text_ = (name: string) => childNamed(parsed.value, name)?.text.trim() || null;
  return ok({
    status: text_("Status") ?? "",
    referenceCode: text_("ReferenceCode"),
    errorCode: text_("ErrorCode"),
    errorMessage: text_("ErrorMessage"),
  });
}

function flexProblem(step: string, reply: FlexReply): Result<never, Problem> {
  const code = reply.errorCode ?? "unknown";
  const message = reply.errorMessage ?? "no message";
  if (TOKEN_CODES.has(code)) {
    return problem(
      "ibkr.token",
      `IBKR refused the Flex Web Service token (error ${code}: ${message}). Generate a new token in the Client Portal (Reports > Settings > Flex Web Service) and set IBKR_FLEX_TOKEN.`,
    );
  }
  if (code === "1014") {
    return problem(
      "ibkr.query",
      `IBKR does not know the Flex query (error 1014: ${message}): check IBKR_FLEX_QUERY_ID`,
    );
  }
  return problem("ibkr.flex-error", `IBKR ${step} failed with error ${code}: ${message}`);
}

function httpProblem(step: string, status: number, text: string): Result<never, Problem> {
  return problem(
    "ibkr.http-error",
    `IBKR ${step} answered HTTP ${status}: ${text.replace(/\s+/g, " ").trim().slice(0, 200) || "no body"}`,
  );
}
