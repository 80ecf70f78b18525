-- Issue 13, items 1-3: the subsidy card held like an identity number, bank files a bank can pay
-- from, and disbursement attempts separate from the payments they carry.

-- ---------------------------------------------------------------- the card (惠民惠农一卡通)
-- bankCardRef stays the display mask. The full number is AES-256-GCM ciphertext under its own key
-- (ALLOWANCE_CARD_KEY). Cards recorded before this migration kept only a mask: they have no
-- ciphertext, are shown as needing the full number again, and their payments are held meanwhile.
ALTER TABLE "elder" ADD COLUMN "bankCardCipher" BYTEA,
  ADD COLUMN "bankName" TEXT,
  ADD COLUMN "bankAccountHolder" TEXT,
  ADD COLUMN "bankCardRecordedAt" TIMESTAMPTZ(3);
ALTER TABLE "elder" ADD CONSTRAINT "elder_bank_card_complete"
  CHECK ("bankCardCipher" IS NULL OR ("bankCardRef" IS NOT NULL AND "bankName" IS NOT NULL AND "bankAccountHolder" IS NOT NULL AND "bankCardRecordedAt" IS NOT NULL));

-- ---------------------------------------------------------------- bank files and attempts
CREATE TYPE "AllowanceAttemptStatus" AS ENUM ('sent', 'paid', 'returned');

-- One file made for a run: the whole city (districtId NULL) or one district's finance office.
CREATE TABLE "allowance_bank_file" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "runId" UUID NOT NULL,
  "fileNo" INTEGER NOT NULL,
  "districtId" TEXT,
  "fileNumber" TEXT NOT NULL,
  "lineCount" INTEGER NOT NULL,
  "totalFen" BIGINT NOT NULL,
  "createdById" UUID NOT NULL,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "csvSha256" TEXT,
  "xlsxSha256" TEXT,
  CONSTRAINT "allowance_bank_file_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "allowance_bank_file_runId_fkey" FOREIGN KEY ("runId") REFERENCES "allowance_run"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "allowance_bank_file_districtId_fkey" FOREIGN KEY ("districtId") REFERENCES "district"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "allowance_bank_file_runId_fileNo_key" ON "allowance_bank_file"("runId", "fileNo");
CREATE UNIQUE INDEX "allowance_bank_file_fileNumber_key" ON "allowance_bank_file"("fileNumber");

-- One line of a bank file: an attempt to pay one payment. The card, holder and identity number are
-- copied (still encrypted) when the file is made, so the file reads the same on every download.
-- Keyed by its serial number (the 流水号 the bank sees): an ever-growing key, cheap to insert 110,000 at once.
CREATE TABLE "allowance_disbursement" (
  "serial" BIGINT GENERATED ALWAYS AS IDENTITY (START WITH 100000001),
  "paymentId" UUID NOT NULL,
  "runId" UUID NOT NULL,
  "fileId" UUID NOT NULL,
  "line" INTEGER NOT NULL,
  "districtId" TEXT NOT NULL,
  "amountFen" INTEGER NOT NULL,
  "holderName" TEXT NOT NULL,
  "bankName" TEXT NOT NULL,
  "cardMasked" TEXT NOT NULL,
  "cardCipher" BYTEA NOT NULL,
  "idNumberCipher" BYTEA NOT NULL,
  "remark" TEXT NOT NULL,
  "status" "AllowanceAttemptStatus" NOT NULL DEFAULT 'sent',
  "sentAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  "paidAt" TIMESTAMPTZ(3),
  "paidBy" TEXT,
  "returnedAt" TIMESTAMPTZ(3),
  "returnReason" TEXT,
  "importId" UUID,
  CONSTRAINT "allowance_disbursement_pkey" PRIMARY KEY ("serial"),
  CONSTRAINT "allowance_disbursement_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "allowance_payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "allowance_disbursement_fileId_fkey" FOREIGN KEY ("fileId") REFERENCES "allowance_bank_file"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "allowance_disbursement_amount_positive" CHECK ("amountFen" > 0),
  CONSTRAINT "allowance_disbursement_state" CHECK (
    ("status" = 'sent' AND "paidAt" IS NULL AND "returnedAt" IS NULL)
    OR ("status" = 'paid' AND "paidAt" IS NOT NULL AND "paidBy" IN ('confirmation', 'no_return') AND "returnedAt" IS NULL)
    OR ("status" = 'returned' AND "returnedAt" IS NOT NULL AND "returnReason" IS NOT NULL AND "paidAt" IS NULL))
);
CREATE UNIQUE INDEX "allowance_disbursement_fileId_line_key" ON "allowance_disbursement"("fileId", "line");
-- Few indexes, partial where they can be: a month's file inserts 110,000 lines at once.
CREATE INDEX "allowance_disbursement_sent_at" ON "allowance_disbursement"("sentAt") WHERE "status" = 'sent';
CREATE INDEX "allowance_disbursement_returned_payment" ON "allowance_disbursement"("paymentId") WHERE "status" = 'returned';
-- Exactly-once money: at most one attempt per payment that is on its way or paid. A returned
-- attempt frees the payment for one re-issue; a second file carrying it while one is live is refused.
CREATE UNIQUE INDEX "allowance_disbursement_one_live" ON "allowance_disbursement"("paymentId") WHERE "status" IN ('sent', 'paid');

-- Lines are facts of a file sent to a bank: only the outcome may change, once, from 'sent'.
CREATE FUNCTION allowance_disbursement_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'a disbursement line is never deleted' USING ERRCODE = '23514', CONSTRAINT = 'allowance_disbursement_outcome_once';
  END IF;
  IF OLD.status <> 'sent' OR NEW.status = 'sent'
     OR (NEW."paymentId", NEW."fileId", NEW.line, NEW."amountFen", NEW."cardCipher", NEW."idNumberCipher", NEW."serial", NEW."sentAt")
        IS DISTINCT FROM (OLD."paymentId", OLD."fileId", OLD.line, OLD."amountFen", OLD."cardCipher", OLD."idNumberCipher", OLD."serial", OLD."sentAt") THEN
    RAISE EXCEPTION 'a disbursement line changes only from sent to paid or returned, once' USING ERRCODE = '23514', CONSTRAINT = 'allowance_disbursement_outcome_once';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER allowance_disbursement_guard BEFORE UPDATE OR DELETE ON "allowance_disbursement"
  FOR EACH ROW EXECUTE FUNCTION allowance_disbursement_guard();

-- A bank's returns or confirmation file, imported once (by its SHA-256).
CREATE TABLE "allowance_bank_import" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid(),
  "runId" UUID NOT NULL,
  "kind" TEXT NOT NULL,
  "sha256" TEXT NOT NULL,
  "lineCount" INTEGER NOT NULL,
  "importedById" UUID NOT NULL,
  "importedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT "allowance_bank_import_pkey" PRIMARY KEY ("id"),
  CONSTRAINT "allowance_bank_import_runId_fkey" FOREIGN KEY ("runId") REFERENCES "allowance_run"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
  CONSTRAINT "allowance_bank_import_kind" CHECK ("kind" IN ('returns', 'confirmations'))
);
CREATE UNIQUE INDEX "allowance_bank_import_runId_kind_sha256_key" ON "allowance_bank_import"("runId", "kind", "sha256");

-- A payment's status changes (sent, paid, returned) touch no indexed column: with room left on
-- each page they are HOT updates. The bank-file-number index served the old file queries only.
DROP INDEX IF EXISTS "allowance_payment_runId_bankFileNo_idx";
ALTER TABLE "allowance_payment" SET (fillfactor = 85);

-- ---------------------------------------------------------------- existing data
-- Payments exported before this change were counted paid on export from masked files; they keep
-- that record (no attempt rows: nothing a bank could pay from was ever sent). Returned ones become
-- re-issuable, and go out again once the elder's card is entered in full.
UPDATE "allowance_payment" SET "status" = 'returned' WHERE "status" = 'failed';
-- Payments not yet in a file wait for a card held in full.
UPDATE "allowance_payment" p SET "status" = 'held_no_account'
  FROM "elder" e WHERE e.id = p."elderId" AND p."status" = 'pending' AND e."bankCardCipher" IS NULL;
