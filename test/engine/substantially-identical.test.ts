import { describe, expect, it } from "vitest";
import { buildFamilies } from "../../src/engine/substantially-identical.ts";

const securities = [
  { symbol: "VOO", trackedIndex: "S&P 500 Index" },
  { symbol: "IVV", trackedIndex: "S&P 500 Index" },
  { symbol: "VTI", trackedIndex: "CRSP US Total Market Index" },
  { symbol: "VTSAX", trackedIndex: "CRSP US Total Market Index" },
  { symbol: "ITOT", trackedIndex: "S&P Total Market Index" },
  { symbol: "SWVXX", trackedIndex: null },
];
const groups = [{ name: "Vanguard Total Stock Market share classes", symbols: ["VTSAX", "VTI"] }];

describe("substantially identical families", () => {
  const families = buildFamilies({ version: "si-policy-v1", sameIndexIsIdentical: true, groups }, securities);

  it("groups funds tracking the same index, and explicit policy groups; others stay apart", () => {
    expect(families.familyOf("VOO")).toBe(families.familyOf("IVV"));
    expect(families.familyOf("VTI")).toBe(families.familyOf("VTSAX"));
    expect(families.familyOf("ITOT")).not.toBe(families.familyOf("VTI"));
    expect(families.familyOf("SWVXX")).toBe("SWVXX");
  });

  it("uses the smallest symbol as the family key, whatever the order of the data", () => {
    const reversed = buildFamilies(
      { version: "v", sameIndexIsIdentical: true, groups: [] },
      [...securities].reverse(),
    );
    expect(reversed.familyOf("VOO")).toBe("IVV");
    expect(families.familyOf("VOO")).toBe("IVV");
  });

  it("explains why two symbols are identical, naming the policy version", () => {
    expect(families.whyIdentical("VOO", "VOO")).toMatchObject({ reason: "same-security" });
    expect(families.whyIdentical("VTI", "VTSAX")).toMatchObject({
      reason: "policy-group",
      detail: expect.stringContaining("si-policy-v1"),
    });
    expect(families.whyIdentical("VOO", "IVV")).toMatchObject({
      reason: "same-index",
      detail: expect.stringContaining("S&P 500"),
    });
    expect(families.whyIdentical("VOO", "VTI")).toBeNull();
  });

  it("links symbols through a chain of groups and indexes", () => {
    const chained = buildFamilies(
      { version: "v2", sameIndexIsIdentical: true, groups: [{ name: "g", symbols: ["IVV", "SPLG"] }] },
      [...securities, { symbol: "SPLG", trackedIndex: null }],
    );
    expect(chained.whyIdentical("VOO", "SPLG")).toMatchObject({
      reason: "policy-group",
      detail: expect.stringContaining("linked"),
    });
  });

  it("without the same-index rule only groups and the same security count", () => {
    const strict = buildFamilies({ version: "v3", sameIndexIsIdentical: false, groups }, securities);
    expect(strict.familyOf("VOO")).not.toBe(strict.familyOf("IVV"));
    expect(strict.familyOf("VTI")).toBe(strict.familyOf("VTSAX"));
  });
});
