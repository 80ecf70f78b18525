-- CreateEnum
CREATE TYPE "SubsidyApplicationStatus" AS ENUM ('submitted', 'community_approved', 'community_rejected', 'approved', 'rejected', 'withdrawn');

-- CreateEnum
CREATE TYPE "EconomicCheckResult" AS ENUM ('pass', 'fail');

-- CreateEnum
CREATE TYPE "SubsidyGrantStatus" AS ENUM ('active', 'ended');

-- CreateEnum
CREATE TYPE "LedgerAccountKind" AS ENUM ('bureau_issued', 'elder_available', 'elder_held', 'spent', 'expired');

-- CreateEnum
CREATE TYPE "LedgerTxnKind" AS ENUM ('grant', 'hold', 'capture', 'release', 'expiry');

-- CreateTable
CREATE TABLE "subsidy_policy" (
    "id" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subsidy_policy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subsidy_policy_version" (
    "id" UUID NOT NULL,
    "policyId" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "effectiveFrom" DATE NOT NULL,
    "validUntil" DATE,
    "categories" "ElderCategory"[] DEFAULT ARRAY[]::"ElderCategory"[],
    "minDisability" "DisabilityLevel" NOT NULL DEFAULT 'none',
    "minAge" INTEGER NOT NULL DEFAULT 60,
    "districtIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "monthlyCreditFen" INTEGER NOT NULL,
    "coveredCategories" TEXT[],
    "copayBps" INTEGER NOT NULL,
    "expiresAtMonthEnd" BOOLEAN NOT NULL DEFAULT true,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subsidy_policy_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subsidy_policy_exclusion" (
    "policyId" UUID NOT NULL,
    "excludedPolicyId" UUID NOT NULL,

    CONSTRAINT "subsidy_policy_exclusion_pkey" PRIMARY KEY ("policyId","excludedPolicyId")
);

-- CreateTable
CREATE TABLE "subsidy_budget" (
    "policyId" UUID NOT NULL,
    "districtId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "committedFen" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "subsidy_budget_pkey" PRIMARY KEY ("policyId","districtId","year")
);

-- CreateTable
CREATE TABLE "subsidy_application" (
    "id" UUID NOT NULL,
    "policyId" UUID NOT NULL,
    "policyVersionId" UUID NOT NULL,
    "elderId" UUID NOT NULL,
    "applicantId" UUID NOT NULL,
    "districtId" TEXT NOT NULL,
    "communityId" UUID,
    "status" "SubsidyApplicationStatus" NOT NULL DEFAULT 'submitted',
    "householdSize" INTEGER NOT NULL,
    "householdIncomeFen" INTEGER NOT NULL,
    "statement" TEXT,
    "communityReviewerId" UUID,
    "communityReviewedAt" TIMESTAMP(3),
    "communityNote" TEXT,
    "economicCheckResult" "EconomicCheckResult",
    "economicCheckDate" DATE,
    "bureauReviewerId" UUID,
    "bureauDecidedAt" TIMESTAMP(3),
    "bureauReason" TEXT,
    "budgetOverride" BOOLEAN NOT NULL DEFAULT false,
    "overrideReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "subsidy_application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subsidy_grant" (
    "id" UUID NOT NULL,
    "applicationId" UUID NOT NULL,
    "policyId" UUID NOT NULL,
    "policyVersionId" UUID NOT NULL,
    "elderId" UUID NOT NULL,
    "districtId" TEXT NOT NULL,
    "status" "SubsidyGrantStatus" NOT NULL DEFAULT 'active',
    "startMonth" DATE NOT NULL,
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subsidy_grant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_account" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "LedgerAccountKind" NOT NULL,
    "grantId" UUID,
    "policyId" UUID,
    "districtId" TEXT,
    "balanceFen" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "ledger_account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_txn" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "LedgerTxnKind" NOT NULL,
    "grantId" UUID NOT NULL,
    "month" DATE,
    "ref" TEXT,
    "amountFen" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ledger_txn_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ledger_entry" (
    "id" BIGSERIAL NOT NULL,
    "txnId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "amountFen" BIGINT NOT NULL,

    CONSTRAINT "ledger_entry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subsidy_notification" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "applicationId" UUID,
    "params" JSONB NOT NULL DEFAULT '{}',
    "readAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "subsidy_notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "subsidy_policy_code_key" ON "subsidy_policy"("code");

-- CreateIndex
CREATE UNIQUE INDEX "subsidy_policy_version_policyId_version_key" ON "subsidy_policy_version"("policyId", "version");

-- CreateIndex
CREATE UNIQUE INDEX "subsidy_policy_version_policyId_effectiveFrom_key" ON "subsidy_policy_version"("policyId", "effectiveFrom");

-- CreateIndex
CREATE INDEX "subsidy_application_districtId_status_idx" ON "subsidy_application"("districtId", "status");

-- CreateIndex
CREATE INDEX "subsidy_application_communityId_status_idx" ON "subsidy_application"("communityId", "status");

-- CreateIndex
CREATE INDEX "subsidy_application_applicantId_idx" ON "subsidy_application"("applicantId");

-- CreateIndex
CREATE UNIQUE INDEX "subsidy_grant_applicationId_key" ON "subsidy_grant"("applicationId");

-- CreateIndex
CREATE INDEX "subsidy_grant_status_districtId_idx" ON "subsidy_grant"("status", "districtId");

-- CreateIndex
CREATE INDEX "subsidy_grant_elderId_idx" ON "subsidy_grant"("elderId");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_account_grantId_kind_key" ON "ledger_account"("grantId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_account_policyId_districtId_kind_key" ON "ledger_account"("policyId", "districtId", "kind");

-- CreateIndex
CREATE INDEX "ledger_txn_kind_month_idx" ON "ledger_txn"("kind", "month");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_txn_grantId_kind_month_key" ON "ledger_txn"("grantId", "kind", "month");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_txn_ref_kind_key" ON "ledger_txn"("ref", "kind");

-- CreateIndex
CREATE INDEX "ledger_entry_txnId_idx" ON "ledger_entry"("txnId");

-- CreateIndex
CREATE INDEX "ledger_entry_accountId_idx" ON "ledger_entry"("accountId");

-- CreateIndex
CREATE INDEX "subsidy_notification_userId_createdAt_idx" ON "subsidy_notification"("userId", "createdAt");

-- AddForeignKey
ALTER TABLE "subsidy_policy_version" ADD CONSTRAINT "subsidy_policy_version_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "subsidy_policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subsidy_policy_exclusion" ADD CONSTRAINT "subsidy_policy_exclusion_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "subsidy_policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subsidy_policy_exclusion" ADD CONSTRAINT "subsidy_policy_exclusion_excludedPolicyId_fkey" FOREIGN KEY ("excludedPolicyId") REFERENCES "subsidy_policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subsidy_budget" ADD CONSTRAINT "subsidy_budget_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "subsidy_policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subsidy_application" ADD CONSTRAINT "subsidy_application_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "subsidy_policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subsidy_application" ADD CONSTRAINT "subsidy_application_policyVersionId_fkey" FOREIGN KEY ("policyVersionId") REFERENCES "subsidy_policy_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subsidy_application" ADD CONSTRAINT "subsidy_application_elderId_fkey" FOREIGN KEY ("elderId") REFERENCES "elder"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subsidy_grant" ADD CONSTRAINT "subsidy_grant_applicationId_fkey" FOREIGN KEY ("applicationId") REFERENCES "subsidy_application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subsidy_grant" ADD CONSTRAINT "subsidy_grant_policyId_fkey" FOREIGN KEY ("policyId") REFERENCES "subsidy_policy"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subsidy_grant" ADD CONSTRAINT "subsidy_grant_policyVersionId_fkey" FOREIGN KEY ("policyVersionId") REFERENCES "subsidy_policy_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "subsidy_grant" ADD CONSTRAINT "subsidy_grant_elderId_fkey" FOREIGN KEY ("elderId") REFERENCES "elder"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_account" ADD CONSTRAINT "ledger_account_grantId_fkey" FOREIGN KEY ("grantId") REFERENCES "subsidy_grant"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entry" ADD CONSTRAINT "ledger_entry_txnId_fkey" FOREIGN KEY ("txnId") REFERENCES "ledger_txn"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ledger_entry" ADD CONSTRAINT "ledger_entry_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "ledger_account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
