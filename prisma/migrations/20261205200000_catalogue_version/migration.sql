-- A version of everything family search shows (offerings, their providers and ratings, schedules,
-- closed dates, slots and their free places, districts and communities). Search results are cached
-- in each web process under it (app/modules/marketplace/search-cache.server.ts), so a cached result
-- is exactly as fresh as the data: any committed change bumps it.
--
-- As census_version: the bump is a DEFERRED constraint trigger, run at commit after the
-- transaction's own work, once per transaction, so a reader that reads the version first and the
-- data after never stores data older than the version. Unlike the census, bookings change what
-- search shows (a slot's last free place), and a single version row would make every booking's
-- commit wait for the one before. So the version is 16 counters: a transaction bumps the one of
-- its transaction id, and the version is their sum. Counters only grow and a snapshot sees every
-- transaction an earlier snapshot saw, so equal sums mean the same committed changes.
CREATE TABLE "catalogue_version" (
    "shard" INTEGER NOT NULL,
    "version" BIGINT NOT NULL DEFAULT 0,
    -- Different for every database made, so an entry of a dropped and re-created database (whose
    -- counters start again at 0) is never taken for this one's.
    "epoch" UUID NOT NULL,
    CONSTRAINT "catalogue_version_pkey" PRIMARY KEY ("shard")
);
INSERT INTO catalogue_version (shard, epoch) SELECT s, e FROM generate_series(0, 15) s, (SELECT gen_random_uuid() AS e) x;

CREATE FUNCTION catalogue_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE catalogue_version SET version = version + 1 WHERE shard = txid_current() % 16;
  RETURN NULL;
END $$;

-- One bump per transaction: later rows of the same transaction find their counter already bumped
-- by it (xmin is the current transaction) and skip the update.
CREATE FUNCTION catalogue_version_bump_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE catalogue_version SET version = version + 1
  WHERE shard = txid_current() % 16 AND xmin::text::bigint <> txid_current() % 4294967296;
  RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['district', 'community', 'provider', 'provider_profile', 'offering', 'availability_rule', 'availability_exception', 'slot', 'slot_place'] LOOP
    EXECUTE format('CREATE CONSTRAINT TRIGGER catalogue_version_bump AFTER INSERT OR UPDATE OR DELETE ON %I DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION catalogue_version_bump_once()', t);
    EXECUTE format('CREATE TRIGGER catalogue_version_truncate AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION catalogue_version_bump()', t);
  END LOOP;
END $$;
