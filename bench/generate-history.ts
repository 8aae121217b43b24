// A deterministic household history for benchmarks: buys, dividend reinvestments and sales across
// taxable, spouse and IRA accounts and substantially identical funds, so lot relief and wash-sale
// matching both do real work. Same size and seed -> same file.
import { Decimal } from "../src/domain/decimal.ts";
import { addDays, isoDate } from "../src/domain/iso-date.ts";

const ACCOUNTS = [
  { account: "taxable-1", accountType: "taxable" },
  { account: "taxable-2", accountType: "taxable" },
  { account: "spouse-1", accountType: "spouse-taxable" },
  { account: "ira-1", accountType: "ira" },
  { account: "roth-1", accountType: "spouse-roth" },
] as const;
const SYMBOLS = ["VOO", "IVV", "SPY", "VTI", "ITOT", "SCHB", "VEA", "IEFA", "VWO", "IEMG", "BND", "AGG"];
const GROUPS = [
  ["VOO", "IVV", "SPY"],
  ["AGG", "BND"],
];

/** xorshift32: a small deterministic generator (benchmarks only; the engine never uses randomness). */
function random(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

/**
 * `sellShare`: the chance that a transaction on a held position is a sale. 0.2 is a busy household
 * (contributions, reinvestments, rebalancing and harvest sales); 0.4 is an active trader.
 */
export function generateHistory(size: number, options: { seed?: number; sellShare?: number } = {}) {
  const { seed = 7, sellShare = 0.2 } = options;
  const next = random(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(next() * items.length)] as T;
  const held = new Map<string, number>();
  const price = new Map(SYMBOLS.map((s, i) => [s, 50 + i * 17]));
  const transactions: object[] = [];
  let date = isoDate("2010-01-04");
  for (let i = 0; transactions.length < size; i++) {
    if (next() < 0.3) date = addDays(date, 1);
    const { account, accountType } = pick(ACCOUNTS);
    const symbol = pick(SYMBOLS);
    const key = `${account}/${symbol}`;
    const p = Math.max(5, (price.get(symbol) ?? 50) * (0.97 + next() * 0.06));
    price.set(symbol, p);
    const have = held.get(key) ?? 0;
    const sell = have > 0 && next() < sellShare;
    const quantity = sell
      ? Math.max(1, Math.floor(have * (0.2 + next() * 0.8)))
      : 1 + Math.floor(next() * 50);
    const unit = new Decimal(p.toFixed(2));
    held.set(key, have + (sell ? -quantity : quantity));
    transactions.push({
      id: `t${i}`,
      date,
      account,
      accountType,
      action: sell ? "sell" : next() < 0.1 ? "dividend-reinvest" : "buy",
      symbol,
      quantity: String(quantity),
      price: unit.toFixed(2),
      amount: unit.times(quantity).toFixed(2),
    });
  }
  return {
    method: "FIFO",
    accountMethods: { "taxable-2": "HIFO" },
    substantiallyIdentical: GROUPS,
    transactions,
  };
}
