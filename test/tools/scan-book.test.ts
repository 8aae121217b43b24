// scan_book on the seeded demo book: the asker's slice of the book only, the spec's totals over
// every household scanned, the top rows, and thresholds from the model's input.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Decimal } from "../../src/domain/decimal.ts";
import { scanBookTool } from "../../tools/scan-book.ts";
import { openToolHarness, type ToolHarness } from "./harness.ts";

interface Output {
  households: number;
  totals: { harvestableLoss: string; taxValue: string; harvestableLots: number };
  rows: { householdId: string; rank: number; taxValue: string; harvestableLoss: string }[];
}

describe("scan_book", () => {
  let harness: ToolHarness;
  beforeAll(async () => {
    harness = await openToolHarness();
  });
  afterAll(() => harness?.close());

  const scanAs = async (slackUserId: string, input: object = {}) =>
    harness.value<Output>(scanBookTool, input, { principal: await harness.principal(slackUserId) });

  it("scans every household the advisor may read, ranked, with totals over all of them", async () => {
    const out = await harness.value<Output>(scanBookTool, {});
    expect(out.households).toBe(5);
    expect(out.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4, 5]);
    const sum = (key: "taxValue" | "harvestableLoss") =>
      out.rows.reduce((total, r) => total.plus(r[key]), new Decimal(0)).toFixed(2);
    expect(out.totals.taxValue).toBe(sum("taxValue"));
    expect(out.totals.harvestableLoss).toBe(sum("harvestableLoss"));
  });

  it("is scoped to the asker: one household's advisor sees that one; an outsider sees none", async () => {
    const { user } = await harness.users.upsert({ slackUserId: "U0SCANOKAFOR", name: "Ola Scan" });
    await harness.users.grant(user.id, "hh-okafor", "ADVISOR");
    expect((await scanAs("U0SCANOKAFOR")).rows.map((r) => r.householdId)).toEqual(["hh-okafor"]);
    expect(await scanAs("U0OUTSIDER1")).toMatchObject({ households: 0, rows: [] });
    expect((await scanAs("U0COMPLIANCE1")).households).toBe(5);
    expect((await scanAs("U0NOTAUSER")).households).toBe(0);
  });

  it("returns the top rows only, and raises the bar with minLoss", async () => {
    const all = await harness.value<Output>(scanBookTool, {});
    const top = await harness.value<Output>(scanBookTool, { limit: 2 });
    expect(top.rows).toEqual(all.rows.slice(0, 2));
    expect(top.totals).toEqual(all.totals);
    const strict = await harness.value<Output>(scanBookTool, { minLoss: "1000000" });
    expect(strict.totals).toMatchObject({ harvestableLots: 0, taxValue: "0.00" });
  });
});
