-- Settlement: claimed amounts are positive; a claim's total always equals its lines (kept by a
-- statement-level trigger), and lines of an approved or rejected claim cannot change.
ALTER TABLE "subsidy_claim_line" ADD CONSTRAINT "subsidy_claim_line_amount_positive" CHECK ("amountFen" > 0);
ALTER TABLE "subsidy_claim" ADD CONSTRAINT "subsidy_claim_totals_nonnegative" CHECK ("totalFen" >= 0 AND "lineCount" >= 0);

CREATE FUNCTION subsidy_claim_lines_total() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM new_lines n JOIN subsidy_claim c ON c.id = n."claimId" WHERE c.status <> 'submitted') THEN
    RAISE EXCEPTION 'subsidy claim: lines can only be added to a submitted claim' USING ERRCODE = '23514';
  END IF;
  UPDATE subsidy_claim c SET "totalFen" = c."totalFen" + s.total, "lineCount" = c."lineCount" + s.n
  FROM (SELECT "claimId", sum("amountFen") AS total, count(*) AS n FROM new_lines GROUP BY "claimId") s
  WHERE c.id = s."claimId";
  RETURN NULL;
END $$;
CREATE TRIGGER subsidy_claim_lines_total AFTER INSERT ON "subsidy_claim_line"
  REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION subsidy_claim_lines_total();

CREATE FUNCTION subsidy_claim_line_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'subsidy claim lines are append-only' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER subsidy_claim_line_frozen BEFORE UPDATE OR DELETE ON "subsidy_claim_line"
  FOR EACH ROW EXECUTE FUNCTION subsidy_claim_line_frozen();
