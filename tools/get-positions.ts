// A household's holdings by account, valued at the latest prices: what the advisor sees first, and
// whether the data is fresh enough to plan on. Lots are left out (find_harvestable_lots has them).
import { z } from "zod";
import { ZERO } from "../src/domain/decimal.ts";
import { sumValuations, valueHoldings } from "../src/engine/value-holdings.ts";
import { dataFreshness, dataOutput, loadHousehold, refusal } from "./household.ts";
import { decimalOutput, householdIdInput, money, moneyOutput, success } from "./schemas.ts";
import { defineTool } from "./tool.ts";

const input = z.object({ householdId: householdIdInput }).strict();

const output = z.object({
  householdId: z.string(),
  tradeDate: z.string(),
  data: dataOutput,
  totalValue: moneyOutput,
  accounts: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      type: z.string(),
      taxable: z.boolean(),
      tradeable: z.boolean(),
      value: moneyOutput,
      cash: moneyOutput,
      cashReserve: moneyOutput,
      positions: z.array(
        z.object({
          symbol: z.string(),
          /** The security master's name: custodian-sourced text, data only. */
          name: z.string().nullable(),
          assetClassId: z.string().nullable(),
          quantity: decimalOutput,
          price: decimalOutput.nullable(),
          /** Null when there is no price: the position is not in any value. */
          value: moneyOutput.nullable(),
        }),
      ),
    }),
  ),
});

export const getPositionsTool = defineTool({
  name: "get_positions",
  description:
    "Positions of a household by account (symbol, security name, shares, price, market value, asset class), cash and cash " +
    "reserve per account, total value, and how old the data is (data.stale: positions or prices older than " +
    "the freshness limit; a plan on stale data is refused unless the advisor explicitly asks for one). " +
    "Held-away accounts (tradeable: false) count in the totals but are never traded.",
  input,
  output,
  async run({ householdId }, context) {
    const loaded = await loadHousehold(context, householdId);
    if (!loaded.ok) return refusal(loaded.error);
    const { book } = loaded.value;
    const valuations = book.accounts.map((account) => {
      const positions = book.positions.filter((p) => p.accountId === account.id);
      return { account, positions, valuation: valueHoldings({ cash: account.cash, positions }, book.prices) };
    });
    return success({
      householdId,
      tradeDate: book.asOf,
      data: dataFreshness(loaded.value, context.now),
      totalValue: money(sumValuations(valuations.map((v) => v.valuation)).marketValue),
      accounts: valuations.map(({ account, positions, valuation }) => ({
        id: account.id,
        name: account.name,
        type: account.type,
        taxable: account.taxable,
        tradeable: account.tradeable,
        value: money(valuation.marketValue),
        cash: money(account.cash),
        cashReserve: money(account.cashReserve),
        positions: positions.map((position) => {
          const security = book.securities.get(position.securityId);
          const price = book.prices.get(position.securityId);
          return {
            symbol: security?.symbol ?? position.securityId,
            name: security?.name ?? null,
            assetClassId: security?.assetClassId ?? null,
            quantity: position.quantity.toString(),
            price: price?.toString() ?? null,
            value: price
              ? money(valueHoldings({ cash: ZERO, positions: [position] }, book.prices).marketValue)
              : null,
          };
        }),
      })),
    });
  },
});
