// The household's side of a wash-sale check (IRC §1091; Pub 550; Rev. Rul. 2008-5), read from its
// transactions: every purchase that can be a replacement (settled, pending or scheduled, in any
// account, spouse and IRAs included) and every settled sale at a loss.
import type { HouseholdBook } from "../../domain/household-book.ts";
import type { KnownAcquisition, RealisedLoss } from "../wash-sale-check.ts";

const symbolOf = (book: HouseholdBook, securityId: string) =>
  book.securities.get(securityId)?.symbol ?? securityId;

export function knownAcquisitions(book: HouseholdBook): KnownAcquisition[] {
  return book.transactions.flatMap((tx): KnownAcquisition[] =>
    tx.kind === "sell"
      ? []
      : [
          {
            txId: tx.id,
            accountId: tx.accountId,
            symbol: symbolOf(book, tx.securityId),
            date: tx.tradeDate,
            status: tx.status,
            quantity: tx.quantity,
            kind: tx.kind,
            ...(tx.lotKey ? { lotKey: tx.lotKey } : {}),
          },
        ],
  );
}

/** Settled sales at a loss; the check itself decides which fall in the window and which are taxable. */
export function realisedLosses(book: HouseholdBook): RealisedLoss[] {
  return book.transactions.flatMap((tx): RealisedLoss[] =>
    tx.kind === "sell" && tx.status === "settled" && tx.realizedGainLoss?.isNegative()
      ? [
          {
            txId: tx.id,
            accountId: tx.accountId,
            symbol: symbolOf(book, tx.securityId),
            date: tx.tradeDate,
            loss: tx.realizedGainLoss.negated(),
          },
        ]
      : [],
  );
}
