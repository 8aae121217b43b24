// Schwab Advisor Services Cost Basis API, open lots (POST .../cost-basis/ugl-position-lots/list,
// saved as JSON): {data: {id: "*****0120", type: "ugl-position-lots", attributes: {positions:
// [{positionId: "<acct>-<secno>-L", lots: [{lotId, quantity: "8.00000", costBasis: "$795.76",
// adjustedCostBasis, acquiredOrOpenedDate: "2019-01-02", ...}]}]}}}. Every amount is a display
// string (`($10.96)` is negative). The response names a position only by Schwab's internal
// security number; unless a symbol or CUSIP is added to the position (as lotwise's own fetcher
// would), the file is refused: lotwise cannot tell which security the lots belong to.
import type { Result } from "../../domain/result.ts";
import { catchImportFailure, fail, parseCalendarDate, parseMoney, parseQuantity } from "../normalise.ts";
import { asObject, readJsonExact, stringField } from "../read-json.ts";
import type { ImportError, Statement, StatementLot, StatementParser } from "../statement.ts";

export const ADVISOR_COST_BASIS_FORMAT = "schwab.advisor-cost-basis-json";

function detect(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, "");
  return /^\s*\{/.test(head) && /"type"\s*:\s*"ugl-position-lots"/.test(text.slice(0, 65536));
}

function parse(source: string): Result<Statement, ImportError> {
  return catchImportFailure(() => {
    const data = asObject(asObject(readJsonExact(source.replace(/^\uFEFF/, "")))?.data);
    const account = data ? stringField(data, "id") : null;
    const positions = asObject(data?.attributes)?.positions;
    if (!data || account === null || !Array.isArray(positions)) {
      fail(1, "data", "not a ugl-position-lots response (data.id and data.attributes.positions)");
    }
    const lots: StatementLot[] = [];
    let record = 0;
    for (const entry of positions) {
      const position = asObject(entry) ?? {};
      const positionId = stringField(position, "positionId") ?? "?";
      const symbol = stringField(position, "symbol");
      const cusip = stringField(position, "cusip");
      for (const lotEntry of Array.isArray(position.lots) ? position.lots : []) {
        record += 1;
        const lot = asObject(lotEntry) ?? {};
        const at = `position ${positionId}, lot ${stringField(lot, "lotId") ?? record}`;
        const quantity = parseQuantity(stringField(lot, "quantity") ?? "");
        const basisText = stringField(lot, "adjustedCostBasis") ?? stringField(lot, "costBasis") ?? "";
        const basis = parseMoney(basisText);
        const acquired = parseCalendarDate(stringField(lot, "acquiredOrOpenedDate") ?? "", [
          "YYYY-MM-DD",
          "MM/DD/YYYY",
        ]);
        if (!quantity.ok || quantity.value === null)
          fail(record, "quantity", `${at}: quantity is not a number`);
        if (!basis.ok) fail(record, "costBasis", `${at}: ${JSON.stringify(basisText)} is not an amount`);
        if (!acquired) fail(record, "acquiredOrOpenedDate", `${at}: acquiredOrOpenedDate is not a date`);
        if (symbol === null && cusip === null) {
          const number = /-(\d+)-[A-Z]$/.exec(positionId)?.[1] ?? positionId;
          fail(
            record,
            "positionId",
            `${at}: the file names the security only by Schwab's internal security number ${number}, with no symbol or CUSIP; lotwise cannot tell which security these lots are for (export the Lot Details CSV instead)`,
          );
        }
        lots.push({
          instrument: { symbol, cusip, description: null },
          lotId: stringField(lot, "lotId"),
          acquiredDate: acquired,
          quantity: quantity.value,
          costBasis: basis.value,
          line: record,
        });
      }
    }
    return {
      custodian: "schwab",
      format: ADVISOR_COST_BASIS_FORMAT,
      accounts: [
        { accountRef: account, asOf: null, cash: null, positions: [], lots, transactions: [], partial: true },
      ],
      warnings: [],
    } satisfies Statement;
  });
}

export const schwabAdvisorCostBasisJson: StatementParser = {
  format: ADVISOR_COST_BASIS_FORMAT,
  custodian: "schwab",
  detect: (text) => detect(text),
  parse: (text) => parse(text),
};
