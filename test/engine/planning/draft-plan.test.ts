// Drafting plans (domain-rules.md, "Trade drafting"; docs/trade-drafting.md): scenarios on the demo
// households, named after what happens, and the invariants as properties.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Decimal } from "../../../src/domain/decimal.ts";
import type { HouseholdBook, ModelVersionSpec } from "../../../src/domain/household-book.ts";
import { isoDate } from "../../../src/domain/iso-date.ts";
import { computeDrift } from "../../../src/engine/planning/compute-drift.ts";
import {
  applyTrades,
  DEFAULT_PLAN_SETTINGS,
  draftPlan,
  type PlanRequest,
} from "../../../src/engine/planning/draft-plan.ts";
import type { Plan, PlanSettings } from "../../../src/engine/planning/plan.ts";
import { checkWashSales, type ProposedTrade } from "../../../src/engine/wash-sale-check.ts";
import { demoFamilies, demoHousehold, demoModel, demoPolicy } from "../../support/demo-household.ts";
import { householdArb, inBandHouseholdArb } from "../../support/random-household.ts";

const d = (v: string) => new Decimal(v);
const families = demoFamilies();

function request(
  book: HouseholdBook,
  model: ModelVersionSpec | null,
  settings: Partial<PlanSettings> = {},
): PlanRequest {
  return {
    book,
    model,
    policy: demoPolicy(),
    settings: { ...DEFAULT_PLAN_SETTINGS, ...settings },
    inputs: {
      snapshots: [],
      modelVersionId: model?.id ?? null,
      policyVersion: "si-policy-v1",
      settingsId: "test",
    },
    staleInputs: [],
    families,
  };
}

function plan(
  book: HouseholdBook,
  model: ModelVersionSpec | null,
  settings: Partial<PlanSettings> = {},
): Plan {
  const drafted = draftPlan(request(book, model, settings));
  if (!drafted.ok) throw new Error(drafted.error.message);
  return drafted.value;
}

const demoPlan = (id: string, settings: Partial<PlanSettings> = {}) =>
  plan(demoHousehold(id), demoModel(id), settings);
const chen = demoPlan("hh-chen");
const trade = (p: Plan, side: "buy" | "sell", accountId: string, symbol: string) =>
  p.trades.find((t) => t.side === side && t.accountId === accountId && t.symbol === symbol);

describe("draftPlan on the demo households", () => {
  it("ira-sells-before-taxable-gains: Chen sells US equity in the IRA and Roth first, then taxable long-term lots", () => {
    const sells = chen.trades.filter((t) => t.side === "sell" && t.assetClassId === "us_equity");
    expect(sells.map((t) => `${t.accountId} ${t.symbol} ${t.quantity}`)).toEqual([
      "acct-chen-fidelity-ira IVV 20",
      "acct-chen-fidelity-roth VTI 40.5",
      "acct-chen-schwab-taxable VTI 577",
    ]);
    expect(trade(chen, "sell", "acct-chen-fidelity-ira", "IVV")?.realized).toBeNull();
  });

  it("long-term-gains-from-the-highest-basis-first: VTI lots at $262.40, $221.75, then part of $165.20; the $148.60 lot is kept", () => {
    const vti = trade(chen, "sell", "acct-chen-schwab-taxable", "VTI");
    expect(vti?.lots.map((l) => [l.lotKey, l.quantity, l.gainLoss, l.term])).toEqual([
      ["lot-chen-schwab-taxable-vti-2024-10-16", "100", "4760.00", "long"],
      ["lot-chen-schwab-taxable-vti-2022-11-18", "200", "17650.00", "long"],
      ["lot-chen-schwab-taxable-vti-2020-11-20", "277", "40109.60", "long"],
    ]);
    expect(chen.trades.some((t) => t.accountId === "acct-chen-vanguard-joint" && t.side === "sell")).toBe(
      false,
    );
  });

  it("spouse-ira-buy-blocks-harvest: the VOO loss is neither sold nor harvested, and says when it can be", () => {
    expect(chen.trades.some((t) => t.symbol === "VOO")).toBe(false);
    const voo = chen.notHarvested.find((f) => f.symbol === "VOO");
    expect(voo).toMatchObject({ code: "harvest.wash-sale", from: "2026-12-07" });
  });

  it("vea-loss-harvested-into-iefa: the replacement is a different index, and nothing in the plan rebuys VEA", () => {
    expect(chen.harvested).toEqual([
      expect.objectContaining({
        symbol: "VEA",
        loss: "2400.00",
        term: "long",
        replacement: "IEFA",
        rebuyFrom: "2026-12-21",
      }),
    ]);
    const replacement = trade(chen, "buy", "acct-chen-ibkr-taxable", "IEFA");
    expect(replacement?.purposes).toEqual(["replacement"]);
    expect(replacement?.replaces?.allowedBecause).toContain("si-policy-v1");
    expect(chen.trades.some((t) => t.side === "buy" && t.symbol === "VEA")).toBe(false);
    expect(chen.realized).toMatchObject({
      shortTerm: "0.00",
      longTerm: "60119.60",
      estimatedTax: "12023.92",
    });
  });

  it("chen-ends-inside-every-band with cash at or above every reserve", () => {
    expect(chen.drift.after.filter((c) => c.outOfBand)).toEqual([]);
    for (const cash of chen.cash) {
      expect(d(cash.after).greaterThanOrEqualTo(Decimal.min(d(cash.before), d(cash.reserve)))).toBe(true);
    }
  });

  it("whole-shares-unless-fractional: Schwab buys whole shares, Fidelity and IBKR may buy fractions", () => {
    for (const t of chen.trades.filter((x) => x.side === "buy")) {
      const fractional = [
        "acct-chen-fidelity-ira",
        "acct-chen-fidelity-roth",
        "acct-chen-ibkr-taxable",
      ].includes(t.accountId);
      if (!fractional) expect(d(t.quantity).isInteger()).toBe(true);
      expect(d(t.quantity).decimalPlaces()).toBeLessThanOrEqual(4);
    }
  });

  it("in-band-household-gets-an-empty-plan: Okafor", () => {
    const okafor = demoPlan("hh-okafor");
    expect(okafor.status).toBe("empty");
    expect(okafor.trades).toEqual([]);
    expect(okafor.reasons.map((r) => r.code)).toEqual(["plan.in-band"]);
  });

  it("band-edge-model-stops-at-the-edge: Patel's US equity comes down to 60%, not to 55%", () => {
    const patel = demoPlan("hh-patel");
    const equity = patel.drift.after.find((c) => c.assetClassId === "us_equity");
    expect(equity?.actualWeight).toBe("0.600000");
    expect(patel.drift.after.filter((c) => c.outOfBand)).toEqual([]);
  });

  it("ira-only-rebalance-realises-nothing: Alvarez trades only in IRAs and keeps SCHB (do not sell)", () => {
    const alvarez = demoPlan("hh-alvarez");
    expect(alvarez.trades.length).toBeGreaterThan(0);
    expect(alvarez.trades.every((t) => !t.taxable)).toBe(true);
    expect(alvarez.realized.total).toBe("0.00");
    expect(alvarez.realized.yearToDate).toBe("-1120.00");
    expect(alvarez.warnings.map((w) => `${w.code} ${w.symbol}`)).toEqual([
      "data.unreconciled IJR",
      "data.unreconciled VB",
    ]);
  });

  it("no-model-no-plan: Brooks is refused", () => {
    const drafted = draftPlan(request(demoHousehold("hh-brooks"), null));
    expect(drafted).toMatchObject({ ok: false, error: { code: "plan.no-model" } });
  });

  it("hard-gain-budget-caps-realised-gains and says why US equity stays out of band", () => {
    const capped = demoPlan("hh-chen", { gainBudget: { limit: d("20000"), mode: "hard" } });
    expect(d(capped.realized.total).lessThanOrEqualTo(20000)).toBe(true);
    expect(d(capped.realized.total).greaterThan(15000)).toBe(true);
    expect(capped.drift.after.find((c) => c.assetClassId === "us_equity")?.outOfBand).toBe(true);
    expect(capped.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(["rebalance.out-of-band", "sell.gain-budget"]),
    );
    expect(capped.warnings.map((w) => w.code)).toEqual(["plan.gain-budget-reached"]);
  });

  it("soft-gain-budget-warns but sells", () => {
    const soft = demoPlan("hh-chen", { gainBudget: { limit: d("20000"), mode: "soft" } });
    expect(soft.realized.total).toBe(chen.realized.total);
    expect(soft.warnings.map((w) => w.code)).toContain("plan.gain-budget-exceeded");
  });

  it("a stale plan is marked stale, with a warning per stale input", () => {
    const stale = draftPlan({
      ...request(demoHousehold("hh-patel"), demoModel("hh-patel")),
      staleInputs: [
        { label: "positions in Raj - IBKR brokerage", asOf: "2026-11-20T00:00:00.000Z", ageSeconds: 72000 },
      ],
    });
    expect(stale.ok && stale.value.stale).toBe(true);
    expect(stale.ok && stale.value.warnings[0]?.code).toBe("data.stale");
  });

  it("harvest-in-band-when-asked: an in-band household with a big loss harvests it into a different index", () => {
    const okafor = demoHousehold("hh-okafor");
    const prices = new Map(okafor.prices);
    prices.set("sec-vxus", d("55.00")); // VXUS lot bought at 61.40 is now 10% down
    const book = { ...okafor, prices };
    expect(plan(book, demoModel("hh-okafor")).trades).toEqual([]);
    const harvesting = plan(book, demoModel("hh-okafor"), { harvestWhenInBand: true });
    expect(harvesting.harvested.map((h) => [h.symbol, h.replacement])).toEqual([["VXUS", "IXUS"]]);
    expect(harvesting.trades.map((t) => `${t.side} ${t.symbol}`)).toEqual(["sell VXUS", "buy IXUS"]);
  });
});

/** A two-account household: equity-heavy taxable account and an IRA, for the sell-order rules. */
function twoLotHousehold(): { book: HouseholdBook; model: ModelVersionSpec } {
  const base = demoHousehold("hh-okafor");
  const asOf = isoDate("2026-11-20");
  const lot = (key: string, acquired: string, quantity: string, basis: string) => ({
    lotKey: key,
    accountId: "acct-t",
    securityId: "sec-vti",
    tradeDate: isoDate(acquired),
    acquiredDate: isoDate(acquired),
    quantity: d(quantity),
    costBasis: d(basis),
  });
  const lots = [lot("st-gain", "2026-06-01", "100", "25000"), lot("lt-gain", "2020-06-01", "100", "20000")];
  return {
    book: {
      ...base,
      asOf,
      accounts: [
        {
          id: "acct-t",
          name: "Taxable",
          type: "TAXABLE",
          taxable: true,
          tradeable: true,
          cash: d("0"),
          cashReserve: d("0"),
          fractionalShares: false,
        },
      ],
      positions: [
        { accountId: "acct-t", securityId: "sec-vti", quantity: d("200"), reportedCostBasis: null },
      ],
      lots,
      transactions: [],
      restrictions: [],
    },
    model: {
      ...demoModel("hh-okafor"),
      targets: [
        {
          assetClassId: "us_equity",
          weight: d("0.3"),
          bandAbsolute: null,
          bandRelative: null,
          primarySecurityId: "sec-vti",
          alternateSecurityIds: [],
        },
        {
          assetClassId: "us_bonds",
          weight: d("0.7"),
          bandAbsolute: null,
          bandRelative: null,
          primarySecurityId: "sec-bnd",
          alternateSecurityIds: [],
        },
      ],
      rebalanceTo: "TARGET",
    },
  };
}

describe("draftPlan sell order", () => {
  it("long-term-before-short-term: the long-term lot goes first, then the short-term one", () => {
    const { book, model } = twoLotHousehold();
    const p = plan(book, model);
    const sell = p.trades.find((t) => t.side === "sell");
    // 70% of $62,000 to sell: all 100 long-term shares ($31,000), then 40 short-term ones.
    expect(sell?.lots.map((l) => [l.lotKey, l.quantity, l.term])).toEqual([
      ["lt-gain", "100", "long"],
      ["st-gain", "40", "short"],
    ]);
  });

  it("short-term-gains-never-realised: only the long-term lot is sold, and the plan says why it stops", () => {
    const { book, model } = twoLotHousehold();
    const p = plan(book, model, { shortTermGains: "never" });
    const sell = p.trades.find((t) => t.side === "sell");
    expect(sell?.lots.map((l) => l.lotKey)).toEqual(["lt-gain"]);
    expect(p.realized.shortTerm).toBe("0.00");
    expect(p.reasons.map((r) => r.code)).toEqual(
      expect.arrayContaining(["rebalance.out-of-band", "sell.short-term-gain"]),
    );
  });

  it("do-not-sell-restriction-respected: the restricted security is not sold and the reason is given", () => {
    const { book, model } = twoLotHousehold();
    const p = plan(
      {
        ...book,
        restrictions: [
          { kind: "DO_NOT_SELL", accountId: "acct-t", securityId: "sec-vti", reason: "gifting" },
        ],
      },
      model,
    );
    expect(p.trades).toEqual([]);
    expect(p.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(["sell.restricted"]));
  });

  it("min-trade-size: nothing under the minimum is drafted", () => {
    const { book, model } = twoLotHousehold();
    const p = plan(book, model, { minTradeAmount: d("1000000") });
    expect(p.trades).toEqual([]);
    expect(p.reasons.map((r) => r.code)).toContain("trade.below-minimum");
  });
});

describe("draftPlan invariants", () => {
  const runs = { numRuns: 200 };
  const drafted = (
    input: { book: HouseholdBook; model: ModelVersionSpec },
    settings: Partial<PlanSettings> = {},
  ) => plan(input.book, input.model, settings);

  it("a household inside its bands gets an empty plan", () => {
    fc.assert(
      fc.property(inBandHouseholdArb, (input) => {
        expect(computeDrift(input.book, input.model).outOfBand).toBe(false);
        const p = drafted(input);
        expect(p.trades).toEqual([]);
        expect(p.status).toBe("empty");
      }),
      runs,
    );
  });

  it("after the plan every class is within band, or the plan says why not", () => {
    fc.assert(
      fc.property(householdArb, (input) => {
        const p = drafted(input);
        for (const c of p.drift.after.filter((x) => x.outOfBand)) {
          expect(
            p.reasons.some((r) => r.code === "rebalance.out-of-band" && r.assetClassId === c.assetClassId),
          ).toBe(true);
        }
      }),
      runs,
    );
  });

  it("cash is never negative nor spent below the reserve; totals are conserved; sells never exceed holdings", () => {
    fc.assert(
      fc.property(householdArb, fc.boolean(), (input, harvestWhenInBand) => {
        const p = drafted(input, { harvestWhenInBand });
        for (const cash of p.cash) {
          expect(d(cash.after).isNegative()).toBe(false);
          if (d(cash.after).lessThan(d(cash.before)))
            expect(d(cash.after).greaterThanOrEqualTo(d(cash.reserve))).toBe(true);
        }
        const after = applyTrades(input.book, p.trades);
        expect(
          computeDrift(after, input.model).totalValue.equals(
            computeDrift(input.book, input.model).totalValue,
          ),
        ).toBe(true);
        expect(after.positions.every((pos) => !pos.quantity.isNegative())).toBe(true);
        for (const t of p.trades.filter((x) => x.side === "sell")) {
          const lotsTotal = t.lots.reduce((sum, l) => sum.plus(l.quantity), d("0"));
          expect(lotsTotal.equals(d(t.quantity))).toBe(true);
        }
      }),
      runs,
    );
  });

  it("no planned buy washes a planned or recent loss, and no planned loss sale is washed by a known purchase", () => {
    fc.assert(
      fc.property(householdArb, fc.boolean(), (input, harvestWhenInBand) => {
        const p = drafted(input, { harvestWhenInBand });
        const { book } = input;
        const symbol = (id: string) => book.securities.get(id)?.symbol ?? id;
        const taxable = new Set(book.accounts.filter((a) => a.taxable).map((a) => a.id));
        const conflicts = checkWashSales({
          tradeDate: book.asOf,
          accounts: new Map(book.accounts.map((a) => [a.id, { id: a.id, taxable: a.taxable }])),
          familyOf: (s) => families.familyOf(s),
          acquisitions: book.transactions
            .filter((tx) => tx.kind !== "sell")
            .map((tx) => ({
              txId: tx.id,
              accountId: tx.accountId,
              symbol: symbol(tx.securityId),
              date: tx.tradeDate,
              status: tx.status,
              quantity: tx.quantity,
              kind: tx.kind === "dividend-reinvest" ? ("dividend-reinvest" as const) : ("buy" as const),
            })),
          realisedLosses: book.transactions
            .filter(
              (tx) =>
                tx.kind === "sell" &&
                tx.status === "settled" &&
                tx.realizedGainLoss?.isNegative() &&
                taxable.has(tx.accountId),
            )
            .map((tx) => ({
              txId: tx.id,
              accountId: tx.accountId,
              symbol: symbol(tx.securityId),
              date: tx.tradeDate,
              loss: (tx.realizedGainLoss as Decimal).negated(),
            })),
          // Each losing lot is checked as its own sale: a trade mixing gains and losses must not hide one.
          trades: p.trades.flatMap((t): ProposedTrade[] =>
            t.side === "buy"
              ? [{ accountId: t.accountId, symbol: t.symbol, side: "buy" as const, quantity: d(t.quantity) }]
              : t.lots
                  .filter((l) => l.gainLoss !== null && d(l.gainLoss).isNegative())
                  .map((l) => ({
                    accountId: t.accountId,
                    symbol: t.symbol,
                    side: "sell" as const,
                    quantity: d(l.quantity),
                    expectedGainLoss: d(l.gainLoss as string),
                    lots: [{ lotKey: l.lotKey, quantity: d(l.quantity) }],
                  })),
          ),
        });
        expect(conflicts.map((c) => c.message)).toEqual([]);
      }),
      runs,
    );
  });

  it("restricted securities are never sold or bought where the restriction applies", () => {
    fc.assert(
      fc.property(householdArb, (input) => {
        const p = drafted(input);
        for (const r of input.book.restrictions) {
          const hit = p.trades.filter(
            (t) =>
              (r.accountId === null || r.accountId === t.accountId) &&
              (r.securityId === null || r.securityId === t.securityId) &&
              (r.kind === "DO_NOT_TRADE" ||
                (r.kind === "DO_NOT_SELL" ? t.side === "sell" : t.side === "buy")),
          );
          expect(hit).toEqual([]);
        }
      }),
      runs,
    );
  });

  it("the same inputs give the same bytes", () => {
    fc.assert(
      fc.property(householdArb, (input) => {
        expect(JSON.stringify(drafted(input))).toBe(JSON.stringify(drafted(input)));
      }),
      { numRuns: 50 },
    );
    expect(JSON.stringify(demoPlan("hh-chen"))).toBe(JSON.stringify(chen));
  });
});

describe("draftPlan edge cases", () => {
  const settle = (id: string, securityId: string, kind: "buy" | "sell", date: string, gain?: string) => ({
    id,
    accountId: "acct-t",
    securityId,
    kind,
    status: "settled" as const,
    tradeDate: isoDate(date),
    quantity: d("10"),
    ...(gain === undefined ? {} : { realizedGainLoss: d(gain) }),
  });

  it("unpriced-and-unknown-holdings are left out of the weights, warned about, and never traded", () => {
    const { book, model } = twoLotHousehold();
    const prices = new Map(book.prices);
    prices.delete("sec-itot");
    const { families: _prebuilt, ...withoutFamilies } = request(
      {
        ...book,
        prices,
        positions: [
          ...book.positions,
          { accountId: "acct-t", securityId: "sec-itot", quantity: d("5"), reportedCostBasis: null },
          { accountId: "acct-t", securityId: "sec-mystery", quantity: d("5"), reportedCostBasis: null },
        ],
        transactions: [
          settle("tx-1", "sec-mystery", "buy", "2026-11-10"),
          settle("tx-2", "sec-mystery", "sell", "2026-11-12", "-50"),
        ],
      },
      model,
    );
    // Families are built from the policy when the caller has none.
    const p = draftPlan(withoutFamilies);
    expect(p.ok).toBe(true);
    const plan = p.ok ? p.value : (undefined as never);
    expect(plan.warnings.map((w) => w.code)).toEqual([
      "data.unreconciled",
      "data.unreconciled",
      "data.no-price",
      "data.no-price",
    ]);
    expect(plan.warnings.map((w) => w.message).join("\n")).toContain(
      "sec-mystery in acct-t has no security record",
    );
    expect(plan.trades.some((t) => t.securityId === "sec-itot" || t.securityId === "sec-mystery")).toBe(
      false,
    );
  });

  it("a lot without basis makes its position unreconciled: not sold, and the plan says so", () => {
    const { book, model } = twoLotHousehold();
    const lots = book.lots.map((l) => (l.lotKey === "st-gain" ? { ...l, costBasis: null } : l));
    const p = plan({ ...book, lots }, model);
    expect(p.trades).toEqual([]);
    expect(p.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(["sell.unreconciled"]));
  });

  it("gains already over a hard budget this year: no gain is realised at all", () => {
    const { book, model } = twoLotHousehold();
    const p = plan(
      { ...book, transactions: [settle("tx-1", "sec-vxus", "sell", "2026-03-02", "5000")] },
      model,
      {
        gainBudget: { limit: d("1000"), mode: "hard" },
      },
    );
    expect(p.realized.yearToDate).toBe("5000.00");
    expect(p.trades).toEqual([]);
    expect(p.reasons.map((r) => r.code)).toContain("sell.gain-budget");
  });

  it("a soft budget that is not exceeded says nothing", () => {
    const p = demoPlan("hh-chen", { gainBudget: { limit: d("1000000"), mode: "soft" } });
    expect(p.warnings).toEqual([]);
  });

  it("do-not-buy-everywhere in an account leaves the class short and says there is nothing to buy", () => {
    const { book, model } = twoLotHousehold();
    const p = plan(
      {
        ...book,
        restrictions: [
          { kind: "DO_NOT_BUY", accountId: "acct-t", securityId: null, reason: "account closing" },
        ],
      },
      model,
    );
    expect(p.trades.every((t) => t.side === "sell")).toBe(true);
    expect(p.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(["buy.no-security"]));
    expect(p.reasons.map((r) => r.code)).not.toContain("buy.no-cash");
  });

  it("recent-bnd-loss-buys-the-alternate: a loss realised on BND 10 days ago sends the bond buy to AGG", () => {
    const { book, model } = twoLotHousehold();
    const withAlternate = {
      ...model,
      targets: model.targets.map((t) =>
        t.assetClassId === "us_bonds" ? { ...t, alternateSecurityIds: ["sec-agg"] } : t,
      ),
    };
    const p = plan(
      {
        ...book,
        transactions: [
          settle("tx-1", "sec-bnd", "sell", "2026-11-10", "-800"),
          settle("tx-2", "sec-bnd", "sell", "2026-11-01", "-300"),
        ],
      },
      withAlternate,
    );
    expect(p.trades.filter((t) => t.side === "buy").map((t) => t.symbol)).toEqual(["AGG"]);
  });

  it("two-equal-losses-harvest-into-one-replacement-trade, and tiny harvests are not drafted", () => {
    const { book, model } = twoLotHousehold();
    const loss = (key: string) => ({
      ...(book.lots[0] as (typeof book.lots)[number]),
      lotKey: key,
      acquiredDate: isoDate("2024-01-02"),
      tradeDate: isoDate("2024-01-02"),
      costBasis: d("36000"),
    });
    const harvestBook = { ...book, lots: [loss("loss-a"), loss("loss-b")] };
    const balanced = {
      ...model,
      targets: model.targets
        .map((t) => ({ ...t, weight: t.assetClassId === "us_equity" ? d("1") : d("0") }))
        .slice(0, 1),
    };
    const p = plan(
      harvestBook,
      {
        ...balanced,
        targets: [
          {
            ...(balanced.targets[0] as ModelVersionSpec["targets"][number]),
            alternateSecurityIds: ["sec-itot"],
          },
        ],
      },
      { harvestWhenInBand: true },
    );
    expect(p.harvested.map((h) => [h.lotKey, h.replacement])).toEqual([
      ["loss-a", "ITOT"],
      ["loss-b", "ITOT"],
    ]);
    expect(p.trades.map((t) => `${t.side} ${t.symbol} ${t.quantity}`)).toEqual([
      "sell VTI 200",
      "buy ITOT 458",
    ]);
    const tiny = plan(
      harvestBook,
      {
        ...balanced,
        targets: [
          {
            ...(balanced.targets[0] as ModelVersionSpec["targets"][number]),
            alternateSecurityIds: ["sec-itot"],
          },
        ],
      },
      { harvestWhenInBand: true, minTradeAmount: d("1000000") },
    );
    expect(tiny.trades).toEqual([]);
    expect(tiny.reasons.map((r) => r.code)).toEqual(["trade.below-minimum", "trade.below-minimum"]);
  });

  it("a stale input of unknown age is still named in the warnings", () => {
    const p = draftPlan({
      ...request(demoHousehold("hh-okafor"), demoModel("hh-okafor")),
      staleInputs: [{ label: "price of VTI", asOf: "yesterday", ageSeconds: null }],
    });
    expect(p.ok && p.value.warnings[0]?.message).toContain("price of VTI is of unknown age");
  });
});

describe("draftPlan deterministic corners", () => {
  it("no-replacement-no-harvest: a loss with nothing buyable in its account is reported, not sold", () => {
    const { book, model } = twoLotHousehold();
    const lots = book.lots.map((l) => ({ ...l, costBasis: d("40000") }));
    const p = plan(
      {
        ...book,
        lots,
        restrictions: [
          { kind: "DO_NOT_BUY", accountId: "acct-t", securityId: null, reason: "account closing" },
        ],
      },
      {
        ...model,
        targets: [{ ...(model.targets[0] as ModelVersionSpec["targets"][number]), weight: d("1") }],
      },
      { harvestWhenInBand: true },
    );
    expect(p.trades).toEqual([]);
    expect(p.reasons.map((r) => r.code)).toEqual(["harvest.no-replacement", "harvest.no-replacement"]);
  });

  it("equal-cash-accounts-buy-in-id-order: the tie goes to the first account id", () => {
    const { book, model } = twoLotHousehold();
    const account = (id: string) => ({
      id,
      name: id,
      type: "ROTH_IRA" as const,
      taxable: false,
      tradeable: true,
      cash: d("10000"),
      cashReserve: d("0"),
      fractionalShares: false,
    });
    const p = plan(
      { ...book, accounts: [account("acct-b"), account("acct-a")], positions: [], lots: [] },
      {
        ...model,
        targets: [
          { ...(model.targets[0] as ModelVersionSpec["targets"][number]), weight: d("0.98") },
          {
            ...(model.targets[1] as ModelVersionSpec["targets"][number]),
            assetClassId: "cash",
            primarySecurityId: "sec-swvxx",
            weight: d("0.02"),
          },
        ],
      },
    );
    expect(p.trades.map((t) => `${t.accountId} ${t.symbol} ${t.quantity}`)).toEqual([
      "acct-a VTI 32",
      "acct-b VTI 32",
    ]);
  });
});

/** A small household on the demo security master: one taxable account and one IRA, lots by symbol. */
function smallHousehold(spec: {
  lots: {
    key: string;
    account?: "acct-t" | "acct-ira";
    symbol: string;
    acquired: string;
    quantity: string;
    basis: string;
  }[];
  targets: { classId: string; weight: string; primary: string; alternates?: string[]; band?: string }[];
  cash?: string;
  transactions?: HouseholdBook["transactions"];
  restrictions?: HouseholdBook["restrictions"];
  rebalanceTo?: "TARGET" | "BAND_EDGE";
}): { book: HouseholdBook; model: ModelVersionSpec } {
  const base = demoHousehold("hh-okafor");
  const idOf = (symbol: string) => `sec-${symbol.toLowerCase()}`;
  const lots = spec.lots.map((l) => ({
    lotKey: l.key,
    accountId: l.account ?? "acct-t",
    securityId: idOf(l.symbol),
    tradeDate: isoDate(l.acquired),
    acquiredDate: isoDate(l.acquired),
    quantity: d(l.quantity),
    costBasis: d(l.basis),
  }));
  const positions = new Map<string, HouseholdBook["positions"][number]>();
  for (const lot of lots) {
    const key = `${lot.accountId}/${lot.securityId}`;
    const held = positions.get(key);
    positions.set(key, {
      accountId: lot.accountId,
      securityId: lot.securityId,
      quantity: (held?.quantity ?? d("0")).plus(lot.quantity),
      reportedCostBasis: null,
    });
  }
  const account = (id: string, type: "TAXABLE" | "TRADITIONAL_IRA") => ({
    id,
    name: id,
    type,
    taxable: type === "TAXABLE",
    tradeable: true,
    cash: d(id === "acct-t" ? (spec.cash ?? "0") : "0"),
    cashReserve: d("0"),
    fractionalShares: false,
  });
  return {
    book: {
      ...base,
      accounts: [account("acct-t", "TAXABLE"), account("acct-ira", "TRADITIONAL_IRA")],
      positions: [...positions.values()],
      lots,
      transactions: spec.transactions ?? [],
      restrictions: spec.restrictions ?? [],
    },
    model: {
      ...demoModel("hh-okafor"),
      rebalanceTo: spec.rebalanceTo ?? "TARGET",
      targets: spec.targets.map((t) => ({
        assetClassId: t.classId,
        weight: d(t.weight),
        bandAbsolute: t.band ? d(t.band) : null,
        bandRelative: t.band ? d("1") : null,
        primarySecurityId: idOf(t.primary),
        alternateSecurityIds: (t.alternates ?? []).map(idOf),
      })),
    },
  };
}

describe("draftPlan rules, one case each", () => {
  const equityAndBonds = [
    { classId: "us_equity", weight: "0.5", primary: "VTI", alternates: ["ITOT", "SCHB"] },
    { classId: "us_bonds", weight: "0.5", primary: "BND" },
  ];

  it("a-losing-lot-sold-while-rebalancing-counts-as-harvested, largest loss per dollar first", () => {
    const { book, model } = smallHousehold({
      lots: [
        { key: "vti-small-loss", symbol: "VTI", acquired: "2024-01-02", quantity: "100", basis: "32000" },
        { key: "vti-big-loss", symbol: "VTI", acquired: "2024-02-02", quantity: "100", basis: "36000" },
        { key: "bnd", symbol: "BND", acquired: "2024-01-02", quantity: "100", basis: "7250" },
      ],
      targets: [
        { classId: "us_equity", weight: "0.2", primary: "VTI" },
        { classId: "us_bonds", weight: "0.8", primary: "BND" },
      ],
    });
    const p = plan(book, model);
    const sell = p.trades.find((t) => t.side === "sell");
    // $48,150 to sell: the 13.9% loss lot whole ($31,000), then 56 shares of the 3.1% one.
    expect(sell?.lots.map((l) => [l.lotKey, l.quantity])).toEqual([
      ["vti-big-loss", "100"],
      ["vti-small-loss", "56"],
    ]);
    expect(p.harvested.map((h) => [h.lotKey, h.replacement])).toEqual([["vti-big-loss", null]]);
  });

  it("a-harvest-replacement-blocks-harvesting-its-own-family: VTI into ITOT, so the ITOT loss waits", () => {
    const { book, model } = smallHousehold({
      lots: [
        { key: "vti-loss", symbol: "VTI", acquired: "2024-01-02", quantity: "100", basis: "36000" },
        { key: "itot-loss", symbol: "ITOT", acquired: "2024-01-02", quantity: "100", basis: "15000" },
      ],
      targets: [{ classId: "us_equity", weight: "1", primary: "VTI", alternates: ["ITOT", "SCHB"] }],
    });
    const p = plan(book, model, { harvestWhenInBand: true });
    expect(p.harvested.map((h) => [h.lotKey, h.replacement])).toEqual([["vti-loss", "ITOT"]]);
    expect(p.reasons.filter((r) => r.code.startsWith("harvest.")).map((r) => [r.code, r.lotKey])).toEqual([
      ["harvest.buy-in-plan", "itot-loss"],
    ]);
  });

  it("replacements-skip-restricted-and-washing-families: both losses go into SCHB", () => {
    const { book, model } = smallHousehold({
      lots: [
        { key: "vti-loss", symbol: "VTI", acquired: "2024-01-02", quantity: "100", basis: "36000" },
        { key: "itot-loss", symbol: "ITOT", acquired: "2024-01-02", quantity: "100", basis: "15000" },
      ],
      targets: [{ classId: "us_equity", weight: "1", primary: "VTI", alternates: ["ITOT", "SCHB"] }],
      restrictions: [
        { kind: "DO_NOT_BUY", accountId: "acct-t", securityId: "sec-itot", reason: "client preference" },
      ],
    });
    const p = plan(book, model, { harvestWhenInBand: true });
    expect(p.harvested.map((h) => [h.lotKey, h.replacement])).toEqual([
      ["itot-loss", "SCHB"],
      ["vti-loss", "SCHB"],
    ]);
  });

  it("an-old-purchase-does-not-block-a-loss, and last year's gains are not this year's", () => {
    const tx = (id: string, kind: "buy" | "sell", date: string, gain?: string) => ({
      id,
      accountId: "acct-t",
      securityId: "sec-vti",
      kind,
      status: "settled" as const,
      tradeDate: isoDate(date),
      quantity: d("10"),
      ...(gain ? { realizedGainLoss: d(gain) } : {}),
    });
    const { book, model } = smallHousehold({
      lots: [
        { key: "vti-loss", symbol: "VTI", acquired: "2024-01-02", quantity: "100", basis: "36000" },
        { key: "bnd", symbol: "BND", acquired: "2024-01-02", quantity: "100", basis: "7250" },
      ],
      targets: equityAndBonds,
      transactions: [tx("old-buy", "buy", "2026-09-01"), tx("last-year", "sell", "2025-12-30", "9000")],
    });
    const p = plan(book, model);
    expect(p.realized.yearToDate).toBe("0.00");
    expect(p.trades.find((t) => t.side === "sell")?.lots.map((l) => l.lotKey)).toEqual(["vti-loss"]);
  });

  it("a-small-ira-sale-under-the-minimum-is-taken-back, the taxable loss sale stays", () => {
    const { book, model } = smallHousehold({
      lots: [
        { key: "vti-loss", symbol: "VTI", acquired: "2024-01-02", quantity: "10", basis: "3600" },
        {
          key: "ira-vti",
          account: "acct-ira",
          symbol: "VTI",
          acquired: "2020-01-02",
          quantity: "100",
          basis: "20000",
        },
        {
          key: "ira-bnd",
          account: "acct-ira",
          symbol: "BND",
          acquired: "2020-01-02",
          quantity: "100",
          basis: "7000",
        },
      ],
      // $3,410.03 of VTI to sell: the $3,100 loss lot, then 2 IRA shares ($620), under the $700 minimum.
      targets: [
        { classId: "us_equity", weight: "0.7422", primary: "VTI" },
        { classId: "us_bonds", weight: "0.2578", primary: "BND" },
      ],
    });
    const p = plan(book, model, { minTradeAmount: d("700") });
    expect(p.trades.filter((t) => t.side === "sell").map((t) => `${t.accountId} ${t.quantity}`)).toEqual([
      "acct-t 10",
    ]);
    expect(p.harvested.map((h) => h.lotKey)).toEqual(["vti-loss"]);
  });

  it("a-small-ira-sale-is-taken-back-and-the-gain-sale-after-it-stays", () => {
    const { book, model } = smallHousehold({
      lots: [
        {
          key: "ira-vti",
          account: "acct-ira",
          symbol: "VTI",
          acquired: "2020-01-02",
          quantity: "1",
          basis: "200",
        },
        { key: "vti-gain", symbol: "VTI", acquired: "2020-01-02", quantity: "100", basis: "20000" },
        { key: "bnd", symbol: "BND", acquired: "2020-01-02", quantity: "100", basis: "7000" },
      ],
      targets: equityAndBonds,
    });
    const p = plan(book, model, { minTradeAmount: d("700") });
    expect(p.trades.filter((t) => t.side === "sell").map((t) => t.accountId)).toEqual(["acct-t"]);
  });

  it("identical-lots-sell-in-lot-key-order", () => {
    const { book, model } = smallHousehold({
      lots: [
        { key: "lot-b", symbol: "VTI", acquired: "2020-01-02", quantity: "100", basis: "20000" },
        { key: "lot-a", symbol: "VTI", acquired: "2020-01-02", quantity: "100", basis: "20000" },
      ],
      targets: [
        { classId: "us_equity", weight: "0.4", primary: "VTI" },
        { classId: "us_bonds", weight: "0.6", primary: "BND" },
      ],
    });
    const sell = plan(book, model).trades.find((t) => t.side === "sell");
    expect(sell?.lots.map((l) => [l.lotKey, l.quantity])).toEqual([
      ["lot-a", "100"],
      ["lot-b", "20"],
    ]);
  });

  it("equal-needs-buy-in-class-id-order", () => {
    const { book, model } = smallHousehold({
      lots: [
        {
          key: "ira-vti",
          account: "acct-ira",
          symbol: "VTI",
          acquired: "2020-01-02",
          quantity: "100",
          basis: "20000",
        },
      ],
      targets: [
        { classId: "us_equity", weight: "0.5", primary: "VTI" },
        { classId: "us_bonds", weight: "0.25", primary: "BND" },
        { classId: "intl_developed", weight: "0.25", primary: "VEA" },
      ],
    });
    const p = plan(book, model);
    // intl_developed comes first: VEA rounds up to 150 shares ($7,800), leaving BND $7,700 (106 shares).
    expect(p.trades.filter((t) => t.side === "buy").map((t) => `${t.symbol} ${t.amount}`)).toEqual([
      "BND 7685.00",
      "VEA 7800.00",
    ]);
  });

  it("an-ira-position-sells-its-lots-first-in-first-out, only what is needed", () => {
    const { book, model } = smallHousehold({
      lots: [
        {
          key: "ira-vti-old",
          account: "acct-ira",
          symbol: "VTI",
          acquired: "2019-01-02",
          quantity: "50",
          basis: "8000",
        },
        {
          key: "ira-vti-new",
          account: "acct-ira",
          symbol: "VTI",
          acquired: "2022-01-02",
          quantity: "50",
          basis: "11000",
        },
        {
          key: "ira-bnd",
          account: "acct-ira",
          symbol: "BND",
          acquired: "2022-01-02",
          quantity: "300",
          basis: "21750",
        },
      ],
      targets: equityAndBonds,
    });
    const p = plan(book, model);
    const sell = p.trades.find((t) => t.side === "sell");
    expect(sell?.lots.map((l) => [l.lotKey, l.quantity, l.gainLoss])).toEqual([["ira-vti-old", "15", null]]);
  });

  it("do-not-trade-is-named-as-such", () => {
    const { book, model } = smallHousehold({
      lots: [{ key: "vti", symbol: "VTI", acquired: "2020-01-02", quantity: "100", basis: "20000" }],
      targets: equityAndBonds,
      restrictions: [{ kind: "DO_NOT_TRADE", accountId: null, securityId: "sec-vti", reason: "legal hold" }],
    });
    const p = plan(book, model);
    expect(p.reasons.find((r) => r.code === "sell.restricted")?.message).toContain(
      "do not trade (legal hold)",
    );
  });

  it("two-overweight-classes-sell-largest-first; net buys beyond in-band excess come from cash", () => {
    const { book, model } = smallHousehold({
      lots: [
        {
          key: "vti",
          symbol: "VTI",
          acquired: "2020-01-02",
          quantity: "100",
          basis: "20000",
          account: "acct-ira",
        },
        {
          key: "vea",
          symbol: "VEA",
          acquired: "2020-01-02",
          quantity: "200",
          basis: "9000",
          account: "acct-ira",
        },
        {
          key: "bnd",
          symbol: "BND",
          acquired: "2020-01-02",
          quantity: "10",
          basis: "700",
          account: "acct-ira",
        },
      ],
      targets: [
        { classId: "us_equity", weight: "0.3", primary: "VTI", band: "0.20" },
        { classId: "intl_developed", weight: "0.1", primary: "VEA", band: "0.05" },
        { classId: "us_bonds", weight: "0.6", primary: "BND", band: "0.05" },
      ],
      rebalanceTo: "BAND_EDGE",
    });
    const p = plan(book, model);
    expect(
      p.trades
        .filter((t) => t.side === "sell")
        .map((t) => t.symbol)
        .sort(),
    ).toEqual(["VEA", "VTI"]);
    expect(p.reasons.map((r) => r.code)).toContain("buy.no-cash");
  });
});
