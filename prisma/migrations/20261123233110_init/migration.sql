-- CreateEnum
CREATE TYPE "person_role" AS ENUM ('CLIENT', 'SPOUSE', 'DEPENDENT');

-- CreateEnum
CREATE TYPE "role" AS ENUM ('ADVISOR', 'APPROVER', 'COMPLIANCE', 'ADMIN');

-- CreateEnum
CREATE TYPE "account_type" AS ENUM ('TAXABLE', 'JOINT_TAXABLE', 'TRADITIONAL_IRA', 'ROTH_IRA', 'SEP_IRA', 'ROLLOVER_IRA', 'K401', 'ROTH_401K', 'HSA', 'TRUST');

-- CreateEnum
CREATE TYPE "lot_relief_method" AS ENUM ('FIFO', 'LIFO', 'HIFO', 'SPECIFIC_ID', 'AVERAGE_COST');

-- CreateEnum
CREATE TYPE "security_type" AS ENUM ('ETF', 'MUTUAL_FUND', 'STOCK', 'BOND', 'MONEY_MARKET', 'CASH');

-- CreateEnum
CREATE TYPE "transaction_type" AS ENUM ('BUY', 'SELL', 'DIVIDEND_REINVEST', 'DIVIDEND', 'INTEREST', 'DEPOSIT', 'WITHDRAWAL', 'FEE', 'TRANSFER_IN', 'TRANSFER_OUT');

-- CreateEnum
CREATE TYPE "transaction_status" AS ENUM ('SETTLED', 'PENDING', 'SCHEDULED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "price_kind" AS ENUM ('CLOSE', 'QUOTE');

-- CreateEnum
CREATE TYPE "rebalance_target" AS ENUM ('TARGET', 'BAND_EDGE');

-- CreateEnum
CREATE TYPE "restriction_kind" AS ENUM ('DO_NOT_TRADE', 'DO_NOT_BUY', 'DO_NOT_SELL');

-- CreateEnum
CREATE TYPE "plan_status" AS ENUM ('PENDING_APPROVAL', 'APPROVED', 'REJECTED', 'EXPIRED', 'SUPERSEDED', 'EXECUTING', 'EXECUTED', 'FAILED');

-- CreateEnum
CREATE TYPE "trade_side" AS ENUM ('BUY', 'SELL');

-- CreateEnum
CREATE TYPE "trade_purpose" AS ENUM ('REBALANCE', 'HARVEST', 'REPLACEMENT', 'CASH_RAISE');

-- CreateEnum
CREATE TYPE "approval_decision" AS ENUM ('APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "order_status" AS ENUM ('QUEUED', 'SUBMITTING', 'SUBMITTED', 'PARTIALLY_FILLED', 'FILLED', 'REJECTED', 'FAILED', 'CANCELLED');

-- CreateTable
CREATE TABLE "household" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "notes" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "household_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "person" (
    "id" TEXT NOT NULL,
    "household_id" TEXT NOT NULL,
    "role" "person_role" NOT NULL,
    "name" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_user" (
    "id" TEXT NOT NULL,
    "slack_user_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "roles" "role"[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "household_access" (
    "user_id" TEXT NOT NULL,
    "household_id" TEXT NOT NULL,
    "role" "role" NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "household_access_pkey" PRIMARY KEY ("user_id","household_id","role")
);

-- CreateTable
CREATE TABLE "custodian" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "supports_fractional" BOOLEAN NOT NULL DEFAULT false,
    "supports_specific_lot" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "custodian_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account" (
    "id" TEXT NOT NULL,
    "household_id" TEXT NOT NULL,
    "owner_id" TEXT NOT NULL,
    "custodian_id" TEXT NOT NULL,
    "type" "account_type" NOT NULL,
    "nickname" TEXT NOT NULL,
    "account_number_masked" TEXT NOT NULL,
    "custodian_ref" TEXT,
    "lot_relief_method" "lot_relief_method" NOT NULL DEFAULT 'FIFO',
    "tradeable" BOOLEAN NOT NULL DEFAULT true,
    "cash_reserve" DECIMAL(20,8) NOT NULL DEFAULT 0,
    "fractional_shares" BOOLEAN NOT NULL DEFAULT false,
    "opened_on" DATE,
    "closed_on" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "asset_class" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "is_cash" BOOLEAN NOT NULL DEFAULT false,
    "sort_order" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "asset_class_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "security" (
    "id" TEXT NOT NULL,
    "symbol" TEXT NOT NULL,
    "cusip" TEXT,
    "name" TEXT NOT NULL,
    "type" "security_type" NOT NULL,
    "asset_class_id" TEXT NOT NULL,
    "tracked_index" TEXT,
    "fund_family" TEXT,
    "expense_ratio" DECIMAL(8,6),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "security_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "si_policy" (
    "id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "effective_date" DATE NOT NULL,
    "same_index_is_identical" BOOLEAN NOT NULL DEFAULT true,
    "description" TEXT NOT NULL,
    "approved_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "si_policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "si_policy_group" (
    "id" TEXT NOT NULL,
    "policy_id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "reason" TEXT NOT NULL,

    CONSTRAINT "si_policy_group_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "si_policy_group_member" (
    "group_id" TEXT NOT NULL,
    "security_id" TEXT NOT NULL,

    CONSTRAINT "si_policy_group_member_pkey" PRIMARY KEY ("group_id","security_id")
);

-- CreateTable
CREATE TABLE "import_batch" (
    "id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "file_name" TEXT,
    "sha256" TEXT NOT NULL,
    "summary" JSONB NOT NULL,
    "imported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "import_batch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "account_snapshot" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "as_of" TIMESTAMPTZ(3) NOT NULL,
    "source" TEXT NOT NULL,
    "import_batch_id" TEXT,
    "cash" DECIMAL(20,8) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "position" (
    "id" TEXT NOT NULL,
    "snapshot_id" TEXT NOT NULL,
    "security_id" TEXT NOT NULL,
    "quantity" DECIMAL(20,8) NOT NULL,
    "reported_cost_basis" DECIMAL(20,8),
    "reported_price" DECIMAL(20,8),

    CONSTRAINT "position_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lot" (
    "id" TEXT NOT NULL,
    "snapshot_id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "security_id" TEXT NOT NULL,
    "lot_key" TEXT NOT NULL,
    "trade_date" DATE NOT NULL,
    "acquired_date" DATE NOT NULL,
    "quantity" DECIMAL(20,8) NOT NULL,
    "cost_basis" DECIMAL(20,8),
    "deferred_wash_loss" DECIMAL(20,8) NOT NULL DEFAULT 0,

    CONSTRAINT "lot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transaction" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "security_id" TEXT,
    "type" "transaction_type" NOT NULL,
    "status" "transaction_status" NOT NULL DEFAULT 'SETTLED',
    "trade_date" DATE NOT NULL,
    "settle_date" DATE,
    "quantity" DECIMAL(20,8),
    "price" DECIMAL(20,8),
    "amount" DECIMAL(20,8) NOT NULL,
    "fees" DECIMAL(20,8) NOT NULL DEFAULT 0,
    "lot_keys" TEXT[],
    "description" TEXT,
    "source" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "import_batch_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "transaction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "price" (
    "id" TEXT NOT NULL,
    "security_id" TEXT NOT NULL,
    "as_of" TIMESTAMPTZ(3) NOT NULL,
    "price" DECIMAL(20,8) NOT NULL,
    "kind" "price_kind" NOT NULL,
    "source" TEXT NOT NULL,
    "import_batch_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "price_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_version" (
    "id" TEXT NOT NULL,
    "model_id" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "effective_date" DATE NOT NULL,
    "band_absolute" DECIMAL(10,8) NOT NULL DEFAULT 0.05,
    "band_relative" DECIMAL(10,8) NOT NULL DEFAULT 0.25,
    "rebalance_to" "rebalance_target" NOT NULL DEFAULT 'TARGET',
    "notes" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "model_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_target" (
    "id" TEXT NOT NULL,
    "model_version_id" TEXT NOT NULL,
    "asset_class_id" TEXT NOT NULL,
    "weight" DECIMAL(10,8) NOT NULL,
    "band_absolute" DECIMAL(10,8),
    "band_relative" DECIMAL(10,8),
    "primary_security_id" TEXT NOT NULL,

    CONSTRAINT "model_target_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "model_alternate" (
    "target_id" TEXT NOT NULL,
    "security_id" TEXT NOT NULL,
    "rank" INTEGER NOT NULL,

    CONSTRAINT "model_alternate_pkey" PRIMARY KEY ("target_id","security_id")
);

-- CreateTable
CREATE TABLE "household_model_assignment" (
    "id" TEXT NOT NULL,
    "household_id" TEXT NOT NULL,
    "model_version_id" TEXT NOT NULL,
    "effective_date" DATE NOT NULL,
    "assigned_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "household_model_assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "restriction" (
    "id" TEXT NOT NULL,
    "household_id" TEXT NOT NULL,
    "account_id" TEXT,
    "security_id" TEXT,
    "kind" "restriction_kind" NOT NULL,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "restriction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settings_version" (
    "id" TEXT NOT NULL,
    "household_id" TEXT,
    "values" JSONB NOT NULL,
    "sha256" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "settings_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversation" (
    "id" TEXT NOT NULL,
    "thread_key" TEXT NOT NULL,
    "household_id" TEXT,
    "requested_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "conversation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "conversation_message" (
    "conversation_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "role" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "conversation_message_pkey" PRIMARY KEY ("conversation_id","seq")
);

-- CreateTable
CREATE TABLE "plan" (
    "id" TEXT NOT NULL,
    "household_id" TEXT NOT NULL,
    "conversation_id" TEXT,
    "model_version_id" TEXT NOT NULL,
    "policy_id" TEXT NOT NULL,
    "settings_id" TEXT NOT NULL,
    "as_of" TIMESTAMPTZ(3) NOT NULL,
    "stale" BOOLEAN NOT NULL DEFAULT false,
    "engine_version" TEXT NOT NULL,
    "content" JSONB NOT NULL,
    "content_hash" TEXT NOT NULL,
    "requested_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "plan_status" NOT NULL DEFAULT 'PENDING_APPROVAL',
    "status_changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plan_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "plan_snapshot" (
    "plan_id" TEXT NOT NULL,
    "snapshot_id" TEXT NOT NULL,

    CONSTRAINT "plan_snapshot_pkey" PRIMARY KEY ("plan_id","snapshot_id")
);

-- CreateTable
CREATE TABLE "plan_trade" (
    "id" TEXT NOT NULL,
    "plan_id" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "account_id" TEXT NOT NULL,
    "security_id" TEXT NOT NULL,
    "side" "trade_side" NOT NULL,
    "purpose" "trade_purpose" NOT NULL,
    "quantity" DECIMAL(20,8) NOT NULL,
    "estimated_price" DECIMAL(20,8) NOT NULL,
    "estimated_amount" DECIMAL(20,8) NOT NULL,
    "expected_gain_loss" DECIMAL(20,8),
    "lots" JSONB NOT NULL,

    CONSTRAINT "plan_trade_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval" (
    "id" TEXT NOT NULL,
    "plan_id" TEXT NOT NULL,
    "decided_by" TEXT NOT NULL,
    "decision" "approval_decision" NOT NULL,
    "reason" TEXT,
    "plan_hash" TEXT NOT NULL,
    "decided_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "approval_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order" (
    "id" TEXT NOT NULL,
    "plan_id" TEXT NOT NULL,
    "plan_trade_id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "security_id" TEXT NOT NULL,
    "side" "trade_side" NOT NULL,
    "quantity" DECIMAL(20,8) NOT NULL,
    "limit_price" DECIMAL(20,8),
    "lots" JSONB NOT NULL,
    "status" "order_status" NOT NULL DEFAULT 'QUEUED',
    "idempotency_key" TEXT NOT NULL,
    "custodian_order_id" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fill" (
    "id" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "external_id" TEXT NOT NULL,
    "quantity" DECIMAL(20,8) NOT NULL,
    "price" DECIMAL(20,8) NOT NULL,
    "filled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "fill_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "stream" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actor" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "household_name_idx" ON "household"("name");

-- CreateIndex
CREATE INDEX "person_household_id_idx" ON "person"("household_id");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_slack_user_id_key" ON "app_user"("slack_user_id");

-- CreateIndex
CREATE INDEX "household_access_household_id_idx" ON "household_access"("household_id");

-- CreateIndex
CREATE INDEX "account_household_id_idx" ON "account"("household_id");

-- CreateIndex
CREATE UNIQUE INDEX "security_symbol_key" ON "security"("symbol");

-- CreateIndex
CREATE UNIQUE INDEX "security_cusip_key" ON "security"("cusip");

-- CreateIndex
CREATE INDEX "security_asset_class_id_idx" ON "security"("asset_class_id");

-- CreateIndex
CREATE UNIQUE INDEX "si_policy_version_key" ON "si_policy"("version");

-- CreateIndex
CREATE UNIQUE INDEX "si_policy_group_policy_id_name_key" ON "si_policy_group"("policy_id", "name");

-- CreateIndex
CREATE INDEX "import_batch_sha256_idx" ON "import_batch"("sha256");

-- CreateIndex
CREATE INDEX "account_snapshot_account_id_as_of_idx" ON "account_snapshot"("account_id", "as_of");

-- CreateIndex
CREATE UNIQUE INDEX "position_snapshot_id_security_id_key" ON "position"("snapshot_id", "security_id");

-- CreateIndex
CREATE INDEX "lot_account_id_security_id_idx" ON "lot"("account_id", "security_id");

-- CreateIndex
CREATE UNIQUE INDEX "lot_snapshot_id_lot_key_key" ON "lot"("snapshot_id", "lot_key");

-- CreateIndex
CREATE INDEX "transaction_account_id_trade_date_idx" ON "transaction"("account_id", "trade_date");

-- CreateIndex
CREATE INDEX "transaction_security_id_trade_date_idx" ON "transaction"("security_id", "trade_date");

-- CreateIndex
CREATE UNIQUE INDEX "transaction_account_id_external_id_key" ON "transaction"("account_id", "external_id");

-- CreateIndex
CREATE INDEX "price_security_id_as_of_idx" ON "price"("security_id", "as_of" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "price_security_id_as_of_source_key" ON "price"("security_id", "as_of", "source");

-- CreateIndex
CREATE UNIQUE INDEX "model_name_key" ON "model"("name");

-- CreateIndex
CREATE UNIQUE INDEX "model_version_model_id_version_key" ON "model_version"("model_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "model_target_model_version_id_asset_class_id_key" ON "model_target"("model_version_id", "asset_class_id");

-- CreateIndex
CREATE UNIQUE INDEX "model_alternate_target_id_rank_key" ON "model_alternate"("target_id", "rank");

-- CreateIndex
CREATE INDEX "household_model_assignment_household_id_effective_date_idx" ON "household_model_assignment"("household_id", "effective_date");

-- CreateIndex
CREATE INDEX "restriction_household_id_idx" ON "restriction"("household_id");

-- CreateIndex
CREATE INDEX "settings_version_household_id_created_at_idx" ON "settings_version"("household_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "conversation_thread_key_key" ON "conversation"("thread_key");

-- CreateIndex
CREATE UNIQUE INDEX "plan_content_hash_key" ON "plan"("content_hash");

-- CreateIndex
CREATE INDEX "plan_household_id_created_at_idx" ON "plan"("household_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "plan_trade_plan_id_seq_key" ON "plan_trade"("plan_id", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "approval_plan_id_key" ON "approval"("plan_id");

-- CreateIndex
CREATE UNIQUE INDEX "order_plan_trade_id_key" ON "order"("plan_trade_id");

-- CreateIndex
CREATE UNIQUE INDEX "order_idempotency_key_key" ON "order"("idempotency_key");

-- CreateIndex
CREATE INDEX "order_status_next_attempt_at_idx" ON "order"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "fill_order_id_external_id_key" ON "fill"("order_id", "external_id");

-- CreateIndex
CREATE UNIQUE INDEX "audit_event_hash_key" ON "audit_event"("hash");

-- CreateIndex
CREATE INDEX "audit_event_type_at_idx" ON "audit_event"("type", "at");

-- CreateIndex
CREATE UNIQUE INDEX "audit_event_stream_seq_key" ON "audit_event"("stream", "seq");

-- AddForeignKey
ALTER TABLE "person" ADD CONSTRAINT "person_household_id_fkey" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "household_access" ADD CONSTRAINT "household_access_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "household_access" ADD CONSTRAINT "household_access_household_id_fkey" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account" ADD CONSTRAINT "account_household_id_fkey" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account" ADD CONSTRAINT "account_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account" ADD CONSTRAINT "account_custodian_id_fkey" FOREIGN KEY ("custodian_id") REFERENCES "custodian"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "security" ADD CONSTRAINT "security_asset_class_id_fkey" FOREIGN KEY ("asset_class_id") REFERENCES "asset_class"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "si_policy_group" ADD CONSTRAINT "si_policy_group_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "si_policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "si_policy_group_member" ADD CONSTRAINT "si_policy_group_member_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "si_policy_group"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "si_policy_group_member" ADD CONSTRAINT "si_policy_group_member_security_id_fkey" FOREIGN KEY ("security_id") REFERENCES "security"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account_snapshot" ADD CONSTRAINT "account_snapshot_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account_snapshot" ADD CONSTRAINT "account_snapshot_import_batch_id_fkey" FOREIGN KEY ("import_batch_id") REFERENCES "import_batch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "position" ADD CONSTRAINT "position_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "account_snapshot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "position" ADD CONSTRAINT "position_security_id_fkey" FOREIGN KEY ("security_id") REFERENCES "security"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lot" ADD CONSTRAINT "lot_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "account_snapshot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lot" ADD CONSTRAINT "lot_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lot" ADD CONSTRAINT "lot_security_id_fkey" FOREIGN KEY ("security_id") REFERENCES "security"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transaction" ADD CONSTRAINT "transaction_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transaction" ADD CONSTRAINT "transaction_security_id_fkey" FOREIGN KEY ("security_id") REFERENCES "security"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transaction" ADD CONSTRAINT "transaction_import_batch_id_fkey" FOREIGN KEY ("import_batch_id") REFERENCES "import_batch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "price" ADD CONSTRAINT "price_security_id_fkey" FOREIGN KEY ("security_id") REFERENCES "security"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "price" ADD CONSTRAINT "price_import_batch_id_fkey" FOREIGN KEY ("import_batch_id") REFERENCES "import_batch"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_version" ADD CONSTRAINT "model_version_model_id_fkey" FOREIGN KEY ("model_id") REFERENCES "model"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_target" ADD CONSTRAINT "model_target_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_target" ADD CONSTRAINT "model_target_asset_class_id_fkey" FOREIGN KEY ("asset_class_id") REFERENCES "asset_class"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_target" ADD CONSTRAINT "model_target_primary_security_id_fkey" FOREIGN KEY ("primary_security_id") REFERENCES "security"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_alternate" ADD CONSTRAINT "model_alternate_target_id_fkey" FOREIGN KEY ("target_id") REFERENCES "model_target"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "model_alternate" ADD CONSTRAINT "model_alternate_security_id_fkey" FOREIGN KEY ("security_id") REFERENCES "security"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "household_model_assignment" ADD CONSTRAINT "household_model_assignment_household_id_fkey" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "household_model_assignment" ADD CONSTRAINT "household_model_assignment_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "restriction" ADD CONSTRAINT "restriction_household_id_fkey" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "restriction" ADD CONSTRAINT "restriction_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "restriction" ADD CONSTRAINT "restriction_security_id_fkey" FOREIGN KEY ("security_id") REFERENCES "security"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "settings_version" ADD CONSTRAINT "settings_version_household_id_fkey" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversation" ADD CONSTRAINT "conversation_household_id_fkey" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "conversation_message" ADD CONSTRAINT "conversation_message_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan" ADD CONSTRAINT "plan_household_id_fkey" FOREIGN KEY ("household_id") REFERENCES "household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan" ADD CONSTRAINT "plan_conversation_id_fkey" FOREIGN KEY ("conversation_id") REFERENCES "conversation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan" ADD CONSTRAINT "plan_model_version_id_fkey" FOREIGN KEY ("model_version_id") REFERENCES "model_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan" ADD CONSTRAINT "plan_policy_id_fkey" FOREIGN KEY ("policy_id") REFERENCES "si_policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan" ADD CONSTRAINT "plan_settings_id_fkey" FOREIGN KEY ("settings_id") REFERENCES "settings_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_snapshot" ADD CONSTRAINT "plan_snapshot_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_snapshot" ADD CONSTRAINT "plan_snapshot_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "account_snapshot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_trade" ADD CONSTRAINT "plan_trade_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_trade" ADD CONSTRAINT "plan_trade_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_trade" ADD CONSTRAINT "plan_trade_security_id_fkey" FOREIGN KEY ("security_id") REFERENCES "security"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "approval" ADD CONSTRAINT "approval_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order" ADD CONSTRAINT "order_plan_id_fkey" FOREIGN KEY ("plan_id") REFERENCES "plan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order" ADD CONSTRAINT "order_plan_trade_id_fkey" FOREIGN KEY ("plan_trade_id") REFERENCES "plan_trade"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order" ADD CONSTRAINT "order_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order" ADD CONSTRAINT "order_security_id_fkey" FOREIGN KEY ("security_id") REFERENCES "security"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fill" ADD CONSTRAINT "fill_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "order"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
