-- Trust (issue 12, items 2 and 3): invitations, a second factor for officers, sessions a user can
-- see and end, idle timeout, scheduler runs submitted by one officer and approved by another, and
-- settings and policy changes that wait for a second officer.

-- Staff accounts are invitations the person completes with a password of their own.
CREATE TABLE "user_invitation" (
	"id" UUID NOT NULL DEFAULT gen_random_uuid(),
	"userId" UUID NOT NULL,
	"tokenHash" TEXT NOT NULL,
	"expiresAt" TIMESTAMP(3) NOT NULL,
	"usedAt" TIMESTAMP(3),
	"createdById" UUID,
	"createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "user_invitation_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "user_invitation_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "user_invitation_tokenHash_key" ON "user_invitation"("tokenHash");
CREATE INDEX "user_invitation_userId_idx" ON "user_invitation"("userId");

-- TOTP (RFC 6238) for officers; recovery codes are stored hashed and used once.
ALTER TABLE "app_user" ADD COLUMN "totpSecret" TEXT, ADD COLUMN "totpEnabledAt" TIMESTAMP(3), ADD COLUMN "totpPendingSecret" TEXT,
	ADD COLUMN "totpLastCounter" INTEGER; -- the last accepted time step: a code is never accepted twice
CREATE TABLE "recovery_code" (
	"id" UUID NOT NULL DEFAULT gen_random_uuid(),
	"userId" UUID NOT NULL,
	"codeHash" TEXT NOT NULL,
	"usedAt" TIMESTAMP(3),
	"createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	CONSTRAINT "recovery_code_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "recovery_code_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "recovery_code_userId_codeHash_key" ON "recovery_code"("userId", "codeHash");

-- Sessions: a second factor still owed, last seen (idle timeout), and what the user sees of them.
ALTER TABLE "session" ADD COLUMN "secondFactorPending" BOOLEAN NOT NULL DEFAULT false,
	ADD COLUMN "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	ADD COLUMN "userAgent" TEXT,
	ADD COLUMN "ip" TEXT;

-- A run the scheduler started is submitted by one city officer and approved by another.
ALTER TABLE "allowance_run" ADD COLUMN "submittedById" UUID, ADD COLUMN "submittedAt" TIMESTAMP(3);

CREATE OR REPLACE FUNCTION allowance_run_two_person() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	maker UUID := COALESCE(NEW."startedById", NEW."submittedById");
BEGIN
	IF NEW."approvedById" IS NOT NULL AND OLD."approvedById" IS NULL THEN
		IF maker IS NULL THEN
			RAISE EXCEPTION 'allowance run %: a run the scheduler started must be submitted before approval (violates rule "allowance_run_submitted_before_approval")', NEW.id
				USING ERRCODE = 'check_violation', CONSTRAINT = 'allowance_run_submitted_before_approval';
		END IF;
		IF NEW."approvedById" = maker OR EXISTS (
			SELECT 1 FROM app_user u WHERE (u.id = NEW."approvedById" AND u."createdById" = maker) OR (u.id = maker AND u."createdById" = NEW."approvedById")
		) THEN
			RAISE EXCEPTION 'allowance run %: the approver is the maker or created by or the creator of the maker (violates rule "allowance_run_two_person")', NEW.id
				USING ERRCODE = 'check_violation', CONSTRAINT = 'allowance_run_two_person';
		END IF;
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER allowance_run_two_person BEFORE UPDATE OF "approvedById" ON "allowance_run" FOR EACH ROW EXECUTE FUNCTION allowance_run_two_person();

-- Changes to allowance settings and subsidy policies wait here for a second officer's decision.
CREATE TABLE "pending_change" (
	"id" UUID NOT NULL DEFAULT gen_random_uuid(),
	"kind" TEXT NOT NULL,
	"subjectId" TEXT,
	"payload" JSONB NOT NULL,
	"status" TEXT NOT NULL DEFAULT 'pending',
	"proposedById" UUID NOT NULL,
	"proposedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"decidedById" UUID,
	"decidedAt" TIMESTAMP(3),
	"decisionNote" TEXT,
	CONSTRAINT "pending_change_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "pending_change_kind_valid" CHECK ("kind" IN ('allowance_settings', 'subsidy_policy_create', 'subsidy_policy_version')),
	CONSTRAINT "pending_change_status_valid" CHECK ("status" IN ('pending', 'approved', 'rejected')),
	CONSTRAINT "pending_change_decider_not_proposer" CHECK ("decidedById" IS NULL OR "decidedById" <> "proposedById")
);
CREATE INDEX "pending_change_kind_status_idx" ON "pending_change"("kind", "status");
