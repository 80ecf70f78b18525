// Making a booking: a family books a place in a slot for an elder it cares for. Every check and the
// price quote happen before the transaction; the transaction only re-checks the provider, writes
// the booking, takes a free place of the slot (one row per place, FOR UPDATE SKIP LOCKED: see
// booking-slots.server.ts) and holds the subsidy credit. The same submission twice makes one
// booking (unique idempotency key per family).
import { z } from 'zod'
import type { BookingStatus, ServiceCategory } from '~/generated/prisma/enums.ts'
import { prisma } from '~/lib/db.server.ts'
import { assertFen } from '~/lib/money.ts'
import { fail, fieldFail, ok, type Outcome } from '~/lib/outcome.ts'
import { shanghaiDate } from '~/lib/time.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { holdForBooking, quoteSubsidy, SubsidyUnavailable } from '~/modules/subsidies/booking.server.ts'
import { TX_OPTIONS } from './booking-lifecycle.server.ts'
import { offeringServes } from './booking-read.server.ts'
import { ensureSlot, takePlace } from './booking-slots.server.ts'
import { notify } from './notify.server.ts'
import { holdExpiry } from './rules.ts'
import { scheduledSlot, type Rule } from './schedule.ts'
import type { bookingSchema } from './schemas.ts'

export const MAX_DAYS_AHEAD = 90

export type BookingOutcome = Outcome<{ bookingId: string; status: BookingStatus; duplicate: boolean }>

const key = (error: string) => `marketplace:errors.booking.${error}`
const refuse = (error: string, status = 400) => fail(key(error), status)
const refuseField = (field: string, error: string, status = 400) => fieldFail(field, key(error), status)

class SlotFull extends Error {}
class ProviderUnavailable extends Error {}

function isUniqueViolation(error: unknown) {
	return (error as { code?: string } | null)?.code === 'P2002'
}

type BookingInput = z.infer<typeof bookingSchema>

type PreBooking = {
	existing: { id: string; status: BookingStatus; offeringId: string } | null
	elder: { id: string; name: string; districtId: string; communityId: string | null; deceased: boolean } | null
	offering: {
		id: string
		title: string
		category: ServiceCategory
		priceFen: number
		durationMinutes: number
		districtIds: string[]
		communityIds: string[]
		active: boolean
		providerId: string
		providerStatus: string
		providerName: string
		providerPhone: string | null
		autoConfirm: boolean
		holdMinutes: number
		rules: Rule[]
		closed: boolean
	} | null
	slot: { id: string; free: boolean } | null
}

export async function createBooking(user: SessionUser, offeringId: string, input: BookingInput, now = new Date()): Promise<BookingOutcome> {
	if (user.role !== 'family') return refuse('familiesOnly', 403)
	if (!z.uuid().safeParse(input.elderId).success) return refuseField('elderId', 'elderNotYours', 403)
	if (!z.uuid().safeParse(offeringId).success) return refuse('notBookable', 404)
	const startsAt = new Date(input.startsAt)
	const date = shanghaiDate(startsAt)
	// Everything the checks below need, in one round trip: under a booking rush every query counts.
	const [facts] = await prisma.$queryRaw<PreBooking[]>`
		SELECT
			(SELECT json_build_object('id', b.id, 'status', b.status, 'offeringId', b."offeringId") FROM booking b
			  WHERE b."familyUserId" = ${user.id}::uuid AND b."idempotencyKey" = ${input.idempotencyKey}) AS existing,
			(SELECT json_build_object('id', e.id, 'name', e.name, 'districtId', e."districtId", 'communityId', e."communityId", 'deceased', e."deathDate" IS NOT NULL)
			  FROM elder e JOIN family_link fl ON fl."elderId" = e.id AND fl."userId" = ${user.id}::uuid WHERE e.id = ${input.elderId}::uuid) AS elder,
			(SELECT json_build_object(
				'id', o.id, 'title', o.title, 'category', o.category, 'priceFen', o."priceFen", 'durationMinutes', o."durationMinutes",
				'districtIds', o."districtIds", 'communityIds', o."communityIds", 'active', o.active, 'providerId', o."providerId",
				'providerStatus', p.status, 'providerName', p.name, 'providerPhone', p.phone,
				'autoConfirm', COALESCE(pp."autoConfirm", false), 'holdMinutes', COALESCE(pp."holdMinutes", 720),
				'rules', COALESCE((SELECT json_agg(json_build_object('weekday', r.weekday, 'startMinute', r."startMinute", 'endMinute', r."endMinute", 'capacity', r.capacity))
				                   FROM availability_rule r WHERE r."offeringId" = o.id), '[]'::json),
				'closed', EXISTS (SELECT 1 FROM availability_exception x WHERE x."providerId" = o."providerId" AND x.date = ${date}::date AND (x."offeringId" IS NULL OR x."offeringId" = o.id)))
			  FROM offering o JOIN provider p ON p.id = o."providerId" LEFT JOIN provider_profile pp ON pp."providerId" = p.id
			  WHERE o.id = ${offeringId}::uuid) AS offering,
			(SELECT json_build_object('id', s.id, 'free', EXISTS (SELECT 1 FROM slot_place sp WHERE sp."slotId" = s.id AND sp."bookingId" IS NULL)) FROM slot s
			  WHERE s."offeringId" = ${offeringId}::uuid AND s."startsAt" = ${startsAt}) AS slot`
	// A resubmission of a form that already booked answers with that booking, whatever else changed.
	const existing = facts?.existing
	if (existing) return existing.offeringId === offeringId ? ok({ bookingId: existing.id, status: existing.status, duplicate: true }) : refuse('formExpired', 409)
	const elder = facts?.elder
	if (!elder) return refuseField('elderId', 'elderNotYours', 403)
	if (elder.deceased) return refuseField('elderId', 'elderDeceased')
	const offering = facts?.offering
	if (!offering || !offering.active) return refuse('notBookable', 404)
	if (offering.providerStatus === 'suspended') return refuse('providerSuspended', 409)
	if (offering.providerStatus !== 'approved') return refuse('providerNotApproved', 409)
	if (!offeringServes(offering, elder)) return refuseField('elderId', 'areaNotServed')

	if (startsAt.getTime() <= now.getTime()) return refuseField('startsAt', 'past')
	if (startsAt.getTime() > now.getTime() + MAX_DAYS_AHEAD * 86_400_000) return refuseField('startsAt', 'tooFarAhead')
	const scheduled = scheduledSlot(startsAt, offering.rules, offering.durationMinutes, new Set(offering.closed ? [date] : []))
	if (!scheduled) return refuseField('startsAt', offering.closed ? 'closed' : 'outsideSchedule')
	// Fast answer for a slot already full: a read, never a write decision (takePlace decides). It
	// spares a quote and a transaction to the many families who arrive after the last place.
	if (facts?.slot && !facts.slot.free) return refuseField('startsAt', 'full', 409)

	// The one quote of this request. The transaction does not quote again: holding the credit
	// fails if another booking spent it meanwhile, and the family is then asked to look again.
	const quote = await quoteSubsidy(prisma, { elderId: elder.id, category: offering.category, priceFen: assertFen(offering.priceFen), startsAt })
	if (quote.priceFen !== input.expectedPriceFen || quote.copayFen !== input.expectedCopayFen) return refuse('priceChanged', 409)

	const slotId = facts?.slot?.id ?? (await ensureSlot(offering, scheduled))
	const autoConfirm = offering.autoConfirm
	const status: BookingStatus = autoConfirm ? 'confirmed' : 'requested'
	const bookingId = crypto.randomUUID()
	const params = { offering: offering.title, provider: offering.providerName, elder: elder.name, startsAt: scheduled.startsAt.toISOString() }
	try {
		await prisma.$transaction(async (tx) => {
			// The provider must still be approved when the booking commits: FOR SHARE makes a suspension
			// wait for bookings already past this line, and bookings after it see the suspension.
			const [live] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM provider WHERE id = ${offering.providerId}::uuid FOR SHARE`
			if (live?.status !== 'approved') throw new ProviderUnavailable(live?.status ?? 'missing')
			// The booking row first: a concurrent resubmission of the same form waits here on the
			// idempotency key and never takes a second place.
			await tx.booking.create({
				data: {
					id: bookingId,
					idempotencyKey: input.idempotencyKey,
					familyUserId: user.id,
					elderId: elder.id,
					providerId: offering.providerId,
					offeringId: offering.id,
					slotId,
					startsAt: scheduled.startsAt,
					endsAt: scheduled.endsAt,
					status,
					priceFen: quote.priceFen,
					subsidyFen: quote.subsidyFen,
					copayFen: quote.copayFen,
					subsidyRef: quote.grantId,
					paymentStatus: quote.copayFen > 0 ? 'awaiting' : 'not_required',
					serviceAddress: input.serviceAddress,
					homeLat: input.homeLat ?? null,
					homeLng: input.homeLng ?? null,
					visitCode: visitCode(),
					note: input.note,
					expiresAt: autoConfirm ? null : holdExpiry(now, offering.holdMinutes, scheduled.startsAt),
					confirmedAt: autoConfirm ? now : null,
					events: { create: [{ toStatus: 'requested', actorId: user.id, actorRole: user.role }, ...(autoConfirm ? [{ fromStatus: 'requested' as const, toStatus: 'confirmed' as const, note: 'auto' }] : [])] },
				},
				select: { id: true },
			})
			// The place is taken here or not at all (a deferred trigger checks the booking holds it).
			if ((await takePlace(tx, bookingId, slotId)) === null) throw new SlotFull()
			await notify(tx, { providerId: offering.providerId, phone: offering.providerPhone }, 'booking.requested', { bookingId, params, dedupe: bookingId })
			if (autoConfirm) await notify(tx, { userId: user.id, phone: user.phone }, 'booking.confirmed', { bookingId, params, dedupe: bookingId })
			await holdForBooking(tx, { id: bookingId, subsidyFen: quote.subsidyFen, subsidyRef: quote.grantId, providerId: offering.providerId, category: offering.category })
		}, TX_OPTIONS)
		return ok({ bookingId, status, duplicate: false })
	} catch (error) {
		if (error instanceof SlotFull) return refuseField('startsAt', 'full', 409)
		if (error instanceof ProviderUnavailable) return refuse(error.message === 'suspended' ? 'providerSuspended' : 'providerNotApproved', 409)
		if (error instanceof SubsidyUnavailable) return refuse('priceChanged', 409)
		if (isUniqueViolation(error)) {
			// The same form submitted twice at once: the other submission made the booking.
			const winner = await prisma.booking.findUnique({
				where: { familyUserId_idempotencyKey: { familyUserId: user.id, idempotencyKey: input.idempotencyKey } },
				select: { id: true, status: true },
			})
			if (winner) return ok({ bookingId: winner.id, status: winner.status, duplicate: true })
		}
		throw error
	}
}

function visitCode() {
	// Six digits shown to the family at the elder's home; the caregiver types it at check-in.
	return String(crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000).padStart(6, '0')
}
