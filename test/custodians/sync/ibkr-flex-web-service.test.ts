// IBKR Flex Web Service against a local fake: request, then poll with backoff while the statement
// is generated (1019), then parse it; token and query errors are clear and stop at once.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  fetchIbkrFlexStatement,
  type IbkrFlexOptions,
} from "../../../src/custodians/sync/ibkr-flex-web-service.ts";
import { type FakeIbkrFlex, startFakeIbkrFlex } from "../../support/fake-ibkr-flex.ts";

const STATEMENT = readFileSync(
  join(import.meta.dirname, "../../fixtures/custodians/ibkr/activity-lots.xml"),
  "utf8",
);

describe("IBKR Flex Web Service (fake)", () => {
  let fake: FakeIbkrFlex;
  let sleeps: number[];

  beforeEach(async () => {
    fake = await startFakeIbkrFlex({ statement: STATEMENT });
    sleeps = [];
  });
  afterEach(() => fake.close());

  const fetchStatement = (overrides: Partial<IbkrFlexOptions> = {}) =>
    fetchIbkrFlexStatement({
      baseUrl: fake.url,
      token: fake.token,
      queryId: fake.queryId,
      http: { retries: 0 },
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...overrides,
    });

  it("in-progress-twice-then-ready: polls with growing waits, then parses the statement", async () => {
    fake.inProgressPolls = 2;
    const result = await fetchStatement();
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.accounts.map((a) => a.accountRef)).toEqual(["U7654321"]);
    expect(result.value.accounts[0]?.lots).toHaveLength(5);
    expect(fake.requests.map((r) => r.path.split("/").pop())).toEqual([
      "SendRequest",
      "GetStatement",
      "GetStatement",
      "GetStatement",
    ]);
    expect(fake.requests[0]?.query).toEqual({ t: fake.token, q: fake.queryId, v: "3" });
    expect(fake.requests[1]?.query).toEqual({ t: fake.token, q: "7384920166", v: "3" });
    expect(fake.requests.every((r) => r.userAgent?.startsWith("lotwise/"))).toBe(true);
    expect(sleeps).toEqual([2000, 3000, 4500]);
  });

  it("bad-token-is-a-clear-error (1015), asked once, and the token is not echoed", async () => {
    const result = await fetchStatement({ token: "not-the-token" });
    expect(result).toEqual({
      ok: false,
      error: {
        code: "ibkr.token",
        message:
          "IBKR refused the Flex Web Service token (error 1015: Token is invalid.). Generate a new token in the Client Portal (Reports > Settings > Flex Web Service) and set IBKR_FLEX_TOKEN.",
      },
    });
    expect(fake.requests).toHaveLength(1);
  });

  it("an expired token (1012) and an unknown query (1014) name what to fix", async () => {
    fake.tokenExpired = true;
    const expired = await fetchStatement();
    expect(!expired.ok && expired.error.message).toContain("error 1012: Token has expired.");
    fake.tokenExpired = false;
    const query = await fetchStatement({ queryId: "1" });
    expect(query).toEqual({
      ok: false,
      error: {
        code: "ibkr.query",
        message:
          "IBKR does not know the Flex query (error 1014: Query is invalid.): check IBKR_FLEX_QUERY_ID",
      },
    });
  });

  it("a busy service at SendRequest (1018, too many requests) is asked again after a wait", async () => {
    fake.sendRequestBusy = 1;
    const result = await fetchStatement();
    expect(result.ok).toBe(true);
    expect(fake.requests.map((r) => r.path.split("/").pop())).toEqual([
      "SendRequest",
      "SendRequest",
      "GetStatement",
    ]);
    expect(sleeps).toEqual([4000, 2000]);
  });

  it("gives up after the most polls allowed, saying to try again later", async () => {
    fake.inProgressPolls = 99;
    const result = await fetchStatement({ maxPolls: 3, initialDelayMs: 10 });
    expect(result).toEqual({
      ok: false,
      error: {
        code: "ibkr.not-ready",
        message:
          "IBKR had not finished the statement after 3 polls (last: 1019 Statement generation in progress. Please try again shortly.); try again in a few minutes",
      },
    });
    expect(sleeps).toEqual([10, 15, 23]);
  });

  it("a statement that cannot be read is refused with its line", async () => {
    fake.statement = STATEMENT.slice(0, 3000);
    const result = await fetchStatement();
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.error.message).toMatch(
        /^IBKR's statement could not be read \(line \d+\): not readable XML: /,
      );
  });

  it("an unreachable service is an error naming the host, never the token", async () => {
    await fake.close();
    const result = await fetchStatement();
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toContain(`cannot reach ${fake.url}/SendRequest`);
      expect(result.error.message).not.toContain(fake.token);
    }
    fake = await startFakeIbkrFlex({ statement: STATEMENT });
  });
});
