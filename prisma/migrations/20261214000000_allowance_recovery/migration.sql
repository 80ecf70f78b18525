-- Allowance paid for months after the elder's death is money to get back (追回). Each such payment
-- is settled once: recovered (the bank reversed it, or the family repaid it, with the reference of
-- the receipt) or waived (written off, with the reason). Recovering is a record of money that came
-- back, made by an officer of the payment's district or the city; a waiver gives money up, so one
-- officer proposes it and a second city officer approves it (a pending change of kind
-- 'allowance_waiver'), and the database refuses a waiver without two different people.
CREATE TABLE "allowance_recovery" (
	"paymentId" UUID NOT NULL,
	"districtId" TEXT NOT NULL,
	"outcome" TEXT NOT NULL,
	-- recovered: how the money came back
	"method" TEXT,
	-- recovered: the bank's or the receipt's reference
	"reference" TEXT,
	"settledOn" DATE NOT NULL,
	-- waived: why
	"reason" TEXT,
	"recordedById" UUID NOT NULL,
	"approvedById" UUID,
	"createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "allowance_recovery_pkey" PRIMARY KEY ("paymentId"),
	CONSTRAINT "allowance_recovery_outcome_valid" CHECK ("outcome" IN ('recovered', 'waived')),
	CONSTRAINT "allowance_recovery_recovered_how" CHECK ("outcome" <> 'recovered' OR ("method" IN ('bank_reversal', 'repaid') AND "reference" IS NOT NULL AND "approvedById" IS NULL)),
	CONSTRAINT "allowance_recovery_waiver_two_people" CHECK ("outcome" <> 'waived' OR ("method" IS NULL AND "reason" IS NOT NULL AND "approvedById" IS NOT NULL AND "approvedById" <> "recordedById")),
	CONSTRAINT "allowance_recovery_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "allowance_payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
	CONSTRAINT "allowance_recovery_recordedById_fkey" FOREIGN KEY ("recordedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
	CONSTRAINT "allowance_recovery_approvedById_fkey" FOREIGN KEY ("approvedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "allowance_recovery_districtId_settledOn_idx" ON "allowance_recovery" ("districtId", "settledOn");

-- A settlement is a record of money: never changed or removed.
CREATE FUNCTION allowance_recovery_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'allowance_recovery is final (violates rule "allowance_recovery_final")' USING CONSTRAINT = 'allowance_recovery_final';
END $$;
CREATE TRIGGER allowance_recovery_final BEFORE UPDATE OR DELETE ON "allowance_recovery" FOR EACH ROW EXECUTE FUNCTION allowance_recovery_kept();
CREATE TRIGGER allowance_recovery_final_truncate BEFORE TRUNCATE ON "allowance_recovery" FOR EACH STATEMENT EXECUTE FUNCTION allowance_recovery_kept();

DO $$
DECLARE kinds text;
BEGIN
	SELECT string_agg(DISTINCT quote_literal(k), ', ') INTO kinds FROM (
		SELECT m[1] AS k FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m WHERE c.conname = 'pending_change_kind_valid'
		UNION SELECT 'allowance_waiver'
	) AS all_kinds;
	ALTER TABLE pending_change DROP CONSTRAINT pending_change_kind_valid;
	EXECUTE format('ALTER TABLE pending_change ADD CONSTRAINT pending_change_kind_valid CHECK (kind IN (%s))', kinds);
END $$;
