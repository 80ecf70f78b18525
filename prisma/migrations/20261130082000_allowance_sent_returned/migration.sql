-- Sent is not paid (issue 13): a payment in a bank file is 'sent' until the bank confirms it
-- ('paid'); a line the bank returns makes the payment 'returned' (re-issuable). The new values are
-- added in a migration of their own: PostgreSQL cannot use an enum value in the transaction that adds it.
ALTER TYPE "AllowancePaymentStatus" ADD VALUE IF NOT EXISTS 'sent';
ALTER TYPE "AllowancePaymentStatus" ADD VALUE IF NOT EXISTS 'returned';
