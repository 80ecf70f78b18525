-- Place-taking without one hot row (issue 16, item 4).
--
-- Before: every booking of a slot ran `UPDATE slot SET booked = booked + 1 WHERE booked < capacity`
-- inside its transaction, so all concurrent attempts queued on the slot row's lock until each
-- holder committed. Now a slot has one `slot_place` row per place (placeNo 1..capacity, made by a
-- trigger when the slot is inserted); a booking takes a free one with
--   UPDATE slot_place ... WHERE (slotId, placeNo) = (SELECT ... WHERE bookingId IS NULL
--                                                    LIMIT 1 FOR UPDATE SKIP LOCKED)
-- so concurrent attempts lock different rows. What PostgreSQL enforces:
--   * at most `capacity` places: rows exist only for placeNo 1..capacity (primary key + insert
--     trigger), capacity is fixed once the slot exists, places cannot be deleted while it exists;
--   * a booking holds at most one place (unique bookingId), only in its own slot, and
--     booking.holdsPlace is true exactly when it holds one (deferred constraint triggers, checked
--     at commit on both tables).
-- Row rules stay triggers, not CHECK constraints (Prisma's WebAssembly engine panics on CHECKs).

-- CreateTable
CREATE TABLE "slot_place" (
    "slotId" UUID NOT NULL,
    "placeNo" INTEGER NOT NULL,
    "bookingId" UUID,

    CONSTRAINT "slot_place_pkey" PRIMARY KEY ("slotId","placeNo")
);

-- CreateIndex
CREATE UNIQUE INDEX "slot_place_bookingId_key" ON "slot_place"("bookingId");

-- AddForeignKey
ALTER TABLE "slot_place" ADD CONSTRAINT "slot_place_slotId_fkey" FOREIGN KEY ("slotId") REFERENCES "slot"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "slot_place" ADD CONSTRAINT "slot_place_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Free places of a slot: what a booking scans (skipping rows other bookings have locked) and what
-- search reads to tell full slots.
CREATE INDEX "slot_place_free" ON "slot_place" ("slotId", "placeNo") WHERE "bookingId" IS NULL;

-- ---------------------------------------------------------------- existing data
-- Every slot gets its places; each booking that holds a place takes one, in booking order.
INSERT INTO "slot_place" ("slotId", "placeNo")
SELECT s.id, n FROM "slot" s, generate_series(1, s.capacity) AS n;

UPDATE "slot_place" p SET "bookingId" = h.id
FROM (SELECT b.id, b."slotId", row_number() OVER (PARTITION BY b."slotId" ORDER BY b."createdAt", b.id)::int AS n
      FROM "booking" b WHERE b."holdsPlace") h
WHERE p."slotId" = h."slotId" AND p."placeNo" = h.n;

-- The counter is gone (it was the hot row) and so is the index on it.
DROP INDEX IF EXISTS "slot_full";
ALTER TABLE "slot" DROP COLUMN "booked";

-- ---------------------------------------------------------------- rules
CREATE OR REPLACE FUNCTION slot_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."capacity" < 1 THEN PERFORM marketplace_violation('slot_capacity_positive'); END IF;
  IF NEW."endsAt" <= NEW."startsAt" THEN PERFORM marketplace_violation('slot_ends_after_start'); END IF;
  IF TG_OP = 'UPDATE' AND NEW."capacity" <> OLD."capacity" THEN PERFORM marketplace_violation('slot_capacity_fixed'); END IF;
  RETURN NEW;
END $$;

-- A new slot comes with exactly its places.
CREATE FUNCTION slot_make_places() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "slot_place" ("slotId", "placeNo") SELECT NEW.id, n FROM generate_series(1, NEW."capacity") AS n;
  RETURN NULL;
END $$;
CREATE TRIGGER slot_make_places AFTER INSERT ON "slot" FOR EACH ROW EXECUTE FUNCTION slot_make_places();

-- Places are numbered 1..capacity, never renumbered or moved, never deleted while their slot exists.
CREATE FUNCTION slot_place_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF EXISTS (SELECT 1 FROM "slot" WHERE id = OLD."slotId") THEN PERFORM marketplace_violation('slot_place_kept'); END IF;
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NOT EXISTS (SELECT 1 FROM "slot" s WHERE s.id = NEW."slotId" AND NEW."placeNo" BETWEEN 1 AND s."capacity") THEN
      PERFORM marketplace_violation('slot_booked_within_capacity');
    END IF;
  ELSIF NEW."slotId" <> OLD."slotId" OR NEW."placeNo" <> OLD."placeNo" THEN
    PERFORM marketplace_violation('slot_place_fixed');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER slot_place_rules BEFORE INSERT OR UPDATE OR DELETE ON "slot_place" FOR EACH ROW EXECUTE FUNCTION slot_place_rules();

-- At commit: a booking holds a place exactly when holdsPlace says so, and only in its own slot.
-- Deferred, so a transaction may write the booking and take its place in either order.
CREATE FUNCTION booking_place_agrees(booking_id uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  b record;
  place_slot uuid;
BEGIN
  SELECT "slotId", "holdsPlace" INTO b FROM "booking" WHERE id = booking_id;
  IF NOT FOUND THEN RETURN; END IF;
  SELECT "slotId" INTO place_slot FROM "slot_place" WHERE "bookingId" = booking_id;
  IF b."holdsPlace" AND (place_slot IS NULL OR place_slot <> b."slotId") THEN PERFORM marketplace_violation('booking_holds_its_place'); END IF;
  IF NOT b."holdsPlace" AND place_slot IS NOT NULL THEN PERFORM marketplace_violation('booking_holds_its_place'); END IF;
END $$;

CREATE FUNCTION booking_place_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM booking_place_agrees(NEW.id);
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER booking_place_check AFTER INSERT OR UPDATE OF "holdsPlace", "slotId" ON "booking"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION booking_place_check();

CREATE FUNCTION slot_place_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD."bookingId" IS NOT NULL AND OLD."bookingId" IS DISTINCT FROM NEW."bookingId" THEN PERFORM booking_place_agrees(OLD."bookingId"); END IF;
  IF NEW."bookingId" IS NOT NULL THEN PERFORM booking_place_agrees(NEW."bookingId"); END IF;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER slot_place_check AFTER UPDATE OF "bookingId" ON "slot_place"
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION slot_place_check();
