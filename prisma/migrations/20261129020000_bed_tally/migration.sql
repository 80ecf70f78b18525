-- CreateTable
CREATE TABLE "bed_tally" (
    "providerId" UUID NOT NULL,
    "districtId" TEXT NOT NULL,
    "type" "BedType" NOT NULL,
    "status" "BedStatus" NOT NULL,
    "n" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "bed_tally_pkey" PRIMARY KEY ("providerId","type","status")
);

-- CreateIndex
CREATE INDEX "bed_tally_districtId_idx" ON "bed_tally"("districtId");

-- Kept by the bed trigger below, in the same transaction as the change it counts. Rows are touched
-- in a fixed order (type, then status) so two transactions moving beds in opposite directions
-- (an admission and a discharge) never deadlock on them.
CREATE FUNCTION bed_tally_add(p uuid, t "BedType", s "BedStatus", delta int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO bed_tally ("providerId", "districtId", type, status, n)
  SELECT p, pr."districtId", t, s, delta FROM provider pr WHERE pr.id = p
  ON CONFLICT ("providerId", type, status) DO UPDATE SET n = bed_tally.n + EXCLUDED.n;
  IF (SELECT n FROM bed_tally WHERE "providerId" = p AND type = t AND status = s) < 0 THEN
    PERFORM beds_refuse('bed_tally_non_negative');
  END IF;
END $$;

CREATE FUNCTION bed_tally_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM bed_tally_add(NEW."providerId", NEW.type, NEW.status, 1);
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM bed_tally_add(OLD."providerId", OLD.type, OLD.status, -1);
  ELSIF (OLD."providerId", OLD.type, OLD.status) IS DISTINCT FROM (NEW."providerId", NEW.type, NEW.status) THEN
    IF (OLD.type, OLD.status) < (NEW.type, NEW.status) THEN
      PERFORM bed_tally_add(OLD."providerId", OLD.type, OLD.status, -1);
      PERFORM bed_tally_add(NEW."providerId", NEW.type, NEW.status, 1);
    ELSE
      PERFORM bed_tally_add(NEW."providerId", NEW.type, NEW.status, 1);
      PERFORM bed_tally_add(OLD."providerId", OLD.type, OLD.status, -1);
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER bed_tally_sync AFTER INSERT OR DELETE OR UPDATE OF "providerId", type, status ON "bed"
  FOR EACH ROW EXECUTE FUNCTION bed_tally_sync();

-- Beds that exist before this migration.
INSERT INTO bed_tally ("providerId", "districtId", type, status, n)
SELECT b."providerId", p."districtId", b.type, b.status, count(*) FROM bed b JOIN provider p ON p.id = b."providerId" GROUP BY 1, 2, 3, 4;
