-- Two-person control in the database, one rule for every trigger that enforces it: two accounts are
-- related when either created the other or issued an invitation for it (a reset of its sign-in is
-- one). The same rule as app/modules/auth/two-person.server.ts. The allowance run and the operating
-- subsidy adjustment had it written out each; the operating subsidy statement's approval counted the
-- creator only, so whoever had reset the reviewer's sign-in could approve what the reviewer reviewed.
CREATE FUNCTION accounts_issued_one_another(a UUID, b UUID) RETURNS boolean LANGUAGE sql STABLE AS $$
	SELECT EXISTS (
		SELECT 1 FROM (
			SELECT u.id AS user_id, u."createdById" AS issuer_id FROM app_user u WHERE u.id IN (a, b)
			UNION ALL
			SELECT i."userId", i."createdById" FROM user_invitation i WHERE i."userId" IN (a, b)
		) issued
		WHERE (user_id = a AND issuer_id = b) OR (user_id = b AND issuer_id = a)
	)
$$;

CREATE OR REPLACE FUNCTION allowance_run_two_person() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	maker UUID := COALESCE(NEW."startedById", NEW."submittedById");
BEGIN
	IF NEW."approvedById" IS NOT NULL AND OLD."approvedById" IS NULL THEN
		IF maker IS NULL THEN
			RAISE EXCEPTION 'allowance run %: a run the scheduler started must be submitted before approval (violates rule "allowance_run_submitted_before_approval")', NEW.id
				USING ERRCODE = 'check_violation', CONSTRAINT = 'allowance_run_submitted_before_approval';
		END IF;
		IF NEW."approvedById" = maker OR accounts_issued_one_another(NEW."approvedById", maker) THEN
			RAISE EXCEPTION 'allowance run %: the approver is the maker or created by or the creator of the maker (violates rule "allowance_run_two_person")', NEW.id
				USING ERRCODE = 'check_violation', CONSTRAINT = 'allowance_run_two_person';
		END IF;
	END IF;
	RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION operating_subsidy_statement_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
  IF NEW."approvedById" IS NOT NULL AND OLD."approvedById" IS NULL AND (NEW."approvedById" = NEW."reviewedById" OR accounts_issued_one_another(NEW."approvedById", NEW."reviewedById")) THEN
    RAISE EXCEPTION 'operating subsidy %: the approver reviewed it or is related to the reviewer (violates rule "operating_subsidy_two_person")', NEW.id
      USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_two_person';
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION operating_subsidy_adjustment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	statement_total BIGINT;
	approved_sum BIGINT;
BEGIN
	IF TG_OP = 'DELETE' THEN
		RAISE EXCEPTION 'operating subsidy adjustment %: adjustments are kept (violates rule "operating_subsidy_adjustment_kept")', OLD.id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_adjustment_kept';
	END IF;
	IF TG_OP = 'INSERT' THEN
		IF NEW."status" <> 'proposed' OR NOT EXISTS (
			SELECT 1 FROM operating_subsidy_statement s
			WHERE s.id = NEW."statementId" AND s.status = 'approved' AND s."providerId" = NEW."providerId" AND s."districtId" = NEW."districtId"
		) THEN
			RAISE EXCEPTION 'operating subsidy adjustment: only a proposal, of an approved statement, naming its institution and district (violates rule "operating_subsidy_adjustment_of_approved")'
				USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_adjustment_of_approved';
		END IF;
		RETURN NEW;
	END IF;
	-- UPDATE: a proposal is decided once, and nothing else of it changes.
	IF OLD."status" <> 'proposed' OR NEW."status" = 'proposed' OR NEW."statementId" <> OLD."statementId" OR NEW."providerId" <> OLD."providerId"
		OR NEW."districtId" <> OLD."districtId" OR NEW."amountFen" <> OLD."amountFen" OR NEW."reason" <> OLD."reason"
		OR NEW."proposedById" <> OLD."proposedById" OR NEW."proposedAt" <> OLD."proposedAt" THEN
		RAISE EXCEPTION 'operating subsidy adjustment %: decided once, nothing else changes (violates rule "operating_subsidy_adjustment_decided_once")', OLD.id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_adjustment_decided_once';
	END IF;
	-- Two people: the decider did not propose it, and neither made the other's account (or invited it).
	IF NEW."decidedById" = NEW."proposedById" OR accounts_issued_one_another(NEW."decidedById", NEW."proposedById") THEN
		RAISE EXCEPTION 'operating subsidy adjustment %: the decider proposed it or is related to the proposer (violates rule "operating_subsidy_adjustment_two_person")', OLD.id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_adjustment_two_person';
	END IF;
	-- What the institution is paid for the month never goes below zero.
	IF NEW."status" = 'approved' THEN
		SELECT coalesce(s."totalFen", 0) INTO statement_total FROM operating_subsidy_statement s WHERE s.id = NEW."statementId" FOR SHARE;
		SELECT coalesce(sum(a."amountFen"), 0) INTO approved_sum FROM operating_subsidy_adjustment a WHERE a."statementId" = NEW."statementId" AND a.status = 'approved';
		IF statement_total + approved_sum + NEW."amountFen" < 0 THEN
			RAISE EXCEPTION 'operating subsidy adjustment %: the month would be paid less than nothing (violates rule "operating_subsidy_adjustment_not_below_zero")', OLD.id
				USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_adjustment_not_below_zero';
		END IF;
	END IF;
	RETURN NEW;
END $$;
