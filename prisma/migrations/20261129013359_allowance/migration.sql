-- CreateEnum
CREATE TYPE "AllowanceRunStatus" AS ENUM ('computing', 'awaiting_approval', 'approved', 'disbursed', 'rejected');

-- CreateEnum
CREATE TYPE "AllowancePaymentKind" AS ENUM ('regular', 'back_pay');

-- CreateEnum
CREATE TYPE "AllowancePaymentStatus" AS ENUM ('pending', 'paid', 'failed');

-- CreateEnum
CREATE TYPE "AllowanceStopReason" AS ENUM ('death', 'cremation', 'moved_out', 'no_liveness');

-- CreateEnum
CREATE TYPE "LivenessMethod" AS ENUM ('face_recognition', 'home_visit', 'in_person', 'video_call');

-- CreateTable
CREATE TABLE "allowance_setting" (
    "effectiveMonth" TEXT NOT NULL,
    "tier80Fen" INTEGER NOT NULL,
    "tier90Fen" INTEGER NOT NULL,
    "tier100Fen" INTEGER NOT NULL,
    "livenessWindowMonths" INTEGER NOT NULL,
    "backPayAllowed" BOOLEAN NOT NULL,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "allowance_setting_pkey" PRIMARY KEY ("effectiveMonth")
);

-- CreateTable
CREATE TABLE "allowance_run" (
    "id" UUID NOT NULL,
    "month" TEXT NOT NULL,
    "status" "AllowanceRunStatus" NOT NULL DEFAULT 'computing',
    "startedById" UUID,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "snapshotAt" TIMESTAMP(3),
    "snapshotCount" INTEGER NOT NULL DEFAULT 0,
    "chunkCount" INTEGER NOT NULL DEFAULT 0,
    "chunksDone" INTEGER NOT NULL DEFAULT 0,
    "computedAt" TIMESTAMP(3),
    "paymentCount" INTEGER,
    "totalFen" BIGINT,
    "approvedById" UUID,
    "approvedAt" TIMESTAMP(3),
    "rejectedById" UUID,
    "rejectedAt" TIMESTAMP(3),
    "rejectReason" TEXT,
    "disbursedById" UUID,
    "disbursedAt" TIMESTAMP(3),

    CONSTRAINT "allowance_run_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "allowance_run_chunk" (
    "runId" UUID NOT NULL,
    "no" INTEGER NOT NULL,
    "seqFrom" INTEGER NOT NULL,
    "seqTo" INTEGER NOT NULL,
    "done" BOOLEAN NOT NULL DEFAULT false,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "allowance_run_chunk_pkey" PRIMARY KEY ("runId","no")
);

-- CreateTable
CREATE TABLE "allowance_snapshot" (
    "runId" UUID NOT NULL,
    "seq" INTEGER NOT NULL,
    "elderId" UUID NOT NULL,
    "districtId" TEXT NOT NULL,
    "birthDate" DATE NOT NULL,
    "deathDate" DATE,
    "cremated" BOOLEAN NOT NULL,
    "resident" BOOLEAN NOT NULL,
    "movedOutOn" DATE,
    "lastLivenessAt" DATE,
    "bankCardRef" TEXT,

    CONSTRAINT "allowance_snapshot_pkey" PRIMARY KEY ("runId","seq")
);

-- CreateTable
CREATE TABLE "allowance_payment" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "elderId" UUID NOT NULL,
    "month" TEXT NOT NULL,
    "kind" "AllowancePaymentKind" NOT NULL,
    "tier" INTEGER NOT NULL,
    "amountFen" INTEGER NOT NULL,
    "districtId" TEXT NOT NULL,
    "bankCardRef" TEXT,
    "status" "AllowancePaymentStatus" NOT NULL DEFAULT 'pending',
    "paidAt" TIMESTAMP(3),
    "failedAt" TIMESTAMP(3),
    "failureReason" TEXT,

    CONSTRAINT "allowance_payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "allowance_stop" (
    "runId" UUID NOT NULL,
    "elderId" UUID NOT NULL,
    "month" TEXT NOT NULL,
    "reason" "AllowanceStopReason" NOT NULL,
    "districtId" TEXT NOT NULL,

    CONSTRAINT "allowance_stop_pkey" PRIMARY KEY ("runId","elderId")
);

-- CreateTable
CREATE TABLE "liveness_certification" (
    "id" UUID NOT NULL,
    "elderId" UUID NOT NULL,
    "certifiedOn" DATE NOT NULL,
    "method" "LivenessMethod" NOT NULL,
    "recordedById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "liveness_certification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cremation_record" (
    "id" UUID NOT NULL,
    "elderId" UUID NOT NULL,
    "deathDate" DATE NOT NULL,
    "crematedOn" DATE,
    "importId" UUID NOT NULL,
    "importedById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cremation_record_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "allowance_run_month_idx" ON "allowance_run"("month");

-- CreateIndex
CREATE INDEX "allowance_payment_runId_districtId_idx" ON "allowance_payment"("runId", "districtId");

-- CreateIndex
CREATE UNIQUE INDEX "allowance_payment_elderId_month_key" ON "allowance_payment"("elderId", "month");

-- CreateIndex
CREATE INDEX "allowance_stop_elderId_month_idx" ON "allowance_stop"("elderId", "month");

-- CreateIndex
CREATE INDEX "liveness_certification_elderId_certifiedOn_idx" ON "liveness_certification"("elderId", "certifiedOn");

-- CreateIndex
CREATE UNIQUE INDEX "cremation_record_elderId_key" ON "cremation_record"("elderId");

-- AddForeignKey
ALTER TABLE "allowance_run_chunk" ADD CONSTRAINT "allowance_run_chunk_runId_fkey" FOREIGN KEY ("runId") REFERENCES "allowance_run"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allowance_payment" ADD CONSTRAINT "allowance_payment_runId_fkey" FOREIGN KEY ("runId") REFERENCES "allowance_run"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- One live run per month: two starts for the same month become one run; a rejected run makes room
-- for its recomputation.
CREATE UNIQUE INDEX "allowance_run_month_live_key" ON "allowance_run"("month") WHERE "status" <> 'rejected';

-- Maker/checker: the officer who started a run never approves it.
ALTER TABLE "allowance_run" ADD CONSTRAINT "allowance_run_maker_checker" CHECK ("approvedById" IS NULL OR "startedById" IS NULL OR "approvedById" <> "startedById");
ALTER TABLE "allowance_run" ADD CONSTRAINT "allowance_run_month_format" CHECK ("month" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$');
ALTER TABLE "allowance_run" ADD CONSTRAINT "allowance_run_chunks" CHECK ("chunksDone" >= 0 AND "chunksDone" <= "chunkCount");
ALTER TABLE "allowance_payment" ADD CONSTRAINT "allowance_payment_amount" CHECK ("amountFen" > 0);
ALTER TABLE "allowance_payment" ADD CONSTRAINT "allowance_payment_month_format" CHECK ("month" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$');
ALTER TABLE "allowance_setting" ADD CONSTRAINT "allowance_setting_values" CHECK ("effectiveMonth" ~ '^[0-9]{4}-(0[1-9]|1[0-2])$' AND "tier80Fen" > 0 AND "tier90Fen" > 0 AND "tier100Fen" > 0 AND "livenessWindowMonths" BETWEEN 1 AND 120);

-- The default settings from the domain rules (¥50 / ¥100 / ¥300, 12 months, back-pay allowed).
INSERT INTO "allowance_setting" ("effectiveMonth", "tier80Fen", "tier90Fen", "tier100Fen", "livenessWindowMonths", "backPayAllowed")
VALUES ('2000-01', 5000, 10000, 30000, 12, true);
