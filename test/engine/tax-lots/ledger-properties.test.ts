// Invariants of the ledger over random household histories (fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal, ZERO } from "../../../src/domain/decimal.ts";
import { formatFixedPoint } from "../../../src/domain/fixed-point.ts";
import { addDays, isoDate } from "../../../src/domain/iso-date.ts";
import type { LedgerTransaction } from "../../../src/engine/tax-lots/types.ts";
import { json, ledger, tx } from "./ledger-builder.ts";

const ACCOUNT_IDS = ["taxable", "spouse-taxable", "ira"] as const;
const SYMBOLS = ["A", "A2", "B"] as const; // A and A2 are substantially identical
const GROUPS = [["A", "A2"]];
const START = isoDate("2024-01-01");

const event = fc.record({
  day: fc.integer({ min: 0, max: 150 }),
  account: fc.constantFrom(...ACCOUNT_IDS),
  symbol: fc.constantFrom(...SYMBOLS),
  sell: fc.boolean(),
  quantity: fc.integer({ min: 1, max: 120 }),
  cents: fc.integer({ min: 100, max: 20_000 }),
});

/** Turns random events into a valid history: sales never exceed what the account holds. */
function history(events: (typeof event extends fc.Arbitrary<infer T> ? T : never)[]): LedgerTransaction[] {
  const held = new Map<string, number>();
  const sorted = events.map((e, i) => ({ ...e, i })).sort((a, b) => a.day - b.day || a.i - b.i);
  const out: LedgerTransaction[] = [];
  for (const e of sorted) {
    const key = `${e.account}/${e.symbol}`;
    const have = held.get(key) ?? 0;
    const quantity = e.sell ? Math.min(have, e.quantity) : e.quantity;
    if (quantity === 0) continue;
    held.set(key, have + (e.sell ? -quantity : quantity));
    const amount = new Decimal(e.cents).times(quantity).dividedBy(100).toFixed(2);
    out.push(
      tx(`t${e.i}`, addDays(START, e.day), e.sell ? "sell" : "buy", e.symbol, String(quantity), amount, {
        account: e.account,
      }),
    );
  }
  return out;
}

const histories = fc.array(event, { minLength: 1, maxLength: 40 }).map(history);
const sum = (values: string[]) => values.reduce((total, v) => total.plus(v), ZERO as Decimal);

describe("ledger invariants", () => {
  it("conserves basis within bounds when IRAs absorb losses: cost in <= basis sold + held <= cost in + disallowed", () => {
    fc.assert(
      fc.property(histories, (transactions) => {
        const result = json(ledger(transactions, { groups: GROUPS }));
        const bought = sum(
          transactions.filter((t) => t.action !== "sell").map((t) => formatFixedPoint(t.amount)),
        );
        const disallowed = sum(result.sales.map((r) => r.disallowedLoss));
        const soldBasis = sum(result.sales.map((r) => r.basis));
        const heldBasis = sum(result.openLots.map((l) => l.basis));
        // Losses washed into an IRA add no basis anywhere, so basis grows by at most the disallowed total.
        expect(soldBasis.plus(heldBasis).greaterThanOrEqualTo(bought)).toBe(true);
        expect(soldBasis.plus(heldBasis).lessThanOrEqualTo(bought.plus(disallowed))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("conserves basis exactly when no IRA is involved, and proceeds add up to each sale's amount", () => {
    fc.assert(
      fc.property(histories, (all) => {
        const transactions = all.filter((t) => t.accountId !== "ira");
        const result = json(ledger(transactions, { groups: GROUPS }));
        const bought = sum(
          transactions.filter((t) => t.action !== "sell").map((t) => formatFixedPoint(t.amount)),
        );
        const moved = sum(result.sales.map((r) => r.disallowedLoss));
        const soldBasis = sum(result.sales.map((r) => r.basis));
        const heldBasis = sum(result.openLots.map((l) => l.basis));
        expect(soldBasis.plus(heldBasis).equals(bought.plus(moved))).toBe(true);
        for (const sale of transactions.filter((t) => t.action === "sell")) {
          const rows = result.sales.filter((r) => r.saleTxId === sale.id);
          expect(sum(rows.map((r) => r.proceeds)).equals(formatFixedPoint(sale.amount))).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("conserves shares: bought = sold + held, per account and symbol", () => {
    fc.assert(
      fc.property(histories, (transactions) => {
        const result = json(ledger(transactions, { groups: GROUPS }));
        for (const account of ACCOUNT_IDS) {
          for (const symbol of SYMBOLS) {
            const of = (t: LedgerTransaction) => t.accountId === account && t.symbol === symbol;
            const bought = sum(
              transactions
                .filter((t) => of(t) && t.action !== "sell")
                .map((t) => formatFixedPoint(t.quantity)),
            );
            const sold = sum(
              result.sales.filter((r) => r.account === account && r.symbol === symbol).map((r) => r.quantity),
            );
            const held = sum(
              result.openLots
                .filter((l) => l.account === account && l.symbol === symbol)
                .map((l) => l.quantity),
            );
            expect(sold.plus(held).equals(bought)).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it("a loss is never both recognised and disallowed, and gains are never touched", () => {
    fc.assert(
      fc.property(histories, (transactions) => {
        const result = json(ledger(transactions, { groups: GROUPS }));
        for (const row of result.sales) {
          const realized = new Decimal(row.realizedGainLoss);
          const disallowed = new Decimal(row.disallowedLoss);
          const recognized = new Decimal(row.recognizedGainLoss);
          expect(disallowed.isNegative()).toBe(false);
          expect(recognized.equals(realized.plus(disallowed))).toBe(true);
          if (disallowed.greaterThan(0)) {
            expect(realized.isNegative()).toBe(true);
            expect(disallowed.lessThanOrEqualTo(realized.negated())).toBe(true);
            expect(recognized.greaterThan(0)).toBe(false);
          }
          if (realized.greaterThanOrEqualTo(0) && !row.basisAdjustedByLaterWash)
            expect(disallowed.isZero()).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("does not depend on the input order of transactions on different dates", () => {
    fc.assert(
      fc.property(
        histories,
        fc.array(fc.integer(), { minLength: 40, maxLength: 40 }),
        (transactions, keys) => {
          // A random order in which transactions of one date keep their relative order.
          const slots = transactions
            .map((t, i) => ({ t, key: keys[i] ?? 0, i }))
            .sort((a, b) => a.key - b.key || a.i - b.i);
          const queues = new Map<string, LedgerTransaction[]>();
          for (const t of transactions) queues.set(t.date, [...(queues.get(t.date) ?? []), t]);
          const shuffled = slots.map(({ t }) => queues.get(t.date)?.shift() as LedgerTransaction);
          expect(JSON.stringify(json(ledger(shuffled, { groups: GROUPS })))).toBe(
            JSON.stringify(json(ledger(transactions, { groups: GROUPS }))),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it("is deterministic: the same history gives the same output, byte for byte", () => {
    fc.assert(
      fc.property(histories, (transactions) => {
        const once = JSON.stringify(json(ledger(transactions, { groups: GROUPS })));
        expect(JSON.stringify(json(ledger([...transactions], { groups: GROUPS })))).toBe(once);
      }),
      { numRuns: 100 },
    );
  });
});
