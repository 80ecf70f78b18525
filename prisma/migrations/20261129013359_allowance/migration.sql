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

-- Row rules as triggers rather than CHECK constraints: Prisma's WebAssembly schema engine crashes
-- ("unreachable") when it introspects a CHECK constraint, which would break `prisma migrate dev` for
-- everyone. The payments table has none (hot path): its month and amount come from the run and the
-- settings, which are checked here.
CREATE FUNCTION allowance_run_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- Maker/checker: the officer who started a run never approves it.
	IF NEW."approvedById" IS NOT NULL AND NEW."startedById" IS NOT NULL AND NEW."approvedById" = NEW."startedById" THEN
		RAISE EXCEPTION 'allowance run %: the maker cannot approve it', NEW.id USING ERRCODE = 'check_violation';
	END IF;
	IF NEW.month !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
		RAISE EXCEPTION 'allowance run %: bad month %', NEW.id, NEW.month USING ERRCODE = 'check_violation';
	END IF;
	IF NEW."chunksDone" < 0 OR NEW."chunksDone" > NEW."chunkCount" THEN
		RAISE EXCEPTION 'allowance run %: % of % chunks done', NEW.id, NEW."chunksDone", NEW."chunkCount" USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER allowance_run_rules BEFORE INSERT OR UPDATE ON "allowance_run" FOR EACH ROW EXECUTE FUNCTION allowance_run_rules();

CREATE FUNCTION allowance_setting_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW."effectiveMonth" !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' OR NEW."tier80Fen" <= 0 OR NEW."tier90Fen" <= 0 OR NEW."tier100Fen" <= 0
	   OR NEW."livenessWindowMonths" NOT BETWEEN 1 AND 120 THEN
		RAISE EXCEPTION 'allowance setting %: invalid values', NEW."effectiveMonth" USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER allowance_setting_rules BEFORE INSERT OR UPDATE ON "allowance_setting" FOR EACH ROW EXECUTE FUNCTION allowance_setting_rules();

-- The default settings from the domain rules (¥50 / ¥100 / ¥300, 12 months, back-pay allowed).
INSERT INTO "allowance_setting" ("effectiveMonth", "tier80Fen", "tier90Fen", "tier100Fen", "livenessWindowMonths", "backPayAllowed")
VALUES ('2000-01', 5000, 10000, 30000, 12, true);
