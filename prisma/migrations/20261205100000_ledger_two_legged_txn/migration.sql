-- Every ledger transaction moves one amount from one account to another (grant: bureau_issued →
-- elder_available; hold: available → held; capture: held → spent; release: held → available;
-- expiry: available → expired; reversal: spent → available). Its two entries (−amount, +amount)
-- were two more rows with three indexes each, their own transition table, and a per-statement
-- check that each transaction's entries sum to zero and name an existing transaction: 200,000
-- rows of the monthly grant's 300,000 (docs/subsidies.md "Grant at scale"). The transaction row
-- now names both accounts, and its entries are derived from it (the view ledger_entry), so:
--   * entries always sum to zero per transaction and always name their transaction (by
--     construction: an entry is a column of its transaction), where a trigger checked it before;
--   * the accounts a transaction names must exist (rule ledger_entry_account_exists, checked per
--     statement as before, now over the inserted transactions);
--   * balances move by the inserted transactions only, once per statement (ledger_apply_txns);
--   * entries stay append-only: the transaction rows are, and the view refuses writes.

-- ---- Both accounts on the transaction, filled from the existing entries.
ALTER TABLE "ledger_txn" ADD COLUMN "fromAccountId" UUID, ADD COLUMN "toAccountId" UUID;

DO $$
BEGIN
  -- Every transaction written so far has exactly one entry of −amount and one of +amount.
  IF EXISTS (
    SELECT 1 FROM "ledger_txn" t LEFT JOIN "ledger_entry" e ON e."txnId" = t."id"
    GROUP BY t."id", t."amountFen"
    HAVING count(e."id") <> 2 OR count(*) FILTER (WHERE e."amountFen" = -t."amountFen") <> 1 OR count(*) FILTER (WHERE e."amountFen" = t."amountFen") <> 1
  ) THEN
    RAISE EXCEPTION 'ledger: a transaction is not one amount between two accounts; fix it before this migration';
  END IF;
END $$;

ALTER TABLE "ledger_txn" DISABLE TRIGGER "ledger_txn_append_only";
UPDATE "ledger_txn" t SET "fromAccountId" = f."accountId", "toAccountId" = o."accountId"
FROM "ledger_entry" f, "ledger_entry" o
WHERE f."txnId" = t."id" AND f."amountFen" = -t."amountFen" AND o."txnId" = t."id" AND o."amountFen" = t."amountFen";
ALTER TABLE "ledger_txn" ENABLE TRIGGER "ledger_txn_append_only";

ALTER TABLE "ledger_txn"
  ALTER COLUMN "fromAccountId" SET NOT NULL,
  ALTER COLUMN "toAccountId" SET NOT NULL,
  -- Two distinct accounts: an entry is known by its transaction and account (ledger_entry's key).
  ADD CONSTRAINT "ledger_txn_two_accounts" CHECK ("fromAccountId" <> "toAccountId");

-- ---- The entries table goes (with its triggers); the entries are read from the transactions.
DROP TABLE "ledger_entry";
DROP FUNCTION ledger_apply_entries();

CREATE VIEW "ledger_entry" AS
  SELECT t."id" AS "txnId", t."fromAccountId" AS "accountId", -t."amountFen" AS "amountFen" FROM "ledger_txn" t
  UNION ALL
  SELECT t."id", t."toAccountId", t."amountFen" FROM "ledger_txn" t;

-- Entries are written only as transactions (and, like them, never changed).
CREATE TRIGGER "ledger_entry_append_only" INSTEAD OF INSERT OR UPDATE OR DELETE ON "ledger_entry"
  FOR EACH ROW EXECUTE FUNCTION ledger_append_only();

-- ---- After each INSERT statement on ledger_txn: every account named exists, and the balances move
-- by the inserted amounts (one UPDATE per statement). A failure aborts the whole statement.
CREATE FUNCTION ledger_apply_txns() RETURNS trigger LANGUAGE plpgsql
  -- 200,000 legs aggregate in memory rather than in temporary files.
  SET work_mem = '64MB'
  -- The update must take the accounts in one order (their ids), or two statements touching the same
  -- accounts in different orders could deadlock: with only nested loops, it follows the sorted legs
  -- (one pass; locking them all first in a separate statement cost a sixth of the monthly grant).
  SET enable_hashjoin = off
  SET enable_mergejoin = off
AS $$
DECLARE
  missing bigint;
BEGIN
  WITH s AS MATERIALIZED (
    SELECT "accountId", sum("amountFen") AS delta FROM (
      SELECT "fromAccountId" AS "accountId", -"amountFen" AS "amountFen" FROM new_txns
      UNION ALL
      SELECT "toAccountId", "amountFen" FROM new_txns
    ) legs
    GROUP BY "accountId" ORDER BY "accountId"
  ),
  u AS (
    UPDATE "ledger_account" a SET "balanceFen" = a."balanceFen" + s.delta
    FROM s WHERE a."id" = s."accountId"
    RETURNING a."id"
  )
  SELECT (SELECT count(*) FROM s) - (SELECT count(*) FROM u) INTO missing;
  IF missing <> 0 THEN
    RAISE EXCEPTION 'ledger: % account(s) of these entries do not exist (violates rule "ledger_entry_account_exists")', missing
      USING ERRCODE = '23503', CONSTRAINT = 'ledger_entry_account_exists';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "ledger_apply_txns" AFTER INSERT ON "ledger_txn"
  REFERENCING NEW TABLE AS new_txns FOR EACH STATEMENT EXECUTE FUNCTION ledger_apply_txns();

-- ---- A grant or an expiry has no ref: the (ref, kind) key only concerns the rows that have one
-- (NULLs never conflicted), so the monthly grant's rows no longer enter that index.
DROP INDEX "ledger_txn_ref_kind_key";
CREATE UNIQUE INDEX "ledger_txn_ref_kind_key" ON "ledger_txn"("ref", "kind") WHERE "ref" IS NOT NULL;
