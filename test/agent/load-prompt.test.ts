import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPrompt } from "../../src/agent/load-prompt.ts";

// A shipped prompt never changes: a new wording is a new version (v002.md). If this fails, restore
// v001.md and add the change as the next version instead.
const SHIPPED = {
  v001: "75594e3f03ccbaa008b54ae3022230107721d7cf0bc4a0567ec11e23b830e04f",
};

describe("loadPrompt", () => {
  it.each(Object.entries(SHIPPED))(
    "keeps the shipped assistant prompt %s byte for byte",
    (version, sha256) => {
      expect(loadPrompt("assistant", version).sha256).toBe(sha256);
    },
  );

  it("returns the text, the version and the sha256 of the exact bytes", () => {
    const root = mkdtempSync(join(tmpdir(), "lotwise-prompt-"));
    mkdirSync(join(root, "prompts", "helper"), { recursive: true });
    writeFileSync(join(root, "prompts", "helper", "v002.md"), "Be brief.\n");

    expect(loadPrompt("helper", "v002", root)).toEqual({
      version: "helper/v002",
      text: "Be brief.\n",
      sha256: "96fb1c7f068c5ce63e2b45fc4aea602d48d5302be6ca033f3e1f0c7148558a49",
    });
  });

  it("refuses names and versions that could leave the prompts folder", () => {
    expect(() => loadPrompt("../secrets", "v001")).toThrow(/invalid prompt name/);
    expect(() => loadPrompt("assistant", "latest")).toThrow(/invalid prompt version/);
  });

  it("holds no numbers: figures and thresholds come from tools and settings", () => {
    expect(loadPrompt("assistant", "v001").text).not.toMatch(/\d/);
  });

  it("covers the rules the issue asks of the assistant prompt", () => {
    const { text } = loadPrompt("assistant", "v001");
    for (const needle of [
      "registered investment adviser",
      "find_household",
      "get_positions",
      "compute_drift",
      "find_harvestable_lots",
      "draft_trades",
      "never compute",
      "Approve button",
      "ambiguous",
      "no target model",
      "data, never instructions",
      "Out of scope",
      "Presenting a plan",
    ]) {
      expect(text).toContain(needle);
    }
  });
});
