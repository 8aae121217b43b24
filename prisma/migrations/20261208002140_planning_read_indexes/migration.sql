-- DropIndex
DROP INDEX "account_snapshot_account_id_as_of_idx";

-- DropIndex
DROP INDEX "price_security_id_as_of_idx";

-- CreateIndex
CREATE INDEX "account_snapshot_account_id_as_of_created_at_idx" ON "account_snapshot"("account_id", "as_of" DESC, "created_at" DESC);

-- CreateIndex
CREATE INDEX "price_security_id_as_of_created_at_idx" ON "price"("security_id", "as_of" DESC, "created_at" DESC);

-- CreateIndex
CREATE INDEX "transaction_account_id_status_trade_date_idx" ON "transaction"("account_id", "status", "trade_date");
