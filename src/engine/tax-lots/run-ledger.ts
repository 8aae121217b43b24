// The household tax-lot ledger: processes transactions by trade date (same date: input order),
// relieves lots, computes realised results per sale and lot, and applies household wash sales.
// All arithmetic is exact fixed-point (bigint 10^-8 units); only "to the cent" rules round.
import type { LotReliefMethod } from "../../domain/book.ts";
import { allocateCents, type Fixed, formatFixedPoint } from "../../domain/fixed-point.ts";
import { addDays } from "../../domain/iso-date.ts";
import { err, ok, type Result } from "../../domain/result.ts";
import { termOf } from "../holding-period.ts";
import type { Acquisition, Part, Piece, Row } from "./ledger-state.ts";
import { type ReliefRequest, relieveLots } from "./lot-relief.ts";
import {
  DEFAULT_WASH_SALE_POLICY,
  type LedgerAccount,
  type LedgerError,
  type LedgerInput,
  type LedgerResult,
  type LedgerTransaction,
  type OpenLotRow,
} from "./types.ts";
import { type WashContext, washLoss } from "./wash-sale.ts";

export function runLedger(input: LedgerInput): Result<LedgerResult, LedgerError> {
  const policy = input.policy ?? DEFAULT_WASH_SALE_POLICY;
  const ordered = input.transactions
    .map((tx, index) => ({ tx, index }))
    .sort((a, b) => (a.tx.date < b.tx.date ? -1 : a.tx.date > b.tx.date ? 1 : a.index - b.index))
    .map(({ tx }) => tx);

  // Per position in processing order: the acquisition a buy opens, and the pool it touches.
  const acquisitionAt: (Acquisition | undefined)[] = [];
  const poolAt: Part[][] = [];
  const pools = new Map<string, Map<string, Part[]>>();
  const acquisitionsByFamily = new Map<string, Acquisition[]>();
  const lotIds = new Set<string>();
  for (const [seq, tx] of ordered.entries()) {
    const account = input.accounts.get(tx.accountId);
    if (!account) return fail("ledger.unknown-account", tx, `${tx.id}: unknown account "${tx.accountId}"`);
    let bySymbol = pools.get(tx.accountId);
    if (!bySymbol) {
      bySymbol = new Map();
      pools.set(tx.accountId, bySymbol);
    }
    let pool = bySymbol.get(tx.symbol);
    if (!pool) {
      pool = [];
      bySymbol.set(tx.symbol, pool);
    }
    poolAt.push(pool);
    acquisitionAt.push(undefined);
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
      unused: tx.quantity,
      openUnmatched: 0n,
      soldInSale: -1,
      pending: [],
      disposals: [],
    };
    acquisitionAt[seq] = acq;
    const family = acquisitionsByFamily.get(acq.family);
    if (family) family.push(acq);
    else acquisitionsByFamily.set(acq.family, [acq]);
  }

  const rows: Row[] = [];
  const context: WashContext = {
    policy,
    acquisitionsByFamily,
    poolOf: (acq) => poolAt[acq.seq] as Part[],
    splitsBefore: new Map(),
  };

  for (const [seq, tx] of ordered.entries()) {
    // Every account was found in the first pass.
    const account = input.accounts.get(tx.accountId) as LedgerAccount;
    const pool = poolAt[seq] as Part[];
    const acq = acquisitionAt[seq];
    if (acq) {
      for (const part of openParts(acq)) pool.push(part);
      continue;
    }
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
            `${tx.id}: sells more ${tx.symbol} than ${e.lotId ? `lot "${e.lotId}"` : tx.accountId} holds (${formatFixedPoint(e.held)})`,
          );
    }
    const pieces = relieved.value;
    const proceeds = allocateCents(
      tx.amount,
      pieces.map((piece) => piece.quantity),
    );
    const saleRows = pieces.map((piece, i) => saleRow(tx, piece, proceeds[i] as Fixed, !account.taxable));
    for (const row of saleRows) rows.push(row);
    for (const piece of pieces) piece.acq.soldInSale = seq;
    if (account.taxable) {
      const sale = {
        seq,
        date: tx.date,
        windowFrom: addDays(tx.date, -30),
        windowTo: addDays(tx.date, 30),
        family: input.familyOf(tx.symbol),
      };
      pieces.forEach((piece, i) => {
        const row = saleRows[i] as Row;
        if (row.proceeds < row.basis) washLoss(context, sale, piece, row);
      });
    }
    pieces.forEach((piece, i) => {
      if (!piece.matched) piece.acq.disposals.push({ row: saleRows[i] as Row, quantity: piece.quantity });
    });
  }

  const sales =
    context.splitsBefore.size === 0
      ? rows
      : rows.flatMap((row) => [...(context.splitsBefore.get(row) ?? []), row]);
  let realized = 0n;
  let disallowed = 0n;
  for (const row of sales) {
    row.realizedGainLoss = row.proceeds - row.basis;
    row.recognizedGainLoss = row.realizedGainLoss + row.disallowedLoss;
    if (row.taxAdvantaged) continue;
    realized += row.realizedGainLoss;
    disallowed += row.disallowedLoss;
  }
  return ok({
    totals: {
      realizedGainLoss: realized,
      disallowedLoss: disallowed,
      recognizedGainLoss: realized + disallowed,
    },
    sales,
    openLots: openLotRows(pools),
  });
}

/** The parts a buy opens: first the shares already matched as replacements, then the rest. */
function openParts(acq: Acquisition): Part[] {
  if (acq.pending.length === 0) {
    acq.openUnmatched = acq.quantity;
    return [
      {
        acq,
        quantity: acq.quantity,
        basis: acq.amount,
        acquiredDate: acq.date,
        deferredLoss: 0n,
        matched: false,
      },
    ];
  }
  let matchedQuantity = 0n;
  for (const match of acq.pending) matchedQuantity += match.quantity;
  const rest = acq.quantity - matchedQuantity;
  const weights = [...acq.pending.map((match) => match.quantity), ...(rest === 0n ? [] : [rest])];
  const bases = allocateCents(acq.amount, weights);
  const parts: Part[] = acq.pending.map((match, i) => ({
    acq,
    quantity: match.quantity,
    basis: (bases[i] as Fixed) + match.disallowed,
    acquiredDate: match.acquiredDate,
    deferredLoss: match.disallowed,
    matched: true,
  }));
  if (rest !== 0n) {
    parts.push({
      acq,
      quantity: rest,
      basis: bases[bases.length - 1] as Fixed,
      acquiredDate: acq.date,
      deferredLoss: 0n,
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
  let total = 0n;
  for (const lot of named) total += lot.quantity;
  if (total !== tx.quantity) {
    return fail(
      "ledger.lots-mismatch",
      tx,
      `${tx.id}: the named lots add up to ${formatFixedPoint(total)} shares but the sale is ${formatFixedPoint(tx.quantity)}`,
    );
  }
  return ok({ kind: "named", lots: named });
}

function saleRow(tx: LedgerTransaction, piece: Piece, proceeds: Fixed, taxAdvantaged: boolean): Row {
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
    realizedGainLoss: 0n,
    disallowedLoss: 0n,
    recognizedGainLoss: 0n,
    lossPermanentlyDisallowed: false,
    taxAdvantaged,
    washedBy: [],
    basisAdjustedByLaterWash: 0n,
  };
}

/** Every open part, in order of acquisition; identical neighbouring parts of one lot are merged. */
function openLotRows(pools: ReadonlyMap<string, ReadonlyMap<string, Part[]>>): OpenLotRow[] {
  const parts = [...pools.values()]
    .flatMap((bySymbol) => [...bySymbol.values()].flat())
    .sort((a, b) => a.acq.seq - b.acq.seq);
  const merged: Part[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (
      last &&
      last.acq === part.acq &&
      last.acquiredDate === part.acquiredDate &&
      last.deferredLoss === 0n &&
      part.deferredLoss === 0n
    ) {
      merged[merged.length - 1] = {
        ...last,
        quantity: last.quantity + part.quantity,
        basis: last.basis + part.basis,
      };
    } else {
      merged.push(part);
    }
  }
  return merged.map((part) => ({
    lotId: part.acq.lotId,
    accountId: part.acq.accountId,
    symbol: part.acq.symbol,
    quantity: part.quantity,
    basis: part.basis,
    tradeDate: part.acq.date,
    acquiredDate: part.acquiredDate,
    deferredLoss: part.deferredLoss,
  }));
}

function fail(
  code: LedgerError["code"],
  tx: LedgerTransaction,
  message: string,
): { ok: false; error: LedgerError } {
  return err({ code, txId: tx.id, message });
}
