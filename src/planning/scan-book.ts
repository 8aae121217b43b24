// The daily sweep of the book (book-scan spec): the households the principal may read (narrowed to
// an advisor's when asked), streamed in chunks through the set-based read path, each scanned by the
// pure engine, plans awaiting approval added from one grouped query, ranked by what acting is worth,
// and totalled from the printed values. The next chunk is read while the engine scans this one.
// Nothing is drafted or sent. `recordBookScan` writes the audit event that says what was read.
import { createHash } from "node:crypto";
import { can, readsEveryHousehold } from "../access/authorize.ts";
import { actorOf, type Principal, principalId } from "../access/principal.ts";
import type { IsoDate } from "../domain/iso-date.ts";
import {
  compareScanRows,
  failedScan,
  type HouseholdScan,
  type ScanSettings,
  type ScanTotals,
  scanHousehold,
  totalScanRows,
} from "../engine/planning/scan-household.ts";
import type { AuditEvent, AuditLog } from "../ports/audit-log.ts";
import type { StoredScanRow } from "../ports/book-scan-store.ts";
import type { BookStore } from "../ports/book-store.ts";
import type { PlanStore } from "../ports/plan-store.ts";
import type { AppUser } from "../ports/user-store.ts";

export interface BookScanRequest {
  principal: Principal;
  /** Only the households this user holds a role on (within what the principal may read). */
  advisor?: AppUser | null;
  /** The trade date. */
  asOf: IsoDate;
  /** Now (UTC ISO instant), for freshness and plan expiry. */
  now: string;
  settings: ScanSettings;
  chunkSize?: number;
  /** Called after every chunk with the households scanned so far and how many there are. */
  onProgress?: (scanned: number, total: number) => void;
}

/** A household's row, named and ranked: what the book-scan store keeps. */
export type BookScanRow = StoredScanRow;

export interface BookScan {
  scanId: string;
  asOf: IsoDate;
  households: number;
  elapsedMs: number;
  totals: ScanTotals;
  /** Every household scanned, ranked. */
  rows: BookScanRow[];
  /** What was read: for the audit event. */
  read: {
    households: number;
    chunks: number;
    snapshotsAsOf: { from: string; to: string } | null;
    pricesAsOf: { from: string; to: string } | null;
  };
  /** Time waiting for the database vs time in the engine (ms). */
  timings: { readMs: number; engineMs: number };
  /** sha256 of the rows' JSON: what the scan id and the audit event commit to. */
  rowsHash: string;
}

const DEFAULT_CHUNK = 500;

export async function scanBook(
  deps: { store: BookStore; plans: PlanStore },
  request: BookScanRequest,
): Promise<BookScan> {
  const started = performance.now();
  const scope = scanScope(request.principal, request.advisor ?? null);
  const names = scope?.length === 0 ? new Map<string, string>() : await deps.store.householdNames(scope);
  const pending = names.size === 0 ? new Map<string, number>() : await deps.plans.countPending(request.now);
  const scans: HouseholdScan[] = [];
  const snapshotsAsOf = new Range();
  const pricesAsOf = new Range();
  let readMs = 0;
  let engineMs = 0;
  let chunks = 0;
  if (names.size > 0) {
    const ids = scope ?? null;
    const stream = deps.store.streamPlanningInputs(ids, request.asOf, {
      chunkSize: request.chunkSize ?? DEFAULT_CHUNK,
    });
    const iterator = stream[Symbol.asyncIterator]();
    let next = iterator.next();
    for (;;) {
      const waited = performance.now();
      const result = await next;
      readMs += performance.now() - waited;
      if (result.done) break;
      // The next chunk's queries go out before the engine takes this one.
      next = iterator.next();
      const scanning = performance.now();
      chunks += 1;
      for (const inputs of result.value) {
        if (!names.has(inputs.book.householdId)) continue;
        for (const s of inputs.dataAsOf.snapshots) snapshotsAsOf.add(s.asOf);
        for (const p of inputs.dataAsOf.prices) pricesAsOf.add(p.asOf);
        scans.push(
          scanOne(() => scanHousehold(inputs, request.settings, request.now), inputs.book.householdId),
        );
      }
      engineMs += performance.now() - scanning;
      request.onProgress?.(scans.length, names.size);
    }
  }
  const seen = new Set(scans.map((s) => s.householdId));
  for (const id of names.keys()) {
    if (!seen.has(id)) {
      scans.push(
        failedScan(id, { code: "scan.no-inputs", message: "its planning inputs could not be read" }),
      );
    }
  }
  const rows = rankRows(scans, names, pending);
  const totals = totalScanRows(rows);
  const rowsHash = sha256(JSON.stringify(rows));
  const scanId = `scan-${sha256(
    JSON.stringify({
      asOf: request.asOf,
      now: request.now,
      principal: principalId(request.principal),
      advisor: request.advisor?.slackUserId ?? null,
      settings: settingsRecord(request.settings),
      totals,
      rowsHash,
    }),
  ).slice(0, 16)}`;
  return {
    scanId,
    asOf: request.asOf,
    households: rows.length,
    elapsedMs: Math.round(performance.now() - started),
    totals,
    rows,
    read: {
      households: rows.length,
      chunks,
      snapshotsAsOf: snapshotsAsOf.value(),
      pricesAsOf: pricesAsOf.value(),
    },
    timings: { readMs: Math.round(readMs), engineMs: Math.round(engineMs) },
    rowsHash,
  };
}

/**
 * The household ids a scan covers: null for the whole book (a firm-wide reader, no advisor), else
 * the ids the principal may read, narrowed to those the advisor holds a role on. Sorted.
 */
export function scanScope(principal: Principal, advisor: AppUser | null): string[] | null {
  const advisorIds = advisor ? unique(advisor.access.map((grant) => grant.householdId)) : null;
  if (readsEveryHousehold(principal)) return advisorIds;
  if (principal.kind !== "user") return [];
  const readable = unique(principal.user.access.map((grant) => grant.householdId)).filter((id) =>
    can(principal, "household.read", id),
  );
  return advisorIds ? readable.filter((id) => advisorIds.includes(id)) : readable;
}

/** The scan as one audit event: who, as of when, with which filters, what it read and its totals. */
export function recordBookScan(
  audit: AuditLog,
  scan: BookScan,
  context: {
    principal: Principal;
    now: string;
    surface: "cli" | "slack" | "schedule";
    filters: Record<string, string | number | null>;
    settings: ScanSettings;
  },
): Promise<AuditEvent> {
  return audit.append({
    stream: `scan:${scan.scanId}`,
    type: "scan.completed",
    actor: actorOf(context.principal),
    payload: {
      scanId: scan.scanId,
      asOf: scan.asOf,
      now: context.now,
      surface: context.surface,
      principal: { id: principalId(context.principal), kind: context.principal.kind },
      filters: context.filters,
      settings: settingsRecord(context.settings),
      read: scan.read,
      totals: scan.totals,
      rowsHash: scan.rowsHash,
      elapsedMs: scan.elapsedMs,
    },
  });
}

function scanOne(scan: () => HouseholdScan, householdId: string): HouseholdScan {
  try {
    return scan();
  } catch (error) {
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return failedScan(householdId, {
      code: "scan.failed",
      message: `its data could not be scanned: ${message}`,
    });
  }
}

function rankRows(
  scans: readonly HouseholdScan[],
  names: ReadonlyMap<string, string>,
  pending: ReadonlyMap<string, number>,
): BookScanRow[] {
  return [...scans].sort(compareScanRows).map((scan, index) => {
    const awaitingApproval = pending.get(scan.householdId) ?? 0;
    const reasons =
      awaitingApproval > 0
        ? [
            ...scan.reasons,
            { code: "plan.awaiting-approval", message: `${awaitingApproval} plan(s) awaiting approval` },
          ]
        : scan.reasons;
    return {
      householdId: scan.householdId,
      name: names.get(scan.householdId) ?? scan.householdId,
      rank: index + 1,
      outOfBand: scan.outOfBand,
      classesOutOfBand: scan.classesOutOfBand,
      maxDrift: scan.maxDrift,
      harvestableLoss: scan.harvestableLoss,
      taxValue: scan.taxValue,
      harvestableLots: scan.harvestableLots,
      blockedByWash: scan.blockedByWash,
      nextClearDate: scan.nextClearDate,
      stale: scan.stale,
      unreconciled: scan.unreconciled,
      awaitingApproval,
      reasons,
    };
  });
}

function settingsRecord(settings: ScanSettings) {
  return {
    minLossAmount: settings.minLossAmount.toString(),
    minLossFraction: settings.minLossFraction.toString(),
    shortTermRate: settings.shortTermRate.toString(),
    longTermRate: settings.longTermRate.toString(),
    maxDataAgeSeconds: settings.maxDataAgeSeconds,
  };
}

/** The earliest and latest of a set of ISO instants (they sort as text). */
class Range {
  private from: string | null = null;
  private to: string | null = null;
  add(at: string): void {
    if (this.from === null || at < this.from) this.from = at;
    if (this.to === null || at > this.to) this.to = at;
  }
  value(): { from: string; to: string } | null {
    return this.from === null || this.to === null ? null : { from: this.from, to: this.to };
  }
}

const unique = (ids: readonly string[]) => [...new Set(ids)].sort();

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
