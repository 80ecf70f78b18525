-- CreateEnum
CREATE TYPE "ServiceCategory" AS ENUM ('meals', 'bathing', 'cleaning', 'medical_escort', 'emergency_response', 'mobility', 'nursing', 'rehabilitation', 'respite', 'day_care', 'canteen_meals', 'activities', 'short_stay', 'residential_stay');

-- CreateEnum
CREATE TYPE "PriceUnit" AS ENUM ('per_visit', 'hour', 'day', 'month');

-- CreateEnum
CREATE TYPE "BookingStatus" AS ENUM ('requested', 'confirmed', 'in_service', 'completed', 'cancelled', 'declined', 'expired', 'no_show', 'disputed');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('not_required', 'awaiting', 'processing', 'paid', 'failed', 'refunded', 'partially_refunded');

-- CreateEnum
CREATE TYPE "PaymentState" AS ENUM ('created', 'succeeded', 'failed', 'canceled');

-- CreateEnum
CREATE TYPE "VisitCheckMethod" AS ENUM ('geo', 'code');

-- CreateTable
CREATE TABLE "provider_profile" (
    "providerId" UUID NOT NULL,
    "autoConfirm" BOOLEAN NOT NULL DEFAULT false,
    "holdMinutes" INTEGER NOT NULL DEFAULT 720,
    "freeCancelHours" INTEGER NOT NULL DEFAULT 24,
    "lateCancelFeePercent" INTEGER NOT NULL DEFAULT 30,
    "ratingCount" INTEGER NOT NULL DEFAULT 0,
    "ratingSum" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "provider_profile_pkey" PRIMARY KEY ("providerId")
);

-- CreateTable
CREATE TABLE "offering" (
    "id" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "category" "ServiceCategory" NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "priceFen" INTEGER NOT NULL,
    "unit" "PriceUnit" NOT NULL,
    "durationMinutes" INTEGER NOT NULL,
    "districtIds" TEXT[],
    "communityIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "offering_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "availability_rule" (
    "id" UUID NOT NULL,
    "offeringId" UUID NOT NULL,
    "weekday" INTEGER NOT NULL,
    "startMinute" INTEGER NOT NULL,
    "endMinute" INTEGER NOT NULL,
    "capacity" INTEGER NOT NULL,

    CONSTRAINT "availability_rule_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "availability_exception" (
    "id" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "offeringId" UUID,
    "date" DATE NOT NULL,
    "reason" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "availability_exception_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "slot" (
    "id" UUID NOT NULL,
    "offeringId" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "booked" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "slot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "booking" (
    "id" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "familyUserId" UUID NOT NULL,
    "elderId" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "offeringId" UUID NOT NULL,
    "slotId" UUID NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "status" "BookingStatus" NOT NULL,
    "holdsPlace" BOOLEAN NOT NULL DEFAULT true,
    "priceFen" INTEGER NOT NULL,
    "subsidyFen" INTEGER NOT NULL DEFAULT 0,
    "copayFen" INTEGER NOT NULL,
    "subsidyRef" TEXT,
    "paymentStatus" "PaymentStatus" NOT NULL,
    "serviceAddress" TEXT NOT NULL DEFAULT '',
    "homeLat" DOUBLE PRECISION,
    "homeLng" DOUBLE PRECISION,
    "visitCode" TEXT NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "expiresAt" TIMESTAMPTZ(3),
    "confirmedAt" TIMESTAMPTZ(3),
    "cancelledAt" TIMESTAMPTZ(3),
    "cancelledById" UUID,
    "cancellationFeeFen" INTEGER NOT NULL DEFAULT 0,
    "refundedFen" INTEGER NOT NULL DEFAULT 0,
    "statusReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "booking_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "booking_event" (
    "id" BIGSERIAL NOT NULL,
    "bookingId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fromStatus" "BookingStatus",
    "toStatus" "BookingStatus" NOT NULL,
    "actorId" UUID,
    "actorRole" "Role",
    "note" TEXT,

    CONSTRAINT "booking_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payment" (
    "id" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "stripePaymentIntentId" TEXT,
    "amountFen" INTEGER NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'cny',
    "state" "PaymentState" NOT NULL DEFAULT 'created',
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "payment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "refund" (
    "id" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "paymentId" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "stripeRefundId" TEXT,
    "amountFen" INTEGER NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "refund_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stripe_event" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "stripe_event_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "visit" (
    "id" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "elderId" UUID NOT NULL,
    "caregiverId" UUID NOT NULL,
    "checkInAt" TIMESTAMPTZ(3) NOT NULL,
    "checkInMethod" "VisitCheckMethod" NOT NULL,
    "checkInLat" DOUBLE PRECISION,
    "checkInLng" DOUBLE PRECISION,
    "checkInCodeOk" BOOLEAN,
    "checkOutAt" TIMESTAMPTZ(3),
    "checkOutMethod" "VisitCheckMethod",
    "checkOutLat" DOUBLE PRECISION,
    "checkOutLng" DOUBLE PRECISION,
    "checkOutCodeOk" BOOLEAN,
    "flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "verified" BOOLEAN NOT NULL DEFAULT false,
    "reviewedById" UUID,
    "reviewedAt" TIMESTAMPTZ(3),
    "reviewNote" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "visit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "review" (
    "id" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "familyUserId" UUID NOT NULL,
    "rating" INTEGER NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "reply" TEXT,
    "repliedAt" TIMESTAMPTZ(3),
    "repliedById" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "review_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "notification" (
    "id" BIGSERIAL NOT NULL,
    "userId" UUID,
    "providerId" UUID,
    "kind" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "bookingId" UUID,
    "readAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "notification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox" (
    "id" BIGSERIAL NOT NULL,
    "channel" TEXT NOT NULL DEFAULT 'sms',
    "toPhone" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "params" JSONB NOT NULL DEFAULT '{}',
    "dedupeKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "offering_providerId_idx" ON "offering"("providerId");

-- CreateIndex
CREATE INDEX "offering_category_active_idx" ON "offering"("category", "active");

-- CreateIndex
CREATE INDEX "availability_rule_offeringId_weekday_idx" ON "availability_rule"("offeringId", "weekday");

-- CreateIndex
CREATE INDEX "availability_exception_providerId_date_idx" ON "availability_exception"("providerId", "date");

-- CreateIndex
CREATE INDEX "slot_providerId_startsAt_idx" ON "slot"("providerId", "startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "slot_offeringId_startsAt_key" ON "slot"("offeringId", "startsAt");

-- CreateIndex
CREATE INDEX "booking_providerId_startsAt_idx" ON "booking"("providerId", "startsAt");

-- CreateIndex
CREATE INDEX "booking_familyUserId_createdAt_idx" ON "booking"("familyUserId", "createdAt");

-- CreateIndex
CREATE INDEX "booking_elderId_startsAt_idx" ON "booking"("elderId", "startsAt");

-- CreateIndex
CREATE INDEX "booking_status_expiresAt_idx" ON "booking"("status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "booking_familyUserId_idempotencyKey_key" ON "booking"("familyUserId", "idempotencyKey");

-- CreateIndex
CREATE INDEX "booking_event_bookingId_at_idx" ON "booking_event"("bookingId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "payment_idempotencyKey_key" ON "payment"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "payment_stripePaymentIntentId_key" ON "payment"("stripePaymentIntentId");

-- CreateIndex
CREATE INDEX "payment_bookingId_idx" ON "payment"("bookingId");

-- CreateIndex
CREATE UNIQUE INDEX "refund_idempotencyKey_key" ON "refund"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "refund_stripeRefundId_key" ON "refund"("stripeRefundId");

-- CreateIndex
CREATE INDEX "refund_bookingId_idx" ON "refund"("bookingId");

-- CreateIndex
CREATE UNIQUE INDEX "visit_bookingId_key" ON "visit"("bookingId");

-- CreateIndex
CREATE INDEX "visit_caregiverId_checkInAt_idx" ON "visit"("caregiverId", "checkInAt");

-- CreateIndex
CREATE INDEX "visit_providerId_checkInAt_idx" ON "visit"("providerId", "checkInAt");

-- CreateIndex
CREATE UNIQUE INDEX "review_bookingId_key" ON "review"("bookingId");

-- CreateIndex
CREATE INDEX "review_providerId_createdAt_idx" ON "review"("providerId", "createdAt");

-- CreateIndex
CREATE INDEX "notification_userId_createdAt_idx" ON "notification"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "notification_providerId_createdAt_idx" ON "notification"("providerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_dedupeKey_key" ON "outbox"("dedupeKey");

-- CreateIndex
CREATE INDEX "outbox_sentAt_createdAt_idx" ON "outbox"("sentAt", "createdAt");

-- AddForeignKey
ALTER TABLE "provider_profile" ADD CONSTRAINT "provider_profile_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "provider"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offering" ADD CONSTRAINT "offering_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "provider"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "availability_rule" ADD CONSTRAINT "availability_rule_offeringId_fkey" FOREIGN KEY ("offeringId") REFERENCES "offering"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "availability_exception" ADD CONSTRAINT "availability_exception_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "provider"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "slot" ADD CONSTRAINT "slot_offeringId_fkey" FOREIGN KEY ("offeringId") REFERENCES "offering"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "booking" ADD CONSTRAINT "booking_familyUserId_fkey" FOREIGN KEY ("familyUserId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "booking" ADD CONSTRAINT "booking_elderId_fkey" FOREIGN KEY ("elderId") REFERENCES "elder"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "booking" ADD CONSTRAINT "booking_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "booking" ADD CONSTRAINT "booking_offeringId_fkey" FOREIGN KEY ("offeringId") REFERENCES "offering"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "booking" ADD CONSTRAINT "booking_slotId_fkey" FOREIGN KEY ("slotId") REFERENCES "slot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "booking_event" ADD CONSTRAINT "booking_event_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "booking"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "payment" ADD CONSTRAINT "payment_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refund" ADD CONSTRAINT "refund_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "refund" ADD CONSTRAINT "refund_paymentId_fkey" FOREIGN KEY ("paymentId") REFERENCES "payment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "visit" ADD CONSTRAINT "visit_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "visit" ADD CONSTRAINT "visit_caregiverId_fkey" FOREIGN KEY ("caregiverId") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review" ADD CONSTRAINT "review_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "review" ADD CONSTRAINT "review_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- ---------------------------------------------------------------- rules Prisma cannot express
-- Row rules are BEFORE triggers rather than CHECK constraints: Prisma 6.19's WebAssembly schema
-- engine panics ("unreachable") diffing a database with CHECK constraints, which would stop every
-- later `prisma migrate dev`. A trigger is enforced the same way, in the same statement.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION marketplace_violation(message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '%', message USING ERRCODE = 'check_violation';
END $$;

-- Capacity: the booking code's conditional UPDATE ... WHERE booked < capacity is the mechanism;
-- this makes an overbooked slot impossible whatever any code does.
CREATE FUNCTION slot_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."booked" < 0 OR NEW."booked" > NEW."capacity" THEN PERFORM marketplace_violation('slot_booked_within_capacity'); END IF;
  IF NEW."capacity" < 1 THEN PERFORM marketplace_violation('slot_capacity_positive'); END IF;
  IF NEW."endsAt" <= NEW."startsAt" THEN PERFORM marketplace_violation('slot_ends_after_start'); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER slot_rules BEFORE INSERT OR UPDATE ON "slot" FOR EACH ROW EXECUTE FUNCTION slot_rules();

CREATE FUNCTION offering_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."priceFen" <= 0 THEN PERFORM marketplace_violation('offering_price_positive'); END IF;
  IF NEW."durationMinutes" NOT BETWEEN 15 AND 1440 THEN PERFORM marketplace_violation('offering_duration_range'); END IF;
  IF cardinality(NEW."districtIds") < 1 THEN PERFORM marketplace_violation('offering_serves_a_district'); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER offering_rules BEFORE INSERT OR UPDATE ON "offering" FOR EACH ROW EXECUTE FUNCTION offering_rules();

CREATE FUNCTION availability_rule_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (NEW."weekday" BETWEEN 1 AND 7 AND NEW."startMinute" >= 0 AND NEW."endMinute" <= 1440
          AND NEW."startMinute" < NEW."endMinute" AND NEW."capacity" BETWEEN 1 AND 1000) THEN
    PERFORM marketplace_violation('availability_rule_valid');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER availability_rule_rules BEFORE INSERT OR UPDATE ON "availability_rule" FOR EACH ROW EXECUTE FUNCTION availability_rule_rules();

-- The split always adds up, no part is negative, and only a live booking can hold a place.
CREATE FUNCTION booking_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (NEW."priceFen" >= 0 AND NEW."subsidyFen" >= 0 AND NEW."copayFen" >= 0 AND NEW."priceFen" = NEW."subsidyFen" + NEW."copayFen") THEN
    PERFORM marketplace_violation('booking_price_split');
  END IF;
  IF NOT (NEW."cancellationFeeFen" >= 0 AND NEW."cancellationFeeFen" <= NEW."priceFen") THEN PERFORM marketplace_violation('booking_fee_within_price'); END IF;
  IF NOT (NEW."refundedFen" >= 0 AND NEW."refundedFen" <= NEW."copayFen") THEN PERFORM marketplace_violation('booking_refund_within_copay'); END IF;
  IF NEW."holdsPlace" AND NEW."status" NOT IN ('requested', 'confirmed', 'in_service', 'completed', 'no_show', 'disputed') THEN
    PERFORM marketplace_violation('booking_hold_matches_status');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER booking_rules BEFORE INSERT OR UPDATE ON "booking" FOR EACH ROW EXECUTE FUNCTION booking_rules();

CREATE FUNCTION money_row_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."amountFen" <= 0 THEN PERFORM marketplace_violation(TG_TABLE_NAME || '_amount_positive'); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER payment_rules BEFORE INSERT OR UPDATE ON "payment" FOR EACH ROW EXECUTE FUNCTION money_row_rules();
CREATE TRIGGER refund_rules BEFORE INSERT OR UPDATE ON "refund" FOR EACH ROW EXECUTE FUNCTION money_row_rules();
-- At most one live (created or succeeded) payment per booking: a retry reuses it, never adds one.
CREATE UNIQUE INDEX "payment_one_live_per_booking" ON "payment" ("bookingId") WHERE "state" IN ('created', 'succeeded');

CREATE FUNCTION review_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."rating" NOT BETWEEN 1 AND 5 THEN PERFORM marketplace_violation('review_rating_range'); END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER review_rules BEFORE INSERT OR UPDATE ON "review" FOR EACH ROW EXECUTE FUNCTION review_rules();

CREATE FUNCTION provider_profile_rules() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (NEW."holdMinutes" BETWEEN 5 AND 10080 AND NEW."freeCancelHours" BETWEEN 0 AND 720 AND NEW."lateCancelFeePercent" BETWEEN 0 AND 100
          AND NEW."ratingCount" >= 0 AND NEW."ratingSum" BETWEEN NEW."ratingCount" AND 5 * NEW."ratingCount") THEN
    PERFORM marketplace_violation('provider_profile_terms');
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER provider_profile_rules BEFORE INSERT OR UPDATE ON "provider_profile" FOR EACH ROW EXECUTE FUNCTION provider_profile_rules();

-- Search: Chinese text by trigram over titles and descriptions (an expression index Prisma leaves alone).
-- offering_district_ids is declared in schema.prisma (@@index type: Gin) so the diff stays empty.
CREATE INDEX "offering_text_trgm" ON "offering" USING gin (("title" || ' ' || "description") gin_trgm_ops);
CREATE INDEX "offering_district_ids" ON "offering" USING gin ("districtIds");
-- Full slots, looked up when computing the next free slots of search results.
CREATE INDEX "slot_full" ON "slot" ("offeringId", "startsAt") WHERE "booked" >= "capacity";
