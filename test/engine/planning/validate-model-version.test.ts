import { describe, expect, it } from "vitest";
import { Decimal } from "../../../src/domain/decimal.ts";
import { validateModelVersion } from "../../../src/engine/planning/validate-model-version.ts";
import { demoHousehold } from "../../support/demo-household.ts";

const d = (v: string) => new Decimal(v);
const classes = new Set(["us_equity", "us_bonds", "cash"]);
const bySymbol = new Map([...demoHousehold("hh-chen").securities.values()].map((s) => [s.symbol, s]));
const target = (
  assetClassId: string,
  weight: string,
  primarySymbol: string,
  alternateSymbols: string[] = [],
) => ({
  assetClassId,
  weight: d(weight),
  bandAbsolute: null,
  bandRelative: null,
  primarySymbol,
  alternateSymbols,
});

describe("validateModelVersion", () => {
  it("resolves symbols to securities when everything holds", () => {
    const result = validateModelVersion(
      {
        bandAbsolute: d("0.05"),
        bandRelative: d("0.25"),
        targets: [target("us_equity", "0.7", "VTI", ["ITOT"]), target("us_bonds", "0.3", "BND")],
      },
      classes,
      bySymbol,
    );
    expect(result).toEqual({
      ok: true,
      value: [
        {
          assetClassId: "us_equity",
          weight: d("0.7"),
          bandAbsolute: null,
          bandRelative: null,
          primarySecurityId: "sec-vti",
          alternateSecurityIds: ["sec-itot"],
        },
        {
          assetClassId: "us_bonds",
          weight: d("0.3"),
          bandAbsolute: null,
          bandRelative: null,
          primarySecurityId: "sec-bnd",
          alternateSecurityIds: [],
        },
      ],
    });
  });

  it("lists every problem at once", () => {
    const result = validateModelVersion(
      {
        bandAbsolute: d("0"),
        bandRelative: d("1.5"),
        targets: [
          target("us_equity", "0.7", "VTI", ["VTI"]),
          target("us_equity", "0.2", "ITOT"),
          { ...target("us_bonds", "-0.1", "BND"), bandAbsolute: d("2") },
        ],
      },
      classes,
      bySymbol,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toEqual([
        "bandAbsolute must be above 0 and at most 1 (0.05 = 5 points), not 0",
        "bandRelative must be above 0 and at most 1 (0.05 = 5 points), not 1.5",
        "target us_equity: VTI is listed twice",
        "target us_equity: the class appears more than once",
        "target us_bonds: weight must be above 0 and at most 1, not -0.1",
        "target us_bonds: bandAbsolute must be above 0 and at most 1 (0.05 = 5 points), not 2",
        "weights add up to 0.8, not 1",
      ]);
    }
  });

  it("names unknown classes and securities, and securities of another class", () => {
    const result = validateModelVersion(
      {
        bandAbsolute: d("0.05"),
        bandRelative: d("0.25"),
        targets: [target("gold", "0.5", "GLD"), target("us_bonds", "0.5", "VTI")],
      },
      classes,
      bySymbol,
    );
    expect(result).toEqual({
      ok: false,
      error: [
        "target gold: unknown asset class",
        "target gold: unknown security GLD",
        "target us_bonds: VTI belongs to us_equity, not us_bonds",
      ],
    });
  });

  it("needs at least one target", () => {
    expect(
      validateModelVersion(
        { bandAbsolute: d("0.05"), bandRelative: d("0.25"), targets: [] },
        classes,
        bySymbol,
      ),
    ).toEqual({
      ok: false,
      error: ["a model needs at least one target"],
    });
  });
});
