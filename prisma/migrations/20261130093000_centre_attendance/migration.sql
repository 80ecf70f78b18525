-- Centre attendance (issue 14 item 5): a day-care / canteen / activity booking at a community centre
-- completes by the elder's arrival and departure, recorded by the centre's staff (roll call) or with
-- the family's 6-digit code; a stay completes by its admission and discharge records. Each is kept as
-- the booking's visit row, so settlement claims it exactly like a verified home visit.
ALTER TYPE "VisitCheckMethod" ADD VALUE IF NOT EXISTS 'roll_call';
ALTER TYPE "VisitCheckMethod" ADD VALUE IF NOT EXISTS 'admission';
ALTER TABLE visit ADD COLUMN "mealsServed" integer NOT NULL DEFAULT 0;
ALTER TABLE visit ADD CONSTRAINT visit_meals_served_range CHECK ("mealsServed" BETWEEN 0 AND 3);
