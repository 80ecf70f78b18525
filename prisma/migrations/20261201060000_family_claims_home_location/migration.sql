-- Issue 11 item 4: a family claims an elder already in the registry; the elder's community confirms.
CREATE TABLE "family_claim" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "elderId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "relationship" "Relationship" NOT NULL,
    -- What the family typed, the only thing it knows about the elder until an officer confirms.
    "typedName" TEXT NOT NULL,
    -- The community the family named: shown back to it only when it is the one that decides.
    "typedCommunityId" UUID,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "decidedById" UUID,
    "decidedAt" TIMESTAMPTZ(3),
    "reason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "family_claim_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "family_claim_elderId_fkey" FOREIGN KEY ("elderId") REFERENCES "elder"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "family_claim_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- At most one pending request per family and elder.
CREATE UNIQUE INDEX "family_claim_one_pending" ON "family_claim" ("userId", "elderId") WHERE "status" = 'pending';
CREATE INDEX "family_claim_elderId_status_idx" ON "family_claim" ("elderId", "status");
CREATE INDEX "family_claim_userId_idx" ON "family_claim" ("userId");

-- Opening hours of a community office, shown to families told to go there.
ALTER TABLE "community" ADD COLUMN "openingHours" TEXT NOT NULL DEFAULT '周一至周五 8:30–12:00，14:30–17:30';

-- The elder's home location, captured once (the family's phone at the address, or the first visit
-- whose check-in the family's code verified); later check-ins are measured against it.
ALTER TABLE "elder" ADD COLUMN "homeLat" DOUBLE PRECISION,
    ADD COLUMN "homeLng" DOUBLE PRECISION,
    ADD COLUMN "homeLocatedAt" TIMESTAMPTZ(3),
    ADD COLUMN "homeLocationSource" TEXT;
