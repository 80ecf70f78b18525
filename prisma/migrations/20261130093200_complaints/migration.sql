-- Complaints (issue 14 item 8): a family complains about a provider or institution it has used
-- (a booking, a stay, or in general); the provider answers; the district officer closes it with a
-- finding. Due dates (acknowledgement, resolution) are set in working days when it is filed.
CREATE TYPE "ComplaintSubject" AS ENUM ('booking', 'stay', 'general');
CREATE TYPE "ComplaintCategory" AS ENUM ('service_quality', 'staff_conduct', 'safety', 'food', 'billing', 'other');
CREATE TYPE "ComplaintStatus" AS ENUM ('submitted', 'answered', 'closed');
CREATE TYPE "ComplaintFinding" AS ENUM ('upheld', 'partly_upheld', 'not_upheld');

CREATE TABLE complaint (
  id              uuid PRIMARY KEY,
  "providerId"    uuid NOT NULL REFERENCES provider(id),
  "districtId"    text NOT NULL,
  "familyUserId"  uuid NOT NULL REFERENCES app_user(id),
  subject         "ComplaintSubject" NOT NULL,
  "bookingId"     uuid REFERENCES booking(id),
  category        "ComplaintCategory" NOT NULL,
  text            text NOT NULL,
  status          "ComplaintStatus" NOT NULL DEFAULT 'submitted',
  "ackDueOn"      date NOT NULL,
  "resolveDueOn"  date NOT NULL,
  answer          text,
  "answeredAt"    timestamptz(3),
  "answeredById"  uuid,
  finding         "ComplaintFinding",
  "findingNote"   text,
  "closedAt"      timestamptz(3),
  "closedById"    uuid,
  "createdAt"     timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT complaint_closed_has_finding CHECK (status <> 'closed' OR (finding IS NOT NULL AND "closedAt" IS NOT NULL)),
  CONSTRAINT complaint_booking_subject CHECK ((subject = 'booking') = ("bookingId" IS NOT NULL))
);
CREATE INDEX complaint_provider_idx ON complaint ("providerId", status);
CREATE INDEX complaint_family_idx ON complaint ("familyUserId", "createdAt");
CREATE INDEX complaint_district_open_idx ON complaint ("districtId", status);
