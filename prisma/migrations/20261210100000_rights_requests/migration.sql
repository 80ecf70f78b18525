-- PIPL arts. 44–50: rights a family exercises for the elder it is linked to that need an officer
-- (a copy of the elder's record, a correction, a deletion). The officers who hold the elder's record
-- answer within 30 days of filing (GB/T 35273-2020 §8.7); a refusal states its reasons (art. 50).
-- app/modules/rights/requests.server.ts.
CREATE TYPE "RightsRequestKind" AS ENUM ('copy', 'correction', 'deletion');

CREATE TABLE "rights_request" (
	"id" UUID NOT NULL DEFAULT gen_random_uuid(),
	"elderId" UUID NOT NULL,
	-- The family member who filed it (linked to the elder when filing).
	"userId" UUID NOT NULL,
	"kind" "RightsRequestKind" NOT NULL,
	-- correction: which information is wrong, and what it should be
	"wrongInfo" TEXT,
	"correctInfo" TEXT,
	-- deletion: why the information should be deleted
	"reason" TEXT,
	-- open | fulfilled | refused | withdrawn (the family's link or account ended before a decision)
	"status" TEXT NOT NULL DEFAULT 'open',
	-- The Shanghai date by which it must be answered: the filing date plus 30 days.
	"dueOn" DATE NOT NULL,
	"decidedById" UUID,
	"decidedAt" TIMESTAMPTZ(3),
	-- The officer's reply (fulfilled) or the reasons for a refusal.
	"answer" TEXT,
	"createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "rights_request_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "rights_request_status_valid" CHECK ("status" IN ('open', 'fulfilled', 'refused', 'withdrawn')),
	CONSTRAINT "rights_request_details_match_kind" CHECK (
		("kind" = 'copy' AND "wrongInfo" IS NULL AND "correctInfo" IS NULL AND "reason" IS NULL)
		OR ("kind" = 'correction' AND "wrongInfo" IS NOT NULL AND "correctInfo" IS NOT NULL AND "reason" IS NULL)
		OR ("kind" = 'deletion' AND "reason" IS NOT NULL AND "wrongInfo" IS NULL AND "correctInfo" IS NULL)
	),
	CONSTRAINT "rights_request_closed_when_decided" CHECK (("status" = 'open') = ("decidedAt" IS NULL)),
	CONSTRAINT "rights_request_decider_when_decided" CHECK (("status" IN ('fulfilled', 'refused')) = ("decidedById" IS NOT NULL)),
	-- PIPL art. 50: a refusal gives its reasons.
	CONSTRAINT "rights_request_refusal_has_reason" CHECK ("status" <> 'refused' OR length(btrim(coalesce("answer", ''))) > 0),
	CONSTRAINT "rights_request_elderId_fkey" FOREIGN KEY ("elderId") REFERENCES "elder"("id") ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT "rights_request_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE,
	CONSTRAINT "rights_request_decidedById_fkey" FOREIGN KEY ("decidedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- One open request of a kind per family member and elder.
CREATE UNIQUE INDEX "rights_request_one_open" ON "rights_request" ("userId", "elderId", "kind") WHERE "status" = 'open';
-- The officers' queue (open, oldest first) and history (decided, newest first), both by elder scope.
CREATE INDEX "rights_request_elderId_status_idx" ON "rights_request" ("elderId", "status");
CREATE INDEX "rights_request_open_createdAt_idx" ON "rights_request" ("createdAt") WHERE "status" = 'open';
CREATE INDEX "rights_request_userId_createdAt_idx" ON "rights_request" ("userId", "createdAt");
