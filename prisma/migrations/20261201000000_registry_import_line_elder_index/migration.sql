-- The elder's timeline reads the import lines that created or changed an elder (issue 10 item 9):
-- without this index every elder page scanned every staged line of every import (a city's import
-- is half a million lines). Partial: only lines that wrote something are looked up.
CREATE INDEX "registry_import_line_elder_idx" ON "registry_import_line" ("elderId") WHERE "outcome" IN ('new', 'changed');
