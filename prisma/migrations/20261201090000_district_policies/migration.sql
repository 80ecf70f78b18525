-- District (county) policies and top-ups within the city's limits (issue 15 item 4).
-- A policy with an owner district is that district's own: its versions name only that district, its
-- budget is that district's, and its monthly credit and yearly budget stay within the limits the city
-- set for the district. A top-up adds credit for elders who hold a grant of a city policy.

ALTER TABLE subsidy_policy
	ADD COLUMN "ownerDistrictId" text REFERENCES district(id),
	ADD COLUMN "topUpOfPolicyId" uuid REFERENCES subsidy_policy(id);

ALTER TABLE subsidy_policy ADD CONSTRAINT subsidy_policy_top_up_is_district CHECK ("topUpOfPolicyId" IS NULL OR "ownerDistrictId" IS NOT NULL);
ALTER TABLE subsidy_policy ADD CONSTRAINT subsidy_policy_top_up_not_self CHECK ("topUpOfPolicyId" IS NULL OR "topUpOfPolicyId" <> id);
CREATE INDEX subsidy_policy_owner_idx ON subsidy_policy ("ownerDistrictId");

CREATE TABLE subsidy_district_limit (
	"districtId" text PRIMARY KEY REFERENCES district(id),
	"maxMonthlyCreditFen" integer NOT NULL,
	"maxYearBudgetFen" bigint NOT NULL,
	"updatedById" uuid,
	"updatedAt" timestamptz(3) NOT NULL DEFAULT now(),
	CONSTRAINT subsidy_district_limit_nonnegative CHECK ("maxMonthlyCreditFen" >= 0 AND "maxYearBudgetFen" >= 0)
);

-- The database keeps a district policy inside its district and inside the city's limits, whichever
-- path writes the version or the budget.
CREATE FUNCTION subsidy_district_policy_version_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	owner text;
	cap integer;
BEGIN
	SELECT "ownerDistrictId" INTO owner FROM subsidy_policy WHERE id = NEW."policyId";
	IF owner IS NULL THEN RETURN NEW; END IF;
	IF NEW."districtIds" IS DISTINCT FROM ARRAY[owner] THEN
		RAISE EXCEPTION 'a district policy applies in its own district only (violates rule "subsidy_district_policy_own_district")' USING ERRCODE = '23514', CONSTRAINT = 'subsidy_district_policy_own_district';
	END IF;
	SELECT "maxMonthlyCreditFen" INTO cap FROM subsidy_district_limit WHERE "districtId" = owner;
	IF cap IS NULL OR NEW."monthlyCreditFen" > cap THEN
		RAISE EXCEPTION 'monthly credit above the city''s limit for the district (violates rule "subsidy_district_policy_credit_limit")' USING ERRCODE = '23514', CONSTRAINT = 'subsidy_district_policy_credit_limit';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER subsidy_district_policy_version_check BEFORE INSERT ON subsidy_policy_version FOR EACH ROW EXECUTE FUNCTION subsidy_district_policy_version_check();

CREATE FUNCTION subsidy_district_budget_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	owner text;
	cap bigint;
	total bigint;
BEGIN
	SELECT "ownerDistrictId" INTO owner FROM subsidy_policy WHERE id = NEW."policyId";
	IF owner IS NULL THEN RETURN NEW; END IF;
	IF NEW."districtId" <> owner THEN
		RAISE EXCEPTION 'a district policy is funded by its own district (violates rule "subsidy_district_policy_own_budget")' USING ERRCODE = '23514', CONSTRAINT = 'subsidy_district_policy_own_budget';
	END IF;
	-- Serialise budget writes of one district, then compare the sum of its policies' budgets for the year.
	PERFORM pg_advisory_xact_lock(hashtext('subsidy_district_budget:' || owner));
	SELECT "maxYearBudgetFen" INTO cap FROM subsidy_district_limit WHERE "districtId" = owner;
	SELECT coalesce(sum(b."amountFen"), 0) INTO total FROM subsidy_budget b JOIN subsidy_policy p ON p.id = b."policyId"
		WHERE p."ownerDistrictId" = owner AND b.year = NEW.year AND b."policyId" <> NEW."policyId";
	IF cap IS NULL OR total + NEW."amountFen" > cap THEN
		RAISE EXCEPTION 'district budgets above the city''s limit (violates rule "subsidy_district_budget_limit")' USING ERRCODE = '23514', CONSTRAINT = 'subsidy_district_budget_limit';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER subsidy_district_budget_check BEFORE INSERT OR UPDATE OF "amountFen" ON subsidy_budget FOR EACH ROW EXECUTE FUNCTION subsidy_district_budget_check();
