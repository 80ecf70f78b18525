-- CreateEnum
CREATE TYPE "SubsidyClaimStatus" AS ENUM ('submitted', 'approved', 'rejected');

-- CreateTable
CREATE TABLE "subsidy_claim" (
    "id" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "month" DATE NOT NULL,
    "districtId" TEXT NOT NULL,
    "status" "SubsidyClaimStatus" NOT NULL DEFAULT 'submitted',
    "totalFen" BIGINT NOT NULL DEFAULT 0,
    "lineCount" INTEGER NOT NULL DEFAULT 0,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reviewedById" UUID,
    "reviewedAt" TIMESTAMP(3),
    "reviewNote" TEXT,

    CONSTRAINT "subsidy_claim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subsidy_claim_line" (
    "id" UUID NOT NULL,
    "claimId" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "visitId" UUID NOT NULL,
    "elderId" UUID NOT NULL,
    "category" TEXT NOT NULL,
    "amountFen" INTEGER NOT NULL,
    "serviceDate" DATE NOT NULL,

    CONSTRAINT "subsidy_claim_line_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "subsidy_claim_districtId_status_idx" ON "subsidy_claim"("districtId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "subsidy_claim_providerId_month_key" ON "subsidy_claim"("providerId", "month");

-- CreateIndex
CREATE UNIQUE INDEX "subsidy_claim_line_bookingId_key" ON "subsidy_claim_line"("bookingId");

-- CreateIndex
CREATE UNIQUE INDEX "subsidy_claim_line_visitId_key" ON "subsidy_claim_line"("visitId");

-- CreateIndex
CREATE INDEX "subsidy_claim_line_claimId_idx" ON "subsidy_claim_line"("claimId");

-- AddForeignKey
ALTER TABLE "subsidy_claim_line" ADD CONSTRAINT "subsidy_claim_line_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "subsidy_claim"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
