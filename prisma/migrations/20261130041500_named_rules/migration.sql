-- Every trigger that refuses a write raises with a rule name (USING CONSTRAINT, and 'violates rule "x"'
-- in the message, which is all Prisma's driver adapter keeps), so app/lib/db-rules.server.ts can
-- turn it into a user message; tests/integration/db-rules.test.ts fails on a rule it does not know.
-- Messages keep their old wording, which tests and logs match on.

CREATE OR REPLACE FUNCTION marketplace_violation(message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'row violates rule "%"', message USING ERRCODE = 'check_violation', CONSTRAINT = message;
END $$;

CREATE OR REPLACE FUNCTION money_row_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."amountFen" <= 0 THEN
    IF TG_TABLE_NAME = 'payment' THEN PERFORM marketplace_violation('payment_amount_positive');
    ELSE PERFORM marketplace_violation('refund_amount_positive'); END IF;
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (violates rule "audit_log_append_only")' USING CONSTRAINT = 'audit_log_append_only';
END $$;

CREATE OR REPLACE FUNCTION bed_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'bed_event is append-only (violates rule "bed_event_append_only")' USING CONSTRAINT = 'bed_event_append_only';
END $$;

CREATE OR REPLACE FUNCTION allowance_run_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	-- Maker/checker: the officer who started a run never approves it.
	IF NEW."approvedById" IS NOT NULL AND NEW."startedById" IS NOT NULL AND NEW."approvedById" = NEW."startedById" THEN
		RAISE EXCEPTION 'allowance run %: the maker cannot approve it (violates rule "allowance_run_maker_not_checker")', NEW.id
			USING ERRCODE = 'check_violation', CONSTRAINT = 'allowance_run_maker_not_checker';
	END IF;
	IF NEW.month !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' THEN
		RAISE EXCEPTION 'allowance run %: bad month % (violates rule "allowance_run_month_format")', NEW.id, NEW.month
			USING ERRCODE = 'check_violation', CONSTRAINT = 'allowance_run_month_format';
	END IF;
	IF NEW."chunksDone" < 0 OR NEW."chunksDone" > NEW."chunkCount" THEN
		RAISE EXCEPTION 'allowance run %: % of % chunks done (violates rule "allowance_run_chunks_within_count")', NEW.id, NEW."chunksDone", NEW."chunkCount"
			USING ERRCODE = 'check_violation', CONSTRAINT = 'allowance_run_chunks_within_count';
	END IF;
	RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION allowance_setting_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW."effectiveMonth" !~ '^[0-9]{4}-(0[1-9]|1[0-2])$' OR NEW."tier80Fen" <= 0 OR NEW."tier90Fen" <= 0 OR NEW."tier100Fen" <= 0
	   OR NEW."livenessWindowMonths" NOT BETWEEN 1 AND 120 THEN
		RAISE EXCEPTION 'allowance setting %: invalid values (violates rule "allowance_setting_valid")', NEW."effectiveMonth"
			USING ERRCODE = 'check_violation', CONSTRAINT = 'allowance_setting_valid';
	END IF;
	RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION subsidy_claim_lines_total() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_lines n JOIN subsidy_claim c ON c.id = n."claimId" WHERE c.status <> 'submitted') THEN
    RAISE EXCEPTION 'subsidy claim: lines can only be added to a submitted claim (violates rule "subsidy_claim_lines_to_submitted")'
      USING ERRCODE = '23514', CONSTRAINT = 'subsidy_claim_lines_to_submitted';
  END IF;
  UPDATE subsidy_claim c SET "totalFen" = c."totalFen" + s.total, "lineCount" = c."lineCount" + s.n
  FROM (SELECT "claimId", sum("amountFen") AS total, count(*) AS n FROM new_lines GROUP BY "claimId") s
  WHERE c.id = s."claimId";
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION subsidy_claim_status_flow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status" <> NEW."status" AND OLD."status" <> 'submitted' THEN
    RAISE EXCEPTION 'subsidy claim: % cannot become % (violates rule "subsidy_claim_status_flow")', OLD."status", NEW."status"
      USING ERRCODE = '23514', CONSTRAINT = 'subsidy_claim_status_flow';
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION subsidy_claim_line_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD."active" AND NOT NEW."active"
     AND (NEW."id", NEW."claimId", NEW."bookingId", NEW."visitId", NEW."elderId", NEW."category", NEW."amountFen", NEW."serviceDate")
       IS NOT DISTINCT FROM (OLD."id", OLD."claimId", OLD."bookingId", OLD."visitId", OLD."elderId", OLD."category", OLD."amountFen", OLD."serviceDate")
     AND EXISTS (SELECT 1 FROM "subsidy_claim" c WHERE c."id" = NEW."claimId" AND c."status" = 'rejected') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'subsidy claim lines are append-only (violates rule "subsidy_claim_line_append_only")'
    USING ERRCODE = '42501', CONSTRAINT = 'subsidy_claim_line_append_only';
END $$;

CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger: % on % is not allowed (append-only, violates rule "ledger_append_only")', TG_OP, TG_TABLE_NAME
    USING ERRCODE = '42501', CONSTRAINT = 'ledger_append_only';
END $$;
