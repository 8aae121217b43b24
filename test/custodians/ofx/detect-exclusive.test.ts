// Detection is specific: every Fidelity, Vanguard and OFX fixture (good or bad) is claimed by exactly
// one of these adapters, and by exactly one parser in the whole registry.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { FIDELITY_PARSERS } from "../../../src/custodians/fidelity/parsers.ts";
import { OFX_PARSERS } from "../../../src/custodians/ofx/parsers.ts";
import { PARSERS } from "../../../src/custodians/parsers.ts";
import type { StatementParser } from "../../../src/custodians/statement.ts";
import { VANGUARD_PARSERS } from "../../../src/custodians/vanguard/parsers.ts";

const ROOT = join(import.meta.dirname, "../../fixtures/custodians");
const MINE = [...FIDELITY_PARSERS, ...VANGUARD_PARSERS, ...OFX_PARSERS];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const fixtures = ["fidelity", "vanguard", "ofx"].flatMap((dir) => files(join(ROOT, dir)));
const expectedFormat = (path: string): string => {
  const name = basename(path);
  if (path.includes("/ofx/")) return "ofx.invstmt";
  if (path.includes("/vanguard/")) return name.endsWith(".csv") ? "vanguard.csv" : "vanguard.ofx";
  if (name.endsWith(".ofx")) return "fidelity.ofx";
  if (/Realized_Gain_Loss/.test(name)) return "fidelity.realized-gain-loss-csv";
  if (/Positions/.test(name)) return "fidelity.positions-csv";
  return "fidelity.history-csv";
};

describe("detection across Fidelity, Vanguard and OFX", () => {
  it("has fixtures to check", () => {
    expect(fixtures.length).toBeGreaterThan(30);
  });

  it.each(fixtures.map((path) => [relative(ROOT, path), path]))(
    "%s is claimed by exactly one parser",
    (_name, path) => {
      const text = readFileSync(path, "utf8");
      const claim = (parsers: readonly StatementParser[]) =>
        parsers.filter((parser) => parser.detect(text, basename(path))).map((parser) => parser.format);
      expect(claim(MINE)).toEqual([expectedFormat(path)]);
      expect(claim(PARSERS)).toEqual([expectedFormat(path)]);
    },
  );

  it("claims none of the other custodians' fixtures", () => {
    const others = readdirSync(ROOT)
      .filter((dir) => !["fidelity", "vanguard", "ofx"].includes(dir))
      .flatMap((dir) => files(join(ROOT, dir)));
    for (const path of others) {
      const text = readFileSync(path, "utf8");
      expect(
        MINE.filter((parser) => parser.detect(text, basename(path))).map((p) => p.format),
        path,
      ).toEqual([]);
    }
  });
});
