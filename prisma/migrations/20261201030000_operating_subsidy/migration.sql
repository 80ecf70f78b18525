-- Operating subsidy (运营补贴, issue 14 item 4): per occupied bed-day of a month, by the resident's
-- assessed capability level on that day, times the institution's grade factor, plus a supplement per
-- bed-day of a 特困 resident (concentrated support). Rates are versioned by the month they take
-- effect (defaults seeded below). Each institution's month is computed once into a frozen statement
-- (UNIQUE (providerId, month)) with the bed-day segments it used and its lines; the district reviews,
-- the city approves (a different officer). See docs/institutions-operating.md.

CREATE TABLE operating_subsidy_rate (
  "effectiveMonth" date PRIMARY KEY,
  -- fen per occupied bed-day, by the level in force that day (unassessed: no assessment in force)
  "intactFen"      integer NOT NULL,
  "mildFen"        integer NOT NULL,
  "moderateFen"    integer NOT NULL,
  "severeFen"      integer NOT NULL,
  "completeFen"    integer NOT NULL,
  "unassessedFen"  integer NOT NULL,
  -- fen per bed-day of a 特困 resident, on top (not multiplied by the grade factor)
  "tekunFen"       integer NOT NULL,
  -- grade factors in basis points (10000 = 1.0): 1★..5★ and ungraded
  "grade1Bps"      integer NOT NULL,
  "grade2Bps"      integer NOT NULL,
  "grade3Bps"      integer NOT NULL,
  "grade4Bps"      integer NOT NULL,
  "grade5Bps"      integer NOT NULL,
  "ungradedBps"    integer NOT NULL,
  note             text,
  "createdById"    uuid REFERENCES app_user(id),
  "createdAt"      timestamptz(3) NOT NULL DEFAULT now()
);

CREATE FUNCTION operating_subsidy_rate_valid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'operating subsidy rates are versioned, never changed (violates rule "operating_subsidy_rate_append_only")'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_rate_append_only';
  END IF;
  IF NEW."effectiveMonth" <> date_trunc('month', NEW."effectiveMonth")::date
     OR least(NEW."intactFen", NEW."mildFen", NEW."moderateFen", NEW."severeFen", NEW."completeFen", NEW."unassessedFen", NEW."tekunFen") < 0
     OR greatest(NEW."intactFen", NEW."mildFen", NEW."moderateFen", NEW."severeFen", NEW."completeFen", NEW."unassessedFen", NEW."tekunFen") > 100000
     OR least(NEW."grade1Bps", NEW."grade2Bps", NEW."grade3Bps", NEW."grade4Bps", NEW."grade5Bps", NEW."ungradedBps") < 0
     OR greatest(NEW."grade1Bps", NEW."grade2Bps", NEW."grade3Bps", NEW."grade4Bps", NEW."grade5Bps", NEW."ungradedBps") > 50000 THEN
    RAISE EXCEPTION 'operating subsidy rate %: a month''s first day, rates 0..100000 fen, factors 0..50000 bps (violates rule "operating_subsidy_rate_valid")', NEW."effectiveMonth"
      USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_rate_valid';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER operating_subsidy_rate_valid BEFORE INSERT OR UPDATE OR DELETE ON operating_subsidy_rate
  FOR EACH ROW EXECUTE FUNCTION operating_subsidy_rate_valid();

-- The defaults of the bureau's rules (domain.md): ¥2 intact or mild, ¥4 moderate, ¥6 severe or
-- complete, ¥2 without an assessment in force; ×0.6 / 0.8 / 1.0 / 1.1 / 1.2 by grade, ungraded as 1★;
-- ¥3 a bed-day for a 特困 resident.
INSERT INTO operating_subsidy_rate ("effectiveMonth", "intactFen", "mildFen", "moderateFen", "severeFen", "completeFen", "unassessedFen", "tekunFen",
  "grade1Bps", "grade2Bps", "grade3Bps", "grade4Bps", "grade5Bps", "ungradedBps", note)
VALUES ('2016-01-01', 200, 200, 400, 600, 600, 200, 300, 6000, 8000, 10000, 11000, 12000, 6000, 'default');

CREATE TYPE "OperatingSubsidyStatus" AS ENUM ('computed', 'reviewed', 'approved');

CREATE TABLE operating_subsidy_statement (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  "providerId"       uuid NOT NULL REFERENCES provider(id),
  "districtId"       text NOT NULL REFERENCES district(id),
  month              date NOT NULL,
  "rateMonth"        date NOT NULL REFERENCES operating_subsidy_rate("effectiveMonth"),
  grade              smallint,
  "gradeFactorBps"   integer NOT NULL,
  -- filled once by the computation's last statement (NULL only inside it)
  "bedDays"          integer,
  "tekunBedDays"     integer,
  "levelFen"         bigint,
  "supplementFen"    bigint,
  "totalFen"         bigint,
  status             "OperatingSubsidyStatus" NOT NULL DEFAULT 'computed',
  "computedAt"       timestamptz(3) NOT NULL DEFAULT now(),
  "reviewedById"     uuid REFERENCES app_user(id),
  "reviewedAt"       timestamptz(3),
  "reviewNote"       text,
  "approvedById"     uuid REFERENCES app_user(id),
  "approvedAt"       timestamptz(3),
  "approvalNote"     text,
  CONSTRAINT operating_subsidy_statement_once UNIQUE ("providerId", month)
);
CREATE INDEX operating_subsidy_statement_month_idx ON operating_subsidy_statement (month, "districtId");

-- The bed-days the computation used, as segments of consecutive days of one admission with the same
-- level and 特困 status: [fromDay, toDay] inclusive, inside the month.
CREATE TABLE operating_subsidy_bed_day (
  "statementId" uuid NOT NULL REFERENCES operating_subsidy_statement(id),
  "admissionId" uuid NOT NULL REFERENCES admission(id),
  "elderId"     uuid NOT NULL REFERENCES elder(id),
  "bedId"       uuid NOT NULL,
  level         text NOT NULL,
  tekun         boolean NOT NULL,
  "fromDay"     date NOT NULL,
  "toDay"       date NOT NULL,
  days          integer NOT NULL,
  PRIMARY KEY ("statementId", "admissionId", "fromDay")
);

-- One line per resident, level and 特困 status: what the institution reads.
CREATE TABLE operating_subsidy_line (
  "statementId"   uuid NOT NULL REFERENCES operating_subsidy_statement(id),
  "elderId"       uuid NOT NULL REFERENCES elder(id),
  level           text NOT NULL,
  tekun           boolean NOT NULL,
  days            integer NOT NULL,
  "levelRateFen"  integer NOT NULL,
  "tekunRateFen"  integer NOT NULL,
  "levelFen"      integer NOT NULL,
  "supplementFen" integer NOT NULL,
  "amountFen"     integer NOT NULL,
  PRIMARY KEY ("statementId", "elderId", level, tekun)
);

-- Segments and lines inside the statement's month, append-only.
CREATE FUNCTION operating_subsidy_basis_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE m date; n integer;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    RAISE EXCEPTION 'a computed operating subsidy is frozen (violates rule "operating_subsidy_frozen")'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_frozen';
  END IF;
  SELECT month INTO m FROM operating_subsidy_statement WHERE id = NEW."statementId";
  n := ((m + interval '1 month')::date - m);
  IF TG_TABLE_NAME = 'operating_subsidy_bed_day' THEN
    IF NEW."fromDay" < m OR NEW."toDay" >= (m + interval '1 month')::date OR NEW."toDay" < NEW."fromDay" OR NEW.days <> NEW."toDay" - NEW."fromDay" + 1 THEN
      RAISE EXCEPTION 'bed-days % .. % outside the month % (violates rule "operating_subsidy_days_in_month")', NEW."fromDay", NEW."toDay", m
        USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_days_in_month';
    END IF;
  ELSIF NEW.days < 1 OR NEW.days > n OR NEW."amountFen" <> NEW."levelFen" + NEW."supplementFen" OR NEW."amountFen" < 0 THEN
    RAISE EXCEPTION 'line of % days outside the month % or amounts not adding up (violates rule "operating_subsidy_days_in_month")', NEW.days, m
      USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_days_in_month';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER operating_subsidy_bed_day_frozen BEFORE INSERT OR UPDATE OR DELETE ON operating_subsidy_bed_day
  FOR EACH ROW EXECUTE FUNCTION operating_subsidy_basis_frozen();
CREATE TRIGGER operating_subsidy_line_frozen BEFORE INSERT OR UPDATE OR DELETE ON operating_subsidy_line
  FOR EACH ROW EXECUTE FUNCTION operating_subsidy_basis_frozen();

-- A statement's figures are written once; its status moves computed → reviewed → approved only, and
-- the approver is not the reviewer (nor created by them, nor their creator).
CREATE FUNCTION operating_subsidy_statement_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'a computed operating subsidy is frozen (violates rule "operating_subsidy_frozen")'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_frozen';
  END IF;
  IF NEW."providerId" <> OLD."providerId" OR NEW.month <> OLD.month OR NEW."rateMonth" <> OLD."rateMonth"
     OR NEW.grade IS DISTINCT FROM OLD.grade OR NEW."gradeFactorBps" <> OLD."gradeFactorBps"
     OR (OLD."totalFen" IS NOT NULL AND (NEW."totalFen" IS DISTINCT FROM OLD."totalFen" OR NEW."bedDays" IS DISTINCT FROM OLD."bedDays"
         OR NEW."tekunBedDays" IS DISTINCT FROM OLD."tekunBedDays" OR NEW."levelFen" IS DISTINCT FROM OLD."levelFen" OR NEW."supplementFen" IS DISTINCT FROM OLD."supplementFen")) THEN
    RAISE EXCEPTION 'a computed operating subsidy is frozen (violates rule "operating_subsidy_frozen")'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_frozen';
  END IF;
  IF NEW.status <> OLD.status AND NOT ((OLD.status = 'computed' AND NEW.status = 'reviewed' AND NEW."reviewedById" IS NOT NULL AND OLD."totalFen" IS NOT NULL)
      OR (OLD.status = 'reviewed' AND NEW.status = 'approved' AND NEW."approvedById" IS NOT NULL)) THEN
    RAISE EXCEPTION 'operating subsidy %: % → % is not a step (violates rule "operating_subsidy_status_step")', NEW.id, OLD.status, NEW.status
      USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_status_step';
  END IF;
  IF NEW."approvedById" IS NOT NULL AND OLD."approvedById" IS NULL AND (NEW."approvedById" = NEW."reviewedById" OR EXISTS (
      SELECT 1 FROM app_user u WHERE (u.id = NEW."approvedById" AND u."createdById" = NEW."reviewedById") OR (u.id = NEW."reviewedById" AND u."createdById" = NEW."approvedById"))) THEN
    RAISE EXCEPTION 'operating subsidy %: the approver reviewed it or is related to the reviewer (violates rule "operating_subsidy_two_person")', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_two_person';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER operating_subsidy_statement_guard BEFORE UPDATE OR DELETE ON operating_subsidy_statement
  FOR EACH ROW EXECUTE FUNCTION operating_subsidy_statement_guard();
