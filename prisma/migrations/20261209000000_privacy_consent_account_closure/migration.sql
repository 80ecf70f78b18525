-- PIPL (个人信息保护法): a record of each consent a person gave (arts. 14, 29: sensitive personal
-- information needs a separate consent), and accounts their holders closed (art. 47). A closed account
-- keeps its row, so the bookings, payments and audit entries that name it still have an owner; what
-- identified the person is erased (app/modules/accounts/privacy.server.ts).

CREATE TABLE "consent" (
	"id" UUID NOT NULL DEFAULT gen_random_uuid(),
	"userId" UUID NOT NULL,
	-- privacy_notice: the account holder accepted the privacy notice at registration;
	-- elder_sensitive: a family confirmed the elder (or guardian) agreed to the processing of the
	-- elder's identity number, health and assessment information for allowances and services.
	"kind" TEXT NOT NULL,
	"elderId" UUID,
	"noticeVersion" TEXT NOT NULL,
	"grantedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
	"withdrawnAt" TIMESTAMPTZ(3),
	"ip" TEXT,
	CONSTRAINT "consent_pkey" PRIMARY KEY ("id"),
	CONSTRAINT "consent_kind_valid" CHECK ("kind" IN ('privacy_notice', 'elder_sensitive')),
	CONSTRAINT "consent_elder_matches_kind" CHECK (("kind" = 'elder_sensitive') = ("elderId" IS NOT NULL)),
	CONSTRAINT "consent_withdrawn_after_granted" CHECK ("withdrawnAt" IS NULL OR "withdrawnAt" >= "grantedAt")
);

CREATE INDEX "consent_userId_grantedAt_idx" ON "consent"("userId", "grantedAt");
CREATE INDEX "consent_elderId_idx" ON "consent"("elderId");

ALTER TABLE "consent" ADD CONSTRAINT "consent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "consent" ADD CONSTRAINT "consent_elderId_fkey" FOREIGN KEY ("elderId") REFERENCES "elder"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "app_user" ADD COLUMN "closedAt" TIMESTAMPTZ(3);
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_closed_inactive" CHECK ("closedAt" IS NULL OR NOT "active");
