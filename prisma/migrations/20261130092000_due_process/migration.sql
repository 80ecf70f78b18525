-- Issue 15 items 1-3: public notice (公示) of approved subsidies, objections, appeals (复核) and the
-- end / re-review date of every grant. See docs/subsidies.md "Due process".

-- ---- Grants end: every grant has an end (review) date. Without one given, 12 months from the month
-- it was opened (or from its start month when that is later); a re-review moves it on.
ALTER TABLE "subsidy_grant"
  ADD COLUMN "endsOn" DATE,
  ADD COLUMN "stopReason" TEXT,
  ADD COLUMN "stopKnownOn" DATE,
  ADD COLUMN "reviewedAt" TIMESTAMPTZ(3),
  ADD COLUMN "reviewedById" UUID;
UPDATE "subsidy_grant" SET "endsOn" = (date_trunc('month', greatest("startMonth", (now() AT TIME ZONE 'Asia/Shanghai')::date)) + interval '12 months' - interval '1 day')::date;
CREATE FUNCTION subsidy_grant_default_end() RETURNS trigger AS $$
BEGIN
  IF NEW."endsOn" IS NULL THEN
    NEW."endsOn" := (date_trunc('month', greatest(NEW."startMonth", (now() AT TIME ZONE 'Asia/Shanghai')::date)) + interval '12 months' - interval '1 day')::date;
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER subsidy_grant_default_end BEFORE INSERT ON "subsidy_grant" FOR EACH ROW EXECUTE FUNCTION subsidy_grant_default_end();
ALTER TABLE "subsidy_grant" ALTER COLUMN "endsOn" SET NOT NULL;
CREATE INDEX "subsidy_grant_status_endsOn_idx" ON "subsidy_grant" ("status", "endsOn");

-- ---- Public notice: one list per community (or per district for elders with no community) and
-- opening day; an entry per approved application, listed until the notice ends.
CREATE TABLE "subsidy_notice" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "districtId" TEXT NOT NULL REFERENCES "district"("id"),
  "communityId" UUID REFERENCES "community"("id"),
  "opensOn" DATE NOT NULL,
  "endsOn" DATE NOT NULL,
  "closedAt" TIMESTAMPTZ(3),
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "subsidy_notice_period" CHECK ("endsOn" > "opensOn")
);
CREATE UNIQUE INDEX "subsidy_notice_place_day_key" ON "subsidy_notice" ("districtId", coalesce("communityId", '00000000-0000-0000-0000-000000000000'::uuid), "opensOn");
CREATE INDEX "subsidy_notice_communityId_endsOn_idx" ON "subsidy_notice" ("communityId", "endsOn");
CREATE INDEX "subsidy_notice_open_idx" ON "subsidy_notice" ("endsOn") WHERE "closedAt" IS NULL;

CREATE TABLE "subsidy_notice_entry" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "noticeId" UUID NOT NULL REFERENCES "subsidy_notice"("id"),
  "applicationId" UUID NOT NULL REFERENCES "subsidy_application"("id"),
  "elderId" UUID NOT NULL REFERENCES "elder"("id"),
  -- Surname and a masked given name (张*明): the only form of the name the public ever sees.
  "displayName" TEXT NOT NULL,
  "monthlyCreditFen" INTEGER NOT NULL,
  "commitmentFen" BIGINT NOT NULL,
  -- For an approval that an appeal changed: the first month whose credit was withheld (back-pay).
  "backPayFrom" DATE,
  -- listed -> effective (grant opened) | withheld (objection upheld) | lapsed (no longer eligible)
  "status" TEXT NOT NULL DEFAULT 'listed',
  "grantId" UUID REFERENCES "subsidy_grant"("id"),
  "settledAt" TIMESTAMPTZ(3),
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "subsidy_notice_entry_status_valid" CHECK ("status" IN ('listed', 'effective', 'withheld', 'lapsed'))
);
CREATE UNIQUE INDEX "subsidy_notice_entry_applicationId_key" ON "subsidy_notice_entry" ("applicationId");
CREATE INDEX "subsidy_notice_entry_noticeId_idx" ON "subsidy_notice_entry" ("noticeId");

CREATE TABLE "notice_objection" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "noticeId" UUID NOT NULL REFERENCES "subsidy_notice"("id"),
  "entryId" UUID REFERENCES "subsidy_notice_entry"("id"),
  "name" TEXT NOT NULL,
  "phone" TEXT NOT NULL,
  "reason" TEXT NOT NULL,
  "ip" TEXT,
  "lodgedOn" DATE NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'pending',
  "finding" TEXT,
  "officerId" UUID REFERENCES "app_user"("id"),
  "decidedAt" TIMESTAMPTZ(3),
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "notice_objection_status_valid" CHECK ("status" IN ('pending', 'upheld', 'not_upheld'))
);
CREATE INDEX "notice_objection_noticeId_status_idx" ON "notice_objection" ("noticeId", "status");

-- ---- Appeals (复核) of a refusal, decided one level above the officer who refused.
CREATE TABLE "subsidy_appeal" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "applicationId" UUID NOT NULL REFERENCES "subsidy_application"("id"),
  "elderId" UUID NOT NULL REFERENCES "elder"("id"),
  "appellantId" UUID NOT NULL REFERENCES "app_user"("id"),
  "districtId" TEXT NOT NULL,
  "townshipId" UUID,
  -- The refusal appealed: its status, who made it, when, and the level that reviews it.
  "refusedStatus" TEXT NOT NULL,
  "deciderId" UUID REFERENCES "app_user"("id"),
  "refusedOn" DATE NOT NULL,
  "level" TEXT NOT NULL,
  "deadline" DATE NOT NULL,
  "lodgedOn" DATE NOT NULL,
  "reasons" TEXT NOT NULL,
  "status" TEXT NOT NULL DEFAULT 'pending',
  "outcomeReason" TEXT,
  "reviewerId" UUID REFERENCES "app_user"("id"),
  "decidedAt" TIMESTAMPTZ(3),
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "subsidy_appeal_status_valid" CHECK ("status" IN ('pending', 'upheld', 'changed')),
  CONSTRAINT "subsidy_appeal_level_valid" CHECK ("level" IN ('township', 'district', 'city'))
);
-- One appeal per refusal.
CREATE UNIQUE INDEX "subsidy_appeal_applicationId_key" ON "subsidy_appeal" ("applicationId");
CREATE INDEX "subsidy_appeal_status_districtId_idx" ON "subsidy_appeal" ("status", "districtId");
