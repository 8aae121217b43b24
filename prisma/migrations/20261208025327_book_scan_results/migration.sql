-- CreateTable
CREATE TABLE "book_scan" (
    "scan_id" TEXT NOT NULL,
    "as_of" DATE NOT NULL,
    "scanned_at" TIMESTAMPTZ(3) NOT NULL,
    "actor" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "totals" JSONB NOT NULL,
    "rows" JSONB NOT NULL,
    "rows_hash" TEXT NOT NULL,

    CONSTRAINT "book_scan_pkey" PRIMARY KEY ("scan_id")
);

-- CreateIndex
CREATE INDEX "book_scan_scanned_at_idx" ON "book_scan"("scanned_at");
