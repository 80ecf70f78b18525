-- AlterTable
ALTER TABLE "ledger_txn" ADD COLUMN     "category" TEXT,
ADD COLUMN     "providerId" UUID;
