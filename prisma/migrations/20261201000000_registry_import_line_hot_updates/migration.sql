-- Staged registry-import lines (issue 10 items 3 and 9).
--
-- The dry run rewrites every line of an import once (one UPDATE of place, elder, outcome, reason,
-- changed fields). With room on each page for the new version and no index on a column it changes,
-- that UPDATE is HOT: no index entry is written for half a million lines. So: fillfactor 40 (a line
-- is about 250 bytes; the COPY that stages a file leaves 60% of each page free), and the lookup by
-- identity number (the elder's timeline finds the import lines of an elder through its number's
-- keyed hash, which never changes once staged) replaces the (importId, idHash) index, which nothing
-- reads any more.
ALTER TABLE "registry_import_line" SET (fillfactor = 40);
DROP INDEX "registry_import_line_hash_idx";
CREATE INDEX "registry_import_line_idHash_idx" ON "registry_import_line" ("idHash");
