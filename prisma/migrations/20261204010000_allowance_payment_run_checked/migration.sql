-- A month's run writes ~110,000 payments in a dozen chunk INSERTs. The foreign key
-- allowance_payment.runId -> allowance_run ran one check per row (an SPI query locking the run's row
-- FOR KEY SHARE): 565 ms of a 1.3-1.5 s insert of 30,000 rows (EXPLAIN ANALYZE; docs/benchmarks.md,
-- "allowance"). The same rule is now checked once per statement, still by PostgreSQL, and what the
-- foreign key also guaranteed is kept by statement triggers:
--   * every inserted payment names an existing run, locked FOR KEY SHARE as a foreign key locks it
--     (a run cannot be deleted while a payment naming it is uncommitted);
--   * a payment never moves to another run;
--   * a run with payments is never deleted, re-keyed or truncated (a rejected run's payments are
--     deleted before the run, as before).
ALTER TABLE "allowance_payment" DROP CONSTRAINT "allowance_payment_runId_fkey";

CREATE FUNCTION allowance_payment_run_exists() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  runs uuid[];
  locked bigint;
BEGIN
  SELECT array_agg(DISTINCT "runId") INTO runs FROM new_payments;
  IF runs IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM 1 FROM "allowance_run" r WHERE r."id" = ANY (runs) ORDER BY r."id" FOR KEY SHARE;
  GET DIAGNOSTICS locked = ROW_COUNT;
  IF locked < cardinality(runs) THEN
    RAISE EXCEPTION 'allowance: a payment names no run (violates rule "allowance_payment_run_exists")'
      USING ERRCODE = '23503', CONSTRAINT = 'allowance_payment_run_exists';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "allowance_payment_run_exists" AFTER INSERT ON "allowance_payment"
  REFERENCING NEW TABLE AS new_payments FOR EACH STATEMENT EXECUTE FUNCTION allowance_payment_run_exists();

CREATE FUNCTION allowance_payment_run_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'allowance: a payment stays in its run (violates rule "allowance_payment_run_kept")'
    USING ERRCODE = '42501', CONSTRAINT = 'allowance_payment_run_kept';
END $$;
CREATE TRIGGER "allowance_payment_run_kept" BEFORE UPDATE OF "runId" ON "allowance_payment"
  FOR EACH STATEMENT EXECUTE FUNCTION allowance_payment_run_kept();

CREATE FUNCTION allowance_run_kept_with_payments() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kept uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN
    SELECT o."id" INTO kept FROM old_runs o WHERE EXISTS (SELECT 1 FROM "allowance_payment" p WHERE p."runId" = o."id") LIMIT 1;
    IF kept IS NULL THEN
      RETURN NULL;
    END IF;
  ELSIF TG_OP = 'TRUNCATE' AND NOT EXISTS (SELECT 1 FROM "allowance_payment") THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'allowance: % of a run with payments is not allowed (violates rule "allowance_run_kept_with_payments")', TG_OP
    USING ERRCODE = '23503', CONSTRAINT = 'allowance_run_kept_with_payments';
END $$;
CREATE TRIGGER "allowance_run_kept_with_payments" AFTER DELETE ON "allowance_run"
  REFERENCING OLD TABLE AS old_runs FOR EACH STATEMENT EXECUTE FUNCTION allowance_run_kept_with_payments();
CREATE TRIGGER "allowance_run_key_kept" BEFORE UPDATE OF "id" OR TRUNCATE ON "allowance_run"
  FOR EACH STATEMENT EXECUTE FUNCTION allowance_run_kept_with_payments();
