-- One gapless global sequence over every audit event (per-stream chains stay as they are), numbered
-- for the events already there in the order they were written; signed checkpoints that anchor the
-- log's end; and order dependencies (a buy waits for the sells that fund it).
-- Backfill written by hand: the append-only trigger is lifted for this one statement only.

ALTER TABLE "audit_event" ADD COLUMN "global_seq" BIGINT;

ALTER TABLE "audit_event" DISABLE TRIGGER "audit_event_append_only";
UPDATE "audit_event" AS e SET "global_seq" = n.rn
  FROM (SELECT "id", row_number() OVER (ORDER BY "id") AS rn FROM "audit_event") AS n
  WHERE e."id" = n."id";
ALTER TABLE "audit_event" ENABLE TRIGGER "audit_event_append_only";

ALTER TABLE "audit_event" ALTER COLUMN "global_seq" SET NOT NULL;

-- AlterTable
ALTER TABLE "order" ADD COLUMN     "depends_on" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "audit_checkpoint" (
    "id" BIGSERIAL NOT NULL,
    "global_seq" BIGINT NOT NULL,
    "event_count" BIGINT NOT NULL,
    "heads_digest" TEXT NOT NULL,
    "heads" JSONB NOT NULL,
    "prev_digest" TEXT,
    "algorithm" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_checkpoint_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "audit_checkpoint_global_seq_idx" ON "audit_checkpoint"("global_seq");

-- CreateIndex
CREATE UNIQUE INDEX "audit_event_global_seq_key" ON "audit_event"("global_seq");

-- Checkpoints are records too: never edited or deleted.
CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE ON "audit_checkpoint"
  FOR EACH ROW EXECUTE FUNCTION lotwise_refuse_change();
CREATE TRIGGER audit_checkpoint_no_truncate BEFORE TRUNCATE ON "audit_checkpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION lotwise_refuse_change();
