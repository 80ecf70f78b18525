-- Corrections of an approved operating subsidy statement (补发 / 扣减): a statement is computed once and
-- frozen, so a wrong one (an admission recorded late, a level corrected after an appeal) is put right
-- by an adjustment: proposed by a district officer with the reason, approved or rejected by a city
-- officer who did not propose it and is not related to the proposer by account creation or invitation.
-- Paid with the export of the month it was approved in. app/modules/operating-subsidy/adjustments.server.ts.
CREATE TABLE "operating_subsidy_adjustment" (
	"id" UUID NOT NULL DEFAULT gen_random_uuid(),
	"statementId" UUID NOT NULL,
	"providerId" UUID NOT NULL,
	"districtId" TEXT NOT NULL,
	-- Signed: more (补发) or less (扣减) than the statement paid.
	"amountFen" INTEGER NOT NULL,
	"reason" TEXT NOT NULL,
	"status" TEXT NOT NULL DEFAULT 'proposed',
	"proposedById" UUID NOT NULL,
	"proposedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"decidedById" UUID,
	"decidedAt" TIMESTAMPTZ(3),
	"decisionNote" TEXT,
	CONSTRAINT "operating_subsidy_adjustment_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "operating_subsidy_adjustment_amount" CHECK ("amountFen" <> 0 AND abs("amountFen") <= 100000000),
	CONSTRAINT "operating_subsidy_adjustment_status_valid" CHECK ("status" IN ('proposed', 'approved', 'rejected')),
	CONSTRAINT "operating_subsidy_adjustment_decision_shape" CHECK (("status" = 'proposed') = ("decidedById" IS NULL) AND ("decidedById" IS NULL) = ("decidedAt" IS NULL))
);

ALTER TABLE "operating_subsidy_adjustment" ADD CONSTRAINT "operating_subsidy_adjustment_statementId_fkey" FOREIGN KEY ("statementId") REFERENCES "operating_subsidy_statement"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;
ALTER TABLE "operating_subsidy_adjustment" ADD CONSTRAINT "operating_subsidy_adjustment_proposedById_fkey" FOREIGN KEY ("proposedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;
ALTER TABLE "operating_subsidy_adjustment" ADD CONSTRAINT "operating_subsidy_adjustment_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- One open proposal per statement: decisions on one statement happen one at a time.
CREATE UNIQUE INDEX "operating_subsidy_adjustment_one_open" ON "operating_subsidy_adjustment"("statementId") WHERE "status" = 'proposed';
CREATE INDEX "operating_subsidy_adjustment_statement_idx" ON "operating_subsidy_adjustment"("statementId");
CREATE INDEX "operating_subsidy_adjustment_approved_idx" ON "operating_subsidy_adjustment"("decidedAt") WHERE "status" = 'approved';

CREATE FUNCTION operating_subsidy_adjustment_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
	IF NEW."decidedById" = NEW."proposedById" OR EXISTS (
		SELECT 1 FROM (
			SELECT u.id AS user_id, u."createdById" AS issuer_id FROM app_user u WHERE u.id IN (NEW."decidedById", NEW."proposedById")
			UNION ALL
			SELECT i."userId", i."createdById" FROM user_invitation i WHERE i."userId" IN (NEW."decidedById", NEW."proposedById")
		) issued
		WHERE (user_id = NEW."decidedById" AND issuer_id = NEW."proposedById") OR (user_id = NEW."proposedById" AND issuer_id = NEW."decidedById")
	) THEN
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

CREATE TRIGGER operating_subsidy_adjustment_guard BEFORE INSERT OR UPDATE OR DELETE ON operating_subsidy_adjustment
	FOR EACH ROW EXECUTE FUNCTION operating_subsidy_adjustment_guard();

-- TRUNCATE skips row triggers: refused too.
CREATE FUNCTION operating_subsidy_adjustment_no_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'operating subsidy adjustments are kept (violates rule "operating_subsidy_adjustment_kept")'
		USING ERRCODE = 'check_violation', CONSTRAINT = 'operating_subsidy_adjustment_kept';
END $$;
CREATE TRIGGER operating_subsidy_adjustment_no_truncate BEFORE TRUNCATE ON operating_subsidy_adjustment
	FOR EACH STATEMENT EXECUTE FUNCTION operating_subsidy_adjustment_no_truncate();
