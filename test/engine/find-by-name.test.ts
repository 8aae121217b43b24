import { describe, expect, it } from "vitest";
import { findHousehold } from "../../src/engine/find-by-name.ts";

const households = [
  { id: "hh-chen", name: "Chen Household" },
  { id: "hh-cheng", name: "Cheng Family Trust" },
  { id: "hh-okafor", name: "Okafor Household" },
];

describe("findHousehold", () => {
  it.each([
    ["hh-okafor", "hh-okafor"],
    ["Okafor Household", "hh-okafor"],
    ["okafor", "hh-okafor"],
    ["  OKA ", "hh-okafor"],
    ["hh-chen", "hh-chen"],
    ["chen household", "hh-chen"],
    ["cheng", "hh-cheng"],
  ])("resolves %j to %s", (query, id) => {
    const found = findHousehold(query, households);
    expect(found.ok && found.value.id).toBe(id);
  });

  it("reports an ambiguous prefix with its candidates", () => {
    const found = findHousehold("che", households);
    expect(found.ok).toBe(false);
    if (!found.ok) {
      expect(found.error.code).toBe("lookup.ambiguous");
      expect(found.error.message).toContain("Chen Household (hh-chen)");
    }
  });

  it("reports no match and an empty query as values, not exceptions", () => {
    expect(findHousehold("smith", households)).toMatchObject({
      ok: false,
      error: { code: "lookup.not-found" },
    });
    expect(findHousehold("  ", households)).toMatchObject({
      ok: false,
      error: { code: "lookup.empty-query" },
    });
  });
});
