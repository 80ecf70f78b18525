-- The dry run's verdicts in a narrow table of their own (issue 10, speed of the registry import).
--
-- The dry run used to rewrite every staged line (a wide row: hash, ciphertext, mask, name, codes,
-- contacts) to set its outcome: an UPDATE joined back to the lines by primary key (half a million
-- random index probes), into a table kept 60% empty (fillfactor 40) for those updates, leaving a
-- second version of every row. Now the staged lines are written once (the upload's COPY) and never
-- updated; the dry run INSERTs one narrow verdict per line that is new, changed or rejected. A line
-- with no verdict in a classified import is unchanged, so the dry run of a file the registry already
-- has writes nothing. Lines rejected by their own checks at upload keep that outcome on the line.
--
-- `registry_import_line` becomes a view: each staged line with its verdict, as the report, the page
-- and the tests read it (outcome new / changed / unchanged / rejected, reason, changed fields).
ALTER TABLE "registry_import_line" RENAME TO "registry_import_staged_line";
ALTER INDEX "registry_import_line_pkey" RENAME TO "registry_import_staged_line_pkey";

CREATE TABLE "registry_import_verdict" (
  "importId" UUID NOT NULL REFERENCES "registry_import"("id") ON DELETE CASCADE,
  "line" INTEGER NOT NULL,
  "outcome" TEXT NOT NULL,
  "reason" TEXT,
  "changedFields" TEXT[] NOT NULL DEFAULT '{}',
  "elderId" UUID,
  "districtId" TEXT,
  "communityId" UUID,
  "settlement" "SettlementKind",
  PRIMARY KEY ("importId", "line"),
  CONSTRAINT "registry_import_verdict_outcome_valid" CHECK ("outcome" IN ('new', 'changed', 'rejected'))
);
-- The elder's timeline finds the import lines that created or changed an elder.
CREATE INDEX "registry_import_verdict_elderId_idx" ON "registry_import_verdict" ("elderId") WHERE "outcome" IN ('new', 'changed');
-- The import's page shows its rejected lines first (the progress page reloads every second while an
-- import is applied): found without walking half a million lines. Only rejected lines are indexed.
CREATE INDEX "registry_import_verdict_rejected_idx" ON "registry_import_verdict" ("importId", "line") WHERE "outcome" = 'rejected';

-- Verdicts already given move over; the staged line keeps only a rejection by its own checks.
INSERT INTO "registry_import_verdict" ("importId", "line", "outcome", "reason", "changedFields", "elderId", "districtId", "communityId", "settlement")
SELECT "importId", "line", "outcome", "reason", "changedFields", "elderId", "districtId", "communityId", "settlement"
FROM "registry_import_staged_line"
WHERE "outcome" IN ('new', 'changed')
   OR ("outcome" = 'rejected' AND "reason" IN ('unknownTownship', 'unknownCommunity', 'communityNotInTownship', 'outOfScope', 'elderOutOfScope', 'duplicateInFile', 'conflictsVerified', 'deathOtherDate'));
UPDATE "registry_import_staged_line" s SET "outcome" = NULL, "reason" = NULL
FROM "registry_import_verdict" v WHERE v."importId" = s."importId" AND v."line" = s."line";
UPDATE "registry_import_staged_line" SET "outcome" = NULL WHERE "outcome" = 'unchanged';

ALTER TABLE "registry_import_staged_line" DROP COLUMN "changedFields", DROP COLUMN "elderId", DROP COLUMN "districtId", DROP COLUMN "communityId", DROP COLUMN "settlement";
-- Written once by COPY and never updated: pages full again, and no index but the primary key and
-- the lines rejected at upload (the hash index served the timeline, which now reads the verdicts).
ALTER TABLE "registry_import_staged_line" SET (fillfactor = 100);
DROP INDEX "registry_import_line_idHash_idx";
CREATE INDEX "registry_import_staged_line_rejected_idx" ON "registry_import_staged_line" ("importId", "line") WHERE "outcome" = 'rejected';

CREATE VIEW "registry_import_line" AS
SELECT s."importId", s."line", s."idHash", s."idCipher", s."idMasked", s."gender", s."birthDate", s."name", s."townshipCode", s."communityCode",
       s."phone", s."emergencyContactName", s."emergencyContactPhone", s."eventKind", s."eventOn",
       COALESCE(v."outcome", s."outcome", CASE WHEN i."status" IN ('classified', 'applying', 'applied') THEN 'unchanged' END) AS "outcome",
       COALESCE(v."reason", s."reason") AS "reason",
       COALESCE(v."changedFields", '{}') AS "changedFields",
       v."elderId", v."districtId", v."communityId", v."settlement"
FROM "registry_import_staged_line" s
JOIN "registry_import" i ON i."id" = s."importId"
LEFT JOIN "registry_import_verdict" v ON v."importId" = s."importId" AND v."line" = s."line";
