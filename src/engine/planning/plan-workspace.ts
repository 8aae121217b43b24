// The working state of a plan being drafted: what each account can spend, the trades so far (one
// per account, side and security), the lots already sold, and the findings on the way. Every step
// of docs/trade-drafting.md reads and extends it; nothing here decides what to trade.

import { assert } from "../../domain/assert.ts";
import type { Security } from "../../domain/book.ts";
import { Decimal, ZERO } from "../../domain/decimal.ts";
import type {
  HouseholdBook,
  PlanningAccount,
  PlanningLot,
  PlanningRestriction,
} from "../../domain/household-book.ts";
import type { IsoDate } from "../../domain/iso-date.ts";
import type { Term } from "../holding-period.ts";
import type { Families } from "../substantially-identical.ts";
import type { PlanFinding, PlanSettings, TradePurpose } from "./plan.ts";

export interface LotSale {
  lot: PlanningLot;
  quantity: Decimal;
  proceeds: Decimal;
  /** Null when the sale is not taxable. */
  basis: Decimal | null;
  gainLoss: Decimal | null;
  term: Term | null;
}

export interface TradeDraft {
  side: "sell" | "buy";
  account: PlanningAccount;
  security: Security;
  price: Decimal;
  quantity: Decimal;
  purposes: Set<TradePurpose>;
  lots: LotSale[];
  replaces: { symbol: string; allowedBecause: string } | null;
}

export interface HarvestDraft {
  lot: PlanningLot;
  symbol: string;
  loss: Decimal;
  term: Term;
  estimatedTaxValue: Decimal;
  rebuyFrom: IsoDate;
  replacement: string | null;
}

export class PlanWorkspace {
  readonly accounts: ReadonlyMap<string, PlanningAccount>;
  readonly trades = new Map<string, TradeDraft>();
  /** Quantity already sold from each lot. */
  readonly soldFromLot = new Map<string, Decimal>();
  /** Families the plan sells at a loss in a taxable account (no buy may wash them). */
  readonly lossFamilies = new Set<string>();
  /** Families the plan buys (no harvest may sell them at a loss). */
  readonly boughtFamilies = new Set<string>();
  readonly harvested: HarvestDraft[] = [];
  /** What stopped each class from reaching its goal, reported if it stays out of band. */
  readonly blockers = new Map<string, PlanFinding[]>();
  readonly warnings: PlanFinding[] = [];
  readonly reasons: PlanFinding[] = [];
  /** Net realised gain of the plan so far, taxable sales only. */
  realized = ZERO;
  private readonly spendable = new Map<string, Decimal>();

  constructor(
    readonly book: HouseholdBook,
    readonly families: Families,
    readonly settings: PlanSettings,
    /** Net realised gains of the calendar year before the plan. */
    readonly yearToDate: Decimal,
  ) {
    this.accounts = new Map(book.accounts.map((account) => [account.id, account]));
    for (const account of book.accounts) {
      this.spendable.set(account.id, account.cash.minus(account.cashReserve));
    }
  }

  security(securityId: string): Security {
    const security = this.book.securities.get(securityId);
    assert(security, `unknown security ${securityId}`);
    return security;
  }

  price(securityId: string): Decimal | undefined {
    return this.book.prices.get(securityId);
  }

  /** Cash above the reserve the account can still spend (never below zero). */
  available(accountId: string): Decimal {
    const left = this.spendable.get(accountId) as Decimal;
    return left.isNegative() ? ZERO : left;
  }

  /** Records shares sold from lots (or a position in a tax-advantaged account) as one trade. */
  addSale(account: PlanningAccount, security: Security, sales: LotSale[], purpose: TradePurpose): void {
    const trade = this.trade("sell", account, security, purpose);
    for (const sale of sales) {
      trade.quantity = trade.quantity.plus(sale.quantity);
      trade.lots.push(sale);
      this.soldFromLot.set(sale.lot.lotKey, this.soldQuantity(sale.lot).plus(sale.quantity));
      this.spend(account.id, sale.proceeds.negated());
      if (sale.gainLoss !== null) {
        this.realized = this.realized.plus(sale.gainLoss);
        if (sale.gainLoss.isNegative()) this.lossFamilies.add(this.families.familyOf(security.symbol));
      }
    }
  }

  addBuy(
    account: PlanningAccount,
    security: Security,
    quantity: Decimal,
    purpose: TradePurpose,
    replaces: TradeDraft["replaces"] = null,
  ): void {
    const trade = this.trade("buy", account, security, purpose);
    trade.quantity = trade.quantity.plus(quantity);
    trade.replaces ??= replaces;
    this.spend(account.id, quantity.times(trade.price));
    this.boughtFamilies.add(this.families.familyOf(security.symbol));
  }

  /** Takes back a sale (one under the minimum trade size): its lots, cash and gains return. */
  undoSale(key: string): void {
    const trade = this.trades.get(key);
    assert(trade?.side === "sell", `no sale ${key} to undo`);
    this.trades.delete(key);
    for (const sale of trade.lots) {
      // A lot is sold by one trade only, so undoing it frees the whole lot.
      this.soldFromLot.delete(sale.lot.lotKey);
      this.spend(trade.account.id, sale.proceeds);
      if (sale.gainLoss !== null) this.realized = this.realized.minus(sale.gainLoss);
    }
    this.lossFamilies.clear();
    for (const other of this.trades.values()) {
      if (other.lots.some((sale) => sale.gainLoss?.isNegative())) {
        this.lossFamilies.add(this.families.familyOf(other.security.symbol));
      }
    }
  }

  soldQuantity(lot: PlanningLot): Decimal {
    return this.soldFromLot.get(lot.lotKey) ?? ZERO;
  }

  block(assetClassId: string, finding: PlanFinding): void {
    const list = this.blockers.get(assetClassId) ?? [];
    if (!list.some((f) => f.code === finding.code && f.message === finding.message)) list.push(finding);
    this.blockers.set(assetClassId, list);
  }

  warnOnce(finding: PlanFinding): void {
    if (!this.warnings.some((w) => w.code === finding.code)) this.warnings.push(finding);
  }

  /** The first restriction stopping `kinds` for this account and security, if any. */
  restriction(accountId: string, securityId: string, side: "sell" | "buy"): PlanningRestriction | undefined {
    const kind = side === "sell" ? "DO_NOT_SELL" : "DO_NOT_BUY";
    return this.book.restrictions.find(
      (r) =>
        (r.kind === "DO_NOT_TRADE" || r.kind === kind) &&
        (r.accountId === null || r.accountId === accountId) &&
        (r.securityId === null || r.securityId === securityId),
    );
  }

  /** The trade for this account, side and security, created on first use. */
  private trade(
    side: "sell" | "buy",
    account: PlanningAccount,
    security: Security,
    purpose: TradePurpose,
  ): TradeDraft {
    const key = `${side}\u0000${account.id}\u0000${security.id}`;
    let trade = this.trades.get(key);
    if (!trade) {
      const price = this.price(security.id);
      assert(price, `no price for ${security.symbol}`);
      trade = {
        side,
        account,
        security,
        price,
        quantity: ZERO,
        purposes: new Set(),
        lots: [],
        replaces: null,
      };
      this.trades.set(key, trade);
    }
    trade.purposes.add(purpose);
    return trade;
  }

  private spend(accountId: string, amount: Decimal): void {
    this.spendable.set(accountId, (this.spendable.get(accountId) as Decimal).minus(amount));
  }
}

/** Shares for an amount at a price: whole shares, or 4 decimals where the account allows fractions. */
export function sharesFor(amount: Decimal, price: Decimal, fractional: boolean, up: boolean): Decimal {
  return roundShares(amount.dividedBy(price), fractional, up);
}

export function roundShares(quantity: Decimal, fractional: boolean, up: boolean): Decimal {
  return quantity.toDecimalPlaces(fractional ? 4 : 0, up ? Decimal.ROUND_UP : Decimal.ROUND_DOWN);
}

/** Plain code-unit order for ids and keys (never equal where it is used). */
export function byText(a: string, b: string): number {
  return a < b ? -1 : 1;
}

export function minDecimal(a: Decimal, b: Decimal): Decimal {
  return a.lessThan(b) ? a : b;
}
