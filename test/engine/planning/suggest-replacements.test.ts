// Replacements for a harvest sale (domain-rules.md): same class, not substantially identical under
// the policy version, not washing a recent loss on their own family.
import { describe, expect, it } from "vitest";
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
