// The household tax-lot ledger: processes transactions by trade date (same date: input order),
// relieves lots, computes realised results per sale and lot, and applies household wash sales.
import type { LotReliefMethod } from "../../domain/book.ts";
import { type Decimal, ZERO } from "../../domain/decimal.ts";
import { err, ok, type Result } from "../../domain/result.ts";
import { allocate } from "../allocate.ts";
import { termOf } from "../holding-period.ts";
import type { Acquisition, Part, Piece } from "./ledger-state.ts";
import { type ReliefRequest, relieveLots } from "./lot-relief.ts";
import {
  DEFAULT_WASH_SALE_POLICY,
  type LedgerAccount,
  type LedgerError,
  type LedgerInput,
  type LedgerResult,
  type LedgerTransaction,
  type OpenLotRow,
  type SaleRow,
} from "./types.ts";
import { washLoss } from "./wash-sale.ts";

export function runLedger(input: LedgerInput): Result<LedgerResult, LedgerError> {
  const policy = input.policy ?? DEFAULT_WASH_SALE_POLICY;
  const ordered = input.transactions
    .map((tx, index) => ({ tx, index }))
    .sort((a, b) => (a.tx.date < b.tx.date ? -1 : a.tx.date > b.tx.date ? 1 : a.index - b.index))
    .map(({ tx }) => tx);

  const acquisitionOf = new Map<LedgerTransaction, Acquisition>();
  const acquisitionsByFamily = new Map<string, Acquisition[]>();
  const lotIds = new Set<string>();
  for (const [seq, tx] of ordered.entries()) {
    const account = input.accounts.get(tx.accountId);
    if (!account) return fail("ledger.unknown-account", tx, `${tx.id}: unknown account "${tx.accountId}"`);
    if (tx.action === "sell") continue;
    const lotId = tx.lotId ?? tx.id;
    if (lotIds.has(lotId))
      return fail("ledger.duplicate-lot", tx, `${tx.id}: lot id "${lotId}" is already used`);
    lotIds.add(lotId);
    const acq: Acquisition = {
      txId: tx.id,
      lotId,
      accountId: tx.accountId,
      symbol: tx.symbol,
      family: input.familyOf(tx.symbol),
      date: tx.date,
      seq,
      quantity: tx.quantity,
      amount: tx.amount,
      taxable: account.taxable,
      processed: false,
      used: ZERO,
      openUnmatched: ZERO,
      pending: [],
      disposals: [],
    };
    acquisitionOf.set(tx, acq);
    const family = acquisitionsByFamily.get(acq.family);
    if (family) family.push(acq);
    else acquisitionsByFamily.set(acq.family, [acq]);
  }

  const pools = new Map<string, Part[]>();
  const poolFor = (accountId: string, symbol: string): Part[] => {
    const key = `${accountId}\u0000${symbol}`;
    let pool = pools.get(key);
    if (!pool) {
      pool = [];
      pools.set(key, pool);
    }
    return pool;
  };
  const sales: SaleRow[] = [];
  const context = {
    policy,
    acquisitionsByFamily,
    poolOf: (acq: Acquisition) => poolFor(acq.accountId, acq.symbol),
    sales,
  };

  for (const [seq, tx] of ordered.entries()) {
    // Every account was found in the first pass.
    const account = input.accounts.get(tx.accountId) as LedgerAccount;
    const acq = acquisitionOf.get(tx);
    if (acq) {
      poolFor(tx.accountId, tx.symbol).push(...openParts(acq));
      continue;
    }
    const pool = poolFor(tx.accountId, tx.symbol);
    const request = reliefRequest(tx, account.method);
    if (!request.ok) return err(request.error);
    const relieved = relieveLots(pool, request.value);
    if (!relieved.ok) {
      const e = relieved.error;
      return e.code === "ledger.unknown-lot"
        ? fail(e.code, tx, `${tx.id}: lot "${e.lotId}" is not held in ${tx.accountId} (${tx.symbol})`)
        : fail(
            e.code,
            tx,
            `${tx.id}: sells more ${tx.symbol} than ${e.lotId ? `lot "${e.lotId}"` : tx.accountId} holds (${e.held.toString()})`,
          );
    }
    const pieces = relieved.value;
    const proceeds = allocate(
      tx.amount,
      pieces.map((piece) => piece.quantity),
    );
    const rows = pieces.map((piece, i) => saleRow(tx, piece, proceeds[i] as Decimal, !account.taxable));
    sales.push(...rows);
    const soldNow = new Map<Acquisition, Decimal>();
    for (const piece of pieces) {
      if (!piece.matched) soldNow.set(piece.acq, (soldNow.get(piece.acq) ?? ZERO).plus(piece.quantity));
    }
    if (account.taxable) {
      const sale = { seq, date: tx.date, family: input.familyOf(tx.symbol), soldNow };
      pieces.forEach((piece, i) => {
        const row = rows[i] as SaleRow;
        if (row.realizedGainLoss.isNegative()) washLoss(context, sale, piece, row);
      });
    }
    pieces.forEach((piece, i) => {
      if (!piece.matched) piece.acq.disposals.push({ row: rows[i] as SaleRow, quantity: piece.quantity });
    });
  }

  const taxableSales = sales.filter((row) => !row.taxAdvantaged);
  const sum = (pick: (row: SaleRow) => Decimal) =>
    taxableSales.reduce((total, row) => total.plus(pick(row)), ZERO);
  return ok({
    totals: {
      realizedGainLoss: sum((row) => row.realizedGainLoss),
      disallowedLoss: sum((row) => row.disallowedLoss),
      recognizedGainLoss: sum((row) => row.recognizedGainLoss),
    },
    sales,
    openLots: openLotRows(pools),
  });
}

/** The parts a buy opens: first the shares already matched as replacements, then the rest. */
function openParts(acq: Acquisition): Part[] {
  acq.processed = true;
  const matchedQuantity = acq.pending.reduce((sum, match) => sum.plus(match.quantity), ZERO);
  const rest = acq.quantity.minus(matchedQuantity);
  const weights = [...acq.pending.map((match) => match.quantity), ...(rest.isZero() ? [] : [rest])];
  const bases = allocate(acq.amount, weights);
  const parts: Part[] = acq.pending.map((match, i) => ({
    acq,
    quantity: match.quantity,
    basis: (bases[i] as Decimal).plus(match.disallowed),
    acquiredDate: match.acquiredDate,
    deferredLoss: match.disallowed,
    matched: true,
  }));
  if (!rest.isZero()) {
    parts.push({
      acq,
      quantity: rest,
      basis: bases[bases.length - 1] as Decimal,
      acquiredDate: acq.date,
      deferredLoss: ZERO,
      matched: false,
    });
  }
  acq.openUnmatched = rest;
  return parts;
}

/** Named lots (specific identification) override the account's method for this sale. */
function reliefRequest(tx: LedgerTransaction, method: LotReliefMethod): Result<ReliefRequest, LedgerError> {
  const named = tx.lots ?? (tx.lotId ? [{ lotId: tx.lotId, quantity: tx.quantity }] : undefined);
  if (!named) return ok({ kind: "method", method, quantity: tx.quantity });
  const total = named.reduce((sum, lot) => sum.plus(lot.quantity), ZERO);
  if (!total.equals(tx.quantity)) {
    return fail(
      "ledger.lots-mismatch",
      tx,
      `${tx.id}: the named lots add up to ${total.toString()} shares but the sale is ${tx.quantity.toString()}`,
    );
  }
  return ok({ kind: "named", lots: named });
}

function saleRow(tx: LedgerTransaction, piece: Piece, proceeds: Decimal, taxAdvantaged: boolean): SaleRow {
  const realized = proceeds.minus(piece.basis);
  return {
    saleTxId: tx.id,
    lotId: piece.acq.lotId,
    accountId: tx.accountId,
    symbol: tx.symbol,
    quantity: piece.quantity,
    acquiredDate: piece.acquiredDate,
    soldDate: tx.date,
    term: termOf(piece.acquiredDate, tx.date),
    proceeds,
    basis: piece.basis,
    realizedGainLoss: realized,
    disallowedLoss: ZERO,
    recognizedGainLoss: realized,
    lossPermanentlyDisallowed: false,
    taxAdvantaged,
    washedBy: [],
    basisAdjustedByLaterWash: ZERO,
  };
}

/** Every open part, in order of acquisition; identical neighbouring parts of one lot are merged. */
function openLotRows(pools: ReadonlyMap<string, Part[]>): OpenLotRow[] {
  const parts = [...pools.values()].flat().sort((a, b) => a.acq.seq - b.acq.seq);
  const rows: OpenLotRow[] = [];
  let previous: Part | undefined;
  for (const part of parts) {
    const last = rows[rows.length - 1];
    if (
      last &&
      previous?.acq === part.acq &&
      last.acquiredDate === part.acquiredDate &&
      last.deferredLoss.isZero() &&
      part.deferredLoss.isZero()
    ) {
      last.quantity = last.quantity.plus(part.quantity);
      last.basis = last.basis.plus(part.basis);
    } else {
      rows.push({
        lotId: part.acq.lotId,
        accountId: part.acq.accountId,
        symbol: part.acq.symbol,
        quantity: part.quantity,
        basis: part.basis,
        tradeDate: part.acq.date,
        acquiredDate: part.acquiredDate,
        deferredLoss: part.deferredLoss,
      });
    }
    previous = part;
  }
  return rows;
}

function fail(
  code: LedgerError["code"],
  tx: LedgerTransaction,
  message: string,
): { ok: false; error: LedgerError } {
  return err({ code, txId: tx.id, message });
}
