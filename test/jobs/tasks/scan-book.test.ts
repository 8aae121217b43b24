// The book_scan job on the demo book (PGlite by default, PostgreSQL in CI): the stored scan foots with
// its audit event (same id, totals, rows hash, household count; rows that sum to the totals), the
// event is the one `lotwise scan` writes but for who and where, and a retried job scans as of the
// same instant and writes nothing twice.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaAuditLog } from "../../../src/db/prisma-audit-log.ts";
import { createPrismaBookScanStore } from "../../../src/db/prisma-book-scan-store.ts";
import { createPrismaBookStore } from "../../../src/db/prisma-book-store.ts";
import { createPrismaPlanStore } from "../../../src/db/prisma-plan-store.ts";
import { Decimal } from "../../../src/domain/decimal.ts";
import { type ScanBookDeps, scanBookTask } from "../../../src/jobs/tasks/scan-book.ts";
import { runInProcess } from "../../support/cli.ts";
import { captureLog, memoryContext } from "../../support/task-context.ts";
import { BACKEND, openTestDatabase, type TestDatabase } from "../../support/test-database.ts";

const clock = { now: () => new Date("2026-11-20T20:03:00.000Z") };
const sum = (values: string[]) => values.reduce((total, v) => total.plus(v), new Decimal(0)).toFixed(2);

describe(`the book_scan job (${BACKEND})`, () => {
  let db: TestDatabase;
  let deps: ScanBookDeps;
  const scanEvents = () =>
    db.prisma.auditEvent.findMany({ where: { type: "scan.completed" }, orderBy: { id: "asc" } });

  beforeAll(async () => {
    db = await openTestDatabase();
    await runInProcess(["seed", "--demo", "--as-of", "2026-11-20"], { database: db, clock });
    deps = {
      store: createPrismaBookStore(db.prisma),
      plans: createPrismaPlanStore(db.prisma),
      audit: createPrismaAuditLog(db.prisma, clock),
      scans: createPrismaBookScanStore(db.prisma),
      clock,
    };
  });
  afterAll(() => db.close());

  it("stores a scan that foots with its audit event, written as `lotwise scan` writes it", async () => {
    const { log, lines } = captureLog();
    await scanBookTask(deps)(memoryContext(log, { key: "book_scan@2026-11-20T20:03:00.000Z" }));

    const [event] = await scanEvents();
    const payload = event?.payload as Record<string, unknown> & {
      scanId: string;
      totals: Record<string, unknown>;
      read: { households: number };
    };
    expect(event).toMatchObject({ stream: `scan:${payload.scanId}`, actor: "operator:system" });
    expect(payload).toMatchObject({
      asOf: "2026-11-20",
      now: "2026-11-20T20:03:00.000Z",
      surface: "schedule",
      principal: { id: "operator:system", kind: "operator" },
      filters: { advisor: null, limit: null, minLoss: "500", minLossPercent: "5", maxAgeSeconds: 300 },
    });

    const stored = await deps.scans.find(payload.scanId);
    expect(stored).toMatchObject({
      scanId: payload.scanId,
      asOf: payload.asOf,
      scannedAt: payload.now,
      actor: event?.actor,
      settings: payload.settings,
      totals: payload.totals,
      rowsHash: payload.rowsHash,
    });
    const rows = stored?.rows ?? [];
    expect(payload.read.households).toBe(5);
    expect(rows).toHaveLength(payload.read.households);
    expect(rows.map((r) => r.rank)).toEqual(rows.map((_, i) => i + 1));
    expect(sum(rows.map((r) => r.taxValue))).toBe(payload.totals.taxValue);
    expect(sum(rows.map((r) => r.harvestableLoss))).toBe(payload.totals.harvestableLoss);
    expect(rows.reduce((n, r) => n + r.harvestableLots, 0)).toBe(payload.totals.harvestableLots);
    expect(rows.filter((r) => r.outOfBand).length).toBe(payload.totals.outOfBand);
    expect(lines.find((line) => line.msg === "book scanned")).toMatchObject({ scanId: payload.scanId });

    // `lotwise scan` at the same instant records the same event, but for who ran it and from where.
    const cli = await runInProcess(["scan", "--json"], { database: db, clock });
    expect(cli.code).toBe(0);
    const [, cliEvent] = await scanEvents();
    const cliPayload = cliEvent?.payload as Record<string, unknown>;
    expect(Object.keys(cliPayload)).toEqual(Object.keys(payload));
    const { scanId, principal, surface, elapsedMs, ...same } = payload;
    const { scanId: _id, principal: _p, surface: _s, elapsedMs: _e, ...cliSame } = cliPayload;
    expect(cliSame).toEqual(same);
    expect(cliPayload.surface).toBe("cli");
  });

  it("a retried job scans as of the instant its first attempt pinned, and writes nothing twice", async () => {
    const before = (await scanEvents()).length;
    const first = { now: () => new Date("2026-11-20T20:05:00.000Z") };
    const later = { now: () => new Date("2026-11-20T20:09:00.000Z") };
    const context = memoryContext(captureLog().log, { key: "book_scan@retry" });
    await scanBookTask({ ...deps, clock: first })(context);
    expect(context.request.progress).toEqual({ now: "2026-11-20T20:05:00.000Z" });
    await scanBookTask({ ...deps, clock: later })(context);
    await scanBookTask({ ...deps, clock: later })(context);

    const events = await scanEvents();
    expect(events).toHaveLength(before + 1);
    const { scanId, now } = (events.at(-1)?.payload ?? {}) as { scanId?: string; now?: string };
    expect(now).toBe("2026-11-20T20:05:00.000Z");
    const stored = await db.prisma.bookScan.findMany({ where: { scannedAt: { gte: first.now() } } });
    expect(stored.map((s) => s.scanId)).toEqual([scanId]);
  });
});
