-- Appeals (复核) of every decision (issue 15 item 2): a subsidy refusal, an allowance stop, the
-- capability assessment in force, a complaint's finding. One table for all kinds replaces
-- subsidy_appeal (its rows move here as kind 'subsidy_application'); attachments are stored in the
-- database (web processes are stateless and keep nothing on local disk).
CREATE TABLE "appeal" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  -- What is appealed: the kind and the id of the decision (an allowance stop: '<runId>:<elderId>').
  "kind" TEXT NOT NULL,
  "subjectId" TEXT NOT NULL,
  "elderId" UUID REFERENCES "elder"("id"),
  "appellantId" UUID NOT NULL REFERENCES "app_user"("id"),
  "districtId" TEXT NOT NULL,
  "townshipId" UUID,
  -- The decision appealed: what it said, who made it (and who else may not review it), when, and
  -- the level that reviews it.
  "decided" TEXT NOT NULL,
  "deciderId" UUID REFERENCES "app_user"("id"),
  "otherDeciderIds" UUID[] NOT NULL DEFAULT '{}',
  "refusedOn" DATE NOT NULL,
  "level" TEXT NOT NULL,
  "deadline" DATE NOT NULL,
  "lodgedOn" DATE NOT NULL,
  "reasons" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'pending',
  "outcomeReason" TEXT,
  -- A changed assessment level or complaint finding: what the reviewer put in its place.
  "changedTo" TEXT,
  "reviewerId" UUID REFERENCES "app_user"("id"),
  "decidedAt" TIMESTAMPTZ(3),
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "appeal_kind_valid" CHECK ("kind" IN ('subsidy_application', 'allowance_stop', 'assessment', 'complaint')),
  CONSTRAINT "appeal_status_valid" CHECK ("status" IN ('pending', 'upheld', 'changed')),
  CONSTRAINT "appeal_level_valid" CHECK ("level" IN ('township', 'district', 'city')),
  CONSTRAINT "appeal_deadline_after_decision" CHECK ("deadline" >= "refusedOn")
);
-- One appeal per decision.
CREATE UNIQUE INDEX "appeal_kind_subjectId_key" ON "appeal" ("kind", "subjectId");
CREATE INDEX "appeal_status_districtId_idx" ON "appeal" ("status", "districtId");
CREATE INDEX "appeal_appellantId_idx" ON "appeal" ("appellantId");

INSERT INTO "appeal" ("id", "kind", "subjectId", "elderId", "appellantId", "districtId", "townshipId", "decided", "deciderId", "refusedOn", "level", "deadline", "lodgedOn", "reasons", "status", "outcomeReason", "reviewerId", "decidedAt", "createdAt")
SELECT "id", 'subsidy_application', "applicationId"::TEXT, "elderId", "appellantId", "districtId", "townshipId", "refusedStatus", "deciderId", "refusedOn", "level", "deadline", "lodgedOn", "reasons", "status", "outcomeReason", "reviewerId", "decidedAt", "createdAt"
FROM "subsidy_appeal";

DROP TABLE "subsidy_appeal";

-- Files the family attaches (at most 3 per appeal, counted by the module in the lodging
-- transaction): images or PDF, checked by their first bytes, shown to the reviewing officers only.
CREATE TABLE "appeal_attachment" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "appealId" UUID NOT NULL REFERENCES "appeal"("id") ON DELETE CASCADE,
  "fileName" TEXT NOT NULL,
  "mime" TEXT NOT NULL,
  "size" INTEGER NOT NULL,
  "bytes" BYTEA NOT NULL,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "appeal_attachment_mime_valid" CHECK ("mime" IN ('image/jpeg', 'image/png', 'application/pdf')),
  CONSTRAINT "appeal_attachment_size_valid" CHECK ("size" = octet_length("bytes") AND "size" BETWEEN 1 AND 2097152)
);
CREATE INDEX "appeal_attachment_appealId_idx" ON "appeal_attachment" ("appealId");

-- A stop overturned on appeal: the monthly run pays its month as back-pay (once: UNIQUE(elder, month)).
ALTER TABLE "allowance_stop" ADD COLUMN "overturnAppealId" UUID REFERENCES "appeal"("id");
CREATE INDEX "allowance_stop_overturned_idx" ON "allowance_stop" ("elderId") WHERE "overturnAppealId" IS NOT NULL;
