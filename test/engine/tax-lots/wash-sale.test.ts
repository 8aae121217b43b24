// Household wash sales: IRC §1091, Treas. Reg. §1.1091-1 and -2, IRS Pub 550 "Wash Sales",
// Rev. Rul. 2008-5. Each case cites the rule it checks.
import { describe, expect, it } from "vitest";
import { json, ledger, tx } from "./ledger-builder.ts";

const lossSale = [
  tx("b1", "2024-01-02", "buy", "X", "100", "1000.00", { lotId: "L1" }),
  tx("s1", "2024-03-01", "sell", "X", "100", "750.00"),
];

describe("the 61-day window (§1091(a): 30 days before to 30 days after the sale)", () => {
  it.each([
    ["2024-01-31", true, "30 days before"],
    ["2024-01-30", false, "31 days before"],
    ["2024-03-01", true, "the sale date"],
    ["2024-03-31", true, "30 days after"],
    ["2024-04-01", false, "31 days after"],
  ])("a purchase on %s (%s: %s)", (date, washed) => {
    const result = json(
      ledger([
        tx("b1", "2023-06-01", "buy", "X", "100", "1000.00", { lotId: "L1" }),
        tx("r1", date, "buy", "X", "100", "800.00", { lotId: "R1" }),
        tx("s1", "2024-03-01", "sell", "X", "100", "750.00", { lotId: "L1" }),
      ]),
    );
    expect(result.sales[0]?.disallowedLoss).toBe(washed ? "250.00" : "0.00");
  });
});

describe("wash-sale consequences", () => {
  it("Pub 550: the disallowed loss is added to the new shares' basis and their holding period is tacked", () => {
    const result = json(
      ledger([...lossSale, tx("r1", "2024-03-05", "buy", "X", "100", "800.00", { lotId: "R1" })]),
    );
    expect(result.sales[0]).toMatchObject({
      realizedGainLoss: "-250.00",
      disallowedLoss: "250.00",
      recognizedGainLoss: "0.00",
      form8949: { code: "W", columnG: "250.00" },
      washedBy: [{ txId: "r1", lotId: "R1", quantity: "100" }],
    });
    // Held 2024-01-02 .. 2024-03-01 = 59 days; 2024-03-05 - 59 days = 2024-01-06.
    expect(result.openLots).toEqual([
      expect.objectContaining({
        lotId: "R1",
        basis: "1050.00",
        acquiredDate: "2024-01-06",
        deferredLoss: "250.00",
      }),
    ]);
  });

  it("gains are never affected (§1091 applies to losses only)", () => {
    const result = json(
      ledger([
        tx("b1", "2024-01-02", "buy", "X", "100", "1000.00"),
        tx("s1", "2024-03-01", "sell", "X", "100", "1200.00"),
        tx("r1", "2024-03-05", "buy", "X", "100", "1100.00", { lotId: "R1" }),
      ]),
    );
    expect(result.sales[0]).toMatchObject({
      realizedGainLoss: "200.00",
      disallowedLoss: "0.00",
      form8949: null,
    });
    expect(result.openLots[0]).toMatchObject({ basis: "1100.00", acquiredDate: "2024-03-05" });
  });

  it("fewer shares bought than sold: only that proportion of the loss is disallowed (§1.1091-1(c))", () => {
    const result = json(
      ledger([...lossSale, tx("r1", "2024-03-05", "buy", "X", "40", "320.00", { lotId: "R1" })]),
    );
    expect(result.sales[0]).toMatchObject({ disallowedLoss: "100.00", recognizedGainLoss: "-150.00" });
    expect(result.openLots[0]).toMatchObject({ quantity: "40", basis: "420.00", deferredLoss: "100.00" });
  });

  it("more shares bought than sold: the replacement lot splits into a matched and an unmatched part (§1.1091-1(d))", () => {
    const result = json(
      ledger([...lossSale, tx("r1", "2024-03-05", "buy", "X", "150", "1200.00", { lotId: "R1" })]),
    );
    expect(result.openLots).toEqual([
      expect.objectContaining({ lotId: "R1", quantity: "100", basis: "1050.00", acquiredDate: "2024-01-06" }),
      expect.objectContaining({
        lotId: "R1",
        quantity: "50",
        basis: "400.00",
        acquiredDate: "2024-03-05",
        deferredLoss: "0.00",
      }),
    ]);
  });

  it("replacement shares are matched in the order acquired, each used once (§1.1091-1(c)-(e))", () => {
    const result = json(
      ledger([
        tx("b1", "2024-01-02", "buy", "X", "100", "1000.00", { lotId: "L1" }),
        tx("b2", "2024-01-03", "buy", "X", "100", "1000.00", { lotId: "L2" }),
        tx("s1", "2024-03-01", "sell", "X", "100", "800.00", { lotId: "L1" }),
        tx("s2", "2024-03-02", "sell", "X", "100", "800.00", { lotId: "L2" }),
        tx("r1", "2024-03-10", "buy", "X", "30", "240.00", { lotId: "R1" }),
        tx("r2", "2024-03-12", "buy", "X", "100", "800.00", { lotId: "R2" }),
      ]),
    );
    // s1 (earliest loss) takes R1's 30 then 70 of R2; s2 gets the 30 R2 shares left.
    expect(result.sales.map((r) => [r.saleTxId, r.disallowedLoss, r.washedBy])).toEqual([
      [
        "s1",
        "200.00",
        [
          { txId: "r1", lotId: "R1", quantity: "30" },
          { txId: "r2", lotId: "R2", quantity: "70" },
        ],
      ],
      ["s2", "60.00", [{ txId: "r2", lotId: "R2", quantity: "30" }]],
    ]);
  });

  it("shares sold are not their own replacement, even when bought inside the window", () => {
    const result = json(
      ledger([
        tx("b1", "2024-02-20", "buy", "X", "100", "1000.00"),
        tx("b2", "2024-02-25", "buy", "X", "50", "500.00"),
        tx("s1", "2024-03-01", "sell", "X", "150", "1200.00"),
      ]),
    );
    expect(result.sales.every((row) => row.disallowedLoss === "0.00")).toBe(true);
  });

  it("selling part of a block at a loss does not make its unsold rest a replacement (Rev. Rul. 56-602)", () => {
    const result = json(
      ledger([
        tx("b1", "2024-01-02", "buy", "X", "100", "1000.00", { lotId: "L1" }),
        tx("s1", "2024-01-20", "sell", "X", "50", "400.00"),
      ]),
    );
    expect(result.sales[0]).toMatchObject({ realizedGainLoss: "-100.00", disallowedLoss: "0.00" });
    expect(result.openLots).toEqual([
      expect.objectContaining({ lotId: "L1", quantity: "50", basis: "500.00" }),
    ]);
  });

  it("a lot bought in the 30 days before and still held is a replacement (§1.1091-1(a))", () => {
    const result = json(
      ledger([
        tx("b1", "2023-01-03", "buy", "X", "100", "1000.00", { lotId: "L1" }),
        tx("b2", "2024-02-20", "buy", "X", "100", "700.00", { lotId: "L2" }),
        tx("s1", "2024-03-01", "sell", "X", "100", "750.00", { lotId: "L1" }),
      ]),
    );
    expect(result.sales[0]).toMatchObject({ disallowedLoss: "250.00", term: "long" });
    // L1 was held 2023-01-03 .. 2024-03-01 (423 days): L2's holding period starts 423 days before 2024-02-20.
    expect(result.openLots).toEqual([
      expect.objectContaining({
        lotId: "L2",
        basis: "950.00",
        acquiredDate: "2022-12-24",
        deferredLoss: "250.00",
      }),
    ]);
  });

  it("a dividend reinvestment inside the window washes a proportional part of the loss (Pub 550)", () => {
    const result = json(
      ledger([
        tx("b1", "2023-01-03", "buy", "BND", "100", "8500.00"),
        tx("s1", "2024-03-01", "sell", "BND", "100", "7200.00"),
        tx("d1", "2024-03-15", "dividend-reinvest", "BND", "2", "144.00", { lotId: "D1" }),
      ]),
    );
    expect(result.sales[0]).toMatchObject({ realizedGainLoss: "-1300.00", disallowedLoss: "26.00" });
    expect(result.openLots[0]).toMatchObject({ basis: "170.00", deferredLoss: "26.00" });
  });

  it("a purchase in the spouse's taxable account washes the loss and carries the basis (Pub 550)", () => {
    const result = json(
      ledger([
        ...lossSale,
        tx("r1", "2024-03-05", "buy", "X", "100", "800.00", { account: "spouse-taxable" }),
      ]),
    );
    expect(result.sales[0]?.disallowedLoss).toBe("250.00");
    expect(result.openLots[0]).toMatchObject({ account: "spouse-taxable", basis: "1050.00" });
  });

  it("a purchase in an IRA or Roth disallows the loss for good, with no basis increase (Rev. Rul. 2008-5)", () => {
    const result = json(
      ledger([...lossSale, tx("r1", "2024-03-05", "buy", "X", "100", "800.00", { account: "spouse-roth" })]),
    );
    expect(result.sales[0]).toMatchObject({
      disallowedLoss: "250.00",
      recognizedGainLoss: "0.00",
      lossPermanentlyDisallowed: true,
      form8949: { code: "W", columnG: "250.00" },
    });
    expect(result.openLots).toEqual([
      expect.objectContaining({
        account: "spouse-roth",
        quantity: "100",
        basis: "800.00",
        acquiredDate: "2024-03-05",
        deferredLoss: "0.00",
      }),
    ]);
  });

  it("substantially identical securities wash each other; others do not (§1091, firm policy groups)", () => {
    const groups = [["VOO", "IVV", "SPY"]];
    const washed = json(
      ledger(
        [
          tx("b1", "2024-01-02", "buy", "VOO", "10", "6000.00"),
          tx("s1", "2024-03-01", "sell", "VOO", "10", "5500.00"),
          tx("r1", "2024-03-05", "buy", "IVV", "10", "5600.00"),
        ],
        { groups },
      ),
    );
    expect(washed.sales[0]?.disallowedLoss).toBe("500.00");
    const notWashed = json(
      ledger(
        [
          tx("b1", "2024-01-02", "buy", "VOO", "10", "6000.00"),
          tx("s1", "2024-03-01", "sell", "VOO", "10", "5500.00"),
          tx("r1", "2024-03-05", "buy", "VTI", "20", "5600.00"),
        ],
        { groups },
      ),
    );
    expect(notWashed.sales[0]?.disallowedLoss).toBe("0.00");
  });

  it("chains: a washed replacement sold at a loss is washed again, and the deferred loss travels", () => {
    const result = json(
      ledger([
        ...lossSale,
        tx("r1", "2024-03-05", "buy", "X", "100", "800.00", { lotId: "R1" }),
        tx("s2", "2024-03-20", "sell", "X", "100", "700.00", { lotId: "R1" }),
        tx("r2", "2024-04-01", "buy", "X", "100", "700.00", { lotId: "R2" }),
      ]),
    );
    // R1 basis 1050 (800 + 250): loss 350, all of it disallowed and moved to R2.
    expect(result.sales[1]).toMatchObject({
      basis: "1050.00",
      realizedGainLoss: "-350.00",
      disallowedLoss: "350.00",
    });
    expect(result.openLots[0]).toMatchObject({ lotId: "R2", basis: "1050.00", deferredLoss: "350.00" });
  });

  it("a loss in an IRA is not a recognised loss: no wash sale, not in the totals", () => {
    const result = json(
      ledger([
        tx("b1", "2024-01-02", "buy", "X", "100", "1000.00", { account: "ira" }),
        tx("s1", "2024-03-01", "sell", "X", "100", "750.00", { account: "ira" }),
        tx("r1", "2024-03-05", "buy", "X", "100", "800.00"),
      ]),
    );
    expect(result.sales[0]).toMatchObject({ disallowedLoss: "0.00", taxAdvantaged: true, form8949: null });
    expect(result.totals).toEqual({
      realizedGainLoss: "0.00",
      disallowedLoss: "0.00",
      recognizedGainLoss: "0.00",
    });
  });

  describe("policy priorDisposedReplacement (a replacement bought before the loss sale and sold before it)", () => {
    const history = [
      tx("b1", "2023-01-03", "buy", "X", "100", "1000.00", { lotId: "L1" }),
      tx("b2", "2024-02-15", "buy", "X", "100", "700.00", { lotId: "L2" }),
      tx("s2", "2024-02-20", "sell", "X", "100", "720.00", { lotId: "L2" }),
      tx("s1", "2024-03-01", "sell", "X", "100", "750.00", { lotId: "L1" }),
    ];

    it('"count" (default, conservative): the loss is disallowed and the earlier sale of L2 is revised', () => {
      const result = json(ledger(history));
      const [first, second] = result.sales;
      expect(second).toMatchObject({
        saleTxId: "s1",
        disallowedLoss: "250.00",
        washedBy: [{ txId: "b2", quantity: "100" }],
      });
      expect(first).toMatchObject({
        saleTxId: "s2",
        basis: "950.00",
        realizedGainLoss: "-230.00",
        basisAdjustedByLaterWash: "250.00",
        acquiredDate: "2022-12-19",
        term: "long",
      });
      expect(result.totals).toEqual({
        realizedGainLoss: "-480.00",
        disallowedLoss: "250.00",
        recognizedGainLoss: "-230.00",
      });
    });

    it('"ignore": shares no longer held do not count', () => {
      const result = json(ledger(history, { policy: { priorDisposedReplacement: "ignore" } }));
      expect(result.sales.map((r) => [r.saleTxId, r.disallowedLoss, r.basis])).toEqual([
        ["s2", "0.00", "700.00"],
        ["s1", "0.00", "1000.00"],
      ]);
    });

    it('"count" splits an earlier sale when only some of its shares are matched', () => {
      const result = json(
        ledger([
          tx("b1", "2023-01-03", "buy", "X", "40", "400.00", { lotId: "L1" }),
          tx("b2", "2024-02-15", "buy", "X", "100", "700.00", { lotId: "L2" }),
          tx("s2", "2024-02-20", "sell", "X", "100", "720.00", { lotId: "L2" }),
          tx("s1", "2024-03-01", "sell", "X", "40", "300.00", { lotId: "L1" }),
        ]),
      );
      expect(
        result.sales.map((r) => [
          r.saleTxId,
          r.quantity,
          r.basis,
          r.proceeds,
          r.basisAdjustedByLaterWash ?? "-",
        ]),
      ).toEqual([
        ["s2", "40", "380.00", "288.00", "100.00"],
        ["s2", "60", "420.00", "432.00", "-"],
        ["s1", "40", "400.00", "300.00", "-"],
      ]);
    });
  });
});

describe('priorDisposedReplacement "count" across several earlier sales', () => {
  it("uses the earlier sales' shares in order, each share once", () => {
    const result = json(
      ledger([
        tx("b1", "2023-01-03", "buy", "X", "90", "900.00", { lotId: "L1" }),
        tx("b2", "2024-02-15", "buy", "X", "100", "700.00", { lotId: "L2" }),
        tx("s2a", "2024-02-16", "sell", "X", "50", "360.00", { lotId: "L2" }),
        tx("s2b", "2024-02-17", "sell", "X", "50", "360.00", { lotId: "L2" }),
        tx("s1a", "2024-03-01", "sell", "X", "40", "300.00", { lotId: "L1" }),
        tx("s1b", "2024-03-02", "sell", "X", "40", "300.00", { lotId: "L1" }),
        tx("s1c", "2024-03-03", "sell", "X", "10", "75.00", { lotId: "L1" }),
      ]),
    );
    const washed = result.sales.filter((r) => r.saleTxId.startsWith("s1"));
    expect(washed.map((r) => [r.saleTxId, r.disallowedLoss])).toEqual([
      ["s1a", "100.00"],
      ["s1b", "100.00"],
      ["s1c", "25.00"],
    ]);
    const revised = result.sales.filter((r) => r.saleTxId.startsWith("s2"));
    expect(revised.map((r) => [r.saleTxId, r.quantity, r.basisAdjustedByLaterWash ?? "-"])).toEqual([
      ["s2a", "40", "100.00"],
      ["s2a", "10", "25.00"],
      ["s2b", "30", "75.00"],
      ["s2b", "10", "25.00"],
      ["s2b", "10", "-"],
    ]);
  });

  it("splitting a revised sale that was itself washed divides its replacements in order", () => {
    const result = json(
      ledger([
        tx("b1", "2023-01-03", "buy", "X", "20", "200.00", { lotId: "L1" }),
        tx("b2", "2024-02-10", "buy", "X", "100", "700.00", { lotId: "L2" }),
        tx("s2", "2024-02-20", "sell", "X", "100", "600.00", { lotId: "L2" }),
        tx("b3", "2024-02-22", "buy", "X", "30", "180.00", { lotId: "R3" }),
        tx("b4", "2024-02-23", "buy", "X", "20", "120.00", { lotId: "R4" }),
        tx("s1", "2024-03-01", "sell", "X", "20", "150.00", { lotId: "L1" }),
      ]),
    );
    const [split, rest] = result.sales.filter((r) => r.saleTxId === "s2");
    expect(split?.washedBy).toEqual([{ txId: "b3", lotId: "R3", quantity: "20" }]);
    expect(rest?.washedBy).toEqual([
      { txId: "b3", lotId: "R3", quantity: "10" },
      { txId: "b4", lotId: "R4", quantity: "20" },
    ]);
  });
});
