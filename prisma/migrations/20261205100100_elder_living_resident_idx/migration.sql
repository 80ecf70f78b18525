-- The monthly grant checks, for each of its 100,000 grants, that the elder is alive and resident.
-- From elder_pkey that is a heap fetch per elder, and the elder table (183 MB at city scale) does not
-- stay in shared buffers: a sixth of the statement's CPU went to reading its pages back. This index
-- holds exactly the elders that pass, so the check is an index-only scan (no heap page once
-- autovacuum has marked the pages all-visible). Writes pay little: elders are inserted by imports
-- and change death date or residency rarely (life events).
CREATE INDEX "elder_living_resident_idx" ON "elder" ("id") WHERE "deathDate" IS NULL AND "residencyStatus" = 'resident';
