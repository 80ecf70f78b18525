-- The monthly grant writes 100,000 transactions and 200,000 entries in one statement. Profiled
-- (EXPLAIN ANALYZE, pg_stat_user_functions; docs/subsidies.md "Grant at scale"), most of its time
-- went to work done once per row that the database can do once per statement:
--   * the two foreign keys of ledger_entry: 400,000 RI checks, each an SPI query that locks the
--     referenced row FOR KEY SHARE;
--   * the row trigger ledger_balance_only_from_entries: a BEFORE UPDATE row trigger makes every
--     balance update fetch and lock its row first, even when its WHEN is false;
--   * the statement trigger's aggregates spilling to disk at the default work_mem.
-- The rules stay enforced by PostgreSQL, now set-based over the statement's transition table.

-- ---- References of entries: checked per statement instead of per row.
-- An entry's transaction and account must exist when the statement ends. What a foreign key also
-- gives, that the referenced row cannot go away or change its key, holds because transactions are
-- append-only (ledger_txn_append_only) and accounts are never deleted, re-keyed or truncated
-- (ledger_account_kept below), and no ledger table can be truncated.
ALTER TABLE "ledger_entry" DROP CONSTRAINT "ledger_entry_txnId_fkey";
ALTER TABLE "ledger_entry" DROP CONSTRAINT "ledger_entry_accountId_fkey";

-- After each INSERT statement on ledger_entry: every transaction touched sums to zero and exists,
-- every account touched exists, and the balances move by the inserted amounts (one UPDATE per
-- statement). Any failure aborts the whole statement: nothing of it lands.
CREATE OR REPLACE FUNCTION ledger_apply_entries() RETURNS trigger LANGUAGE plpgsql
  -- 200,000 entries aggregate in memory rather than in temporary files.
  SET work_mem = '64MB'
AS $$
DECLARE
  bad uuid;
  unbalanced boolean;
  missing bigint;
BEGIN
  SELECT s."txnId", s.total <> 0 INTO bad, unbalanced
  FROM (SELECT "txnId", sum("amountFen") AS total FROM new_entries GROUP BY "txnId") s
  WHERE s.total <> 0 OR NOT EXISTS (SELECT 1 FROM "ledger_txn" t WHERE t."id" = s."txnId")
  LIMIT 1;
  IF unbalanced THEN
    RAISE EXCEPTION 'ledger: entries of transaction % do not sum to zero (violates rule "ledger_txn_balanced")', bad
      USING ERRCODE = '23514', CONSTRAINT = 'ledger_txn_balanced';
  ELSIF bad IS NOT NULL THEN
    RAISE EXCEPTION 'ledger: entries of transaction % name no transaction (violates rule "ledger_entry_txn_exists")', bad
      USING ERRCODE = '23503', CONSTRAINT = 'ledger_entry_txn_exists';
  END IF;
  -- The accounts are locked in one order (their ids) before any is updated: the update's own order
  -- follows the plan (a hashed grouping here), and two statements touching the same accounts in
  -- different orders would deadlock.
  PERFORM 1 FROM "ledger_account" a WHERE a."id" IN (SELECT "accountId" FROM new_entries) ORDER BY a."id" FOR NO KEY UPDATE;
  WITH s AS (SELECT "accountId", sum("amountFen") AS delta FROM new_entries GROUP BY "accountId"),
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

-- ---- A balance changes only through entries: refused for any UPDATE statement that sets it
-- outside the entries trigger (statement-level: the row trigger locked each row before updating it).
DROP TRIGGER "ledger_balance_only_from_entries" ON "ledger_account";
CREATE TRIGGER "ledger_balance_only_from_entries" BEFORE UPDATE OF "balanceFen" ON "ledger_account"
  FOR EACH STATEMENT WHEN (pg_trigger_depth() = 0) EXECUTE FUNCTION ledger_append_only();

-- ---- Accounts are kept: never deleted or re-keyed (entries point at them), no ledger table truncated.
CREATE FUNCTION ledger_account_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger: % on % is not allowed (accounts are kept, violates rule "ledger_account_kept")', TG_OP, TG_TABLE_NAME
    USING ERRCODE = '42501', CONSTRAINT = 'ledger_account_kept';
END $$;
CREATE TRIGGER "ledger_account_kept" BEFORE DELETE OR UPDATE OF "id" OR TRUNCATE ON "ledger_account"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_account_kept();
CREATE TRIGGER "ledger_txn_no_truncate" BEFORE TRUNCATE ON "ledger_txn"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER "ledger_entry_no_truncate" BEFORE TRUNCATE ON "ledger_entry"
  FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- ---- Room for a new version of every account row on its own page, so the monthly balance update
-- is a HOT update (no index entries). Existing rows are rewritten with the new fill factor.
ALTER TABLE "ledger_account" SET (fillfactor = 50);
CLUSTER "ledger_account" USING "ledger_account_grantId_kind_key";
