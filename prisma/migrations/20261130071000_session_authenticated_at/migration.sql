-- When the session's holder last proved who they are (sign-in or re-authentication). Sensitive acts
-- (revealing an identity number, approving a run, exporting a bank file, creating accounts) ask again
-- when this is older than five minutes.
ALTER TABLE "session" ADD COLUMN "authenticatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;
