-- Inspections and rectification (issue 14 item 7): district officers record inspections of an
-- institution (safety, fire, food, care quality) with findings, each with a deadline; the
-- institution answers each finding with its rectification; the officer closes (accepts) or reopens
-- it. A finding not closed long past its deadline (the *default* limit, versioned in
-- inspection_limit) stops the institution's new admissions until it is closed.

-- ---------------------------------------------------------------- the limit (*default*, versioned)
CREATE TABLE inspection_limit (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "effectiveFrom"    date NOT NULL,
  -- Days past a finding's deadline after which the institution admits no new elders.
  "suspendAfterDays" integer NOT NULL,
  "proposedById"     uuid,
  "approvedById"     uuid,
  "createdAt"        timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT inspection_limit_days CHECK ("suspendAfterDays" BETWEEN 0 AND 365)
);
CREATE UNIQUE INDEX inspection_limit_effective_once ON inspection_limit ("effectiveFrom");
INSERT INTO inspection_limit ("effectiveFrom", "suspendAfterDays") VALUES ('2016-01-01', 30);

-- ---------------------------------------------------------------- inspections and findings
CREATE TYPE "FindingStatus" AS ENUM ('open', 'answered', 'reopened', 'closed');

CREATE TABLE inspection (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "providerId"  uuid NOT NULL REFERENCES provider(id),
  "districtId"  text NOT NULL REFERENCES district(id),
  "inspectedOn" date NOT NULL,
  "inspectorId" uuid NOT NULL,
  -- safety, fire, food, care (at least one)
  kinds         text[] NOT NULL,
  note          text,
  "createdAt"   timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT inspection_kinds_valid CHECK (cardinality(kinds) > 0 AND kinds <@ ARRAY['safety', 'fire', 'food', 'care']::text[])
);
CREATE INDEX inspection_provider_idx ON inspection ("providerId", "inspectedOn");

CREATE TABLE inspection_finding (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "inspectionId"   uuid NOT NULL REFERENCES inspection(id),
  "providerId"     uuid NOT NULL REFERENCES provider(id),
  "districtId"     text NOT NULL REFERENCES district(id),
  category         text NOT NULL,
  description      text NOT NULL,
  severity         text NOT NULL,
  deadline         date NOT NULL,
  status           "FindingStatus" NOT NULL DEFAULT 'open',
  rectification    text,
  "answeredById"   uuid,
  "answeredOn"     date,
  "answeredAt"     timestamptz(3),
  "reopenReason"   text,
  "decidedById"    uuid,
  "decidedAt"      timestamptz(3),
  "createdAt"      timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT inspection_finding_values CHECK (category IN ('safety', 'fire', 'food', 'care') AND severity IN ('minor', 'major', 'critical') AND length(description) > 0),
  CONSTRAINT inspection_finding_answered CHECK (status = 'open' OR (rectification IS NOT NULL AND "answeredOn" IS NOT NULL))
);
CREATE INDEX inspection_finding_provider_idx ON inspection_finding ("providerId", status, deadline);
CREATE INDEX inspection_finding_district_idx ON inspection_finding ("districtId", status, deadline);
CREATE INDEX inspection_finding_inspection_idx ON inspection_finding ("inspectionId");

-- Photos of an inspection (findingId NULL) or of a finding's rectification.
CREATE TABLE inspection_photo (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "inspectionId" uuid NOT NULL REFERENCES inspection(id),
  "findingId"    uuid REFERENCES inspection_finding(id),
  "contentType"  text NOT NULL,
  bytes          bytea NOT NULL,
  "createdAt"    timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX inspection_photo_idx ON inspection_photo ("inspectionId", "findingId");

-- A finding belongs to its inspection's institution and district, and its deadline falls after the inspection.
CREATE FUNCTION inspection_finding_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE i record;
BEGIN
  SELECT "providerId", "districtId", "inspectedOn" INTO i FROM inspection WHERE id = NEW."inspectionId";
  IF i."providerId" <> NEW."providerId" OR i."districtId" <> NEW."districtId" THEN
    RAISE EXCEPTION 'finding of inspection % names another institution', NEW."inspectionId" USING ERRCODE = 'check_violation', CONSTRAINT = 'inspection_finding_of_inspection';
  END IF;
  IF NEW.deadline <= i."inspectedOn" THEN
    RAISE EXCEPTION 'deadline % is not after the inspection (%)', NEW.deadline, i."inspectedOn" USING ERRCODE = 'check_violation', CONSTRAINT = 'inspection_finding_deadline_after';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER inspection_finding_check BEFORE INSERT ON inspection_finding FOR EACH ROW EXECUTE FUNCTION inspection_finding_check();

-- open → answered; answered → closed | reopened; reopened → answered; closed is final. What was found never changes.
CREATE FUNCTION inspection_finding_flow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW."inspectionId" <> OLD."inspectionId" OR NEW."providerId" <> OLD."providerId" OR NEW.deadline <> OLD.deadline
     OR NEW.category <> OLD.category OR NEW.description <> OLD.description OR NEW.severity <> OLD.severity THEN
    RAISE EXCEPTION 'findings are fixed once recorded' USING ERRCODE = 'check_violation', CONSTRAINT = 'inspection_finding_fixed';
  END IF;
  IF NEW.status <> OLD.status AND NOT ((OLD.status IN ('open', 'reopened') AND NEW.status = 'answered') OR (OLD.status = 'answered' AND NEW.status IN ('closed', 'reopened'))) THEN
    RAISE EXCEPTION 'finding % cannot go from % to %', OLD.id, OLD.status, NEW.status USING ERRCODE = 'check_violation', CONSTRAINT = 'inspection_finding_flow';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER inspection_finding_flow BEFORE UPDATE OR DELETE ON inspection_finding FOR EACH ROW EXECUTE FUNCTION inspection_finding_flow();

-- ---------------------------------------------------------------- the admission stop
-- The limit in force on a day.
CREATE FUNCTION inspection_limit_on(d date) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT "suspendAfterDays" FROM inspection_limit WHERE "effectiveFrom" <= d ORDER BY "effectiveFrom" DESC LIMIT 1
$$;

-- Findings that stop an institution's admissions on day d: not closed, more than the limit past their
-- deadline, and not answered within the limit (a rectification answered in time and waiting for the
-- officer does not stop admissions; one reopened, or answered only after the limit, does).
CREATE FUNCTION inspection_findings_blocking(provider uuid, d date) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT count(*)::int FROM inspection_finding f
   WHERE f."providerId" = provider AND f.status <> 'closed'
     AND d > f.deadline + coalesce(inspection_limit_on(d), 30)
     AND NOT (f.status = 'answered' AND f."answeredOn" <= f.deadline + coalesce(inspection_limit_on(d), 30))
$$;

-- The database refuses an admission on a day its institution is stopped (the module checks today as well,
-- so a back-dated admission is refused too). A transfer to another bed is no new admission.
CREATE FUNCTION admission_inspection_stop() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."transferredFromId" IS NULL AND inspection_findings_blocking(NEW."providerId", NEW."admittedOn") > 0 THEN
    RAISE EXCEPTION 'institution % has findings overdue past the limit', NEW."providerId" USING ERRCODE = 'check_violation', CONSTRAINT = 'admission_stopped_by_findings';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER admission_inspection_stop BEFORE INSERT ON admission FOR EACH ROW EXECUTE FUNCTION admission_inspection_stop();

-- ---------------------------------------------------------------- pending changes of the limit
DO $$
DECLARE kinds text;
BEGIN
  SELECT string_agg(DISTINCT quote_literal(k), ', ') INTO kinds FROM (
    SELECT m[1] AS k FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m WHERE c.conname = 'pending_change_kind_valid'
    UNION SELECT 'inspection_limit'
  ) AS all_kinds;
  ALTER TABLE pending_change DROP CONSTRAINT pending_change_kind_valid;
  EXECUTE format('ALTER TABLE pending_change ADD CONSTRAINT pending_change_kind_valid CHECK (kind IN (%s))', kinds);
END $$;
