-- A signed-in person moving their account to a new mobile number confirms the new number with a code
-- (app/modules/accounts/phone-change.server.ts).
ALTER TABLE "phone_code" DROP CONSTRAINT "phone_code_purpose_valid";
ALTER TABLE "phone_code" ADD CONSTRAINT "phone_code_purpose_valid" CHECK ("purpose" IN ('register', 'reset', 'change'));
