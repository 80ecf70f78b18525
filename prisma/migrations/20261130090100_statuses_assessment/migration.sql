-- Issue 10 items 5 and 6: statuses with evidence (身份类别) and the capability assessment
-- (老年人能力评估, GB/T 42195-2022). Both are dated records with history; nothing is deleted.

CREATE TYPE "ElderStatusKind" AS ENUM ('dibao', 'low_income', 'tekun', 'youfu', 'family_planning', 'severe_disability', 'empty_nest', 'living_alone');
CREATE TYPE "CapabilityLevel" AS ENUM ('intact', 'mild', 'moderate', 'severe', 'complete');

CREATE TABLE "elder_status" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "elderId" UUID NOT NULL REFERENCES "elder"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "kind" "ElderStatusKind" NOT NULL,
  "validFrom" DATE NOT NULL,
  "validUntil" DATE,
  "reviewOn" DATE,
  "source" TEXT NOT NULL,
  "disabilityGrade" SMALLINT,
  "note" TEXT,
  "recordedById" UUID REFERENCES "app_user"("id"),
  "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "endedAt" TIMESTAMP(3),
  "endedById" UUID REFERENCES "app_user"("id"),
  "endReason" TEXT,
  CONSTRAINT "elder_status_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "elder_status_until_after_from" CHECK ("validUntil" IS NULL OR "validUntil" >= "validFrom"),
  CONSTRAINT "elder_status_review_after_from" CHECK ("reviewOn" IS NULL OR "reviewOn" >= "validFrom"),
  CONSTRAINT "elder_status_disability_grade" CHECK (("kind" = 'severe_disability') = ("disabilityGrade" IS NOT NULL) AND ("disabilityGrade" IS NULL OR "disabilityGrade" BETWEEN 1 AND 4))
);
CREATE INDEX "elder_status_elderId_kind_idx" ON "elder_status" ("elderId", "kind");
CREATE INDEX "elder_status_due_idx" ON "elder_status" ((LEAST("validUntil", "reviewOn"))) WHERE "endedAt" IS NULL;

-- History is kept: a status ends (validUntil, endedAt), it is never deleted.
CREATE FUNCTION elder_status_never_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'elder_status % is ended, never deleted', OLD.id USING ERRCODE = '23514', CONSTRAINT = 'elder_status_never_delete';
END $$;
CREATE TRIGGER elder_status_never_delete BEFORE DELETE ON "elder_status" FOR EACH ROW EXECUTE FUNCTION elder_status_never_delete();

-- The nightly re-review list (app/jobs/status-review.server.ts): one row per status and due day.
CREATE TABLE "elder_status_review" (
  "statusId" UUID NOT NULL REFERENCES "elder_status"("id"),
  "dueOn" DATE NOT NULL,
  "communityId" UUID,
  "districtId" TEXT NOT NULL,
  "listedOn" DATE NOT NULL,
  CONSTRAINT "elder_status_review_pkey" PRIMARY KEY ("statusId", "dueOn")
);
CREATE INDEX "elder_status_review_place_idx" ON "elder_status_review" ("districtId", "communityId", "dueOn");

-- Assessment organisations the bureau registers, and the districts they may assess in.
CREATE TABLE "assessment_org" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "name" TEXT NOT NULL,
  "licenceNo" TEXT NOT NULL,
  "districtIds" TEXT[] NOT NULL DEFAULT '{}',
  "active" BOOLEAN NOT NULL DEFAULT true,
  "createdById" UUID,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "assessment_org_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "assessment_org_licenceNo_key" UNIQUE ("licenceNo")
);
ALTER TABLE "app_user" ADD COLUMN "assessmentOrgId" UUID REFERENCES "assessment_org"("id");

-- Communities whose officers the bureau allows to assess.
CREATE TABLE "assessment_community_permit" (
  "communityId" UUID NOT NULL REFERENCES "community"("id"),
  "allowedById" UUID,
  "allowedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "assessment_community_permit_pkey" PRIMARY KEY ("communityId")
);

-- The scoring table, as versioned data the bureau can correct (app/modules/assessment/scale.ts).
CREATE TABLE "assessment_scale" (
  "version" INTEGER NOT NULL,
  "effectiveFrom" DATE NOT NULL,
  "table" JSONB NOT NULL,
  "note" TEXT,
  "createdById" UUID,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "assessment_scale_pkey" PRIMARY KEY ("version")
);

CREATE TABLE "capability_assessment" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "elderId" UUID NOT NULL REFERENCES "elder"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "scaleVersion" INTEGER REFERENCES "assessment_scale"("version"),
  "assessorId" UUID REFERENCES "app_user"("id"),
  "orgId" UUID REFERENCES "assessment_org"("id"),
  "assessedOn" DATE NOT NULL,
  "validUntil" DATE NOT NULL,
  "scores" JSONB NOT NULL DEFAULT '{}',
  "indicatorTotals" JSONB NOT NULL DEFAULT '{}',
  "total" INTEGER,
  "baseLevel" "CapabilityLevel" NOT NULL,
  "level" "CapabilityLevel" NOT NULL,
  "coma" BOOLEAN NOT NULL DEFAULT false,
  "diagnosis" BOOLEAN NOT NULL DEFAULT false,
  "riskEvents" INTEGER NOT NULL DEFAULT 0,
  "source" TEXT NOT NULL DEFAULT 'assessment',
  "note" TEXT,
  "requestId" UUID,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  CONSTRAINT "capability_assessment_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "capability_assessment_valid_after_assessed" CHECK ("validUntil" >= "assessedOn")
);
CREATE INDEX "capability_assessment_elderId_idx" ON "capability_assessment" ("elderId", "assessedOn" DESC);

CREATE TABLE "reassessment_request" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "elderId" UUID NOT NULL REFERENCES "elder"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  "requestedById" UUID NOT NULL REFERENCES "app_user"("id"),
  "reason" TEXT NOT NULL,
  "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "assessmentId" UUID REFERENCES "capability_assessment"("id"),
  CONSTRAINT "reassessment_request_pkey" PRIMARY KEY ("id")
);
-- One open request per elder: asking twice is answered with the open one.
CREATE UNIQUE INDEX "reassessment_request_one_open" ON "reassessment_request" ("elderId") WHERE "assessmentId" IS NULL;

-- What a status kind means for the subsidy policies' categories (ElderCategory): 特困供养 covers the
-- former 五保 and 三无, so a policy naming either is met by it.
CREATE FUNCTION elder_categories_on(p_elder UUID, p_day DATE) RETURNS TEXT[] LANGUAGE sql STABLE AS $$
  SELECT coalesce(array_agg(DISTINCT c ORDER BY c), '{}')
  FROM elder_status s
  CROSS JOIN LATERAL unnest(CASE s.kind
    WHEN 'dibao' THEN ARRAY['dibao'] WHEN 'tekun' THEN ARRAY['tekun', 'sanwu'] WHEN 'youfu' THEN ARRAY['youfu']
    ELSE ARRAY[]::TEXT[] END) AS c
  WHERE s."elderId" = p_elder AND s."validFrom" <= p_day AND (s."validUntil" IS NULL OR s."validUntil" >= p_day)
$$;

-- The DisabilityLevel (none / partial / full) of the assessed level in force on a day: the latest
-- assessment whose validity covers it; none without one. 轻度/中度 → partial (半失能), 重度/完全 → full.
CREATE FUNCTION elder_disability_on(p_elder UUID, p_day DATE) RETURNS TEXT LANGUAGE sql STABLE AS $$
  SELECT coalesce((
    SELECT CASE a.level WHEN 'intact' THEN 'none' WHEN 'mild' THEN 'partial' WHEN 'moderate' THEN 'partial' ELSE 'full' END
    FROM capability_assessment a
    WHERE a."elderId" = p_elder AND a."assessedOn" <= p_day AND a."validUntil" >= p_day
    ORDER BY a."assessedOn" DESC, a."createdAt" DESC LIMIT 1), 'none')
$$;

-- Today's free columns become records (source 'migrated'): categories as statuses, a disability level
-- as an assessment without item scores (valid 12 months). The columns never said since when, so the
-- records start on the first of the month the elder was registered (or of p_day, if earlier), which
-- keeps that month's credit flowing; officers review them (docs/registry.md).
-- The seed calls it after loading elders; it is idempotent.
CREATE FUNCTION elder_records_from_legacy_columns(p_day DATE) RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE n INTEGER; m INTEGER;
BEGIN
  INSERT INTO elder_status ("elderId", kind, "validFrom", source, note)
  SELECT DISTINCT e.id, (CASE c WHEN 'sanwu' THEN 'tekun' ELSE c::TEXT END)::"ElderStatusKind", date_trunc('month', LEAST(e."createdAt"::date, p_day))::date, 'migrated',
         CASE WHEN c IN ('sanwu', 'tekun') THEN '特困供养（原五保/三无）' END
  FROM elder e CROSS JOIN LATERAL unnest(e.categories) AS c
  WHERE NOT EXISTS (SELECT 1 FROM elder_status s WHERE s."elderId" = e.id AND s.source = 'migrated'
                    AND s.kind = (CASE c WHEN 'sanwu' THEN 'tekun' ELSE c::TEXT END)::"ElderStatusKind");
  GET DIAGNOSTICS n = ROW_COUNT;
  INSERT INTO capability_assessment ("elderId", "assessedOn", "validUntil", "baseLevel", level, source)
  SELECT e.id, date_trunc('month', LEAST(e."createdAt"::date, p_day))::date, (p_day + interval '12 months' - interval '1 day')::date,
         (CASE e."disabilityLevel" WHEN 'partial' THEN 'moderate' ELSE 'severe' END)::"CapabilityLevel",
         (CASE e."disabilityLevel" WHEN 'partial' THEN 'moderate' ELSE 'severe' END)::"CapabilityLevel", 'migrated'
  FROM elder e
  WHERE e."disabilityLevel" <> 'none' AND NOT EXISTS (SELECT 1 FROM capability_assessment a WHERE a."elderId" = e.id AND a.source = 'migrated');
  GET DIAGNOSTICS m = ROW_COUNT;
  RETURN n + m;
END $$;

SELECT elder_records_from_legacy_columns((now() AT TIME ZONE 'Asia/Shanghai')::date);
