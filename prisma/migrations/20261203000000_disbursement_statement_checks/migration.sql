-- A month's bank file inserts ~110,000 lines in one statement. Each line's two foreign keys ran a
-- row-by-row check (an SPI query locking the referenced row FOR KEY SHARE): 5.7 s (payment) and
-- 3.4 s (file) of a 37 s export (EXPLAIN ANALYZE, docs/allowance.md "Benchmark: disbursement").
-- The same rules are now checked once per statement over its transition table, still by PostgreSQL.

ALTER TABLE "allowance_disbursement" DROP CONSTRAINT "allowance_disbursement_paymentId_fkey";
ALTER TABLE "allowance_disbursement" DROP CONSTRAINT "allowance_disbursement_fileId_fkey";

-- After each INSERT statement on allowance_disbursement: every line names an existing payment and an
-- existing file. The payments are locked FOR KEY SHARE, as a foreign key locks them, in one order
-- (their ids), so a payment cannot be deleted while a line naming it is uncommitted. A payment this
-- transaction wrote itself (the export marks every payment it files as sent in the same statement)
-- is skipped: its row version is this transaction's own, so any delete already waits for it, and
-- locking 110,000 freshly updated rows again cost 2 s of a month's export.
CREATE FUNCTION allowance_disbursement_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing bigint;
BEGIN
  PERFORM 1 FROM "allowance_payment" p
   WHERE p."id" IN (SELECT "paymentId" FROM new_lines) AND p.xmin <> pg_current_xact_id()::xid
   ORDER BY p."id" FOR KEY SHARE;
  SELECT n."serial" INTO missing FROM new_lines n
   WHERE NOT EXISTS (SELECT 1 FROM "allowance_payment" p WHERE p."id" = n."paymentId") LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'allowance: line % names no payment (violates rule "allowance_disbursement_payment_exists")', missing
      USING ERRCODE = '23503', CONSTRAINT = 'allowance_disbursement_payment_exists';
  END IF;
  SELECT n."serial" INTO missing FROM new_lines n
   WHERE NOT EXISTS (SELECT 1 FROM "allowance_bank_file" f WHERE f."id" = n."fileId") LIMIT 1;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'allowance: line % names no bank file (violates rule "allowance_disbursement_file_exists")', missing
      USING ERRCODE = '23503', CONSTRAINT = 'allowance_disbursement_file_exists';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "allowance_disbursement_references" AFTER INSERT ON "allowance_disbursement"
  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION allowance_disbursement_references();

-- A payment with a line in a bank file is kept: never deleted or re-keyed (a rejected run's payments,
-- which never went into a file, are still deleted for its recomputation). The two partial indexes
-- of lines by payment cover every status between them.
CREATE FUNCTION allowance_payment_kept_with_lines() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  kept uuid;
BEGIN
  SELECT o."id" INTO kept FROM old_payments o
   WHERE EXISTS (SELECT 1 FROM "allowance_disbursement" d WHERE d."paymentId" = o."id" AND d."status" IN ('sent', 'paid'))
      OR EXISTS (SELECT 1 FROM "allowance_disbursement" d WHERE d."paymentId" = o."id" AND d."status" = 'returned')
   LIMIT 1;
  IF kept IS NOT NULL THEN
    RAISE EXCEPTION 'allowance: payment % has lines in a bank file (violates rule "allowance_payment_kept_with_lines")', kept
      USING ERRCODE = '23503', CONSTRAINT = 'allowance_payment_kept_with_lines';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "allowance_payment_kept_with_lines" AFTER DELETE ON "allowance_payment"
  REFERENCING OLD TABLE AS old_payments FOR EACH STATEMENT EXECUTE FUNCTION allowance_payment_kept_with_lines();

-- Keys, files and lines are never changed away underneath a line; no table of them is truncated
-- while lines exist.
CREATE FUNCTION allowance_bank_file_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' AND TG_TABLE_NAME = 'allowance_payment' AND NOT EXISTS (SELECT 1 FROM "allowance_disbursement") THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'allowance: % on % is not allowed (bank files and the payments they carry are kept, violates rule "allowance_bank_file_kept")', TG_OP, TG_TABLE_NAME
    USING ERRCODE = '42501', CONSTRAINT = 'allowance_bank_file_kept';
END $$;
CREATE TRIGGER "allowance_bank_file_kept" BEFORE DELETE OR UPDATE OF "id" OR TRUNCATE ON "allowance_bank_file"
  FOR EACH STATEMENT EXECUTE FUNCTION allowance_bank_file_kept();
CREATE TRIGGER "allowance_payment_key_kept" BEFORE UPDATE OF "id" OR TRUNCATE ON "allowance_payment"
  FOR EACH STATEMENT EXECUTE FUNCTION allowance_bank_file_kept();
CREATE TRIGGER "allowance_disbursement_no_truncate" BEFORE TRUNCATE ON "allowance_disbursement"
  FOR EACH STATEMENT EXECUTE FUNCTION allowance_bank_file_kept();
