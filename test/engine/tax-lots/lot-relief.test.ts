// Lot relief, Treas. Reg. §1.1012-1: FIFO when not identified (c)(1), specific identification
// (c)(2)-(3), average basis for RIC shares (e); LIFO and HIFO as account elections.
import { describe, expect, it } from "vitest";
import { Decimal } from "../../../src/domain/decimal.ts";
import { json, ledger, runLedgerResult, tx } from "./ledger-builder.ts";

const twoLots = [
  tx("b1", "2020-01-02", "buy", "X", "100", "1000.00", { lotId: "L1" }),
  tx("b2", "2020-06-01", "buy", "X", "100", "3000.00", { lotId: "L2" }),
  tx("b3", "2020-09-01", "buy", "X", "100", "2000.00", { lotId: "L3" }),
];
const sell150 = tx("s1", "2021-03-01", "sell", "X", "150", "3000.00");

describe("lot relief", () => {
  it.each([
    [
      "FIFO",
      [
        ["L1", "100", "1000.00"],
        ["L2", "50", "1500.00"],
      ],
    ],
    [
      "LIFO",
      [
        ["L3", "100", "2000.00"],
        ["L2", "50", "1500.00"],
      ],
    ],
    [
      "HIFO",
      [
        ["L2", "100", "3000.00"],
        ["L3", "50", "1000.00"],
      ],
    ],
    // An unidentified sale under specific identification falls back to FIFO: §1.1012-1(c)(1).
    [
      "SPECIFIC_ID",
      [
        ["L1", "100", "1000.00"],
        ["L2", "50", "1500.00"],
      ],
    ],
  ] as const)("%s relieves the lots in its order", (method, expected) => {
    const rows = json(ledger([...twoLots, sell150], { method })).sales;
    expect(rows.map((r) => [r.lotId, r.quantity, r.basis])).toEqual(expected);
  });

  it("a named lot overrides the account's method for that sale (§1.1012-1(c)(2))", () => {
    const sale = tx("s1", "2021-03-01", "sell", "X", "40", "800.00", { lotId: "L3" });
    const result = json(ledger([...twoLots, sale], { method: "HIFO" }));
    expect(result.sales.map((r) => [r.lotId, r.quantity, r.basis])).toEqual([["L3", "40", "800.00"]]);
  });

  it("several named lots, each partly sold", () => {
    const sale = tx("s1", "2021-03-01", "sell", "X", "30", "600.00", {
      lots: [
        ["L3", "10"],
        ["L1", "20"],
      ],
    });
    const result = json(ledger([...twoLots, sale]));
    expect(result.sales.map((r) => [r.lotId, r.quantity, r.basis, r.proceeds])).toEqual([
      ["L3", "10", "200.00", "200.00"],
      ["L1", "20", "200.00", "400.00"],
    ]);
  });

  it("splits a partial lot pro rata to the cent, keeping the remainder on the open part", () => {
    const result = json(
      ledger([
        tx("b1", "2020-01-02", "buy", "X", "3", "10.00", { lotId: "L1" }),
        tx("s1", "2020-02-03", "sell", "X", "1", "5.00"),
      ]),
    );
    expect(result.sales[0]?.basis).toBe("3.33");
    expect(result.openLots).toEqual([expect.objectContaining({ lotId: "L1", quantity: "2", basis: "6.67" })]);
  });

  it("average cost: basis is the pool's average; the shares deemed sold are the earliest (§1.1012-1(e))", () => {
    const result = json(
      ledger(
        [
          tx("b1", "2022-01-05", "buy", "F", "100", "1000.00", { lotId: "F1" }),
          tx("b2", "2023-03-01", "buy", "F", "100", "1200.00", { lotId: "F2" }),
          tx("s1", "2023-06-01", "sell", "F", "150", "1800.00"),
        ],
        { method: "AVERAGE_COST" },
      ),
    );
    expect(result.sales.map((r) => [r.lotId, r.quantity, r.basis, r.term])).toEqual([
      ["F1", "100", "1100.00", "long"],
      ["F2", "50", "550.00", "short"],
    ]);
    expect(result.openLots).toEqual([
      expect.objectContaining({ lotId: "F2", quantity: "50", basis: "550.00" }),
    ]);
  });

  it("average cost rounds the sold basis once, from the pool (not lot by lot)", () => {
    const result = json(
      ledger(
        [
          tx("b1", "2022-01-05", "buy", "F", "100", "1000.00"),
          tx("b2", "2022-02-05", "buy", "F", "100", "1100.00"),
          tx("b3", "2022-03-05", "buy", "F", "100", "1300.00"),
          tx("s1", "2022-04-05", "sell", "F", "50", "600.00"),
        ],
        { method: "AVERAGE_COST" },
      ),
    );
    expect(result.sales[0]?.basis).toBe("566.67");
    const open = result.openLots.reduce((sum, l) => sum.plus(l.basis), new Decimal(0));
    expect(open.toFixed(2)).toBe("2833.33");
  });

  it.each([
    [
      [tx("s1", "2021-03-01", "sell", "X", "301", "1.00")],
      "ledger.oversold",
      "s1: sells more X than taxable holds (300)",
    ],
    [
      [tx("s1", "2021-03-01", "sell", "X", "1", "1.00", { lotId: "L9" })],
      "ledger.unknown-lot",
      's1: lot "L9" is not held',
    ],
    [
      [tx("s1", "2021-03-01", "sell", "X", "101", "1.00", { lotId: "L1" })],
      "ledger.oversold",
      's1: sells more X than lot "L1" holds (100)',
    ],
    [
      [tx("s1", "2021-03-01", "sell", "X", "10", "1.00", { lots: [["L1", "4"]] })],
      "ledger.lots-mismatch",
      "s1: the named lots add up to 4 shares but the sale is 10",
    ],
    [
      [tx("b9", "2021-03-01", "buy", "X", "1", "1.00", { lotId: "L1" })],
      "ledger.duplicate-lot",
      'b9: lot id "L1"',
    ],
    [
      [tx("b9", "2021-03-01", "buy", "X", "1", "1.00", { account: "nowhere" })],
      "ledger.unknown-account",
      "b9: unknown",
    ],
  ] as const)(
    "refuses bad histories with a coded error naming the transaction (%#)",
    (extra, code, message) => {
      const result = runLedgerResult([...twoLots, ...extra]);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe(code);
        expect(result.error.message).toContain(message);
      }
    },
  );

  it("a sale of a lot from another account is an unknown lot there", () => {
    const result = runLedgerResult([
      tx("b1", "2020-01-02", "buy", "X", "10", "100.00", { lotId: "L1", account: "spouse-taxable" }),
      tx("s1", "2020-02-03", "sell", "X", "10", "90.00", { lotId: "L1" }),
    ]);
    expect(result.ok || result.error.code).toBe("ledger.unknown-lot");
  });
});

describe("lot relief with split lots", () => {
  it("LIFO keeps the matched and unmatched parts of the latest lot together", () => {
    const result = json(
      ledger(
        [
          tx("b1", "2024-01-02", "buy", "X", "100", "1000.00", { lotId: "L1" }),
          tx("b2", "2024-02-01", "buy", "X", "100", "1000.00", { lotId: "L2" }),
          tx("s1", "2024-03-01", "sell", "X", "50", "400.00", { lotId: "L1" }),
          tx("b3", "2024-03-05", "buy", "X", "80", "640.00", { lotId: "R1" }),
          tx("s2", "2024-09-03", "sell", "X", "60", "720.00"),
        ],
        { method: "LIFO" },
      ),
    );
    // s1's 50 loss shares: L2 (bought in the window, still held) is the earliest replacement.
    expect(result.sales[1]?.washedBy).toEqual([]);
    expect(result.sales.slice(1).map((r) => [r.lotId, r.quantity])).toEqual([["R1", "60"]]);
  });

  it("average cost selling the whole pool leaves nothing to re-base", () => {
    const result = json(
      ledger(
        [tx("b1", "2022-01-05", "buy", "F", "3", "10.00"), tx("s1", "2022-04-05", "sell", "F", "3", "12.00")],
        { method: "AVERAGE_COST" },
      ),
    );
    expect(result.sales[0]).toMatchObject({ basis: "10.00", realizedGainLoss: "2.00" });
    expect(result.openLots).toEqual([]);
  });
});

describe("lot relief edge cases", () => {
  it("HIFO breaks ties between equal costs per share first-in", () => {
    const result = json(
      ledger(
        [
          tx("b1", "2020-01-02", "buy", "X", "10", "100.00", { lotId: "A" }),
          tx("b2", "2020-02-03", "buy", "X", "10", "200.00", { lotId: "B" }),
          tx("b3", "2020-03-02", "buy", "X", "20", "200.00", { lotId: "C" }),
          tx("b4", "2020-04-01", "buy", "X", "5", "100.00", { lotId: "D" }),
          tx("s1", "2021-03-01", "sell", "X", "35", "700.00"),
        ],
        { method: "HIFO" },
      ),
    );
    expect(result.sales.map((r) => [r.lotId, r.quantity])).toEqual([
      ["B", "10"],
      ["D", "5"],
      ["A", "10"],
      ["C", "10"],
    ]);
  });

  it("the same lot named twice in one sale is relieved twice", () => {
    const result = json(
      ledger([
        tx("b1", "2024-01-02", "buy", "X", "30", "300.00", { lotId: "L1" }),
        tx("s1", "2024-02-01", "sell", "X", "15", "120.00", {
          lots: [
            ["L1", "10"],
            ["L1", "5"],
          ],
        }),
        tx("r1", "2024-02-05", "buy", "X", "5", "40.00", { lotId: "R1" }),
      ]),
    );
    expect(result.sales.map((r) => [r.lotId, r.quantity, r.disallowedLoss])).toEqual([
      ["L1", "10", "10.00"],
      ["L1", "5", "0.00"],
    ]);
    // L1's unsold 15 shares are not a replacement for its own sale (Rev. Rul. 56-602); R1's 5 are.
    expect(result.openLots.map((l) => [l.lotId, l.quantity, l.deferredLoss])).toEqual([
      ["L1", "15", "0.00"],
      ["R1", "5", "10.00"],
    ]);
  });
});
