-- PIPL arts. 44–50 for an elder without a family account: the elder, a guardian or an agent with a
-- written authorisation asks at the community office in person, and an officer in scope records the
-- request for them (app/modules/rights/requests.server.ts). It is decided in the same queue, within
-- the same 30 days; the answer is given at the office (printed) and, with a mobile number, by SMS.
ALTER TABLE "rights_request" ALTER COLUMN "userId" DROP NOT NULL;
ALTER TABLE "rights_request"
	-- The officer who recorded a request made in person (null: filed online by a linked family member).
	ADD COLUMN "filedById" UUID,
	-- Who asked in person, as they are to be addressed in the answer.
	ADD COLUMN "requesterName" TEXT,
	-- self: the elder; guardian: a guardian (监护人); agent: someone with a written authorisation (委托代理人).
	ADD COLUMN "requesterRelation" TEXT,
	-- What the officer checked of the requester's identity and standing.
	ADD COLUMN "identityDocument" TEXT,
	-- A mobile number the answer is texted to (optional).
	ADD COLUMN "contactPhone" TEXT,
	ADD CONSTRAINT "rights_request_filedById_fkey" FOREIGN KEY ("filedById") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE,
	ADD CONSTRAINT "rights_request_online_or_in_person" CHECK (
		("userId" IS NOT NULL AND "filedById" IS NULL AND "requesterName" IS NULL AND "requesterRelation" IS NULL AND "identityDocument" IS NULL AND "contactPhone" IS NULL)
		OR ("userId" IS NULL AND "filedById" IS NOT NULL AND length(btrim(coalesce("requesterName", ''))) > 0
			AND "requesterRelation" IN ('self', 'guardian', 'agent')
			AND "identityDocument" IN ('resident_id', 'household_register', 'guardianship', 'authorisation'))
	);

-- One open request of a kind per elder among those made in person (online: one per family member, rights_request_one_open).
CREATE UNIQUE INDEX "rights_request_one_open_in_person" ON "rights_request" ("elderId", "kind") WHERE "status" = 'open' AND "userId" IS NULL;
