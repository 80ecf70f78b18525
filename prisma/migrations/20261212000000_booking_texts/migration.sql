-- How a provider's manager is texted about new bookings (app/modules/accounts/booking-texts.server.ts):
-- 'each' (every booking, as before), 'daily' (one summary at 08:00 of the previous day's bookings,
-- app/modules/marketplace/booking-digest.server.ts) or 'off' (the in-app inbox only). Other texts to
-- the provider (its approval, a suspension) are not affected.
CREATE TYPE "BookingTexts" AS ENUM ('each', 'daily', 'off');
ALTER TABLE "app_user" ADD COLUMN "bookingTexts" "BookingTexts" NOT NULL DEFAULT 'each';

-- The daily digest reads one Shanghai day of new bookings across the city.
CREATE INDEX "booking_createdAt_idx" ON "booking"("createdAt");
