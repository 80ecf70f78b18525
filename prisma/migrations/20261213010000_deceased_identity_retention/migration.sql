-- PIPL art. 47: personal information is deleted once its purpose is served and the period the law
-- sets has passed. For an elder who died, the readable identity number and bank card serve nothing
-- the registry still does once the bureau's period after the death has passed (the bank files keep
-- their own sealed copies, as accounting records). The period is the bureau's to set (two officers,
-- app/modules/elders/identity-retention.server.ts); with none set, nothing is erased. Erasing keeps
-- the keyed hash (the same person is never registered twice) and the mask.
CREATE TABLE "identity_retention" (
	"id" UUID NOT NULL DEFAULT gen_random_uuid(),
	-- Whole years after the death; NULL: kept (the sweep erases nothing).
	"deceasedYears" INTEGER,
	"proposedById" UUID NOT NULL,
	"approvedById" UUID NOT NULL,
	"createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "identity_retention_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "identity_retention_years_range" CHECK ("deceasedYears" IS NULL OR "deceasedYears" BETWEEN 5 AND 30),
	CONSTRAINT "identity_retention_two_people" CHECK ("proposedById" <> "approvedById"),
	CONSTRAINT "identity_retention_proposedById_fkey" FOREIGN KEY ("proposedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
	CONSTRAINT "identity_retention_approvedById_fkey" FOREIGN KEY ("approvedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
CREATE INDEX "identity_retention_createdAt_idx" ON "identity_retention" ("createdAt");

ALTER TABLE "elder" ALTER COLUMN "idNumberCipher" DROP NOT NULL;
ALTER TABLE "elder"
	-- When the sweep erased the readable identity number (and the bank card with it).
	ADD COLUMN "idNumberErasedAt" TIMESTAMPTZ(3),
	ADD CONSTRAINT "elder_id_number_erased" CHECK (("idNumberCipher" IS NULL) = ("idNumberErasedAt" IS NOT NULL)),
	-- A bank file needs the identity number beside the card.
	ADD CONSTRAINT "elder_no_card_without_id_number" CHECK ("idNumberCipher" IS NOT NULL OR "bankCardCipher" IS NULL);

-- The sweep's candidates: deceased elders whose number is still held, by date of death.
CREATE INDEX "elder_deceased_id_held_idx" ON "elder" ("deathDate") WHERE "deathDate" IS NOT NULL AND "idNumberCipher" IS NOT NULL;

-- The period is a pending change first (one officer proposes, another approves): its kind is added to
-- whatever kinds the constraint allows when this runs.
DO $$
DECLARE kinds text;
BEGIN
	SELECT string_agg(DISTINCT quote_literal(k), ', ') INTO kinds FROM (
		SELECT m[1] AS k FROM pg_constraint c, regexp_matches(pg_get_constraintdef(c.oid), '''([a-z_]+)''', 'g') AS m WHERE c.conname = 'pending_change_kind_valid'
		UNION SELECT 'identity_retention'
	) AS all_kinds;
	ALTER TABLE pending_change DROP CONSTRAINT pending_change_kind_valid;
	EXECUTE format('ALTER TABLE pending_change ADD CONSTRAINT pending_change_kind_valid CHECK (kind IN (%s))', kinds);
END $$;
