-- Flagged visits rejected after capture give the credit back (reversal); settlement claims can be
-- rejected and a corrected claim prepared, with lines of rejected claims claimable again.

-- AlterEnum
ALTER TYPE "LedgerTxnKind" ADD VALUE 'reversal';

-- A reversal gives back an existing capture of the same grant, for no more than was captured.
-- Once per booking: UNIQUE (ref, kind) already holds. (Compared as text: the new enum value
-- cannot be used in the transaction that adds it.)
CREATE FUNCTION ledger_txn_reverses_capture() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM "ledger_txn" c
    WHERE c."kind" = 'capture' AND c."ref" = NEW."ref" AND c."grantId" = NEW."grantId" AND c."amountFen" >= NEW."amountFen"
  ) THEN
    RAISE EXCEPTION 'ledger: reversal of % reverses no matching capture', NEW."ref" USING ERRCODE = '23514', CONSTRAINT = 'ledger_txn_reverses_capture';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_txn_reverses_capture BEFORE INSERT ON "ledger_txn"
  FOR EACH ROW WHEN (NEW."kind"::text = 'reversal') EXECUTE FUNCTION ledger_txn_reverses_capture();

-- One non-rejected claim per provider and month.
DROP INDEX "subsidy_claim_providerId_month_key";
CREATE UNIQUE INDEX "subsidy_claim_provider_month_open" ON "subsidy_claim" ("providerId", "month") WHERE "status" <> 'rejected';
CREATE INDEX "subsidy_claim_providerId_month_idx" ON "subsidy_claim"("providerId", "month");

-- A visit (and its booking) is in at most one active line, i.e. one non-rejected claim.
DROP INDEX "subsidy_claim_line_bookingId_key";
DROP INDEX "subsidy_claim_line_visitId_key";
ALTER TABLE "subsidy_claim_line" ADD COLUMN "active" BOOLEAN NOT NULL DEFAULT true;
CREATE UNIQUE INDEX "subsidy_claim_line_booking_active" ON "subsidy_claim_line" ("bookingId") WHERE "active";
CREATE UNIQUE INDEX "subsidy_claim_line_visit_active" ON "subsidy_claim_line" ("visitId") WHERE "active";
CREATE INDEX "subsidy_claim_line_bookingId_idx" ON "subsidy_claim_line"("bookingId");
CREATE INDEX "subsidy_claim_line_visitId_idx" ON "subsidy_claim_line"("visitId");

-- A claim is rejected only from 'submitted', and never leaves 'rejected' or 'approved'.
CREATE FUNCTION subsidy_claim_status_flow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."status" <> NEW."status" AND OLD."status" <> 'submitted' THEN
    RAISE EXCEPTION 'subsidy claim: % cannot become %', OLD."status", NEW."status" USING ERRCODE = '23514';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER subsidy_claim_status_flow BEFORE UPDATE OF "status" ON "subsidy_claim"
  FOR EACH ROW EXECUTE FUNCTION subsidy_claim_status_flow();

-- Rejecting a claim deactivates its lines in the same statement, so the two never disagree.
CREATE FUNCTION subsidy_claim_rejected_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "subsidy_claim_line" SET "active" = false WHERE "claimId" = NEW."id" AND "active";
  RETURN NULL;
END $$;
CREATE TRIGGER subsidy_claim_rejected_lines AFTER UPDATE OF "status" ON "subsidy_claim"
  FOR EACH ROW WHEN (NEW."status" = 'rejected' AND OLD."status" <> 'rejected') EXECUTE FUNCTION subsidy_claim_rejected_lines();

-- Lines stay append-only, except that a rejected claim's lines turn inactive (nothing else changes).
CREATE OR REPLACE FUNCTION subsidy_claim_line_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD."active" AND NOT NEW."active"
     AND (NEW."id", NEW."claimId", NEW."bookingId", NEW."visitId", NEW."elderId", NEW."category", NEW."amountFen", NEW."serviceDate")
       IS NOT DISTINCT FROM (OLD."id", OLD."claimId", OLD."bookingId", OLD."visitId", OLD."elderId", OLD."category", OLD."amountFen", OLD."serviceDate")
     AND EXISTS (SELECT 1 FROM "subsidy_claim" c WHERE c."id" = NEW."claimId" AND c."status" = 'rejected') THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'subsidy claim lines are append-only' USING ERRCODE = '42501';
END $$;
