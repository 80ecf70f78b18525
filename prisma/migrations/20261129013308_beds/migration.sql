-- CreateEnum
CREATE TYPE "BedType" AS ENUM ('self_care', 'nursing', 'dementia');

-- CreateEnum
CREATE TYPE "BedStatus" AS ENUM ('vacant', 'reserved', 'occupied', 'out_of_service');

-- CreateEnum
CREATE TYPE "StayRequestStatus" AS ENUM ('requested', 'accepted', 'declined', 'cancelled');

-- CreateTable
CREATE TABLE "room" (
    "id" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "floor" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "room_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bed" (
    "id" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "roomId" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "type" "BedType" NOT NULL,
    "status" "BedStatus" NOT NULL DEFAULT 'vacant',
    "monthlyPriceFen" INTEGER NOT NULL,
    "reservedForId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "bed_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bed_event" (
    "id" BIGSERIAL NOT NULL,
    "bedId" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "fromStatus" "BedStatus",
    "toStatus" "BedStatus",
    "elderId" UUID,
    "admissionId" UUID,
    "actorId" UUID,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "bed_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "admission" (
    "id" UUID NOT NULL,
    "elderId" UUID NOT NULL,
    "bedId" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "admittedOn" DATE NOT NULL,
    "dischargedOn" DATE,
    "endReason" TEXT,
    "endNote" TEXT,
    "transferredFromId" UUID,
    "stayRequestId" UUID,
    "admittedById" UUID,
    "dischargedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "admission_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stay_request" (
    "id" UUID NOT NULL,
    "familyUserId" UUID NOT NULL,
    "elderId" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "bedType" "BedType" NOT NULL,
    "desiredStartOn" DATE NOT NULL,
    "note" TEXT,
    "status" "StayRequestStatus" NOT NULL DEFAULT 'requested',
    "reason" TEXT,
    "decidedById" UUID,
    "decidedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "stay_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "indicator_snapshot" (
    "id" UUID NOT NULL,
    "month" TEXT NOT NULL,
    "districtId" TEXT NOT NULL,
    "populationYear" INTEGER,
    "aged60Plus" INTEGER,
    "aged80Plus" INTEGER,
    "institutions" INTEGER NOT NULL,
    "beds" INTEGER NOT NULL,
    "nursingBeds" INTEGER NOT NULL,
    "dementiaBeds" INTEGER NOT NULL,
    "bedsInService" INTEGER NOT NULL,
    "occupiedBeds" INTEGER NOT NULL,
    "urbanCommunities" INTEGER NOT NULL,
    "urbanWithCentre" INTEGER NOT NULL,
    "villages" INTEGER NOT NULL,
    "villagesWithCentre" INTEGER NOT NULL,
    "takenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "indicator_snapshot_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "room_providerId_name_key" ON "room"("providerId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "bed_reservedForId_key" ON "bed"("reservedForId");

-- CreateIndex
CREATE INDEX "bed_providerId_status_type_idx" ON "bed"("providerId", "status", "type");

-- CreateIndex
CREATE UNIQUE INDEX "bed_roomId_label_key" ON "bed"("roomId", "label");

-- CreateIndex
CREATE INDEX "bed_event_bedId_id_idx" ON "bed_event"("bedId", "id");

-- CreateIndex
CREATE INDEX "bed_event_providerId_at_idx" ON "bed_event"("providerId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "admission_transferredFromId_key" ON "admission"("transferredFromId");

-- CreateIndex
CREATE UNIQUE INDEX "admission_stayRequestId_key" ON "admission"("stayRequestId");

-- CreateIndex
CREATE INDEX "admission_providerId_admittedOn_idx" ON "admission"("providerId", "admittedOn");

-- CreateIndex
CREATE INDEX "admission_providerId_dischargedOn_idx" ON "admission"("providerId", "dischargedOn");

-- CreateIndex
CREATE INDEX "admission_elderId_admittedOn_idx" ON "admission"("elderId", "admittedOn");

-- CreateIndex
CREATE INDEX "stay_request_providerId_status_createdAt_idx" ON "stay_request"("providerId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "stay_request_familyUserId_createdAt_idx" ON "stay_request"("familyUserId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "indicator_snapshot_month_districtId_key" ON "indicator_snapshot"("month", "districtId");

-- AddForeignKey
ALTER TABLE "room" ADD CONSTRAINT "room_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bed" ADD CONSTRAINT "bed_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bed" ADD CONSTRAINT "bed_roomId_fkey" FOREIGN KEY ("roomId") REFERENCES "room"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bed" ADD CONSTRAINT "bed_reservedForId_fkey" FOREIGN KEY ("reservedForId") REFERENCES "stay_request"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bed_event" ADD CONSTRAINT "bed_event_bedId_fkey" FOREIGN KEY ("bedId") REFERENCES "bed"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "admission" ADD CONSTRAINT "admission_elderId_fkey" FOREIGN KEY ("elderId") REFERENCES "elder"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "admission" ADD CONSTRAINT "admission_bedId_fkey" FOREIGN KEY ("bedId") REFERENCES "bed"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "admission" ADD CONSTRAINT "admission_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "admission" ADD CONSTRAINT "admission_transferredFromId_fkey" FOREIGN KEY ("transferredFromId") REFERENCES "admission"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "admission" ADD CONSTRAINT "admission_stayRequestId_fkey" FOREIGN KEY ("stayRequestId") REFERENCES "stay_request"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stay_request" ADD CONSTRAINT "stay_request_familyUserId_fkey" FOREIGN KEY ("familyUserId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stay_request" ADD CONSTRAINT "stay_request_elderId_fkey" FOREIGN KEY ("elderId") REFERENCES "elder"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stay_request" ADD CONSTRAINT "stay_request_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "indicator_snapshot" ADD CONSTRAINT "indicator_snapshot_districtId_fkey" FOREIGN KEY ("districtId") REFERENCES "district"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------- rules the database enforces
-- The application maps these constraint names to messages (app/modules/beds/errors.server.ts).
--
-- Row checks are triggers that raise check_violation (SQLSTATE 23514) naming the rule, not CHECK
-- constraints: with any CHECK or EXCLUDE constraint in the database, Prisma 6.19's WebAssembly
-- schema engine panics ("RuntimeError: unreachable") while diffing in `migrate dev`, which would
-- block every later migration of the project. A BEFORE trigger refuses the row just the same.

-- One current admission per elder and per bed, even when two staff act at the same moment.
CREATE UNIQUE INDEX "admission_one_current_per_elder" ON "admission"("elderId") WHERE "dischargedOn" IS NULL;
CREATE UNIQUE INDEX "admission_one_current_per_bed" ON "admission"("bedId") WHERE "dischargedOn" IS NULL;

-- One open (requested or accepted) stay request per elder and institution.
CREATE UNIQUE INDEX "stay_request_one_open_per_elder_provider" ON "stay_request"("elderId", "providerId") WHERE "status" IN ('requested', 'accepted');

CREATE FUNCTION beds_refuse(rule text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'row violates rule %', rule USING ERRCODE = 'check_violation', CONSTRAINT = rule;
END $$;

CREATE FUNCTION admission_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."dischargedOn" IS NOT NULL AND NEW."dischargedOn" < NEW."admittedOn" THEN
    PERFORM beds_refuse('admission_discharge_not_before_admission');
  END IF;
  IF (NEW."dischargedOn" IS NULL) <> (NEW."endReason" IS NULL) THEN
    PERFORM beds_refuse('admission_end_reason_with_discharge');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER admission_check BEFORE INSERT OR UPDATE ON "admission" FOR EACH ROW EXECUTE FUNCTION admission_check();

CREATE FUNCTION bed_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."monthlyPriceFen" < 0 THEN PERFORM beds_refuse('bed_price_non_negative'); END IF;
  IF (NEW."status" = 'reserved') <> (NEW."reservedForId" IS NOT NULL) THEN PERFORM beds_refuse('bed_reserved_has_request'); END IF;
  IF length(btrim(NEW."label")) = 0 THEN PERFORM beds_refuse('bed_label_not_blank'); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER bed_check BEFORE INSERT OR UPDATE ON "bed" FOR EACH ROW EXECUTE FUNCTION bed_check();

CREATE FUNCTION room_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF length(btrim(NEW."name")) = 0 THEN PERFORM beds_refuse('room_name_not_blank'); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER room_check BEFORE INSERT OR UPDATE ON "room" FOR EACH ROW EXECUTE FUNCTION room_check();

CREATE FUNCTION stay_request_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."status" IN ('declined', 'cancelled') AND (NEW."reason" IS NULL OR length(btrim(NEW."reason")) = 0) THEN
    PERFORM beds_refuse('stay_request_reason_when_declined');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER stay_request_check BEFORE INSERT OR UPDATE ON "stay_request" FOR EACH ROW EXECUTE FUNCTION stay_request_check();

-- Official statistics: a population of zero or less is a typing error, not a statistic.
CREATE FUNCTION population_stat_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."aged60Plus" <= 0 OR NEW."aged80Plus" < 0 OR NEW."aged80Plus" > NEW."aged60Plus" OR NEW."year" NOT BETWEEN 1990 AND 2100 THEN
    PERFORM beds_refuse('population_stat_positive');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER population_stat_check BEFORE INSERT OR UPDATE ON "population_stat" FOR EACH ROW EXECUTE FUNCTION population_stat_check();

CREATE FUNCTION indicator_snapshot_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."institutions" < 0 OR NEW."beds" < 0 OR NEW."nursingBeds" < 0 OR NEW."dementiaBeds" < 0 OR NEW."bedsInService" < 0
    OR NEW."occupiedBeds" < 0 OR NEW."urbanCommunities" < 0 OR NEW."urbanWithCentre" < 0 OR NEW."villages" < 0
    OR NEW."villagesWithCentre" < 0 OR NEW."nursingBeds" + NEW."dementiaBeds" > NEW."beds"
    OR NEW."occupiedBeds" > NEW."bedsInService" OR NEW."bedsInService" > NEW."beds"
    OR NEW."urbanWithCentre" > NEW."urbanCommunities" OR NEW."villagesWithCentre" > NEW."villages"
    OR (NEW."aged60Plus" IS NOT NULL AND NEW."aged60Plus" <= 0) OR NEW."month" !~ '^\d{4}-(0[1-9]|1[0-2])$' THEN
    PERFORM beds_refuse('indicator_snapshot_non_negative');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER indicator_snapshot_check BEFORE INSERT OR UPDATE ON "indicator_snapshot" FOR EACH ROW EXECUTE FUNCTION indicator_snapshot_check();

-- Bed history is append-only.
CREATE FUNCTION bed_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'bed_event is append-only';
END $$;
CREATE TRIGGER bed_event_no_update BEFORE UPDATE OR DELETE ON "bed_event"
  FOR EACH ROW EXECUTE FUNCTION bed_event_append_only();
CREATE TRIGGER bed_event_no_truncate BEFORE TRUNCATE ON "bed_event"
  FOR EACH STATEMENT EXECUTE FUNCTION bed_event_append_only();

-- The coverage indicator counts communities with a centre.
CREATE INDEX "provider_kind_communityId_idx" ON "provider"("kind", "communityId");
