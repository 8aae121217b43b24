// The book scan over fake ports (no database): who is scanned, one grouped pending-plan query, a
// household whose own data breaks the engine is a row with a reason, ranks and totals, the scan id,
// and the audit event.
import { describe, expect, it } from "vitest";
import { operatorPrincipal, type Principal } from "../../src/access/principal.ts";
import type { HouseholdBook } from "../../src/domain/household-book.ts";
import { isoDate } from "../../src/domain/iso-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../../src/engine/planning/draft-plan.ts";
import { recordBookScan, scanBook, scanScope } from "../../src/planning/scan-book.ts";
import type { BookStore, PlanningInputs } from "../../src/ports/book-store.ts";
import type { PlanStore } from "../../src/ports/plan-store.ts";
import type { AppUser } from "../../src/ports/user-store.ts";
import { demoHousehold, demoModel, demoPolicy } from "../support/demo-household.ts";
import { MemoryAuditLog } from "../support/memory-ports.ts";

const NOW = "2026-11-20T20:03:00.000Z";
const AS_OF = isoDate("2026-11-20");
const NAMES = new Map([
  ["hh-alvarez", "Alvarez Household"],
  ["hh-chen", "Chen Household"],
  ["hh-okafor", "Okafor Household"],
]);

function inputsOf(book: HouseholdBook): PlanningInputs {
  const policy = demoPolicy();
  return {
    book,
    model: demoModel(book.householdId),
    policy: { id: "si-1", ...policy, groups: policy.groups.map((g) => ({ ...g, symbols: [...g.symbols] })) },
    pins: {
      accountIds: [],
      snapshotIds: [],
      priceIds: [],
      transactionIds: [],
      restrictionIds: [],
      modelVersionId: null,
      policyId: null,
    },
    dataAsOf: {
      snapshots: book.accounts.map((a) => ({
        accountId: a.id,
        snapshotId: `snap-${a.id}`,
        asOf: "2026-11-20T20:00:00.000Z",
        source: "demo",
      })),
      prices: [{ securityId: "sec-vti", asOf: "2026-11-20T19:59:00.000Z", source: "demo" }],
    },
  };
}

/** A book of Chen and Okafor, and Alvarez with a lot the engine cannot read. */
function fakeStore(calls: { streamed: (readonly string[] | null)[] }): BookStore {
  const alvarez = demoHousehold("hh-alvarez");
  const broken = {
    ...alvarez,
    lots: [
      ...alvarez.lots,
      { ...(alvarez.lots[0] as HouseholdBook["lots"][number]), quantity: null as never },
    ],
  };
  const all = [inputsOf(broken), inputsOf(demoHousehold("hh-chen")), inputsOf(demoHousehold("hh-okafor"))];
  return {
    householdNames: async (ids) => new Map([...NAMES].filter(([id]) => ids === null || ids.includes(id))),
    async *streamPlanningInputs(ids, _asOf, options) {
      calls.streamed.push(ids);
      const wanted = all.filter((i) => ids === null || ids.includes(i.book.householdId));
      const size = options?.chunkSize ?? 500;
      for (let start = 0; start < wanted.length; start += size) yield wanted.slice(start, start + size);
    },
  } as Partial<BookStore> as BookStore;
}

function fakePlans(counted: string[]): PlanStore {
  return {
    countPending: async (now) => {
      counted.push(now);
      return new Map([["hh-okafor", 2]]);
    },
  } as Partial<PlanStore> as PlanStore;
}

const user = (access: AppUser["access"], roles: AppUser["roles"] = []): Principal => ({
  kind: "user",
  user: { id: "user-1", slackUserId: "U1", name: "Una", email: null, roles, active: true, access },
});

describe("scanBook", () => {
  const run = async (principal: Principal = operatorPrincipal("test"), chunkSize = 2) => {
    const calls = { streamed: [] as (readonly string[] | null)[] };
    const counted: string[] = [];
    const progress: [number, number][] = [];
    const scan = await scanBook(
      { store: fakeStore(calls), plans: fakePlans(counted) },
      {
        principal,
        asOf: AS_OF,
        now: NOW,
        settings: DEFAULT_PLAN_SETTINGS,
        chunkSize,
        onProgress: (done, total) => progress.push([done, total]),
      },
    );
    return { scan, calls, counted, progress };
  };

  it("scans the whole book for a firm-wide reader, in chunks, with one pending-plan query", async () => {
    const { scan, calls, counted, progress } = await run();
    expect(calls.streamed).toEqual([null]);
    expect(counted).toEqual([NOW]);
    expect(progress).toEqual([
      [2, 3],
      [3, 3],
    ]);
    expect(scan.households).toBe(3);
    expect(scan.read).toMatchObject({
      households: 3,
      chunks: 2,
      snapshotsAsOf: { from: "2026-11-20T20:00:00.000Z", to: "2026-11-20T20:00:00.000Z" },
      pricesAsOf: { from: "2026-11-20T19:59:00.000Z", to: "2026-11-20T19:59:00.000Z" },
    });
  });

  it("a household whose own data breaks the engine is a row with a reason, not an abort", async () => {
    const { scan } = await run();
    const alvarez = scan.rows.find((r) => r.householdId === "hh-alvarez");
    expect(alvarez).toMatchObject({ name: "Alvarez Household", taxValue: "0.00", maxDrift: "0.0000" });
    expect(alvarez?.reasons.map((r) => r.code)).toEqual(["scan.failed"]);
    expect(alvarez?.reasons[0]?.message).toMatch(/^its data could not be scanned: /);
  });

  it("ranks, adds plans awaiting approval, and totals over every row", async () => {
    const { scan } = await run();
    expect(scan.rows.map((r) => [r.rank, r.householdId])).toEqual([
      [1, "hh-chen"],
      [2, "hh-okafor"],
      [3, "hh-alvarez"],
    ]);
    const okafor = scan.rows[1];
    expect(okafor?.awaitingApproval).toBe(2);
    expect(okafor?.reasons.at(-1)).toEqual({
      code: "plan.awaiting-approval",
      message: "2 plan(s) awaiting approval",
    });
    expect(scan.totals).toMatchObject({ awaitingApproval: 2, taxValue: scan.rows[0]?.taxValue });
  });

  it("the same book at the same instant gives the same rows and scan id", async () => {
    const [a, b] = [(await run()).scan, (await run(operatorPrincipal("test"), 1)).scan];
    expect(b.rows).toEqual(a.rows);
    expect(b.scanId).toBe(a.scanId);
    expect(a.scanId).toMatch(/^scan-[0-9a-f]{16}$/);
    expect((await run(operatorPrincipal("someone-else"))).scan.scanId).not.toBe(a.scanId);
  });

  it("scans only what the principal may read; nothing at all reads nothing", async () => {
    const advisor = await run(user([{ householdId: "hh-okafor", role: "ADVISOR" }]));
    expect(advisor.calls.streamed).toEqual([["hh-okafor"]]);
    expect(advisor.scan.rows.map((r) => r.householdId)).toEqual(["hh-okafor"]);
    const outsider = await run(user([]));
    expect(outsider.calls.streamed).toEqual([]);
    expect(outsider.counted).toEqual([]);
    expect(outsider.scan).toMatchObject({ households: 0, rows: [] });
  });

  it("names every household it was told about, even one the read path did not return", async () => {
    const calls = { streamed: [] as (readonly string[] | null)[] };
    const store = fakeStore(calls);
    const scan = await scanBook(
      {
        store: { ...store, householdNames: async () => new Map([...NAMES, ["hh-ghost", "Ghost Household"]]) },
        plans: fakePlans([]),
      },
      { principal: operatorPrincipal("test"), asOf: AS_OF, now: NOW, settings: DEFAULT_PLAN_SETTINGS },
    );
    expect(scan.rows.find((r) => r.householdId === "hh-ghost")?.reasons.map((r) => r.code)).toEqual([
      "scan.no-inputs",
    ]);
  });
});

describe("scanScope", () => {
  const advisor = (householdIds: string[]): AppUser => ({
    id: "user-adv",
    slackUserId: "UADV",
    name: "Ada",
    email: null,
    roles: [],
    active: true,
    access: householdIds.map((householdId) => ({ householdId, role: "ADVISOR" as const })),
  });

  it("firm-wide readers: the whole book, or the advisor's households", () => {
    expect(scanScope(operatorPrincipal("x"), null)).toBeNull();
    expect(scanScope(user([], ["COMPLIANCE"]), advisor(["hh-b", "hh-a", "hh-a"]))).toEqual(["hh-a", "hh-b"]);
  });

  it("others: their readable households, narrowed to the advisor's; unknown ids nothing", () => {
    const principal = user([
      { householdId: "hh-c", role: "APPROVER" },
      { householdId: "hh-a", role: "ADVISOR" },
    ]);
    expect(scanScope(principal, null)).toEqual(["hh-a", "hh-c"]);
    expect(scanScope(principal, advisor(["hh-c", "hh-z"]))).toEqual(["hh-c"]);
    expect(scanScope({ kind: "unknown", claimedId: "U?" }, null)).toEqual([]);
  });
});

describe("recordBookScan", () => {
  it("appends one scan.completed event on the scan's stream with what it read and its totals", async () => {
    const calls = { streamed: [] as (readonly string[] | null)[] };
    const principal = operatorPrincipal("ana");
    const scan = await scanBook(
      { store: fakeStore(calls), plans: fakePlans([]) },
      { principal, asOf: AS_OF, now: NOW, settings: DEFAULT_PLAN_SETTINGS },
    );
    const audit = new MemoryAuditLog();
    await recordBookScan(audit, scan, {
      principal,
      now: NOW,
      surface: "cli",
      filters: { advisor: null, limit: 20 },
      settings: DEFAULT_PLAN_SETTINGS,
    });
    const events = await audit.read(`scan:${scan.scanId}`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "scan.completed",
      actor: "operator:ana",
      payload: {
        scanId: scan.scanId,
        asOf: "2026-11-20",
        now: NOW,
        principal: { id: "operator:ana", kind: "operator" },
        filters: { advisor: null, limit: 20 },
        read: scan.read,
        totals: scan.totals,
        rowsHash: scan.rowsHash,
      },
    });
  });
});
