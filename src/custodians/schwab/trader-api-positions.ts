// Schwab Trader API account with positions (GET /accounts/{hash}?fields=positions, saved as JSON):
// {securitiesAccount: {accountNumber, positions: [...], currentBalances: {cashBalance}}}, or a
// list of them (GET /accounts). Every number is a JSON number, read as its exact source text;
// real responses leave out zero fields, so all are optional. Net quantity = long - short. There
// are no lots in the retail API; the position's cost is taxLotAverageLongPrice x quantity.
import { Decimal } from "../../domain/decimal.ts";
import type { Result } from "../../domain/result.ts";
import { catchImportFailure, decimalFromJson, fail, isFormulaInjection } from "../normalise.ts";
import { asObject, readJsonExact, stringField } from "../read-json.ts";
import type {
  ImportError,
  Statement,
  StatementAccount,
  StatementParser,
  StatementPosition,
  StatementWarning,
} from "../statement.ts";

export const TRADER_API_POSITIONS_FORMAT = "schwab.trader-api-positions";

function detect(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, "");
  return /^\s*[[{]/.test(head) && head.includes('"securitiesAccount"');
}

function decimal(record: Record<string, unknown>, key: string, at: string, line: number): string | null {
  const parsed = decimalFromJson(record[key]);
  if (!parsed.ok) fail(line, key, `${at}, ${key}: ${JSON.stringify(record[key])} is not a number`);
  return parsed.value;
}

function safeText(record: Record<string, unknown>, key: string, at: string, line: number): string | null {
  const value = stringField(record, key);
  if (value !== null && isFormulaInjection(value)) {
    fail(
      line,
      key,
      `${at}, ${key}: ${JSON.stringify(value.slice(0, 40))} is a spreadsheet formula, which a custodian export never contains`,
    );
  }
  return value === null || value.trim() === "" ? null : value.trim();
}

function parse(text: string): Result<Statement, ImportError> {
  return catchImportFailure(() => {
    const root = readJsonExact(text.replace(/^\uFEFF/, ""));
    const items = Array.isArray(root) ? root : [root];
    const warnings: StatementWarning[] = [];
    const accounts: StatementAccount[] = items.map((item, a) => {
      const account = asObject(asObject(item)?.securitiesAccount);
      if (!account) fail(a + 1, "securitiesAccount", `account ${a + 1} has no securitiesAccount object`);
      const accountRef = safeText(account, "accountNumber", `account ${a + 1}`, a + 1);
      if (accountRef === null) fail(a + 1, "accountNumber", `account ${a + 1} has no accountNumber`);
      const list = account.positions ?? [];
      if (!Array.isArray(list)) fail(a + 1, "positions", `account ${accountRef}: positions is not a list`);
      const positions: StatementPosition[] = [];
      for (const [p, entry] of list.entries()) {
        const at = `account ${accountRef}, position ${p + 1}`;
        const line = p + 1;
        const position = asObject(entry);
        const instrument = asObject(position?.instrument);
        if (!position || !instrument) fail(line, "instrument", `${at} has no instrument`);
        const long = new Decimal(decimal(position, "longQuantity", at, line) ?? "0");
        const short = new Decimal(decimal(position, "shortQuantity", at, line) ?? "0");
        const quantity = long.minus(short);
        const symbol = safeText(instrument, "symbol", at, line);
        if (quantity.isZero()) continue;
        if (stringField(instrument, "type") === "SWEEP_VEHICLE") {
          warnings.push({
            line,
            message: `${at}: the sweep vehicle ${symbol ?? ""} is cash, taken from currentBalances.cashBalance; not imported as a position`,
          });
          continue;
        }
        const unitCost =
          decimal(
            position,
            short.isZero() ? "taxLotAverageLongPrice" : "taxLotAverageShortPrice",
            at,
            line,
          ) ??
          decimal(position, short.isZero() ? "averageLongPrice" : "averageShortPrice", at, line) ??
          decimal(position, "averagePrice", at, line);
        const marketValue = decimal(position, "marketValue", at, line);
        positions.push({
          instrument: {
            symbol,
            cusip: safeText(instrument, "cusip", at, line),
            description: safeText(instrument, "description", at, line),
          },
          quantity: quantity.toFixed(),
          // The API sends no price; marketValue / quantity would not be exact.
          price: null,
          marketValue,
          costBasis: unitCost === null ? null : new Decimal(unitCost).times(quantity).abs().toFixed(),
          line,
        });
      }
      const balances = asObject(account.currentBalances);
      const cash = balances ? decimal(balances, "cashBalance", `account ${accountRef}`, a + 1) : null;
      return { accountRef, asOf: null, cash, positions, lots: [], transactions: [] };
    });
    return {
      custodian: "schwab",
      format: TRADER_API_POSITIONS_FORMAT,
      accounts,
      warnings,
    } satisfies Statement;
  });
}

export const schwabTraderApiPositions: StatementParser = {
  format: TRADER_API_POSITIONS_FORMAT,
  custodian: "schwab",
  detect: (text) => detect(text),
  parse: (text) => parse(text),
};
