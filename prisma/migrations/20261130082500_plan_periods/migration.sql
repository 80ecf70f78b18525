-- Plan periods as data: the 13th Five-Year Plan's targets stay as the baseline; the bureau enters
-- the targets of later periods (national policy raised the nursing-type share of beds to 55% for
-- the 14th period). Indicators are the measured ones (app/modules/beds/indicators.ts PLAN_INDICATORS).
CREATE TABLE "plan_period" (
    "id" TEXT NOT NULL,
    "nameZh" TEXT NOT NULL,
    "nameEn" TEXT NOT NULL,
    "startYear" INTEGER NOT NULL,
    "endYear" INTEGER NOT NULL,
    -- The published plan the product was built on: its targets are read-only.
    "baseline" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "plan_period_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "plan_target" (
    "periodId" TEXT NOT NULL,
    "indicator" TEXT NOT NULL,
    "target" DOUBLE PRECISION NOT NULL,
    "updatedById" UUID,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "plan_target_pkey" PRIMARY KEY ("periodId", "indicator"),
    CONSTRAINT "plan_target_periodId_fkey" FOREIGN KEY ("periodId") REFERENCES "plan_period"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

INSERT INTO plan_period (id, "nameZh", "nameEn", "startYear", "endYear", baseline) VALUES
  ('13th', '“十三五”时期（2016–2020）', '13th Five-Year Plan (2016–2020)', 2016, 2020, true),
  ('14th', '“十四五”时期（2021–2025）', '14th Five-Year Plan (2021–2025)', 2021, 2025, false),
  ('15th', '“十五五”时期（2026–2030）', '15th Five-Year Plan (2026–2030)', 2026, 2030, false);

INSERT INTO plan_target ("periodId", indicator, target) VALUES
  ('13th', 'bedsPer1000', 35), ('13th', 'nursingShare', 0.40), ('13th', 'urbanCoverage', 1), ('13th', 'villageCoverage', 0.60),
  ('14th', 'bedsPer1000', 35), ('14th', 'nursingShare', 0.55), ('14th', 'urbanCoverage', 1), ('14th', 'villageCoverage', 0.60),
  ('15th', 'bedsPer1000', 35), ('15th', 'nursingShare', 0.55), ('15th', 'urbanCoverage', 1), ('15th', 'villageCoverage', 0.60);
