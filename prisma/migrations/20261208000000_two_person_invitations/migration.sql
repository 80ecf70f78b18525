-- Two-person control counts whoever issued an invitation for an account (a reset of its sign-in is
-- one: accounts.server.ts, reinviteStaff) like its creator: the holder of the link decides who the
-- account is given to. Same rule as app/modules/auth/two-person.server.ts.
CREATE OR REPLACE FUNCTION allowance_run_two_person() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	maker UUID := COALESCE(NEW."startedById", NEW."submittedById");
BEGIN
	IF NEW."approvedById" IS NOT NULL AND OLD."approvedById" IS NULL THEN
		IF maker IS NULL THEN
			RAISE EXCEPTION 'allowance run %: a run the scheduler started must be submitted before approval (violates rule "allowance_run_submitted_before_approval")', NEW.id
				USING ERRCODE = 'check_violation', CONSTRAINT = 'allowance_run_submitted_before_approval';
		END IF;
		IF NEW."approvedById" = maker OR EXISTS (
			SELECT 1 FROM (
				SELECT u.id AS user_id, u."createdById" AS issuer_id FROM app_user u WHERE u.id IN (NEW."approvedById", maker)
				UNION ALL
				SELECT i."userId", i."createdById" FROM user_invitation i WHERE i."userId" IN (NEW."approvedById", maker)
			) issued
			WHERE (user_id = NEW."approvedById" AND issuer_id = maker) OR (user_id = maker AND issuer_id = NEW."approvedById")
		) THEN
			RAISE EXCEPTION 'allowance run %: the approver is the maker or created by or the creator of the maker (violates rule "allowance_run_two_person")', NEW.id
				USING ERRCODE = 'check_violation', CONSTRAINT = 'allowance_run_two_person';
		END IF;
	END IF;
	RETURN NEW;
END $$;
