import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runInProcess } from "../support/cli.ts";

const history = {
  transactions: [
    {
      id: "t1",
      date: "2014-05-01",
      account: "a",
      accountType: "taxable",
      action: "buy",
      symbol: "X",
      quantity: "100",
      amount: "1000.00",
      lotId: "L1",
    },
    {
      id: "t2",
      date: "2014-07-01",
      account: "a",
      accountType: "taxable",
      action: "sell",
      symbol: "X",
      quantity: "100",
      amount: "750.00",
      lotId: "L1",
    },
    {
      id: "t3",
      date: "2014-07-05",
      account: "a",
      accountType: "taxable",
      action: "buy",
      symbol: "X",
      quantity: "100",
      price: "8.00",
      lotId: "L2",
    },
  ],
};
const file = join(mkdtempSync(join(tmpdir(), "lotwise-ledger-")), "history.json");
writeFileSync(file, JSON.stringify(history));

describe("lotwise ledger", () => {
  it("prints a table with the sales, the open lots and the totals", async () => {
    const run = await runInProcess(["ledger", "--in", file, "--format", "table"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /t2\s+L1\s+a\s+X\s+100\s+2014-05-01\s+2014-07-01\s+short\s+750\.00\s+1000\.00\s+-250\.00\s+250\.00\s+0\.00\s+W; washed by t3×100/,
    );
    expect(run.stdout).toMatch(/L2\s+a\s+X\s+100\s+1050\.00\s+2014-07-05\s+2014-05-05\s+250\.00/);
    expect(run.stdout).toContain(
      "Totals (taxable accounts): realised -250.00, disallowed 250.00, recognised 0.00",
    );
  });

  it("reads the history from standard input with --in -", () => {
    const run = spawnSync(process.execPath, [join(ROOT, "bin/lotwise.js"), "ledger", "--in", "-"], {
      input: JSON.stringify(history),
      encoding: "utf8",
    });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).totals).toEqual({
      realizedGainLoss: "-250.00",
      disallowedLoss: "250.00",
      recognizedGainLoss: "0.00",
    });
  });

  it.each([
    [["ledger"], "--in <file> is required"],
    [["ledger", "--in", file, "--format", "xml"], '--format must be json or table, not "xml"'],
    [["ledger", "--in", "/nonexistent/history.json"], "cannot read /nonexistent/history.json: ENOENT"],
  ])("refuses %j with exit 2 and one line", async (argv, message) => {
    const run = await runInProcess(argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(message);
  });

  it.each([
    ["not json", "the history is not valid JSON"],
    [JSON.stringify({ transactions: [], extra: 1 }), 'the history file is invalid: unknown field "extra"'],
    [
      JSON.stringify({ transactions: [{ ...history.transactions[0], quantity: "1.123456789" }] }),
      "transaction t1: quantity must be a decimal string",
    ],
    [
      JSON.stringify({ transactions: [{ ...history.transactions[0], amount: undefined, price: undefined }] }),
      "transaction t1: needs an amount or a price",
    ],
    [
      JSON.stringify({ transactions: [history.transactions[0], { ...history.transactions[0] }] }),
      'transaction t1: the id "t1" is used by an earlier transaction',
    ],
    [
      JSON.stringify({
        transactions: [history.transactions[0], { ...history.transactions[1], accountType: "ira" }],
      }),
      'transaction t2: account "a" was "taxable" earlier, "ira" here',
    ],
    [
      JSON.stringify({ transactions: [{ ...history.transactions[0], quantity: "0" }] }),
      "transaction t1: quantity must be greater than zero",
    ],
    [
      JSON.stringify({
        transactions: [{ ...history.transactions[0], lots: [{ lotId: "L1", quantity: "1" }] }],
      }),
      "transaction t1: only a sell can name lots",
    ],
    [
      JSON.stringify({ transactions: [{ ...history.transactions[0], amount: undefined, price: "-1" }] }),
      "transaction t1: price must not be negative",
    ],
    [
      JSON.stringify({
        transactions: [
          {
            ...history.transactions[0],
            amount: undefined,
            price: "0.12345679",
            quantity: "0.5",
          },
        ],
      }),
      "price x quantity has more than 8 decimal places",
    ],
    [
      JSON.stringify({
        transactions: [
          { ...history.transactions[1], lots: [{ lotId: "L1", quantity: "0" }], lotId: undefined },
        ],
      }),
      "each named lot needs a quantity above zero",
    ],
    [
      JSON.stringify({ transactions: [{ date: "2014-05-01" }] }),
      "transaction #1 (no id): id must be a string",
    ],
    [
      JSON.stringify({ transactions: [{ ...history.transactions[0], action: "gift" }] }),
      'action must be one of "buy", "sell", "dividend-reinvest"',
    ],
  ])("names the problem in one line: %s", async (text, message) => {
    const bad = join(mkdtempSync(join(tmpdir(), "lotwise-ledger-bad-")), "history.json");
    writeFileSync(bad, text);
    const run = await runInProcess(["ledger", "--in", bad]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain(message);
  });
});
