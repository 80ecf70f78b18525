-- CreateEnum
CREATE TYPE "DistrictKind" AS ENUM ('central_city', 'county', 'county_city', 'management_zone');

-- CreateEnum
CREATE TYPE "SettlementKind" AS ENUM ('urban_community', 'village');

-- CreateEnum
CREATE TYPE "Gender" AS ENUM ('male', 'female');

-- CreateEnum
CREATE TYPE "ElderCategory" AS ENUM ('dibao', 'tekun', 'sanwu', 'youfu');

-- CreateEnum
CREATE TYPE "DisabilityLevel" AS ENUM ('none', 'partial', 'full');

-- CreateEnum
CREATE TYPE "ResidencyStatus" AS ENUM ('resident', 'moved_out');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('family', 'provider_staff', 'community_officer', 'bureau_district', 'bureau_city', 'admin');

-- CreateEnum
CREATE TYPE "Relationship" AS ENUM ('child', 'spouse', 'grandchild', 'sibling', 'guardian', 'other');

-- CreateEnum
CREATE TYPE "ProviderKind" AS ENUM ('home_care', 'community_centre', 'institution');

-- CreateEnum
CREATE TYPE "ProviderStatus" AS ENUM ('pending', 'approved', 'rejected', 'suspended');

-- CreateTable
CREATE TABLE "district" (
    "id" TEXT NOT NULL,
    "regionCode" TEXT,
    "legacyCodes" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "kind" "DistrictKind" NOT NULL,
    "sortOrder" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "district_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "community" (
    "id" UUID NOT NULL,
    "districtId" TEXT NOT NULL,
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT,
    "kind" "SettlementKind" NOT NULL,

    CONSTRAINT "community_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "population_stat" (
    "districtId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "aged60Plus" INTEGER NOT NULL,
    "aged80Plus" INTEGER NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" UUID,

    CONSTRAINT "population_stat_pkey" PRIMARY KEY ("districtId","year")
);

-- CreateTable
CREATE TABLE "elder" (
    "id" UUID NOT NULL,
    "idNumberCipher" BYTEA NOT NULL,
    "idNumberHash" BYTEA NOT NULL,
    "idNumberMasked" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "gender" "Gender" NOT NULL,
    "birthDate" DATE NOT NULL,
    "districtId" TEXT NOT NULL,
    "communityId" UUID,
    "settlement" "SettlementKind" NOT NULL,
    "categories" "ElderCategory"[] DEFAULT ARRAY[]::"ElderCategory"[],
    "disabilityLevel" "DisabilityLevel" NOT NULL DEFAULT 'none',
    "lastLivenessAt" DATE,
    "deathDate" DATE,
    "residencyStatus" "ResidencyStatus" NOT NULL DEFAULT 'resident',
    "movedOutOn" DATE,
    "bankCardRef" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "elder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL,
    "phone" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "districtId" TEXT,
    "communityId" UUID,
    "providerId" UUID,
    "locale" TEXT NOT NULL DEFAULT 'zh-CN',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "session" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "family_link" (
    "userId" UUID NOT NULL,
    "elderId" UUID NOT NULL,
    "relationship" "Relationship" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "family_link_pkey" PRIMARY KEY ("userId","elderId")
);

-- CreateTable
CREATE TABLE "provider" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ProviderKind" NOT NULL,
    "licenceNo" TEXT NOT NULL,
    "districtId" TEXT NOT NULL,
    "communityId" UUID,
    "address" TEXT,
    "phone" TEXT,
    "description" TEXT,
    "status" "ProviderStatus" NOT NULL DEFAULT 'pending',
    "statusReason" TEXT,
    "reviewedById" UUID,
    "reviewedAt" TIMESTAMP(3),
    "grade" INTEGER,
    "gradedAt" TIMESTAMP(3),
    "gradedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "provider_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "provider_district" (
    "providerId" UUID NOT NULL,
    "districtId" TEXT NOT NULL,

    CONSTRAINT "provider_district_pkey" PRIMARY KEY ("providerId","districtId")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" UUID,
    "actorRole" "Role",
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT,
    "districtId" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "ip" TEXT,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "district_regionCode_key" ON "district"("regionCode");

-- CreateIndex
CREATE INDEX "community_districtId_kind_idx" ON "community"("districtId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "community_districtId_nameZh_key" ON "community"("districtId", "nameZh");

-- CreateIndex
CREATE UNIQUE INDEX "elder_idNumberHash_key" ON "elder"("idNumberHash");

-- CreateIndex
CREATE INDEX "elder_districtId_communityId_idx" ON "elder"("districtId", "communityId");

-- CreateIndex
CREATE INDEX "elder_birthDate_idx" ON "elder"("birthDate");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_phone_key" ON "app_user"("phone");

-- CreateIndex
CREATE INDEX "app_user_role_districtId_idx" ON "app_user"("role", "districtId");

-- CreateIndex
CREATE INDEX "app_user_providerId_idx" ON "app_user"("providerId");

-- CreateIndex
CREATE INDEX "session_userId_idx" ON "session"("userId");

-- CreateIndex
CREATE INDEX "session_expiresAt_idx" ON "session"("expiresAt");

-- CreateIndex
CREATE INDEX "family_link_elderId_idx" ON "family_link"("elderId");

-- CreateIndex
CREATE UNIQUE INDEX "provider_licenceNo_key" ON "provider"("licenceNo");

-- CreateIndex
CREATE INDEX "provider_kind_status_districtId_idx" ON "provider"("kind", "status", "districtId");

-- CreateIndex
CREATE INDEX "provider_district_districtId_idx" ON "provider_district"("districtId");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- CreateIndex
CREATE INDEX "audit_log_entityType_entityId_idx" ON "audit_log"("entityType", "entityId");

-- CreateIndex
CREATE INDEX "audit_log_districtId_at_idx" ON "audit_log"("districtId", "at");

-- AddForeignKey
ALTER TABLE "community" ADD CONSTRAINT "community_districtId_fkey" FOREIGN KEY ("districtId") REFERENCES "district"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "population_stat" ADD CONSTRAINT "population_stat_districtId_fkey" FOREIGN KEY ("districtId") REFERENCES "district"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "elder" ADD CONSTRAINT "elder_districtId_fkey" FOREIGN KEY ("districtId") REFERENCES "district"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "elder" ADD CONSTRAINT "elder_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "community"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_districtId_fkey" FOREIGN KEY ("districtId") REFERENCES "district"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "community"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "provider"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "family_link" ADD CONSTRAINT "family_link_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "family_link" ADD CONSTRAINT "family_link_elderId_fkey" FOREIGN KEY ("elderId") REFERENCES "elder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider" ADD CONSTRAINT "provider_districtId_fkey" FOREIGN KEY ("districtId") REFERENCES "district"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider" ADD CONSTRAINT "provider_communityId_fkey" FOREIGN KEY ("communityId") REFERENCES "community"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_district" ADD CONSTRAINT "provider_district_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "provider"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "provider_district" ADD CONSTRAINT "provider_district_districtId_fkey" FOREIGN KEY ("districtId") REFERENCES "district"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The audit log is append-only: refuse UPDATE and DELETE at the database, not only in code.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
