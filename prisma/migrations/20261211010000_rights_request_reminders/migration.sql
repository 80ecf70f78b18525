-- Reminders of a rights request's due date (app/modules/rights/reminders.server.ts): the elder's
-- community officers a few days before it, and, once overdue, the district's officers too. Each is
-- sent once, recorded by the day it was sent.
ALTER TABLE "rights_request" ADD COLUMN "remindedOn" DATE, ADD COLUMN "escalatedOn" DATE;
