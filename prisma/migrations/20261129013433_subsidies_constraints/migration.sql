-- Subsidies: rules Prisma's schema cannot express. The database, not application code, keeps the
-- ledger balanced and non-negative, and keeps one open application and one active grant per elder
-- and policy.

ALTER TABLE "subsidy_policy_version"
  ADD CONSTRAINT "subsidy_policy_version_credit_positive" CHECK ("monthlyCreditFen" > 0),
  ADD CONSTRAINT "subsidy_policy_version_copay_range" CHECK ("copayBps" BETWEEN 0 AND 10000),
  ADD CONSTRAINT "subsidy_policy_version_min_age" CHECK ("minAge" BETWEEN 60 AND 120),
  ADD CONSTRAINT "subsidy_policy_version_period" CHECK ("validUntil" IS NULL OR "validUntil" >= "effectiveFrom"),
  ADD CONSTRAINT "subsidy_policy_version_covers_something" CHECK (cardinality("coveredCategories") > 0);

ALTER TABLE "subsidy_policy_exclusion"
  ADD CONSTRAINT "subsidy_policy_exclusion_not_self" CHECK ("policyId" <> "excludedPolicyId");

ALTER TABLE "subsidy_budget"
  ADD CONSTRAINT "subsidy_budget_amount_nonnegative" CHECK ("amountFen" >= 0),
  ADD CONSTRAINT "subsidy_budget_committed_nonnegative" CHECK ("committedFen" >= 0);

ALTER TABLE "subsidy_application"
  ADD CONSTRAINT "subsidy_application_household" CHECK ("householdSize" BETWEEN 1 AND 30 AND "householdIncomeFen" >= 0),
  -- An override beyond budget always carries its reason.
  ADD CONSTRAINT "subsidy_application_override_reason" CHECK (NOT "budgetOverride" OR length(coalesce("overrideReason", '')) > 0);

-- One application in progress per elder and policy.
CREATE UNIQUE INDEX "subsidy_application_one_open" ON "subsidy_application" ("elderId", "policyId")
  WHERE "status" IN ('submitted', 'community_approved');

-- One active grant per elder and policy.
CREATE UNIQUE INDEX "subsidy_grant_one_active" ON "subsidy_grant" ("elderId", "policyId") WHERE "status" = 'active';

-- Elder balances never go below zero; the bureau's issuing account is the (negative) source.
ALTER TABLE "ledger_account"
  ADD CONSTRAINT "ledger_account_balance_nonnegative" CHECK ("kind" = 'bureau_issued' OR "balanceFen" >= 0),
  ADD CONSTRAINT "ledger_account_owner" CHECK (
    CASE WHEN "kind" IN ('elder_available', 'elder_held') THEN "grantId" IS NOT NULL
         ELSE "grantId" IS NULL AND "policyId" IS NOT NULL AND "districtId" IS NOT NULL END);

ALTER TABLE "ledger_txn"
  ADD CONSTRAINT "ledger_txn_amount_positive" CHECK ("amountFen" > 0),
  ADD CONSTRAINT "ledger_txn_keys" CHECK (
    CASE WHEN "kind" IN ('grant', 'expiry') THEN "month" IS NOT NULL AND "ref" IS NULL
         ELSE "ref" IS NOT NULL AND "month" IS NULL END);

-- A hold ends once: captured or released, never both.
CREATE UNIQUE INDEX "ledger_txn_hold_settled_once" ON "ledger_txn" ("ref") WHERE "kind" IN ('capture', 'release');

-- A capture or release settles an existing hold of the same grant, for no more than was held.
CREATE FUNCTION ledger_txn_settles_hold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM "ledger_txn" h
    WHERE h."kind" = 'hold' AND h."ref" = NEW."ref" AND h."grantId" = NEW."grantId" AND h."amountFen" >= NEW."amountFen"
  ) THEN
    RAISE EXCEPTION 'ledger: % of % settles no matching hold', NEW."kind", NEW."ref" USING ERRCODE = '23514', CONSTRAINT = 'ledger_txn_settles_hold';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_txn_settles_hold BEFORE INSERT ON "ledger_txn"
  FOR EACH ROW WHEN (NEW."kind" IN ('capture', 'release')) EXECUTE FUNCTION ledger_txn_settles_hold();

-- Entries are set-based: after each INSERT statement the balances move by the inserted amounts
-- (one UPDATE per statement, however many rows), and every transaction touched must balance within
-- the statement, so the sum of any transaction's entries is always zero.
CREATE FUNCTION ledger_apply_entries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  bad uuid;
BEGIN
  SELECT "txnId" INTO bad FROM new_entries GROUP BY "txnId" HAVING sum("amountFen") <> 0 LIMIT 1;
  IF bad IS NOT NULL THEN
    RAISE EXCEPTION 'ledger: entries of transaction % do not sum to zero', bad USING ERRCODE = '23514', CONSTRAINT = 'ledger_txn_balanced';
  END IF;
  UPDATE "ledger_account" a SET "balanceFen" = a."balanceFen" + s.delta
  FROM (SELECT "accountId", sum("amountFen") AS delta FROM new_entries GROUP BY "accountId") s
  WHERE a."id" = s."accountId";
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_apply_entries AFTER INSERT ON "ledger_entry"
  REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_apply_entries();

-- The ledger is append-only, and a balance changes only through entries.
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger: % on % is not allowed (append-only)', TG_OP, TG_TABLE_NAME USING ERRCODE = '42501';
END $$;
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON "ledger_entry"
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_txn_append_only BEFORE UPDATE OR DELETE ON "ledger_txn"
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER ledger_balance_only_from_entries BEFORE UPDATE OF "balanceFen" ON "ledger_account"
  FOR EACH ROW WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION ledger_append_only();
