-- AlterTable
ALTER TABLE "transaction" ADD COLUMN     "realized_gain_loss" DECIMAL(20,8);
