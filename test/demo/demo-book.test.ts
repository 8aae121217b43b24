import { describe, expect, it } from "vitest";
import { buildDemoBook } from "../../src/demo/demo-book.ts";
import type {
  DemoAccount,
  DemoBook,
  DemoHousehold,
  DemoModelVersion,
  DemoTransaction,
} from "../../src/demo/types.ts";
import { Decimal, parseDecimal, sumDecimals } from "../../src/domain/decimal.ts";
import { addDays, daysBetween, type IsoDate, isoDate } from "../../src/domain/iso-date.ts";

const ANCHOR = isoDate("2026-11-20");
const NOW = "2026-11-20T15:00:00.000Z";
const book = buildDemoBook({ anchorDate: ANCHOR, now: NOW });

// --- helpers -----------------------------------------------------------------------------------

function household(id: string): DemoHousehold {
  const found = book.households.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no household ${id}`);
  return found;
}

function account(from: DemoBook, id: string): DemoAccount {
  const found = from.households.flatMap((hh) => hh.accounts).find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no account ${id}`);
  return found;
}

function allAccounts(from: DemoBook = book): DemoAccount[] {
  return from.households.flatMap((hh) => hh.accounts);
}

function security(symbol: string) {
  const found = book.securities.find((candidate) => candidate.symbol === symbol);
  if (found === undefined) throw new Error(`no security ${symbol}`);
  return found;
}

function modelVersion(id: string): DemoModelVersion {
  const found = book.models.flatMap((model) => model.versions).find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`no model version ${id}`);
  return found;
}

function dec(text: string): Decimal {
  const value = parseDecimal(text);
  if (value === undefined) throw new Error(`not a decimal: ${text}`);
  return value;
}

function txs(
  from: DemoBook,
  accountId: string,
  predicate: (tx: DemoTransaction) => boolean,
): DemoTransaction[] {
  return account(from, accountId).transactions.filter(predicate);
}

/** Household weights by asset class: quantity x QUOTE price, plus account cash in the cash class. */
function householdWeights(hh: DemoHousehold): Map<string, Decimal> {
  const quotes = new Map(
    book.prices.filter((p) => p.kind === "QUOTE").map((p) => [p.securityId, dec(p.price)]),
  );
  const classOf = new Map(book.securities.map((s) => [s.id, s.assetClassId]));
  const values = new Map<string, Decimal>();
  const add = (assetClassId: string, value: Decimal) =>
    values.set(assetClassId, (values.get(assetClassId) ?? new Decimal(0)).plus(value));
  for (const acct of hh.accounts) {
    add("cash", dec(acct.snapshot.cash));
    for (const position of acct.snapshot.positions) {
      const price = quotes.get(position.securityId);
      const assetClassId = classOf.get(position.securityId);
      if (price === undefined || assetClassId === undefined)
        throw new Error(`no quote/class ${position.securityId}`);
      add(assetClassId, dec(position.quantity).times(price));
    }
  }
  const total = sumDecimals(values.values());
  return new Map([...values].map(([assetClassId, value]) => [assetClassId, value.div(total)]));
}

/** Asset classes outside the 5/25 bands (held classes without a target count as out of band). */
function outOfBand(hh: DemoHousehold): string[] {
  if (hh.modelVersionId === null) throw new Error(`${hh.id} has no model`);
  const mv = modelVersion(hh.modelVersionId);
  const weights = householdWeights(hh);
  const out: string[] = [];
  for (const target of mv.targets) {
    const goal = dec(target.weight);
    const diff = (weights.get(target.assetClassId) ?? new Decimal(0)).minus(goal).abs();
    const bandAbsolute = dec(target.bandAbsolute ?? mv.bandAbsolute);
    const bandRelative = dec(target.bandRelative ?? mv.bandRelative);
    if (diff.gt(bandAbsolute) || diff.div(goal).gt(bandRelative)) out.push(target.assetClassId);
  }
  for (const [assetClassId, weight] of weights) {
    if (!mv.targets.some((t) => t.assetClassId === assetClassId) && weight.gt(0)) out.push(assetClassId);
  }
  return out.sort();
}

function allDecimalStrings(from: DemoBook): { money: string[]; other: string[] } {
  const money: string[] = [];
  const other: string[] = [];
  for (const s of from.securities) if (s.expenseRatio !== null) other.push(s.expenseRatio);
  for (const mv of from.models.flatMap((m) => m.versions)) {
    other.push(mv.bandAbsolute, mv.bandRelative);
    for (const t of mv.targets) {
      other.push(t.weight);
      if (t.bandAbsolute !== null) other.push(t.bandAbsolute);
      if (t.bandRelative !== null) other.push(t.bandRelative);
    }
  }
  for (const acct of allAccounts(from)) {
    money.push(acct.cashReserve, acct.snapshot.cash);
    for (const p of acct.snapshot.positions) {
      other.push(p.quantity);
      if (p.reportedCostBasis !== null) money.push(p.reportedCostBasis);
    }
    for (const lot of acct.snapshot.lots) {
      other.push(lot.quantity);
      money.push(lot.deferredWashLoss);
      if (lot.costBasis !== null) money.push(lot.costBasis);
    }
    for (const tx of acct.transactions) {
      money.push(tx.amount);
      if (tx.quantity !== null) other.push(tx.quantity);
      if (tx.price !== null) money.push(tx.price);
    }
  }
  for (const price of from.prices) money.push(price.price);
  return { money, other };
}

// --- tests -------------------------------------------------------------------------------------

describe("buildDemoBook", () => {
  it("is deterministic: the same options give a deep-equal, JSON-identical book", () => {
    const again = buildDemoBook({ anchorDate: ANCHOR, now: NOW });
    expect(again).toEqual(book);
    expect(JSON.stringify(again)).toBe(JSON.stringify(book));
  });

  it("shifts every dated scenario with the anchor", () => {
    const later = buildDemoBook({ anchorDate: isoDate("2027-03-15"), now: "2027-03-15T14:30:00.000Z" });
    expect(later.anchorDate).toBe("2027-03-15");
    const ivv = (b: DemoBook) =>
      txs(b, "acct-chen-fidelity-ira", (tx) => tx.securityId === "sec-ivv" && tx.type === "BUY")[0]
        ?.tradeDate;
    const sold = (b: DemoBook) =>
      txs(b, "acct-alvarez-schwab-taxable", (tx) => tx.type === "SELL")[0]?.tradeDate;
    // Trade dates fall on business days: anchor-12 is a Sunday, so the purchase is the Friday before.
    expect(ivv(book)).toBe("2026-11-06");
    expect(ivv(later)).toBe("2027-03-03");
    expect(sold(later)).toBe("2027-02-23");
    const scheduled = txs(later, "acct-chen-empower-401k", (tx) => tx.status === "SCHEDULED").map(
      (tx) => tx.tradeDate,
    );
    expect(scheduled).toEqual(["2027-03-22", "2027-04-05"]); // +5 and +19 land on Saturdays: next Monday
    // Same structure, different dates: every lot keeps its age relative to the anchor.
    const ages = (b: DemoBook) =>
      allAccounts(b).flatMap((a) => a.snapshot.lots.map((lot) => daysBetween(lot.tradeDate, b.anchorDate)));
    expect(ages(later).length).toBe(ages(book).length);
    const weekend = (date: IsoDate) =>
      ["Sat", "Sun"].includes(new Date(`${date}T12:00:00Z`).toUTCString().slice(0, 3));
    for (const b of [book, later]) {
      const dates = allAccounts(b).flatMap((a) => a.transactions.map((tx) => tx.tradeDate));
      expect(dates.filter(weekend)).toEqual([]);
    }
    expect(later.prices.find((p) => p.kind === "CLOSE")?.asOf).toBe("2027-03-12T21:00:00.000Z"); // Friday
  });

  it("has the breadth of a real book: households, custodians, account types, spouse and held-away accounts", () => {
    expect(book.households.length).toBeGreaterThanOrEqual(4);
    const custodians = new Set(allAccounts().map((a) => a.custodianId));
    for (const id of ["schwab", "fidelity", "vanguard", "ibkr"]) expect(custodians).toContain(id);
    expect(custodians.size).toBeGreaterThanOrEqual(4);
    for (const hh of book.households) {
      expect(hh.accounts.length).toBeGreaterThanOrEqual(2);
      expect(hh.accounts.length).toBeLessThanOrEqual(10);
    }
    expect(book.securities.length).toBeGreaterThanOrEqual(20);
    const spouseAccounts = book.households.flatMap((hh) =>
      hh.accounts.filter((a) => hh.people.find((p) => p.id === a.ownerId)?.role === "SPOUSE"),
    );
    expect(spouseAccounts.length).toBeGreaterThan(0);
    expect(allAccounts().some((a) => a.type === "K401" && !a.tradeable)).toBe(true);
    const types = new Set(allAccounts().map((a) => a.type));
    for (const type of ["TAXABLE", "TRADITIONAL_IRA", "ROTH_IRA"] as const) expect(types).toContain(type);
    // Every owner is a person of the account's household; fractional follows the custodian.
    for (const hh of book.households) {
      for (const a of hh.accounts) {
        expect(hh.people.map((p) => p.id)).toContain(a.ownerId);
        expect(a.fractionalShares).toBe(
          book.custodians.find((c) => c.id === a.custodianId)?.supportsFractional,
        );
      }
    }
  });

  it("has model versions whose weights sum to exactly 1, with alternates in the target's asset class", () => {
    for (const mv of book.models.flatMap((m) => m.versions)) {
      expect(sumDecimals(mv.targets.map((t) => dec(t.weight))).eq(1), mv.id).toBe(true);
      for (const target of mv.targets) {
        for (const securityId of [target.primarySecurityId, ...target.alternateSecurityIds]) {
          expect(book.securities.find((s) => s.id === securityId)?.assetClassId, securityId).toBe(
            target.assetClassId,
          );
        }
      }
    }
  });

  it("reconciles every position with its lots, except exactly the IJR position in Alvarez's IRA", () => {
    const unreconciled: string[] = [];
    for (const acct of allAccounts()) {
      const lotSecurities = new Set(acct.snapshot.lots.map((lot) => lot.securityId));
      expect([...lotSecurities].sort()).toEqual(acct.snapshot.positions.map((p) => p.securityId).sort());
      for (const position of acct.snapshot.positions) {
        const lots = acct.snapshot.lots.filter((lot) => lot.securityId === position.securityId);
        const quantity = sumDecimals(lots.map((lot) => dec(lot.quantity)));
        const basis = lots.some((lot) => lot.costBasis === null)
          ? null
          : sumDecimals(lots.map((lot) => dec(lot.costBasis ?? "0")));
        const reported = position.reportedCostBasis === null ? null : dec(position.reportedCostBasis);
        const basisMatches = basis === null || reported === null ? basis === reported : basis.eq(reported);
        if (!quantity.eq(dec(position.quantity)) || !basisMatches) {
          unreconciled.push(`${acct.id}/${position.securityId}`);
        }
      }
    }
    expect(unreconciled).toEqual(["acct-alvarez-schwab-ira/sec-ijr"]);
    const ijr = account(book, "acct-alvarez-schwab-ira").snapshot.positions.find(
      (p) => p.securityId === "sec-ijr",
    );
    expect(ijr?.quantity).toBe("150");
  });

  it("has an acquiring transaction for every open lot, with the lot's date, quantity, price and amount", () => {
    for (const acct of allAccounts()) {
      for (const lot of acct.snapshot.lots) {
        const matches = acct.transactions.filter(
          (tx) =>
            ["BUY", "DIVIDEND_REINVEST", "TRANSFER_IN"].includes(tx.type) &&
            tx.status === "SETTLED" &&
            tx.lotKeys.includes(lot.lotKey),
        );
        expect(matches.length, lot.lotKey).toBe(1);
        const [tx] = matches;
        if (tx === undefined) continue;
        expect(tx.securityId).toBe(lot.securityId);
        expect(tx.tradeDate).toBe(lot.tradeDate);
        expect(tx.quantity).toBe(lot.quantity);
        if (lot.costBasis === null) {
          expect(tx.type).toBe("TRANSFER_IN");
          expect(tx.amount).toBe("0.00");
        } else {
          const cost = dec(lot.quantity)
            .times(dec(tx.price ?? "NaN"))
            .toDecimalPlaces(2);
          expect(dec(tx.amount).neg().eq(cost), lot.lotKey).toBe(true);
          expect(dec(lot.costBasis).eq(cost), lot.lotKey).toBe(true);
        }
      }
    }
  });

  it("uses unique ids across the book", () => {
    const ids: string[] = [
      ...book.custodians.map((c) => c.id),
      ...book.assetClasses.map((c) => c.id),
      ...book.securities.map((s) => s.id),
      book.policy.id,
      ...book.policy.groups.map((g) => g.id),
      ...book.models.map((m) => m.id),
      ...book.models.flatMap((m) => m.versions.flatMap((v) => [v.id, ...v.targets.map((t) => t.id)])),
      ...book.users.map((u) => u.id),
      ...book.users.map((u) => u.slackUserId),
      ...book.households.flatMap((hh) => [
        hh.id,
        ...hh.people.map((p) => p.id),
        ...hh.restrictions.map((r) => r.id),
        ...hh.accounts.flatMap((a) => [
          a.id,
          a.snapshot.id,
          ...a.snapshot.lots.map((lot) => lot.lotKey),
          ...a.transactions.map((tx) => tx.id),
          ...a.transactions.map((tx) => tx.externalId),
        ]),
      ]),
    ];
    expect(ids.filter((id, index) => ids.indexOf(id) !== index)).toEqual([]);
    const masked = allAccounts().map((a) => a.accountNumberMasked);
    expect(new Set(masked).size).toBe(masked.length);
    for (const m of masked) expect(m).toMatch(/^\*{4}\d{4}$/);
  });

  it("writes every decimal as a plain decimal string, and money with at most 2 decimals", () => {
    const { money, other } = allDecimalStrings(book);
    for (const text of [...money, ...other]) expect(parseDecimal(text), text).toBeDefined();
    for (const text of money) expect(dec(text).decimalPlaces(), text).toBeLessThanOrEqual(2);
  });

  it("places the wash-sale traps inside their windows: spouse-IRA IVV, BND reinvestment, scheduled 401k buys", () => {
    // Mei's IRA bought IVV 12 days before the anchor; IVV tracks the same index as David's VOO loss lot.
    const ivv = txs(book, "acct-chen-fidelity-ira", (tx) => tx.securityId === "sec-ivv" && tx.type === "BUY");
    expect(ivv).toHaveLength(1);
    const ivvDate = ivv[0]?.tradeDate as IsoDate;
    expect(daysBetween(ivvDate, ANCHOR)).toBeGreaterThan(0);
    expect(daysBetween(ivvDate, ANCHOR)).toBeLessThanOrEqual(30);
    expect(ivv[0]?.status).toBe("SETTLED");
    expect(security("IVV").trackedIndex).toBe(security("VOO").trackedIndex);
    const mei = household("hh-chen").people.find(
      (p) => p.id === account(book, "acct-chen-fidelity-ira").ownerId,
    );
    expect(mei?.role).toBe("SPOUSE");
    const voo = account(book, "acct-chen-schwab-taxable").snapshot.lots.find(
      (lot) => lot.securityId === "sec-voo",
    );
    expect(dec(voo?.costBasis ?? "0").gt(dec(voo?.quantity ?? "0").times(560))).toBe(true);

    // The joint account reinvested a BND dividend 10 days ago, next to BND lots at a loss.
    const drip = txs(book, "acct-chen-vanguard-joint", (tx) => tx.type === "DIVIDEND_REINVEST");
    expect(drip).toHaveLength(1);
    expect(drip[0]?.securityId).toBe("sec-bnd");
    expect(drip[0]?.quantity).toBe("1.843");
    const dripAge = daysBetween(drip[0]?.tradeDate as IsoDate, ANCHOR);
    expect(dripAge).toBeGreaterThan(0);
    expect(dripAge).toBeLessThanOrEqual(30);

    // The held-away 401k keeps buying VTSAX (VTI's share-class twin): settled 9 days ago, scheduled ahead.
    const k401 = account(book, "acct-chen-empower-401k");
    expect(k401.tradeable).toBe(false);
    const vtsax = (tx: DemoTransaction) => tx.securityId === "sec-vtsax" && tx.type === "BUY";
    const scheduled = k401.transactions.filter((tx) => vtsax(tx) && tx.status === "SCHEDULED");
    expect(scheduled.map((tx) => tx.tradeDate)).toEqual([addDays(ANCHOR, 5), addDays(ANCHOR, 19)]);
    for (const tx of scheduled) {
      expect(tx.quantity).toBeNull();
      expect(tx.price).toBeNull();
      expect(tx.amount).toBe("-500.00");
    }
    const settled = k401.transactions.filter((tx) => vtsax(tx) && tx.status === "SETTLED");
    expect(settled.map((tx) => tx.tradeDate)).toContain(addDays(ANCHOR, -9));
    expect(
      book.policy.groups.some(
        (g) => g.securityIds.includes("sec-vti") && g.securityIds.includes("sec-vtsax"),
      ),
    ).toBe(true);

    // Alvarez sold ITOT at a loss 20 days ago and holds no ITOT lot.
    const itot = txs(book, "acct-alvarez-schwab-taxable", (tx) => tx.securityId === "sec-itot");
    expect(itot.map((tx) => tx.type)).toEqual(["BUY", "SELL"]);
    expect(itot[1]?.tradeDate).toBe("2026-10-30"); // anchor-20 is a Saturday
    expect(dec(itot[1]?.amount ?? "0").lt(dec(itot[0]?.amount ?? "0").neg())).toBe(true);
    expect(
      household("hh-alvarez")
        .accounts.flatMap((a) => a.snapshot.lots)
        .some((l) => l.securityId === "sec-itot"),
    ).toBe(false);
  });

  it("puts Chen far out of band and Okafor inside every band", () => {
    const chen = household("hh-chen");
    const chenWeights = householdWeights(chen);
    const equity = (chenWeights.get("us_equity") ?? new Decimal(0)).plus(
      chenWeights.get("us_small_cap") ?? 0,
    );
    expect(equity.gte("0.60")).toBe(true);
    expect((chenWeights.get("us_bonds") ?? new Decimal(0)).lt("0.20")).toBe(true);
    expect(outOfBand(chen)).toEqual(expect.arrayContaining(["us_equity", "us_bonds"]));

    const okafor = household("hh-okafor");
    expect(outOfBand(okafor)).toEqual([]);
    // Comfortably inside, not on an edge: every class within 1.5 points of target.
    for (const target of modelVersion(okafor.modelVersionId ?? "").targets) {
      const weight = householdWeights(okafor).get(target.assetClassId) ?? new Decimal(0);
      expect(weight.minus(target.weight).abs().lte("0.015"), target.assetClassId).toBe(true);
    }
    expect(outOfBand(household("hh-alvarez"))).toEqual(["intl_developed"]);
    expect(outOfBand(household("hh-patel")).length).toBeGreaterThan(0);
  });

  it("stamps Patel's snapshots 20 hours old and everyone else's within 5 minutes of now", () => {
    const now = new Date(NOW).getTime();
    for (const hh of book.households) {
      for (const acct of hh.accounts) {
        const ageMinutes = (now - new Date(acct.snapshot.asOf).getTime()) / 60_000;
        if (hh.id === "hh-patel") {
          expect(ageMinutes, acct.id).toBe(20 * 60);
          expect(acct.snapshot.source).toBe("demo-nightly");
        } else {
          expect(ageMinutes, acct.id).toBeGreaterThanOrEqual(0);
          expect(ageMinutes, acct.id).toBeLessThanOrEqual(5);
          expect(acct.snapshot.source).toBe("demo");
        }
      }
    }
    for (const price of book.prices.filter((p) => p.kind === "QUOTE")) {
      expect(now - new Date(price.asOf).getTime()).toBeLessThanOrEqual(5 * 60_000);
    }
    expect(
      book.prices.filter((p) => p.kind === "CLOSE").every((p) => p.asOf === "2026-11-19T21:00:00.000Z"),
    ).toBe(true);
  });

  it("leaves Brooks without a model", () => {
    const brooks = household("hh-brooks");
    expect(brooks.modelVersionId).toBeNull();
    expect(brooks.modelAssignedOn).toBeNull();
    for (const hh of book.households.filter((h) => h.modelVersionId !== null)) {
      const mv = modelVersion(hh.modelVersionId ?? "");
      expect(hh.modelAssignedOn !== null && hh.modelAssignedOn >= mv.effectiveDate).toBe(true);
    }
  });
});
