// The daily booking summary for providers' managers who chose it (accounts/booking-texts.server.ts):
// one text each about the previous Shanghai day's new bookings of their provider — how many, and how
// many still await confirmation. No bookings, no text. Run by the booking-digest queue at 08:00
// (app/jobs/booking-digest.server.ts).
import { sql } from '~/lib/sql.server.ts'
import { MOBILE_NUMBER } from '~/lib/text.ts'
import { addDays, fromShanghai } from '~/lib/time.ts'

export const DIGEST_TEMPLATE = 'booking.digest'

/**
 * Writes the day's summaries to the outbox (the SMS worker's sweep sends them): one set-based
 * statement for the whole city. The dedupe key names the day and the manager, so a retried or
 * repeated run writes nothing more. Returns how many texts were written.
 */
export async function writeBookingDigests(day: string): Promise<{ day: string; texts: number }> {
	const from = fromShanghai(day)
	const to = fromShanghai(addDays(day, 1))
	const texts = await sql`
		INSERT INTO outbox ("toPhone", template, params, "dedupeKey")
		SELECT u.phone, ${DIGEST_TEMPLATE},
			jsonb_build_object('day', ${day}::text, 'count', c.count, 'awaiting', c.awaiting),
			${`${DIGEST_TEMPLATE}:${day}:`} || u.id
		FROM (
			SELECT "providerId", count(*)::int AS count, (count(*) FILTER (WHERE status = 'requested'))::int AS awaiting
			FROM booking
			WHERE "createdAt" >= ${from}::timestamptz AND "createdAt" < ${to}::timestamptz
			GROUP BY "providerId"
		) c
		JOIN app_user u ON u."providerId" = c."providerId"
		WHERE u."providerManager" AND u.active AND u."closedAt" IS NULL AND u."bookingTexts" = 'daily' AND u.phone ~ ${MOBILE_NUMBER.source}
		ON CONFLICT ("dedupeKey") DO NOTHING`.run()
	return { day, texts }
}
