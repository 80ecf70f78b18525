-- The registry's geography: district → township / street (乡镇 / 街道) → community / village, each
-- with its 12-digit statistical division code; the registered residence's verification; the
-- township step of the subsidy review chain.

CREATE TYPE "TownshipKind" AS ENUM ('township', 'street');
CREATE TYPE "ResidenceStatus" AS ENUM ('verified', 'unverified');

ALTER TABLE "district" ADD COLUMN "divisionCode" TEXT;
CREATE UNIQUE INDEX "district_divisionCode_key" ON "district"("divisionCode");

CREATE TABLE "township" (
    "id" UUID NOT NULL,
    "districtId" TEXT NOT NULL,
    "code" TEXT NOT NULL,
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT,
    "kind" "TownshipKind" NOT NULL,
    "retiredAt" TIMESTAMP(3),
    "mergedIntoId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "township_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "township_districtId_fkey" FOREIGN KEY ("districtId") REFERENCES "district"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "township_mergedIntoId_fkey" FOREIGN KEY ("mergedIntoId") REFERENCES "township"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    -- A division code is 12 digits, and a township's starts with its district's 6.
    CONSTRAINT "township_code_format" CHECK ("code" ~ '^[0-9]{12}$'),
    CONSTRAINT "township_name_not_blank" CHECK (length(btrim("nameZh")) > 0)
);
CREATE UNIQUE INDEX "township_code_key" ON "township"("code");
CREATE INDEX "township_districtId_idx" ON "township"("districtId");
-- Two townships in service in one district never share a name (a retired one may).
CREATE UNIQUE INDEX "township_active_name" ON "township"("districtId", "nameZh") WHERE "retiredAt" IS NULL;

ALTER TABLE "community"
    ADD COLUMN "townshipId" UUID,
    ADD COLUMN "code" TEXT,
    ADD COLUMN "retiredAt" TIMESTAMP(3),
    ADD COLUMN "mergedIntoId" UUID,
    ADD CONSTRAINT "community_townshipId_fkey" FOREIGN KEY ("townshipId") REFERENCES "township"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    ADD CONSTRAINT "community_mergedIntoId_fkey" FOREIGN KEY ("mergedIntoId") REFERENCES "community"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    ADD CONSTRAINT "community_code_format" CHECK ("code" IS NULL OR "code" ~ '^[0-9]{12}$');
CREATE UNIQUE INDEX "community_code_key" ON "community"("code");
CREATE INDEX "community_townshipId_idx" ON "community"("townshipId");

ALTER TABLE "app_user"
    ADD COLUMN "townshipId" UUID,
    ADD CONSTRAINT "app_user_townshipId_fkey" FOREIGN KEY ("townshipId") REFERENCES "township"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Rows already in the registry were entered before verification existed: they count as verified.
-- A family registration writes 'unverified' explicitly.
ALTER TABLE "elder"
    ADD COLUMN "phone" TEXT,
    ADD COLUMN "emergencyContactName" TEXT,
    ADD COLUMN "emergencyContactPhone" TEXT,
    ADD COLUMN "residenceStatus" "ResidenceStatus" NOT NULL DEFAULT 'verified',
    ADD COLUMN "residenceVerifiedAt" TIMESTAMP(3),
    ADD COLUMN "residenceVerifiedById" UUID,
    ADD COLUMN "residenceNote" TEXT,
    ADD COLUMN "registeredById" UUID,
    ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1;
CREATE INDEX "elder_unverified_idx" ON "elder"("districtId", "communityId") WHERE "residenceStatus" = 'unverified';

ALTER TABLE "subsidy_application"
    ADD COLUMN "townshipId" UUID,
    ADD COLUMN "townshipReviewerId" UUID,
    ADD COLUMN "townshipReviewedAt" TIMESTAMP(3),
    ADD COLUMN "townshipNote" TEXT,
    ADD CONSTRAINT "subsidy_application_townshipId_fkey" FOREIGN KEY ("townshipId") REFERENCES "township"("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "subsidy_application_townshipId_status_idx" ON "subsidy_application"("townshipId", "status");

-- Still one application in progress per elder and policy, now with the township step.
DROP INDEX "subsidy_application_one_open";
CREATE UNIQUE INDEX "subsidy_application_one_open" ON "subsidy_application" ("elderId", "policyId")
  WHERE "status" IN ('submitted', 'community_approved', 'township_approved');

-- A community with elders, providers, staff or applications is retired, never deleted (the foreign
-- keys would silently set their community to NULL, and a community officer without one sees the
-- whole district).
CREATE OR REPLACE FUNCTION community_delete_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM elder WHERE "communityId" = OLD.id)
     OR EXISTS (SELECT 1 FROM provider WHERE "communityId" = OLD.id)
     OR EXISTS (SELECT 1 FROM app_user WHERE "communityId" = OLD.id)
     OR EXISTS (SELECT 1 FROM subsidy_application WHERE "communityId" = OLD.id)
     OR EXISTS (SELECT 1 FROM community WHERE "mergedIntoId" = OLD.id) THEN
    RAISE EXCEPTION 'community is in use (violates rule "community_retire_not_delete")' USING ERRCODE = 'check_violation', CONSTRAINT = 'community_retire_not_delete';
  END IF;
  RETURN OLD;
END $$;
CREATE TRIGGER community_delete_guard BEFORE DELETE ON "community" FOR EACH ROW EXECUTE FUNCTION community_delete_guard();
