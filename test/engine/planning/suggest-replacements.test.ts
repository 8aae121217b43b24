// Replacements for a harvest sale (domain-rules.md): same class, not substantially identical under
// the policy version, not washing a recent loss on their own family.
import { describe, expect, it } from "vitest";
import { Decimal } from "../../../src/domain/decimal.ts";
import { suggestReplacements } from "../../../src/engine/planning/suggest-replacements.ts";
import { demoFamilies, demoHousehold, demoModel } from "../../support/demo-household.ts";

const families = demoFamilies();

describe("suggestReplacements", () => {
  it("voo-swaps-to-a-different-index: S&P 500 twins are refused, the model's VTI ranks first", () => {
    const search = suggestReplacements(
      demoHousehold("hh-chen"),
      families,
      "si-policy-v1",
      "sec-voo",
      demoModel("hh-chen"),
    );
    expect(search.replacements[0]).toMatchObject({ symbol: "VTI", rank: 1, inModel: true });
    expect(search.replacements[0]?.allowedBecause).toBe(
      "si-policy-v1: different index (VOO tracks S&P 500 Index, VTI tracks CRSP US Total Market Index), same asset class",
    );
    const refused = search.rejected
      .filter((r) => r.code === "replacement.identical")
      .map((r) => r.symbol)
      .sort();
    expect(refused).toEqual(["FXAIX", "IVV", "SPY", "VFIAX"]);
    expect(search.replacements.map((r) => r.symbol)).not.toContain("IVV");
  });

  it("vti-cannot-swap-to-its-admiral-shares: VTSAX is the same fund by policy group", () => {
    const search = suggestReplacements(
      demoHousehold("hh-chen"),
      families,
      "si-policy-v1",
      "sec-vti",
      demoModel("hh-chen"),
    );
    expect(search.rejected.find((r) => r.symbol === "VTSAX")?.message).toContain("policy group");
    expect(search.replacements.map((r) => r.symbol).slice(0, 2)).toEqual(["ITOT", "SCHB"]);
  });

  it("recent-itot-loss-blocks-itot-as-a-replacement for Alvarez until its window closes", () => {
    const search = suggestReplacements(
      demoHousehold("hh-alvarez"),
      families,
      "si-policy-v1",
      "sec-vti",
      demoModel("hh-alvarez"),
    );
    expect(search.rejected.find((r) => r.symbol === "ITOT")).toMatchObject({
      code: "replacement.recent-loss",
      availableFrom: "2026-11-30",
    });
    expect(search.replacements[0]?.symbol).toBe("SCHB");
  });

  it("follows the model's alternates in order for the class", () => {
    const search = suggestReplacements(
      demoHousehold("hh-chen"),
      families,
      "si-policy-v1",
      "sec-vea",
      demoModel("hh-chen"),
    );
    expect(search.replacements.map((r) => r.symbol)).toEqual(["IEFA", "SCHF"]);
  });

  it("honours a household do-not-buy restriction and an unknown security gives nothing", () => {
    const book = demoHousehold("hh-chen");
    const restricted = {
      ...book,
      restrictions: [
        { kind: "DO_NOT_BUY" as const, accountId: null, securityId: "sec-iefa", reason: "ESG screen" },
      ],
    };
    const search = suggestReplacements(restricted, families, "si-policy-v1", "sec-vea", demoModel("hh-chen"));
    expect(search.rejected.find((r) => r.symbol === "IEFA")).toMatchObject({
      code: "replacement.restricted",
    });
    expect(suggestReplacements(book, families, "v", "sec-nope", null)).toEqual({
      replacements: [],
      rejected: [],
    });
  });

  it("without a model, candidates are ranked by expense ratio, then symbol", () => {
    const search = suggestReplacements(
      demoHousehold("hh-brooks"),
      families,
      "si-policy-v1",
      "sec-iemg",
      null,
    );
    expect(search.replacements.map((r) => r.symbol)).toEqual(["SCHE", "VWO"]);
  });
});

describe("suggestReplacements edge cases", () => {
  it("money-market funds without a tracked index replace each other, said plainly", () => {
    const search = suggestReplacements(demoHousehold("hh-chen"), families, "si-policy-v1", "sec-swvxx", null);
    expect(search.replacements.map((r) => r.symbol)).toEqual(["VMFXX", "SPAXX"]); // by expense ratio
    expect(search.replacements[0]?.allowedBecause).toContain("SWVXX tracks no tracked index");
  });

  it("only settled losses in taxable accounts within 30 days block; the latest loss of a family counts", () => {
    const book = demoHousehold("hh-alvarez");
    const sale = (
      id: string,
      accountId: string,
      tradeDate: string,
      realized: string,
      status: "settled" | "pending" = "settled",
    ) => ({
      id,
      accountId,
      securityId: "sec-schb",
      kind: "sell" as const,
      status,
      tradeDate: tradeDate as typeof book.asOf,
      quantity: null,
      realizedGainLoss: new Decimal(realized),
    });
    const withSales = (sales: ReturnType<typeof sale>[]) => ({
      ...book,
      transactions: [...book.transactions, ...sales],
    });
    const blocked = (sales: ReturnType<typeof sale>[]) =>
      suggestReplacements(withSales(sales), families, "v", "sec-vti", null).rejected.find(
        (r) => r.symbol === "SCHB",
      );
    expect(blocked([sale("a", "acct-alvarez-schwab-ira", "2026-11-10", "-100")])).toBeUndefined();
    expect(
      blocked([sale("b", "acct-alvarez-schwab-taxable", "2026-11-10", "-100", "pending")]),
    ).toBeUndefined();
    expect(blocked([sale("c", "acct-alvarez-schwab-taxable", "2026-10-01", "-100")])).toBeUndefined();
    expect(blocked([sale("d", "acct-alvarez-schwab-taxable", "2026-11-10", "100")])).toBeUndefined();
    expect(
      blocked([
        { ...sale("u", "acct-alvarez-schwab-taxable", "2026-11-10", "-100"), securityId: "sec-unknown" },
      ]),
    ).toBeUndefined();
    expect(
      blocked([
        sale("e", "acct-alvarez-schwab-taxable", "2026-11-12", "-100"),
        sale("f", "acct-alvarez-schwab-taxable", "2026-11-02", "-100"),
      ])?.availableFrom,
    ).toBe("2026-12-13");
  });

  it("ranks securities without an expense ratio after those with one", () => {
    const book = demoHousehold("hh-chen");
    const securities = new Map(book.securities);
    const ijr = securities.get("sec-ijr");
    const schaPlain = securities.get("sec-scha");
    if (!ijr || !schaPlain) throw new Error("demo securities missing");
    securities.set("sec-ijr", { ...ijr, expenseRatio: null });
    securities.set("sec-scha", { ...schaPlain, expenseRatio: null });
    const both = suggestReplacements({ ...book, securities }, families, "v", "sec-vb", null);
    expect(both.replacements.map((r) => r.symbol)).toEqual(["IJR", "SCHA"]);
    securities.set("sec-scha", schaPlain);
    const one = suggestReplacements({ ...book, securities }, families, "v", "sec-vb", null);
    expect(one.replacements.map((r) => r.symbol)).toEqual(["SCHA", "IJR"]);
  });
});
