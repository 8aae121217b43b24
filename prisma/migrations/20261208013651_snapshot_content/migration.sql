-- AlterTable
ALTER TABLE "account_snapshot" ADD COLUMN     "content_snapshot_id" TEXT;

-- AddForeignKey
ALTER TABLE "account_snapshot" ADD CONSTRAINT "account_snapshot_content_snapshot_id_fkey" FOREIGN KEY ("content_snapshot_id") REFERENCES "account_snapshot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
