-- Issue 10 items 7 and 3: life events (death, moves out of and into the city) and the import from
-- the household / civil-affairs registry (a file staged in PostgreSQL, classified, then applied).

-- ---- Life events. One row per event; the elder's deathDate / residencyStatus / movedOutOn are the
-- state the events leave (the allowance reads them). A death reported by an institution waits for
-- the community's confirmation (status 'pending') and changes nothing until then.
CREATE TYPE "LifeEventKind" AS ENUM ('death', 'moved_out', 'moved_in');
CREATE TYPE "LifeEventStatus" AS ENUM ('recorded', 'pending', 'rejected');
CREATE TYPE "LifeEventSource" AS ENUM ('officer', 'cremation_import', 'institution_discharge', 'registry_import');

CREATE TABLE "life_event" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "elderId" UUID NOT NULL,
  "kind" "LifeEventKind" NOT NULL,
  "occurredOn" DATE NOT NULL,
  "status" "LifeEventStatus" NOT NULL DEFAULT 'recorded',
  "source" "LifeEventSource" NOT NULL,
  "reference" TEXT,
  "recordedById" UUID,
  "decidedById" UUID,
  "decidedAt" TIMESTAMPTZ(3),
  "decisionNote" TEXT,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
-- Applied once: the same move on the same day is one event, and an elder has one death at most.
CREATE UNIQUE INDEX "life_event_move_once" ON "life_event" ("elderId", "kind", "occurredOn") WHERE "kind" <> 'death';
CREATE UNIQUE INDEX "life_event_one_death" ON "life_event" ("elderId") WHERE "kind" = 'death' AND "status" <> 'rejected';
CREATE INDEX "life_event_elderId_occurredOn_idx" ON "life_event" ("elderId", "occurredOn");
CREATE INDEX "life_event_pending_idx" ON "life_event" ("status") WHERE "status" = 'pending';

-- Dates that cannot be true never enter, whichever path writes them.
CREATE FUNCTION life_event_date_possible() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE born DATE;
BEGIN
  SELECT "birthDate" INTO born FROM "elder" WHERE "id" = NEW."elderId";
  IF NEW."occurredOn" < born OR NEW."occurredOn" > (now() AT TIME ZONE 'Asia/Shanghai')::date THEN
    RAISE EXCEPTION 'life event on % cannot be true (born %)', NEW."occurredOn", born USING ERRCODE = '23514', CONSTRAINT = 'life_event_date_possible';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "life_event_date_possible" BEFORE INSERT OR UPDATE OF "occurredOn" ON "life_event"
  FOR EACH ROW EXECUTE FUNCTION life_event_date_possible();

-- ---- Registry import. The uploaded file is streamed into registry_import_line (never held whole,
-- never on local disk: web and worker are separate stateless processes); the dry run classifies
-- every line; applying works through line ranges (chunks), each in one transaction with its done mark.
CREATE TABLE "registry_import" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "createdById" UUID NOT NULL,
  "scopeKind" TEXT NOT NULL,
  "scopeId" TEXT,
  "fileName" TEXT NOT NULL,
  "format" TEXT NOT NULL,
  "encoding" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'uploading',
  "lineCount" INTEGER NOT NULL DEFAULT 0,
  "newCount" INTEGER NOT NULL DEFAULT 0,
  "changedCount" INTEGER NOT NULL DEFAULT 0,
  "unchangedCount" INTEGER NOT NULL DEFAULT 0,
  "rejectedCount" INTEGER NOT NULL DEFAULT 0,
  "chunkCount" INTEGER NOT NULL DEFAULT 0,
  "chunksDone" INTEGER NOT NULL DEFAULT 0,
  "appliedById" UUID,
  "error" TEXT,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "classifiedAt" TIMESTAMPTZ(3),
  "applyRequestedAt" TIMESTAMPTZ(3),
  "appliedAt" TIMESTAMPTZ(3),
  CONSTRAINT "registry_import_status_valid" CHECK ("status" IN ('uploading', 'classifying', 'classified', 'applying', 'applied', 'failed'))
);
CREATE INDEX "registry_import_createdById_idx" ON "registry_import" ("createdById", "createdAt");

CREATE TABLE "registry_import_line" (
  "importId" UUID NOT NULL REFERENCES "registry_import"("id") ON DELETE CASCADE,
  "line" INTEGER NOT NULL,
  "idHash" BYTEA,
  "idCipher" BYTEA,
  "idMasked" TEXT,
  "gender" "Gender",
  "birthDate" DATE,
  "name" TEXT NOT NULL DEFAULT '',
  "townshipCode" TEXT NOT NULL DEFAULT '',
  "communityCode" TEXT NOT NULL DEFAULT '',
  "phone" TEXT,
  "emergencyContactName" TEXT,
  "emergencyContactPhone" TEXT,
  "eventKind" "LifeEventKind",
  "eventOn" DATE,
  "outcome" TEXT,
  "reason" TEXT,
  "changedFields" TEXT[] NOT NULL DEFAULT '{}',
  "elderId" UUID,
  "districtId" TEXT,
  "communityId" UUID,
  "settlement" "SettlementKind",
  PRIMARY KEY ("importId", "line")
);
CREATE INDEX "registry_import_line_hash_idx" ON "registry_import_line" ("importId", "idHash");

CREATE TABLE "registry_import_chunk" (
  "importId" UUID NOT NULL REFERENCES "registry_import"("id") ON DELETE CASCADE,
  "no" INTEGER NOT NULL,
  "lineFrom" INTEGER NOT NULL,
  "lineTo" INTEGER NOT NULL,
  "done" BOOLEAN NOT NULL DEFAULT false,
  "doneAt" TIMESTAMPTZ(3),
  PRIMARY KEY ("importId", "no")
);
