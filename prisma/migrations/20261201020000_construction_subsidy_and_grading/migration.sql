-- Institutions (issue 14 items 3 and 6): the construction subsidy (建设补贴) paid once per new bed after
-- the bureau's acceptance inspection, and the bureau's grading (等级评定) by a scored checklist.
-- Both are driven by *default* settings versioned by effective date (construction_rate,
-- grading_criteria), changed through the pending-change mechanism (a second city officer approves).

-- ---------------------------------------------------------------- settings
CREATE TABLE construction_rate (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "effectiveFrom" date NOT NULL,
  "selfCareFen"   integer NOT NULL,
  "nursingFen"    integer NOT NULL,
  "dementiaFen"   integer NOT NULL,
  "proposedById"  uuid,
  "approvedById"  uuid,
  "createdAt"     timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT construction_rate_amounts CHECK ("selfCareFen" BETWEEN 0 AND 100000000 AND "nursingFen" BETWEEN 0 AND 100000000 AND "dementiaFen" BETWEEN 0 AND 100000000)
);
CREATE UNIQUE INDEX construction_rate_effective_once ON construction_rate ("effectiveFrom");
-- Default (domain.md): ¥5,000 per nursing-type bed, ¥3,000 per other bed, from the plan's first year.
-- Beds created before the first version's date are not new beds.
INSERT INTO construction_rate ("effectiveFrom", "selfCareFen", "nursingFen", "dementiaFen") VALUES ('2016-01-01', 300000, 500000, 300000);

CREATE TABLE grading_criteria (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "effectiveFrom"  date NOT NULL,
  -- [{ "key", "section", "zh", "en", "max" }]: the checklist, points per item.
  items            jsonb NOT NULL,
  -- Minimum total score for 1★ … 5★, ascending; below the first: no grade.
  thresholds       jsonb NOT NULL,
  "validityMonths" integer NOT NULL,
  "proposedById"   uuid,
  "approvedById"   uuid,
  "createdAt"      timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT grading_criteria_shape CHECK (jsonb_typeof(items) = 'array' AND jsonb_array_length(items) > 0 AND jsonb_typeof(thresholds) = 'array' AND jsonb_array_length(thresholds) = 5 AND "validityMonths" BETWEEN 1 AND 120)
);
CREATE UNIQUE INDEX grading_criteria_effective_once ON grading_criteria ("effectiveFrom");
INSERT INTO grading_criteria ("effectiveFrom", items, thresholds, "validityMonths") VALUES ('2016-01-01', '[
  {"key": "facilities_space", "section": "facilities", "zh": "居室、公共区域与无障碍、适老化设施", "en": "Rooms, common areas, accessibility and age-friendly fittings", "max": 10},
  {"key": "facilities_equipment", "section": "facilities", "zh": "生活照料、护理与康复设备", "en": "Care, nursing and rehabilitation equipment", "max": 10},
  {"key": "staffing_ratio", "section": "staffing", "zh": "护理员与老人配比（失能老人按标准配足）", "en": "Caregiver-to-resident ratio (full ratio for dependent residents)", "max": 10},
  {"key": "staffing_qualification", "section": "staffing", "zh": "持证上岗（养老护理员、医护、社工）", "en": "Certified staff (caregivers, medical staff, social workers)", "max": 10},
  {"key": "care_assessment", "section": "care", "zh": "入住评估与个性化照护计划", "en": "Admission assessment and individual care plans", "max": 10},
  {"key": "care_quality", "section": "care", "zh": "生活照料、医疗护理与精神慰藉质量", "en": "Quality of daily care, nursing and emotional support", "max": 10},
  {"key": "safety_fire", "section": "safety", "zh": "消防安全（设施、通道、演练）", "en": "Fire safety (equipment, exits, drills)", "max": 10},
  {"key": "safety_food", "section": "safety", "zh": "食品安全与突发事件应急预案", "en": "Food safety and emergency plans", "max": 10},
  {"key": "management_rules", "section": "management", "zh": "管理制度、合同与档案", "en": "Rules, contracts and records", "max": 10},
  {"key": "management_satisfaction", "section": "management", "zh": "老人及家属满意度", "en": "Residents'' and families'' satisfaction", "max": 10}
]', '[40, 55, 70, 80, 90]', 36);

-- ---------------------------------------------------------------- acceptance inspection (验收)
CREATE TABLE bed_acceptance (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "providerId"  uuid NOT NULL REFERENCES provider(id),
  "inspectedOn" date NOT NULL,
  "inspectorId" uuid NOT NULL,
  note          text,
  "createdAt"   timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX bed_acceptance_provider_idx ON bed_acceptance ("providerId", "inspectedOn");

CREATE TABLE bed_acceptance_bed (
  "acceptanceId" uuid NOT NULL REFERENCES bed_acceptance(id),
  "bedId"        uuid NOT NULL REFERENCES bed(id),
  PRIMARY KEY ("acceptanceId", "bedId")
);
-- A bed passes its acceptance inspection once.
CREATE UNIQUE INDEX bed_acceptance_bed_once ON bed_acceptance_bed ("bedId");

CREATE TABLE bed_acceptance_photo (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "acceptanceId" uuid NOT NULL REFERENCES bed_acceptance(id),
  "contentType"  text NOT NULL,
  bytes          bytea NOT NULL,
  "createdAt"    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX bed_acceptance_photo_idx ON bed_acceptance_photo ("acceptanceId");

-- ---------------------------------------------------------------- applications (申请 → 区审核 → 市审批)
CREATE TYPE "ConstructionStatus" AS ENUM ('submitted', 'reviewed', 'approved', 'rejected');

CREATE TABLE construction_application (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "providerId"    uuid NOT NULL REFERENCES provider(id),
  "districtId"    text NOT NULL REFERENCES district(id),
  status          "ConstructionStatus" NOT NULL DEFAULT 'submitted',
  "bedCount"      integer NOT NULL,
  "totalFen"      integer NOT NULL,
  "submittedById" uuid NOT NULL,
  "submittedAt"   timestamptz(3) NOT NULL DEFAULT now(),
  "reviewedById"  uuid,
  "reviewedAt"    timestamptz(3),
  "reviewNote"    text,
  "decidedById"   uuid,
  "decidedAt"     timestamptz(3),
  "decisionNote"  text,
  "paidOn"        date,
  -- Maker-checker: the applicant, the district reviewer and the city approver are three accounts.
  CONSTRAINT construction_application_two_people CHECK (("reviewedById" IS NULL OR "reviewedById" <> "submittedById") AND ("decidedById" IS NULL OR ("decidedById" <> "submittedById" AND "decidedById" IS DISTINCT FROM "reviewedById"))),
  CONSTRAINT construction_application_amounts CHECK ("bedCount" > 0 AND "totalFen" >= 0),
  CONSTRAINT construction_application_paid CHECK ((status = 'approved') = ("paidOn" IS NOT NULL))
);
CREATE INDEX construction_application_provider_idx ON construction_application ("providerId", status);
CREATE INDEX construction_application_district_idx ON construction_application ("districtId", status);

CREATE TABLE construction_application_bed (
  "applicationId" uuid NOT NULL REFERENCES construction_application(id),
  "bedId"         uuid NOT NULL REFERENCES bed(id),
  "bedType"       "BedType" NOT NULL,
  "acceptanceId"  uuid NOT NULL REFERENCES bed_acceptance(id),
  "rateId"        uuid NOT NULL REFERENCES construction_rate(id),
  "amountFen"     integer NOT NULL,
  active          boolean NOT NULL DEFAULT true,
  PRIMARY KEY ("applicationId", "bedId")
);
-- One application in progress (or approved) per bed; a rejected application frees its beds.
CREATE UNIQUE INDEX construction_bed_one_live_application ON construction_application_bed ("bedId") WHERE active;

-- Paid once per bed, ever: bed rows are never deleted (bed_event refers to them), so a bed taken out
-- of service and put back is the same row and finds its payment here.
CREATE TABLE construction_paid_bed (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "bedId"         uuid NOT NULL REFERENCES bed(id),
  "applicationId" uuid NOT NULL REFERENCES construction_application(id),
  "providerId"    uuid NOT NULL REFERENCES provider(id),
  "amountFen"     integer NOT NULL,
  "paidOn"        date NOT NULL,
  "createdAt"     timestamptz(3) NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX construction_paid_bed_once ON construction_paid_bed ("bedId");
CREATE INDEX construction_paid_bed_provider_idx ON construction_paid_bed ("providerId");

-- A bed enters an application only once accepted by inspection, at its own institution, and never once paid.
CREATE FUNCTION construction_application_bed_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM bed_acceptance_bed ab WHERE ab."bedId" = NEW."bedId" AND ab."acceptanceId" = NEW."acceptanceId") THEN
    RAISE EXCEPTION 'bed % has not passed the acceptance inspection', NEW."bedId" USING ERRCODE = 'check_violation', CONSTRAINT = 'construction_bed_needs_acceptance';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM bed b JOIN construction_application a ON a.id = NEW."applicationId" WHERE b.id = NEW."bedId" AND b."providerId" = a."providerId") THEN
    RAISE EXCEPTION 'bed % is not the applicant''s', NEW."bedId" USING ERRCODE = 'check_violation', CONSTRAINT = 'construction_bed_of_applicant';
  END IF;
  IF EXISTS (SELECT 1 FROM construction_paid_bed p WHERE p."bedId" = NEW."bedId") THEN
    RAISE EXCEPTION 'bed % was paid its construction subsidy already', NEW."bedId" USING ERRCODE = 'unique_violation', CONSTRAINT = 'construction_bed_already_paid';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER construction_application_bed_check BEFORE INSERT ON construction_application_bed FOR EACH ROW EXECUTE FUNCTION construction_application_bed_check();

-- Lines change only by their application being refused (active → false); payments never change.
CREATE FUNCTION construction_line_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW."applicationId" <> OLD."applicationId" OR NEW."bedId" <> OLD."bedId" OR NEW."amountFen" <> OLD."amountFen" OR (NEW.active AND NOT OLD.active) THEN
    RAISE EXCEPTION 'application lines are fixed' USING ERRCODE = 'check_violation', CONSTRAINT = 'construction_line_fixed';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER construction_line_fixed BEFORE UPDATE OR DELETE ON construction_application_bed FOR EACH ROW EXECUTE FUNCTION construction_line_fixed();

CREATE FUNCTION construction_paid_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'construction payments are append-only' USING ERRCODE = 'check_violation', CONSTRAINT = 'construction_paid_append_only';
END $$;
CREATE TRIGGER construction_paid_append_only BEFORE UPDATE OR DELETE ON construction_paid_bed FOR EACH ROW EXECUTE FUNCTION construction_paid_append_only();

-- submitted → reviewed | rejected; reviewed → approved | rejected; nothing after.
CREATE FUNCTION construction_application_flow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status <> OLD.status AND NOT ((OLD.status = 'submitted' AND NEW.status IN ('reviewed', 'rejected')) OR (OLD.status = 'reviewed' AND NEW.status IN ('approved', 'rejected'))) THEN
    RAISE EXCEPTION 'construction application % cannot go from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'check_violation', CONSTRAINT = 'construction_application_flow';
  END IF;
  IF NEW.status = 'rejected' AND OLD.status <> 'rejected' THEN
    UPDATE construction_application_bed SET active = false WHERE "applicationId" = NEW.id;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER construction_application_flow BEFORE UPDATE ON construction_application FOR EACH ROW EXECUTE FUNCTION construction_application_flow();

-- ---------------------------------------------------------------- grading (等级评定)
CREATE TYPE "GradingStatus" AS ENUM ('submitted', 'approved', 'rejected');

CREATE TABLE provider_grading (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "providerId"   uuid NOT NULL REFERENCES provider(id),
  "criteriaId"   uuid NOT NULL REFERENCES grading_criteria(id),
  -- { itemKey: points } for every item of the criteria version
  scores         jsonb NOT NULL,
  score          integer NOT NULL,
  grade          integer,
  "assessedOn"   date NOT NULL,
  "validUntil"   date NOT NULL,
  "assessorId"   uuid NOT NULL,
  note           text,
  status         "GradingStatus" NOT NULL DEFAULT 'submitted',
  "decidedById"  uuid,
  "decidedAt"    timestamptz(3),
  "decisionNote" text,
  "createdAt"    timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT provider_grading_needs_checklist CHECK (jsonb_typeof(scores) = 'object' AND scores <> '{}'::jsonb AND score >= 0),
  CONSTRAINT provider_grading_grade_range CHECK (grade IS NULL OR grade BETWEEN 1 AND 5),
  CONSTRAINT provider_grading_two_people CHECK ("decidedById" IS NULL OR "decidedById" <> "assessorId"),
  CONSTRAINT provider_grading_validity CHECK ("validUntil" > "assessedOn")
);
-- One grading waiting for its decision per institution.
CREATE UNIQUE INDEX provider_grading_one_open ON provider_grading ("providerId") WHERE status = 'submitted';
CREATE INDEX provider_grading_provider_idx ON provider_grading ("providerId", "assessedOn");

-- ---------------------------------------------------------------- pending changes of the two settings
-- Adds the two kinds to whatever kinds the constraint allows when this runs (so another migration
-- adding its own kinds, before or after, keeps them).
DO $$
DECLARE kinds text;
BEGIN
  SELECT string_agg(DISTINCT quote_literal(k), ', ') INTO kinds FROM (
    SELECT m[1] AS k FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m WHERE c.conname = 'pending_change_kind_valid'
    UNION SELECT unnest(ARRAY['construction_rate', 'grading_criteria'])
  ) AS all_kinds;
  ALTER TABLE pending_change DROP CONSTRAINT pending_change_kind_valid;
  EXECUTE format('ALTER TABLE pending_change ADD CONSTRAINT pending_change_kind_valid CHECK (kind IN (%s))', kinds);
END $$;
