// The real APIs, read-only, when credentials are set (skipped otherwise): a Schwab Trader API sync
// of the last week and an IBKR Flex Web Service statement. Nothing is written anywhere.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_IBKR_FLEX_URL,
  fetchIbkrFlexStatement,
} from "../../../src/custodians/sync/ibkr-flex-web-service.ts";
import { DEFAULT_SCHWAB_TRADER_URL, syncSchwabTrader } from "../../../src/custodians/sync/schwab-trader.ts";

const env = process.env;
const DAY = 86_400_000;

describe("live custodian APIs (read-only)", () => {
  it.skipIf(!env.SCHWAB_ACCESS_TOKEN)(
    "Schwab Trader API: accounts by hash, positions, a week of transactions",
    async () => {
      const now = new Date();
      const result = await syncSchwabTrader(
        {
          baseUrl: env.SCHWAB_ACCOUNTS_API_URL || DEFAULT_SCHWAB_TRADER_URL,
          accessToken: env.SCHWAB_ACCESS_TOKEN as string,
        },
        { from: new Date(now.getTime() - 7 * DAY), to: now },
      );
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.accounts.length).toBeGreaterThan(0);
      for (const account of result.value.accounts) {
        expect(account.accountRef).toMatch(/^\d+$/);
        for (const position of account.positions) expect(position.quantity).toMatch(/^-?\d+(\.\d+)?$/);
      }
    },
    60_000,
  );

  it.skipIf(!env.IBKR_FLEX_TOKEN || !env.IBKR_FLEX_QUERY_ID)(
    "IBKR Flex Web Service: request, poll, parse",
    async () => {
      const result = await fetchIbkrFlexStatement({
        baseUrl: env.IBKR_FLEX_URL || DEFAULT_IBKR_FLEX_URL,
        token: env.IBKR_FLEX_TOKEN as string,
        queryId: env.IBKR_FLEX_QUERY_ID as string,
        maxPolls: 20,
      });
      if (!result.ok) throw new Error(result.error.message);
      expect(result.value.accounts.length).toBeGreaterThan(0);
    },
    600_000,
  );
});
