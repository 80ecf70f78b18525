-- A provider's manager invites and manages the provider's own staff (caregivers, centre and
-- institution staff) at /provider/staff (app/modules/accounts/provider-staff.server.ts). Staff the
-- bureau created are the provider's managers; staff a manager invited are not.
ALTER TABLE "app_user" ADD COLUMN "providerManager" BOOLEAN NOT NULL DEFAULT false;
UPDATE "app_user" SET "providerManager" = true WHERE "role" = 'provider_staff';
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_provider_manager_is_staff" CHECK (NOT "providerManager" OR ("role" = 'provider_staff' AND "providerId" IS NOT NULL));
