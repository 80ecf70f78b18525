-- A month's export writes ~110,000 lines and marks as many payments sent in one statement. Measured
-- at 1,000,000 elders (EXPLAIN ANALYZE, docs/allowance.md "Benchmark: disbursement"):
--   * marking the payments sent was never a HOT update (pages filled to 100% by the run's insert):
--     every row went into all three indexes again, 4.3 s under load. With half of each page left
--     free, every one of them is HOT (0.57 s); the second update (paid) reuses the first's space
--     once that is pruned. New pages only: existing months keep their pages until rewritten.
--   * the per-statement reference check probed the payment index once per line twice (a lock pass
--     and an existence pass) and hashed the lines' whole rows: 2.2 s. It now makes one hash join of
--     the lines with their runs' payments, locks FOR KEY SHARE only the payments this transaction did
--     not write itself (none, for an export), and checks the files by their distinct ids: 0.43 s.
--     A line must now name a payment of its own run (stronger than before).
ALTER TABLE "allowance_payment" SET (fillfactor = 50);

CREATE OR REPLACE FUNCTION allowance_disbursement_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  missing bigint;
  others uuid[];
  locked bigint;
BEGIN
  SELECT min(n."serial") FILTER (WHERE p."id" IS NULL),
         array_agg(DISTINCT p."id") FILTER (WHERE p."id" IS NOT NULL AND p.x <> pg_current_xact_id()::xid)
    INTO missing, others
    FROM new_lines n
    LEFT JOIN (SELECT p."id", p."runId", p.xmin AS x FROM "allowance_payment" p WHERE p."runId" IN (SELECT DISTINCT "runId" FROM new_lines)) p
      ON p."id" = n."paymentId" AND p."runId" = n."runId";
  IF missing IS NULL AND others IS NOT NULL THEN
    PERFORM 1 FROM "allowance_payment" p WHERE p."id" = ANY (others) ORDER BY p."id" FOR KEY SHARE;
    GET DIAGNOSTICS locked = ROW_COUNT;
    IF locked < cardinality(others) THEN
      SELECT n."serial" INTO missing FROM new_lines n WHERE NOT EXISTS (SELECT 1 FROM "allowance_payment" p WHERE p."id" = n."paymentId") LIMIT 1;
    END IF;
  END IF;
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'allowance: line % names no payment of its run (violates rule "allowance_disbursement_payment_exists")', missing
      USING ERRCODE = '23503', CONSTRAINT = 'allowance_disbursement_payment_exists';
  END IF;
  SELECT min(n."serial") INTO missing FROM (SELECT DISTINCT "fileId" FROM new_lines) f0 JOIN new_lines n ON n."fileId" = f0."fileId"
   WHERE NOT EXISTS (SELECT 1 FROM "allowance_bank_file" f WHERE f."id" = f0."fileId");
  IF missing IS NOT NULL THEN
    RAISE EXCEPTION 'allowance: line % names no bank file (violates rule "allowance_disbursement_file_exists")', missing
      USING ERRCODE = '23503', CONSTRAINT = 'allowance_disbursement_file_exists';
  END IF;
  RETURN NULL;
END $$;
