// Book scans in the `book_scan` table: one row per scan id, inserted once (a second save of the same
// scan is skipped), never updated. Totals and rows are stored as the JSON the scan produced.
import type {
  BookScanStore,
  StoredBookScan,
  StoredScanRow,
  StoredScanTotals,
} from "../ports/book-scan-store.ts";
import type { BookScan as BookScanRow, PrismaClient } from "./generated/client.ts";
import { fromIsoDate, toIsoDate } from "./mapping.ts";

export function createPrismaBookScanStore(prisma: PrismaClient): BookScanStore {
  return {
    async save(scan) {
      const { count } = await prisma.bookScan.createMany({
        data: {
          scanId: scan.scanId,
          asOf: fromIsoDate(scan.asOf),
          scannedAt: new Date(scan.scannedAt),
          actor: scan.actor,
          settings: scan.settings,
          totals: { ...scan.totals },
          rows: scan.rows.map((row) => ({ ...row, reasons: row.reasons.map((reason) => ({ ...reason })) })),
          rowsHash: scan.rowsHash,
        },
        skipDuplicates: true,
      });
      return count === 1 ? "saved" : "duplicate";
    },
    async find(scanId) {
      const row = await prisma.bookScan.findUnique({ where: { scanId } });
      return row ? toStoredScan(row) : null;
    },
    async latest() {
      const row = await prisma.bookScan.findFirst({ orderBy: [{ scannedAt: "desc" }, { scanId: "desc" }] });
      return row ? toStoredScan(row) : null;
    },
  };
}

function toStoredScan(row: BookScanRow): StoredBookScan {
  return {
    scanId: row.scanId,
    asOf: toIsoDate(row.asOf),
    scannedAt: row.scannedAt.toISOString(),
    actor: row.actor,
    settings: row.settings as StoredBookScan["settings"],
    totals: row.totals as unknown as StoredScanTotals,
    rows: row.rows as unknown as StoredScanRow[],
    rowsHash: row.rowsHash,
  };
}
