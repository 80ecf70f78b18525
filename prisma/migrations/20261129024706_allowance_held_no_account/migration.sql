-- AlterEnum
ALTER TYPE "AllowancePaymentStatus" ADD VALUE 'held_no_account';

-- AlterTable
ALTER TABLE "allowance_payment" ADD COLUMN     "bankFileNo" INTEGER;

-- CreateIndex
CREATE INDEX "allowance_payment_runId_bankFileNo_idx" ON "allowance_payment"("runId", "bankFileNo");

-- Payments already exported went out in the run's first (and until now only) bank file.
UPDATE "allowance_payment" p SET "bankFileNo" = 1
FROM "allowance_run" r WHERE r.id = p."runId" AND r.status = 'disbursed' AND p.status IN ('paid', 'failed');
