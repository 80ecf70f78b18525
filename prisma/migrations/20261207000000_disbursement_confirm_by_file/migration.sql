-- A month's export inserts ~110,000 lines, each into every index of allowance_disbursement whose
-- predicate it meets. The partial index on "sentAt" (status = 'sent') served one statement only,
-- confirmUnreturned (lines not returned within the working days count as paid), and cost about
-- 0.1 s of a 1.8 s export (the export statement with and without it, rolled back, quiet machine;
-- docs/allowance.md "Benchmark: disbursement"). A file's lines are all sent at the file's creation
-- (the same transaction), so confirmUnreturned now finds them by file: files older than the window
-- that it has not yet found settled, their lines through ("fileId", line). Once no line of a file
-- is still sent, none ever will be again (a line changes once, from sent: allowance_disbursement_guard),
-- and the file is marked so it is not looked at again.
ALTER TABLE "allowance_bank_file" ADD COLUMN "unreturnedSettledAt" TIMESTAMPTZ(3);
DROP INDEX "allowance_disbursement_sent_at";
-- Files whose lines are all settled already need no look.
UPDATE "allowance_bank_file" f SET "unreturnedSettledAt" = now()
 WHERE NOT EXISTS (SELECT 1 FROM "allowance_disbursement" d WHERE d."fileId" = f."id" AND d."status" = 'sent');
