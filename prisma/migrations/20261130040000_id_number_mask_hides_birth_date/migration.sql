-- The mask hid only the birth date (420802********1234) and pages showed the birth date beside it,
-- so the full number could be rebuilt without the audited reveal. New form: 4208**********34.
UPDATE elder
SET "idNumberMasked" = left("idNumberMasked", 4) || repeat('*', 12) || right("idNumberMasked", 2)
WHERE "idNumberMasked" !~ '^\d{4}\*{12}[0-9X]{2}$';
