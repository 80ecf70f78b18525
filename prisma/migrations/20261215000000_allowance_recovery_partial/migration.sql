-- Allowance paid after death comes back in parts (追回): the bank reverses what is left in the
-- elder's 一卡通 account, often less than the month's amount; the family repays the rest, sometimes
-- in instalments; what cannot be got back is written off (waived) by two people. A payment's
-- allowance_recovery rows are therefore many: each a receipt (recovered: amount, method, reference,
-- date, who recorded it) or a waiver of the remainder (reason, proposer and a different approver).
-- The payment is settled when recovered + waived = its amount; the database never lets them exceed it.
--
-- Each existing settlement becomes one receipt or waiver of the payment's full amount. Rows are
-- final (trigger allowance_recovery_final): it is set aside for this one backfill of the new column only.
ALTER TABLE "allowance_recovery" DISABLE TRIGGER "allowance_recovery_final";
ALTER TABLE "allowance_recovery"
	ADD COLUMN "id" UUID NOT NULL DEFAULT gen_random_uuid(),
	-- fen recovered (or written off) by this row; > 0
	ADD COLUMN "amountFen" INTEGER,
	-- recovered: the key the officer's form carried, so a form sent twice records once
	ADD COLUMN "idempotencyKey" TEXT,
	-- waived: the approved pending change (kind 'allowance_waiver') that wrote it
	ADD COLUMN "changeId" UUID;
UPDATE "allowance_recovery" r SET "amountFen" = p."amountFen" FROM "allowance_payment" p WHERE p.id = r."paymentId";
UPDATE "allowance_recovery" r SET "changeId" = c.id FROM "pending_change" c
	WHERE r.outcome = 'waived' AND c.kind = 'allowance_waiver' AND c.status = 'approved' AND c."subjectId" = r."paymentId"::text;
ALTER TABLE "allowance_recovery" ENABLE TRIGGER "allowance_recovery_final";

ALTER TABLE "allowance_recovery"
	ALTER COLUMN "amountFen" SET NOT NULL,
	DROP CONSTRAINT "allowance_recovery_pkey",
	ADD CONSTRAINT "allowance_recovery_pkey" PRIMARY KEY ("id"),
	ADD CONSTRAINT "allowance_recovery_amount_positive" CHECK ("amountFen" > 0),
	ADD CONSTRAINT "allowance_recovery_changeId_fkey" FOREIGN KEY ("changeId") REFERENCES "pending_change"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
CREATE INDEX "allowance_recovery_paymentId_idx" ON "allowance_recovery" ("paymentId");
-- The settled list, newest first (keyset on createdAt, id).
CREATE INDEX "allowance_recovery_createdAt_id_idx" ON "allowance_recovery" ("createdAt", "id");
CREATE UNIQUE INDEX "allowance_recovery_recordedById_idempotencyKey_key" ON "allowance_recovery" ("recordedById", "idempotencyKey");
CREATE UNIQUE INDEX "allowance_recovery_changeId_key" ON "allowance_recovery" ("changeId");

-- Never more recovered and waived than was paid. The payment row is locked first, so two receipts
-- recorded at once for one payment are counted one after the other (READ COMMITTED: the sum after
-- the lock sees the receipt the other transaction committed).
CREATE FUNCTION allowance_recovery_within_payment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	paid INTEGER;
	taken BIGINT;
BEGIN
	SELECT "amountFen" INTO paid FROM "allowance_payment" WHERE id = NEW."paymentId" FOR NO KEY UPDATE;
	SELECT coalesce(sum("amountFen"), 0) INTO taken FROM "allowance_recovery" WHERE "paymentId" = NEW."paymentId";
	IF paid IS NULL OR taken + NEW."amountFen" > paid THEN
		RAISE EXCEPTION 'recovered and waived % + % fen exceed the payment of % fen (violates rule "allowance_recovery_within_payment")', taken, NEW."amountFen", paid
			USING ERRCODE = '23514', CONSTRAINT = 'allowance_recovery_within_payment';
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER allowance_recovery_within_payment BEFORE INSERT ON "allowance_recovery" FOR EACH ROW EXECUTE FUNCTION allowance_recovery_within_payment();
