// Reconciliation of imported holdings: per position, do the lots add up to the reported quantity
// and cost; are there lots without basis or without a position; do the recorded transactions
// explain how positions moved since the previous snapshot. Findings are reported with every import;
// the ones planning acts on (quantity, missing basis, lots without a position: the engine's
// unreconciledPositions rule) leave the position out of harvesting until it reconciles.
import { Decimal } from "../domain/decimal.ts";
import type { IsoDate } from "../domain/iso-date.ts";
import type {
  ReconciliationFinding,
  StoredLot,
  StoredPosition,
  StoredTransaction,
} from "../ports/import-store.ts";

const SHARE_MOVING = new Set(["BUY", "SELL", "DIVIDEND_REINVEST", "TRANSFER_IN", "TRANSFER_OUT"]);

export function movesShares(type: string): boolean {
  return SHARE_MOVING.has(type);
}

const sum = (values: Iterable<string>) => {
  let total = new Decimal(0);
  for (const value of values) total = total.plus(value);
  return total;
};

/**
 * The securities whose positions do not reconcile with their lots, by the rule planning applies
 * (lots must sum to the reported quantity, every lot needs a basis, no lots without a position).
 */
export function unreconciledSecurities(
  positions: readonly Pick<StoredPosition, "securityId" | "quantity">[],
  lots: readonly Pick<StoredLot, "securityId" | "quantity" | "costBasis">[],
): Set<string> {
  const held = new Map<string, Decimal>();
  const out = new Set<string>();
  for (const lot of lots) {
    held.set(lot.securityId, (held.get(lot.securityId) ?? new Decimal(0)).plus(lot.quantity));
    if (lot.costBasis === null) out.add(lot.securityId);
  }
  const reported = new Set<string>();
  for (const position of positions) {
    reported.add(position.securityId);
    if (!(held.get(position.securityId) ?? new Decimal(0)).equals(position.quantity))
      out.add(position.securityId);
  }
  for (const securityId of held.keys()) if (!reported.has(securityId)) out.add(securityId);
  return out;
}

export interface ReconcileInput {
  accountId: string;
  accountName: string;
  symbolOf: (securityId: string) => string;
  positions: readonly StoredPosition[];
  lots: readonly StoredLot[];
}

/** Findings about one snapshot's positions and lots. */
export function reconcileHoldings(input: ReconcileInput): ReconciliationFinding[] {
  const { accountId, accountName, symbolOf } = input;
  const findings: ReconciliationFinding[] = [];
  const lotsOf = new Map<string, StoredLot[]>();
  for (const lot of input.lots) lotsOf.set(lot.securityId, [...(lotsOf.get(lot.securityId) ?? []), lot]);
  const finding = (
    securityId: string,
    code: ReconciliationFinding["code"],
    excluded: boolean,
    message: string,
  ): ReconciliationFinding => ({
    accountId,
    securityId,
    symbol: symbolOf(securityId),
    code,
    excludedFromHarvesting: excluded,
    message: `${accountName} ${symbolOf(securityId)}: ${message}`,
  });
  for (const position of input.positions) {
    const lots = lotsOf.get(position.securityId) ?? [];
    const held = sum(lots.map((lot) => lot.quantity));
    if (!held.equals(position.quantity)) {
      findings.push(
        finding(
          position.securityId,
          "lots-quantity",
          true,
          lots.length === 0
            ? `no lots for the ${position.quantity} shares reported (import the lot details)`
            : `lots hold ${held.toFixed()} shares, the custodian reports ${position.quantity}`,
        ),
      );
    } else if (position.reportedCostBasis !== null && lots.every((lot) => lot.costBasis !== null)) {
      const basis = sum(lots.map((lot) => lot.costBasis ?? "0"));
      if (!basis.toDecimalPlaces(2).equals(new Decimal(position.reportedCostBasis).toDecimalPlaces(2))) {
        findings.push(
          finding(
            position.securityId,
            "lots-basis",
            false,
            `lots' basis ${basis.toFixed(2)} differs from the reported cost ${new Decimal(position.reportedCostBasis).toFixed(2)}`,
          ),
        );
      }
    }
  }
  const reported = new Set(input.positions.map((position) => position.securityId));
  for (const [securityId, lots] of lotsOf) {
    const noBasis = lots.filter((lot) => lot.costBasis === null);
    if (noBasis.length > 0) {
      findings.push(
        finding(
          securityId,
          "lot-without-basis",
          true,
          `${noBasis.length} lot${noBasis.length === 1 ? "" : "s"} without a cost basis (${noBasis.map((lot) => lot.acquiredDate).join(", ")})`,
        ),
      );
    }
    if (!reported.has(securityId)) {
      findings.push(
        finding(
          securityId,
          "lots-without-position",
          true,
          `lots for ${sum(lots.map((lot) => lot.quantity)).toFixed()} shares but no position reported`,
        ),
      );
    }
  }
  return findings;
}

/**
 * Position changes between two snapshots that the recorded transactions in between do not explain.
 * Only checked when the account has share-moving transactions in the window (transactions are
 * being imported for it); otherwise the lot findings already tell the story.
 */
export function reconcileChanges(input: {
  accountId: string;
  accountName: string;
  symbolOf: (securityId: string) => string;
  before: readonly StoredPosition[];
  after: readonly StoredPosition[];
  /** Exclusive. */
  from: IsoDate;
  /** Inclusive. */
  to: IsoDate;
  transactions: readonly Pick<StoredTransaction, "securityId" | "type" | "tradeDate" | "quantity">[];
}): ReconciliationFinding[] {
  const moves = input.transactions.filter(
    (tx) =>
      tx.securityId !== null && movesShares(tx.type) && tx.tradeDate > input.from && tx.tradeDate <= input.to,
  );
  if (moves.length === 0) return [];
  const delta = new Map<string, Decimal>();
  const add = (securityId: string, value: Decimal | string) =>
    delta.set(securityId, (delta.get(securityId) ?? new Decimal(0)).plus(value));
  for (const p of input.after) add(p.securityId, p.quantity);
  for (const p of input.before) add(p.securityId, new Decimal(p.quantity).neg());
  const explained = new Map<string, Decimal>();
  for (const tx of moves) {
    const id = tx.securityId as string;
    explained.set(id, (explained.get(id) ?? new Decimal(0)).plus(tx.quantity ?? 0));
  }
  const securities = [...new Set([...delta.keys(), ...explained.keys()])].sort();
  return securities.flatMap((securityId): ReconciliationFinding[] => {
    const changed = delta.get(securityId) ?? new Decimal(0);
    const recorded = explained.get(securityId) ?? new Decimal(0);
    if (changed.equals(recorded)) return [];
    return [
      {
        accountId: input.accountId,
        securityId,
        symbol: input.symbolOf(securityId),
        code: "unexplained-change",
        excludedFromHarvesting: false,
        message: `${input.accountName} ${input.symbolOf(securityId)}: the position changed by ${signed(changed)} shares between ${input.from} and ${input.to}, the recorded transactions by ${signed(recorded)}`,
      },
    ];
  });
}

function signed(value: Decimal): string {
  return value.isPositive() && !value.isZero() ? `+${value.toFixed()}` : value.toFixed();
}
