// The ledger result as the spec's JSON (money to cents, half-even, only here) and as a table.
import { type Fixed, formatCents, formatFixedPoint } from "../../domain/fixed-point.ts";
import type { LedgerResult, OpenLotRow, SaleRow } from "../../engine/tax-lots/types.ts";
import { renderTable } from "../format.ts";

const money = (value: Fixed) => formatCents(value);
const shares = (value: Fixed) => formatFixedPoint(value);

export function ledgerJson(result: LedgerResult) {
  return {
    totals: totalsJson(result),
    sales: result.sales.map(saleJson),
    openLots: result.openLots.map(openLotJson),
  };
}

function totalsJson(result: LedgerResult) {
  return {
    realizedGainLoss: money(result.totals.realizedGainLoss),
    disallowedLoss: money(result.totals.disallowedLoss),
    recognizedGainLoss: money(result.totals.recognizedGainLoss),
  };
}

function saleJson(row: SaleRow) {
  return {
    saleTxId: row.saleTxId,
    lotId: row.lotId,
    account: row.accountId,
    symbol: row.symbol,
    quantity: shares(row.quantity),
    acquiredDate: row.acquiredDate,
    soldDate: row.soldDate,
    term: row.term,
    proceeds: money(row.proceeds),
    basis: money(row.basis),
    realizedGainLoss: money(row.realizedGainLoss),
    disallowedLoss: money(row.disallowedLoss),
    recognizedGainLoss: money(row.recognizedGainLoss),
    lossPermanentlyDisallowed: row.lossPermanentlyDisallowed,
    form8949: form8949(row),
    washedBy: row.washedBy.map((w) => ({ txId: w.txId, lotId: w.lotId, quantity: shares(w.quantity) })),
    // Beyond the spec, present only when they apply:
    ...(row.taxAdvantaged ? { taxAdvantaged: true } : {}),
    ...(row.basisAdjustedByLaterWash === 0n
      ? {}
      : { basisAdjustedByLaterWash: money(row.basisAdjustedByLaterWash) }),
  };
}

function openLotJson(lot: OpenLotRow) {
  return {
    lotId: lot.lotId,
    account: lot.accountId,
    symbol: lot.symbol,
    quantity: shares(lot.quantity),
    basis: money(lot.basis),
    tradeDate: lot.tradeDate,
    acquiredDate: lot.acquiredDate,
    deferredLoss: money(lot.deferredLoss),
  };
}

/**
 * Writes the same JSON as `JSON.stringify(ledgerJson(result))`, compact, a batch of rows at a
 * time, so a ledger of 100,000 transactions never builds one 60 MB string.
 */
export function writeLedgerJson(result: LedgerResult, write: (text: string) => void): void {
  const batch = 2_000;
  const rows = <T>(items: readonly T[], shape: (item: T) => object) => {
    for (let start = 0; start < items.length; start += batch) {
      const parts = items.slice(start, start + batch).map((item) => JSON.stringify(shape(item)));
      write((start === 0 ? "" : ",") + parts.join(","));
    }
  };
  write(`{"totals":${JSON.stringify(totalsJson(result))},"sales":[`);
  rows(result.sales, saleJson);
  write('],"openLots":[');
  rows(result.openLots, openLotJson);
  write("]}\n");
}

/** Form 8949 code W with column (g) = the disallowed loss as a positive amount; null otherwise. */
function form8949(row: SaleRow): { code: "W"; columnG: string } | null {
  return row.disallowedLoss === 0n || row.taxAdvantaged
    ? null
    : { code: "W", columnG: money(row.disallowedLoss) };
}

export function renderLedger(result: LedgerResult): string {
  const json = ledgerJson(result);
  const sales = renderTable(json.sales, [
    { header: "SALE", value: (r) => r.saleTxId },
    { header: "LOT", value: (r) => r.lotId },
    { header: "ACCOUNT", value: (r) => r.account },
    { header: "SYMBOL", value: (r) => r.symbol },
    { header: "QTY", value: (r) => r.quantity, align: "right" },
    { header: "ACQUIRED", value: (r) => r.acquiredDate },
    { header: "SOLD", value: (r) => r.soldDate },
    { header: "TERM", value: (r) => r.term },
    { header: "PROCEEDS", value: (r) => r.proceeds, align: "right" },
    { header: "BASIS", value: (r) => r.basis, align: "right" },
    { header: "GAIN/LOSS", value: (r) => r.realizedGainLoss, align: "right" },
    {
      header: "DISALLOWED",
      value: (r) => (r.disallowedLoss === "0.00" ? "" : r.disallowedLoss),
      align: "right",
    },
    { header: "RECOGNISED", value: (r) => r.recognizedGainLoss, align: "right" },
    {
      header: "NOTE",
      value: (r) =>
        [
          r.form8949 ? "W" : "",
          r.lossPermanentlyDisallowed ? "permanent (IRA replacement)" : "",
          r.washedBy.length ? `washed by ${r.washedBy.map((w) => `${w.txId}×${w.quantity}`).join(", ")}` : "",
          "taxAdvantaged" in r ? "tax-advantaged: not recognised" : "",
        ]
          .filter(Boolean)
          .join("; "),
    },
  ]);
  const open = renderTable(json.openLots, [
    { header: "LOT", value: (l) => l.lotId },
    { header: "ACCOUNT", value: (l) => l.account },
    { header: "SYMBOL", value: (l) => l.symbol },
    { header: "QTY", value: (l) => l.quantity, align: "right" },
    { header: "BASIS", value: (l) => l.basis, align: "right" },
    { header: "TRADE DATE", value: (l) => l.tradeDate },
    { header: "ACQUIRED", value: (l) => l.acquiredDate },
    {
      header: "DEFERRED LOSS",
      value: (l) => (l.deferredLoss === "0.00" ? "" : l.deferredLoss),
      align: "right",
    },
  ]);
  const t = json.totals;
  return [
    `Sales (${json.sales.length} rows)`,
    json.sales.length ? sales : "  none",
    "",
    `Open lots (${json.openLots.length})`,
    json.openLots.length ? open : "  none",
    "",
    `Totals (taxable accounts): realised ${t.realizedGainLoss}, disallowed ${t.disallowedLoss}, recognised ${t.recognizedGainLoss}`,
    "",
  ].join("\n");
}
