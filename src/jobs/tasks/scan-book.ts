// The "book_scan" job: the morning sweep of the whole book, run as the system with the default
// thresholds, recorded as `lotwise scan` records it (the `scan.completed` audit event on
// `scan:<id>`), then kept in the scan store for the digest. The first attempt pins the scan's "now"
// in the request's progress, so a retry scans as of the same instant: an unchanged book gives the
// same scan id, and neither the audit event nor the stored scan is written twice.
import { operatorPrincipal } from "../../access/principal.ts";
import { marketDate } from "../../domain/market-date.ts";
import { DEFAULT_PLAN_SETTINGS } from "../../engine/planning/draft-plan.ts";
import type { ScanSettings } from "../../engine/planning/scan-household.ts";
import { type BookScan, recordBookScan, scanBook } from "../../planning/scan-book.ts";
import type { AuditEvent, AuditLog } from "../../ports/audit-log.ts";
import type { BookScanStore, StoredBookScan } from "../../ports/book-scan-store.ts";
import type { BookStore } from "../../ports/book-store.ts";
import type { Clock } from "../../ports/clock.ts";
import type { PlanStore } from "../../ports/plan-store.ts";
import type { TaskContext, TaskHandler } from "../start-workers.ts";

/** Who scheduled work acts as: firm-wide reads, audited as operator:system. */
export const SYSTEM_PRINCIPAL = operatorPrincipal("system");

export const SCHEDULED_SCAN_SETTINGS: ScanSettings = {
  minLossAmount: DEFAULT_PLAN_SETTINGS.minLossAmount,
  minLossFraction: DEFAULT_PLAN_SETTINGS.minLossFraction,
  shortTermRate: DEFAULT_PLAN_SETTINGS.shortTermRate,
  longTermRate: DEFAULT_PLAN_SETTINGS.longTermRate,
  maxDataAgeSeconds: DEFAULT_PLAN_SETTINGS.maxDataAgeSeconds,
};

// recordBookScan knows the CLI and Slack; a scheduled scan is neither, and the audit log says so.

export interface ScanBookDeps {
  store: BookStore;
  plans: PlanStore;
  audit: AuditLog;
  scans: BookScanStore;
  clock: Clock;
}

export function scanBookTask(deps: ScanBookDeps): TaskHandler {
  return async (context) => {
    const now = await pinNow(context, deps.clock);
    // As `lotwise scan` does: the demo's simulated feed is re-stamped first (a no-op on a real book).
    await deps.store.refreshDemoFeed(now);
    const scan = await scanBook(
      { store: deps.store, plans: deps.plans },
      {
        principal: SYSTEM_PRINCIPAL,
        asOf: marketDate(now),
        now: now.toISOString(),
        settings: SCHEDULED_SCAN_SETTINGS,
      },
    );
    const event = await recordScanOnce(deps.audit, scan, now.toISOString());
    const saved = await deps.scans.save(storedScanOf(scan, event));
    context.log.info(
      { scanId: scan.scanId, asOf: scan.asOf, households: scan.households, totals: scan.totals, saved },
      "book scanned",
    );
  };
}

async function pinNow(context: TaskContext, clock: Clock): Promise<Date> {
  const pinned = context.request.progress.now;
  if (typeof pinned === "string") return new Date(pinned);
  const now = clock.now();
  await context.saveProgress({ now: now.toISOString() });
  return now;
}

/** The scan's audit event: the one already on its stream (a retry), or a new one. */
async function recordScanOnce(audit: AuditLog, scan: BookScan, now: string): Promise<AuditEvent> {
  const earlier = (await audit.read(`scan:${scan.scanId}`)).find((event) => event.type === "scan.completed");
  return (
    earlier ??
    recordBookScan(audit, scan, {
      principal: SYSTEM_PRINCIPAL,
      now,
      surface: "schedule",
      settings: SCHEDULED_SCAN_SETTINGS,
      filters: {
        advisor: null,
        limit: null,
        minLoss: SCHEDULED_SCAN_SETTINGS.minLossAmount.toString(),
        minLossPercent: SCHEDULED_SCAN_SETTINGS.minLossFraction.times(100).toString(),
        maxAgeSeconds: SCHEDULED_SCAN_SETTINGS.maxDataAgeSeconds,
      },
    })
  );
}

/** The scan as kept for the digest: who, when and with which settings as its audit event says. */
function storedScanOf(scan: BookScan, event: AuditEvent): StoredBookScan {
  const payload = event.payload as { now: string; settings: StoredBookScan["settings"] };
  return {
    scanId: scan.scanId,
    asOf: scan.asOf,
    scannedAt: payload.now,
    actor: event.actor,
    settings: payload.settings,
    totals: scan.totals,
    rows: scan.rows,
    rowsHash: scan.rowsHash,
  };
}
