// A provider's manager chooses how new bookings reach their phone: a text for each booking (the
// default), one summary a day (marketplace/booking-digest.server.ts), or none (the provider's in-app
// inbox still lists every booking). Only new-booking texts follow it; other texts to the provider
// (its approval, a suspension) always go to every active manager (messaging/notify.server.ts).
import { transaction } from '~/lib/db.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import type { BookingTextsChoice } from './schemas.ts'

/** The manager's choice, or null for staff who are not the provider's managers (they get no booking texts). */
export async function bookingTextsOf(user: SessionUser): Promise<BookingTextsChoice | null> {
	if (user.role !== 'provider_staff' || !user.providerId) return null
	const row = await sql`SELECT "bookingTexts"::text AS choice FROM app_user
		WHERE id = ${user.id}::uuid AND "providerManager" AND active AND "closedAt" IS NULL`.first<{ choice: BookingTextsChoice }>()
	return row?.choice ?? null
}

/** Records the manager's choice, audited (as the account's other changes are) when it changes. */
export async function setBookingTexts(user: SessionUser, input: { bookingTexts: BookingTextsChoice }, ip: string | null): Promise<Outcome<{ bookingTexts: BookingTextsChoice }>> {
	if (user.role !== 'provider_staff' || !user.providerId) return fail('errors.bookingTexts.notManager', 403)
	return transaction(async (tx) => {
		// Read under a lock so that two changes at once each audit what they replaced.
		const row = await sql`SELECT "bookingTexts"::text AS choice FROM app_user
			WHERE id = ${user.id}::uuid AND "providerManager" AND active AND "closedAt" IS NULL FOR UPDATE`.first<{ choice: BookingTextsChoice }>(tx)
		if (!row) return fail('errors.bookingTexts.notManager', 403)
		if (row.choice === input.bookingTexts) return ok({ bookingTexts: row.choice })
		await sql`UPDATE app_user SET "bookingTexts" = ${input.bookingTexts}::"BookingTexts", "updatedAt" = now() WHERE id = ${user.id}::uuid`.run(tx)
		await audit({ actor: user, action: 'account.booking_texts', entityType: 'user', entityId: user.id, districtId: user.districtId, details: { from: row.choice, to: input.bookingTexts }, ip }, tx)
		return ok({ bookingTexts: input.bookingTexts })
	})
}
