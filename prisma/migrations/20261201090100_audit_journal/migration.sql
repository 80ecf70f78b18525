-- The audit log covers bookings, bed changes and admissions too (issue 11 item 5): every row of the
-- booking and bed journals is copied into audit_log in the same statement that writes it, with the
-- district of the provider, so the bureau's audit page shows and filters them with everything else.

CREATE FUNCTION audit_booking_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO audit_log ("actorId", "actorRole", action, "entityType", "entityId", "districtId", details)
	SELECT NEW."actorId", NEW."actorRole", 'booking.' || NEW."toStatus", 'booking', NEW."bookingId"::text, p."districtId",
		jsonb_build_object('from', NEW."fromStatus", 'to', NEW."toStatus", 'note', NEW.note)
	FROM booking b JOIN provider p ON p.id = b."providerId" WHERE b.id = NEW."bookingId";
	RETURN NULL;
END $$;
CREATE TRIGGER audit_booking_event AFTER INSERT ON booking_event FOR EACH ROW EXECUTE FUNCTION audit_booking_event();

CREATE FUNCTION audit_bed_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO audit_log ("actorId", "actorRole", action, "entityType", "entityId", "districtId", details)
	SELECT NEW."actorId", (SELECT role FROM app_user WHERE id = NEW."actorId"), 'bed.' || NEW.kind, 'bed', NEW."bedId"::text, p."districtId",
		jsonb_build_object('from', NEW."fromStatus", 'to', NEW."toStatus", 'elderId', NEW."elderId", 'admissionId', NEW."admissionId") || coalesce(NEW.details, '{}'::jsonb)
	FROM provider p WHERE p.id = NEW."providerId";
	RETURN NULL;
END $$;
CREATE TRIGGER audit_bed_event AFTER INSERT ON bed_event FOR EACH ROW EXECUTE FUNCTION audit_bed_event();

-- Filters of the audit page: by actor and by action, newest first.
CREATE INDEX audit_log_actor_idx ON audit_log ("actorId", id);
CREATE INDEX audit_log_action_idx ON audit_log (action, id);
