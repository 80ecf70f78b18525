-- Institution facts (issue 14 item 2): ownership and operation, the filing (备案) number and date,
-- the facility kind, and the capacity for 特困 residents in concentrated support. One row per
-- institution, edited by the institution, read by the bureau and by Table 2's row 4.
CREATE TYPE "InstitutionOwnership" AS ENUM ('public_public', 'public_built_private_run', 'public_private_run', 'private');
CREATE TYPE "InstitutionFacilityKind" AS ENUM ('elderly_care', 'rural_tekun_support', 'urban_tekun_support', 'medical_care');

CREATE TABLE institution_facts (
  "providerId"    uuid PRIMARY KEY REFERENCES provider(id) ON DELETE CASCADE,
  ownership       "InstitutionOwnership" NOT NULL,
  "facilityKind"  "InstitutionFacilityKind" NOT NULL,
  "filingNo"      text,
  "filingDate"    date,
  "tekunCapacity" integer NOT NULL DEFAULT 0,
  "updatedById"   uuid,
  "updatedAt"     timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT institution_facts_tekun_capacity_range CHECK ("tekunCapacity" BETWEEN 0 AND 5000)
);
CREATE INDEX institution_facts_kind_idx ON institution_facts ("facilityKind");
