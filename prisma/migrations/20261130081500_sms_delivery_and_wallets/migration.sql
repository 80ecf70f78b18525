-- Issue 13 items 4 and 5: SMS that is sent (outbox states, the send's record, phone codes) and
-- wallet payments (the methods a payment offered and the one that paid).

-- ---- SMS delivery. An outbox row moves pending -> sending -> sent, or back to retry (with a later
-- nextAttemptAt) after a refusal the provider may lift, or to dead after the last try or when the
-- outcome of a send is unknown (at-most-once: see app/modules/messaging/outbox.server.ts).
ALTER TABLE "outbox"
  ADD COLUMN "state" TEXT NOT NULL DEFAULT 'pending',
  ADD COLUMN "nextAttemptAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  ADD COLUMN "claimedAt" TIMESTAMPTZ(3),
  ADD COLUMN "lastError" TEXT,
  ADD COLUMN "deadAt" TIMESTAMPTZ(3);
UPDATE "outbox" SET "state" = 'sent' WHERE "sentAt" IS NOT NULL;
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_state_valid" CHECK ("state" IN ('pending', 'retry', 'sending', 'sent', 'dead'));
CREATE INDEX "outbox_state_nextAttemptAt_idx" ON "outbox" ("state", "nextAttemptAt");

-- One row per message the provider accepted, written in the same transaction as the outbox row's
-- move to sent; the unique outboxId makes a second send's record impossible.
CREATE TABLE "sms_send" (
  "id" BIGSERIAL PRIMARY KEY,
  "outboxId" BIGINT NOT NULL REFERENCES "outbox"("id"),
  "transport" TEXT NOT NULL,
  "toPhone" TEXT NOT NULL,
  "template" TEXT NOT NULL,
  "templateCode" TEXT NOT NULL,
  "params" JSONB NOT NULL DEFAULT '{}',
  "providerRequestId" TEXT,
  "providerMessageId" TEXT,
  "sentAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "sms_send_outboxId_key" ON "sms_send" ("outboxId");
CREATE INDEX "sms_send_sentAt_idx" ON "sms_send" ("sentAt");

-- Phone confirmation codes (registration, password reset): only an HMAC of the code is kept.
CREATE TABLE "phone_code" (
  "id" UUID NOT NULL DEFAULT gen_random_uuid() PRIMARY KEY,
  "phone" TEXT NOT NULL,
  "purpose" TEXT NOT NULL,
  "codeHash" BYTEA NOT NULL,
  "attempts" INTEGER NOT NULL DEFAULT 0,
  "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
  "expiresAt" TIMESTAMPTZ(3) NOT NULL,
  "usedAt" TIMESTAMPTZ(3),
  CONSTRAINT "phone_code_purpose_valid" CHECK ("purpose" IN ('register', 'reset')),
  CONSTRAINT "phone_code_attempts_range" CHECK ("attempts" BETWEEN 0 AND 5)
);
CREATE INDEX "phone_code_phone_purpose_createdAt_idx" ON "phone_code" ("phone", "purpose", "createdAt");

-- ---- Wallet payments: the payment_method_types the intent offered, and the one that paid.
ALTER TABLE "payment"
  ADD COLUMN "methods" TEXT[] NOT NULL DEFAULT ARRAY['card']::TEXT[],
  ADD COLUMN "paidMethod" TEXT,
  -- What the family's wallet needs next (WeChat Pay's QR data, Alipay's redirect), from the confirmed intent.
  ADD COLUMN "nextAction" JSONB;
ALTER TABLE "payment" ADD CONSTRAINT "payment_methods_known" CHECK ("methods" <@ ARRAY['card', 'wechat_pay', 'alipay']::TEXT[] AND cardinality("methods") > 0);
