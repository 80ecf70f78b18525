-- A version of everything the bed dashboards and the plan table read (districts, communities,
-- providers, the bed tally, population figures, monthly snapshots). Cached dashboards are keyed by
-- it, so a cached page is exactly as fresh as the data: any committed change bumps it.
--
-- The bump is a DEFERRED constraint trigger: it runs at commit, after the transaction's own work,
-- so the version row is locked only for the instant before commit and is always the last lock a
-- transaction takes (no deadlock with the bed tally's row locks). A reader reads the version first
-- and the data after, so the data cached under a version is never older than that version.
CREATE TABLE "census_version" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" BIGINT NOT NULL DEFAULT 0,
    -- Different for every database made, so a cache entry of a dropped and re-created database
    -- (whose version starts again at 0) is never taken for this one's.
    "epoch" UUID NOT NULL DEFAULT gen_random_uuid(),
    CONSTRAINT "census_version_pkey" PRIMARY KEY ("id")
);
INSERT INTO census_version (id, version) VALUES (1, 0);

CREATE FUNCTION census_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE census_version SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END $$;

-- One bump per transaction is enough: later rows of the same transaction find the row already
-- bumped by it (xmin is the current transaction) and skip the update.
CREATE FUNCTION census_version_bump_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE census_version SET version = version + 1 WHERE id = 1 AND xmin::text::bigint <> txid_current() % 4294967296;
  RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['district', 'community', 'provider', 'bed_tally', 'population_stat', 'indicator_snapshot'] LOOP
    EXECUTE format('CREATE CONSTRAINT TRIGGER census_version_bump AFTER INSERT OR UPDATE OR DELETE ON %I DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION census_version_bump_once()', t);
    EXECUTE format('CREATE TRIGGER census_version_truncate AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION census_version_bump()', t);
  END LOOP;
END $$;
