// Booking: a family books a place in a slot for an elder it cares for. Capacity is enforced by the
// database (a conditional UPDATE of the slot row inside the booking's transaction, backed by a
// trigger); the same submission twice makes one booking (unique idempotency key per family).
import { z } from 'zod'
import { Prisma } from '~/generated/prisma/client.ts'
import type { BookingStatus, Role, ServiceCategory } from '~/generated/prisma/enums.ts'
import { prisma, type Tx } from '~/lib/db.server.ts'
import { dateOnly, shanghaiDate, toDateString } from '~/lib/time.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { communityNames } from './catalogue.server.ts'
import { notify, type NotificationKind } from './notify.server.ts'
import { SubsidyUnavailable } from '~/modules/subsidies/booking.server.ts'
import { captureBookingSubsidy, holdBookingSubsidy, quoteBooking, releaseBookingSubsidy, type HeldBooking } from './pricing.server.ts'
import { cancellationFee, holdExpiry, RELEASING, TRANSITIONS, type Transition } from './rules.ts'
import { scheduledSlot, type Rule } from './schedule.ts'
import type { bookingSchema } from './schemas.ts'

export const MAX_DAYS_AHEAD = 90
// Long waits for a pooled connection are normal under a booking rush; the work itself is short.
const TX_OPTIONS = { maxWait: 60_000, timeout: 30_000 } as const

export type BookingError = { ok: false; error: string; status: number; field?: string }
export type BookingResult = { ok: true; bookingId: string; status: BookingStatus; duplicate: boolean } | BookingError

const fail = (error: string, status = 400, field?: string): BookingError => ({ ok: false, error: `marketplace:errors.booking.${error}`, status, field })

class SlotFull extends Error {}

function isUniqueViolation(error: unknown) {
	return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002'
}

/** What the booking page needs: the offering, its provider and the elders this family cares for. */
export async function getBookable(user: SessionUser, offeringId: string) {
	if (!z.uuid().safeParse(offeringId).success) return null
	const offering = await prisma.offering.findFirst({
		where: { id: offeringId, active: true, provider: { status: 'approved' } },
		select: {
			id: true,
			title: true,
			description: true,
			category: true,
			priceFen: true,
			unit: true,
			durationMinutes: true,
			districtIds: true,
			communityIds: true,
			providerId: true,
			provider: { select: { id: true, name: true, grade: true, profile: { select: { autoConfirm: true, freeCancelHours: true, lateCancelFeePercent: true, ratingCount: true, ratingSum: true } } } },
			rules: { select: { weekday: true, startMinute: true, endMinute: true, capacity: true } },
		},
	})
	if (!offering) return null
	const elders =
		user.role === 'family'
			? await prisma.elder.findMany({
					where: { families: { some: { userId: user.id } }, deathDate: null },
					orderBy: { name: 'asc' },
					select: { id: true, name: true, districtId: true, communityId: true },
				})
			: []
	const names = await communityNames(offering.communityIds)
	return { offering: { ...offering, communities: offering.communityIds.flatMap((id) => names.get(id) ?? []) }, elders }
}

async function closedDatesFor(providerId: string, offeringId: string, from: string, to: string) {
	const rows = await prisma.availabilityException.findMany({
		where: { providerId, OR: [{ offeringId: null }, { offeringId }], date: { gte: dateOnly(from), lte: dateOnly(to) } },
		select: { date: true },
	})
	return new Set(rows.map((r) => toDateString(r.date)))
}

/** Full slots of an offering in a window, as ISO start strings. */
export async function fullSlots(offeringIds: string[], from: Date, to: Date) {
	if (offeringIds.length === 0) return new Map<string, Set<string>>()
	const rows = await prisma.$queryRaw<{ offeringId: string; startsAt: Date }[]>`
		SELECT "offeringId", "startsAt" FROM slot
		WHERE "offeringId" = ANY(${offeringIds}::uuid[]) AND "startsAt" >= ${from} AND "startsAt" < ${to} AND booked >= capacity`
	const out = new Map<string, Set<string>>()
	for (const r of rows) {
		let set = out.get(r.offeringId)
		if (!set) out.set(r.offeringId, (set = new Set()))
		set.add(new Date(r.startsAt).toISOString())
	}
	return out
}

export { closedDatesFor }

/** Whether an offering's area (its districts, narrowed to its communities if any) includes the elder's home. */
export function offeringServes(offering: { districtIds: string[]; communityIds: string[] }, elder: { districtId: string; communityId: string | null }) {
	return offering.districtIds.includes(elder.districtId) && (offering.communityIds.length === 0 || offering.communityIds.includes(elder.communityId ?? ''))
}

/** Whether an offering exists but its provider is suspended (the booking page then says so). */
export async function offeringProviderSuspended(offeringId: string) {
	if (!z.uuid().safeParse(offeringId).success) return false
	return (await prisma.offering.count({ where: { id: offeringId, provider: { status: 'suspended' } } })) > 0
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
	slot: { booked: number; capacity: number } | null
}

export async function createBooking(user: SessionUser, offeringId: string, input: BookingInput, now = new Date()): Promise<BookingResult> {
	if (user.role !== 'family') return fail('familiesOnly', 403)
	if (!z.uuid().safeParse(input.elderId).success) return fail('elderNotYours', 403, 'elderId')
	if (!z.uuid().safeParse(offeringId).success) return fail('notBookable', 404)
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
			(SELECT json_build_object('booked', s.booked, 'capacity', s.capacity) FROM slot s
			  WHERE s."offeringId" = ${offeringId}::uuid AND s."startsAt" = ${startsAt}) AS slot`
	// A resubmission of a form that already booked answers with that booking, whatever else changed.
	const existing = facts?.existing
	if (existing) return existing.offeringId === offeringId ? { ok: true, bookingId: existing.id, status: existing.status, duplicate: true } : fail('formExpired', 409)
	const elder = facts?.elder
	if (!elder) return fail('elderNotYours', 403, 'elderId')
	if (elder.deceased) return fail('elderDeceased', 400, 'elderId')
	const o = facts?.offering
	if (!o || !o.active) return fail('notBookable', 404)
	const offering = { ...o, provider: { status: o.providerStatus, name: o.providerName, phone: o.providerPhone, profile: { autoConfirm: o.autoConfirm, holdMinutes: o.holdMinutes } } }
	if (offering.provider.status === 'suspended') return fail('providerSuspended', 409)
	if (offering.provider.status !== 'approved') return fail('providerNotApproved', 409)
	if (!offeringServes(offering, elder)) {
		return fail('areaNotServed', 400, 'elderId')
	}

	if (startsAt.getTime() <= now.getTime()) return fail('past', 400, 'startsAt')
	if (startsAt.getTime() > now.getTime() + MAX_DAYS_AHEAD * 86_400_000) return fail('tooFarAhead', 400, 'startsAt')
	const closed = new Set(o.closed ? [date] : [])
	const scheduled = scheduledSlot(startsAt, offering.rules, offering.durationMinutes, closed)
	if (!scheduled) return fail(closed.has(date) ? 'closed' : 'outsideSchedule', 400, 'startsAt')

	const quoteInput = { elderId: elder.id, providerId: offering.providerId, offeringId: offering.id, category: offering.category, priceFen: offering.priceFen, startsAt }
	const shown = await quoteBooking(prisma, quoteInput)
	if (shown.priceFen !== input.expectedPriceFen || shown.copayFen !== input.expectedCopayFen) return fail('priceChanged', 409)

	const autoConfirm = offering.provider.profile?.autoConfirm ?? false
	const status: BookingStatus = autoConfirm ? 'confirmed' : 'requested'
	// Fast answer for a slot already full: a read, never a write decision (the conditional UPDATE
	// below decides). It spares a transaction to the many families who arrive after the last place.
	const seen = facts?.slot
	if (seen && seen.booked >= seen.capacity) return fail('full', 409, 'startsAt')
	const bookingId = crypto.randomUUID()
	try {
		const booking = await prisma.$transaction(async (tx) => {
			// The provider must still be approved when the booking commits: FOR SHARE makes a suspension
			// wait for bookings already past this line, and bookings after it see the suspension.
			const [live] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text FROM provider WHERE id = ${offering.providerId}::uuid FOR SHARE`
			if (live?.status !== 'approved') throw new ProviderUnavailable(live?.status ?? 'missing')
			const quote = await quoteBooking(tx, quoteInput)
			if (quote.priceFen !== input.expectedPriceFen || quote.copayFen !== input.expectedCopayFen) throw new PriceChanged()
			await tx.$executeRaw`
				INSERT INTO slot (id, "offeringId", "providerId", "startsAt", "endsAt", capacity)
				VALUES (gen_random_uuid(), ${offering.id}::uuid, ${offering.providerId}::uuid, ${scheduled.startsAt}, ${scheduled.endsAt}, ${scheduled.capacity})
				ON CONFLICT ("offeringId", "startsAt") DO NOTHING`
			// Notifications first: they roll back with everything else if the place is not taken, and
			// the slot row's lock below is then held only for the booking's own insert and the commit.
			const params = { offering: offering.title, provider: offering.provider.name, elder: elder.name, startsAt: scheduled.startsAt.toISOString() }
			await notify(tx, { providerId: offering.providerId, phone: offering.provider.phone }, 'booking.requested', { bookingId, params, dedupe: bookingId })
			if (autoConfirm) await notify(tx, { userId: user.id, phone: user.phone }, 'booking.confirmed', { bookingId, params, dedupe: bookingId })
			// The place is taken here or not at all: concurrent bookings queue on the slot row.
			const taken = await tx.$queryRaw<{ id: string }[]>`
				UPDATE slot SET booked = booked + 1
				WHERE "offeringId" = ${offering.id}::uuid AND "startsAt" = ${scheduled.startsAt} AND booked < capacity
				RETURNING id`
			if (taken.length === 0) throw new SlotFull()
			const created = await tx.booking.create({
				data: {
					id: bookingId,
					idempotencyKey: input.idempotencyKey,
					familyUserId: user.id,
					elderId: elder.id,
					providerId: offering.providerId,
					offeringId: offering.id,
					slotId: taken[0]!.id,
					startsAt: scheduled.startsAt,
					endsAt: scheduled.endsAt,
					status,
					priceFen: quote.priceFen,
					subsidyFen: quote.subsidyFen,
					copayFen: quote.copayFen,
					subsidyRef: quote.subsidyRef,
					paymentStatus: quote.copayFen > 0 ? 'awaiting' : 'not_required',
					serviceAddress: input.serviceAddress,
					homeLat: input.homeLat ?? null,
					homeLng: input.homeLng ?? null,
					visitCode: visitCode(),
					note: input.note,
					expiresAt: autoConfirm ? null : holdExpiry(now, offering.provider.profile?.holdMinutes ?? 720, scheduled.startsAt),
					confirmedAt: autoConfirm ? now : null,
					events: { create: [{ toStatus: 'requested', actorId: user.id, actorRole: user.role }, ...(autoConfirm ? [{ fromStatus: 'requested' as const, toStatus: 'confirmed' as const, note: 'auto' }] : [])] },
				},
				select: { id: true, elderId: true, providerId: true, startsAt: true, priceFen: true, subsidyFen: true, subsidyRef: true },
			})
			await holdBookingSubsidy(tx, created)
			return created
		}, TX_OPTIONS)
		return { ok: true, bookingId: booking.id, status, duplicate: false }
	} catch (error) {
		if (error instanceof SlotFull) return fail('full', 409, 'startsAt')
		if (error instanceof ProviderUnavailable) return fail(error.message === 'suspended' ? 'providerSuspended' : 'providerNotApproved', 409)
		if (error instanceof PriceChanged || error instanceof SubsidyUnavailable) return fail('priceChanged', 409)
		if (isUniqueViolation(error)) {
			// The same form submitted twice at once: the other submission made the booking.
			const winner = await prisma.booking.findUnique({
				where: { familyUserId_idempotencyKey: { familyUserId: user.id, idempotencyKey: input.idempotencyKey } },
				select: { id: true, status: true },
			})
			if (winner) return { ok: true, bookingId: winner.id, status: winner.status, duplicate: true }
		}
		throw error
	}
}

class PriceChanged extends Error {}
class ProviderUnavailable extends Error {}

function visitCode() {
	// Six digits shown to the family at the elder's home; the caregiver types it at check-in.
	return String(crypto.getRandomValues(new Uint32Array(1))[0]! % 1_000_000).padStart(6, '0')
}

// ---------------------------------------------------------------- reading

/** Who may see a booking: its family, its provider's staff, the bureau of the elder's district. */
export function bookingScope(user: SessionUser): Prisma.BookingWhereInput {
	switch (user.role) {
		case 'family':
			return { familyUserId: user.id }
		case 'provider_staff':
			return { providerId: user.providerId ?? '00000000-0000-0000-0000-000000000000' }
		case 'bureau_district':
			return { elder: { districtId: user.districtId ?? '-' } }
		default:
			return isCityWide(user) ? {} : { id: '00000000-0000-0000-0000-000000000000' }
	}
}

const bookingDetail = {
	id: true,
	status: true,
	startsAt: true,
	endsAt: true,
	priceFen: true,
	subsidyFen: true,
	copayFen: true,
	paymentStatus: true,
	cancellationFeeFen: true,
	refundedFen: true,
	statusReason: true,
	expiresAt: true,
	serviceAddress: true,
	note: true,
	visitCode: true,
	familyUserId: true,
	providerId: true,
	createdAt: true,
	elder: { select: { id: true, name: true, idNumberMasked: true } },
	familyUser: { select: { name: true, phone: true } },
	offering: { select: { id: true, title: true, category: true, unit: true, durationMinutes: true } },
	provider: { select: { id: true, name: true, phone: true, profile: { select: { freeCancelHours: true, lateCancelFeePercent: true } } } },
	events: { orderBy: { at: 'asc' }, select: { id: true, at: true, fromStatus: true, toStatus: true, actorRole: true, note: true } },
	visit: { select: { checkInAt: true, checkOutAt: true, checkInMethod: true, checkOutMethod: true, flags: true, verified: true, caregiver: { select: { name: true } } } },
	review: { select: { rating: true, comment: true, reply: true, repliedAt: true, createdAt: true } },
	payments: { orderBy: { createdAt: 'desc' }, take: 1, select: { state: true, stripePaymentIntentId: true } },
} satisfies Prisma.BookingSelect

export async function getBooking(user: SessionUser, bookingId: string) {
	if (!z.uuid().safeParse(bookingId).success) return null
	const booking = await prisma.booking.findFirst({ where: { AND: [{ id: bookingId }, bookingScope(user)] }, select: bookingDetail })
	if (!booking) return null
	// The home code is for the family (shown at the elder's home), never for the provider's staff.
	return { ...booking, events: booking.events.map((e) => ({ ...e, id: String(e.id) })), visitCode: user.role === 'family' ? booking.visitCode : null }
}

export async function listBookings(user: SessionUser, opts: { page: number; status?: BookingStatus; upcoming?: boolean }) {
	const pageSize = 30
	const rows = await prisma.booking.findMany({
		where: { AND: [bookingScope(user), opts.status ? { status: opts.status } : {}] },
		orderBy: [{ startsAt: 'desc' }, { id: 'asc' }],
		skip: (opts.page - 1) * pageSize,
		take: pageSize + 1,
		select: {
			id: true,
			status: true,
			startsAt: true,
			copayFen: true,
			priceFen: true,
			paymentStatus: true,
			elder: { select: { name: true } },
			offering: { select: { title: true, category: true } },
			provider: { select: { name: true } },
		},
	})
	return { hasMore: rows.length > pageSize, bookings: rows.slice(0, pageSize) }
}

// ---------------------------------------------------------------- state changes

type ChangeResult = { ok: true; refundId?: string | null; cancelPaymentIntent?: string | null } | BookingError

type Actor = Pick<SessionUser, 'id' | 'role' | 'providerId'> | { id: null; role: null; providerId: null }

async function loadForChange(tx: Tx, bookingId: string) {
	return tx.booking.findUnique({
		where: { id: bookingId },
		select: {
			id: true,
			status: true,
			familyUserId: true,
			providerId: true,
			elderId: true,
			slotId: true,
			startsAt: true,
			priceFen: true,
			subsidyFen: true,
			subsidyRef: true,
			copayFen: true,
			paymentStatus: true,
			holdsPlace: true,
			expiresAt: true,
			offering: { select: { title: true } },
			familyUser: { select: { phone: true } },
			provider: { select: { name: true, phone: true, profile: { select: { freeCancelHours: true, lateCancelFeePercent: true } } } },
			payments: { where: { state: { in: ['created', 'succeeded'] } }, select: { id: true, state: true, amountFen: true, stripePaymentIntentId: true } },
		},
	})
}

type Loaded = NonNullable<Awaited<ReturnType<typeof loadForChange>>>

/**
 * Moves a booking along one transition with a conditional UPDATE (status must still be one the
 * transition starts from), records the event and notifies the other side, all in one transaction.
 * Releasing transitions give the place back to the slot exactly once (holdsPlace goes false in the
 * same UPDATE) and refund what the family paid, less any cancellation fee.
 */
async function transition(
	tx: Tx,
	b: Loaded,
	name: Transition,
	to: BookingStatus,
	actor: Actor,
	opts: { reason?: string | null; now: Date; fee?: number; data?: Prisma.BookingUpdateManyMutationInput },
): Promise<ChangeResult> {
	const from = TRANSITIONS[name] as readonly BookingStatus[]
	if (!from.includes(b.status)) return fail(`cannot.${name}`, 409)
	const releases = RELEASING.includes(to)
	const paid = b.payments.find((p) => p.state === 'succeeded')
	const fee = Math.min(opts.fee ?? 0, paid?.amountFen ?? 0)
	const changed = await tx.booking.updateMany({
		where: { id: b.id, status: { in: [...from] }, ...(name === 'confirm' ? { OR: [{ expiresAt: null }, { expiresAt: { gt: opts.now } }] } : {}) },
		data: {
			status: to,
			...(releases ? { holdsPlace: false, cancelledAt: opts.now, cancelledById: actor.id, cancellationFeeFen: fee } : {}),
			...(to === 'confirmed' ? { confirmedAt: opts.now, expiresAt: null } : {}),
			...(opts.reason ? { statusReason: opts.reason } : {}),
			...(releases && !paid && b.paymentStatus !== 'processing' ? { paymentStatus: 'not_required' } : {}),
			...opts.data,
		},
	})
	if (changed.count === 0) return fail(name === 'confirm' && b.expiresAt && b.expiresAt <= opts.now ? 'holdExpired' : `cannot.${name}`, 409)
	if (releases && b.holdsPlace) {
		await tx.$executeRaw`UPDATE slot SET booked = booked - 1 WHERE id = ${b.slotId}::uuid`
		await releaseBookingSubsidy(tx, b as HeldBooking)
	}
	if (to === 'completed') await captureBookingSubsidy(tx, b)
	await tx.bookingEvent.create({ data: { bookingId: b.id, fromStatus: b.status, toStatus: to, actorId: actor.id, actorRole: actor.role as Role | null, note: opts.reason ?? null } })
	const params = { offering: b.offering.title, provider: b.provider.name, startsAt: b.startsAt.toISOString(), reason: opts.reason ?? '', feeFen: fee }
	const kind = `booking.${to}` as NotificationKind
	if (actor.role !== 'family') await notify(tx, { userId: b.familyUserId, phone: b.familyUser.phone }, kind, { bookingId: b.id, params, dedupe: `${b.id}:${to}` })
	if (actor.role !== 'provider_staff') await notify(tx, { providerId: b.providerId, phone: b.provider.phone }, kind, { bookingId: b.id, params, dedupe: `${b.id}:${to}` })

	let refundId: string | null = null
	if (releases && paid && paid.amountFen - fee > 0) {
		const refund = await tx.refund.create({
			data: { bookingId: b.id, paymentId: paid.id, amountFen: paid.amountFen - fee, idempotencyKey: `refund_${b.id}` },
			select: { id: true },
		})
		refundId = refund.id
	}
	const processing = b.payments.find((p) => p.state === 'created' && p.stripePaymentIntentId)
	return { ok: true, refundId, cancelPaymentIntent: releases && processing ? processing.stripePaymentIntentId : null }
}

async function change(bookingId: string, allowed: (b: Loaded) => boolean, run: (tx: Tx, b: Loaded) => Promise<ChangeResult>): Promise<ChangeResult> {
	if (!z.uuid().safeParse(bookingId).success) return fail('notFound', 404)
	return prisma.$transaction(async (tx) => {
		// Row lock: two changes to one booking run one after the other.
		await tx.$queryRaw`SELECT id FROM booking WHERE id = ${bookingId}::uuid FOR UPDATE`
		const b = await loadForChange(tx, bookingId)
		if (!b || !allowed(b)) return fail('notFound', 404)
		return run(tx, b)
	}, TX_OPTIONS)
}

const ownFamily = (user: SessionUser) => (b: Loaded) => user.role === 'family' && b.familyUserId === user.id
const ownProvider = (user: SessionUser) => (b: Loaded) => user.role === 'provider_staff' && !!user.providerId && b.providerId === user.providerId

export async function confirmBooking(user: SessionUser, bookingId: string, now = new Date()) {
	return change(bookingId, ownProvider(user), (tx, b) => transition(tx, b, 'confirm', 'confirmed', user, { now }))
}

export async function declineBooking(user: SessionUser, bookingId: string, reason: string, now = new Date()) {
	return afterCommit(await change(bookingId, ownProvider(user), (tx, b) => transition(tx, b, 'decline', 'declined', user, { now, reason })))
}

/** Family or provider cancels; the family pays the late fee when inside the free window. */
export async function cancelBooking(user: SessionUser, bookingId: string, reason: string, now = new Date()) {
	const allowed = (b: Loaded) => ownFamily(user)(b) || ownProvider(user)(b)
	return afterCommit(
		await change(bookingId, allowed, (tx, b) => {
			const terms = b.provider.profile ?? { freeCancelHours: 24, lateCancelFeePercent: 30 }
			const fee = cancellationFee({ copayFen: b.copayFen, startsAt: b.startsAt, now, terms, byProvider: user.role === 'provider_staff' })
			return transition(tx, b, 'cancel', 'cancelled', user, { now, reason, fee })
		}),
	)
}

export async function markNoShow(user: SessionUser, bookingId: string, now = new Date()) {
	return change(bookingId, ownProvider(user), async (tx, b) => {
		if (b.startsAt > now) return fail('notStartedYet', 409)
		return transition(tx, b, 'noShow', 'no_show', user, { now })
	})
}

export async function disputeBooking(user: SessionUser, bookingId: string, reason: string, now = new Date()) {
	return change(bookingId, ownFamily(user), (tx, b) => transition(tx, b, 'dispute', 'disputed', user, { now, reason }))
}

/** Used by visits: check-in moves confirmed → in_service, check-out in_service → completed. */
export async function visitTransition(tx: Tx, bookingId: string, name: 'checkIn' | 'checkOut', user: SessionUser, now: Date) {
	const b = await loadForChange(tx, bookingId)
	if (!b) return fail('notFound', 404)
	return transition(tx, b, name, name === 'checkIn' ? 'in_service' : 'completed', user, { now })
}

/**
 * Releases requested bookings whose hold ran out (the BullMQ sweep calls this every minute).
 * Each booking is expired by the same conditional transition, so a provider confirming at the same
 * moment either wins (confirmed) or gets "hold expired", never both.
 */
export async function expireHeldBookings(now = new Date(), limit = 200): Promise<number> {
	const due = await prisma.booking.findMany({ where: { status: 'requested', expiresAt: { lte: now } }, select: { id: true }, take: limit, orderBy: { expiresAt: 'asc' } })
	let expired = 0
	for (const { id } of due) {
		const result = await afterCommit(
			await change(id, () => true, (tx, b) => transition(tx, b, 'expire', 'expired', { id: null, role: null, providerId: null }, { now, reason: 'hold expired' })),
		)
		if (result.ok) expired++
	}
	return expired
}

/** Stripe work that must not run inside the transaction: refunds and cancelling an unpaid intent. */
async function afterCommit(result: ChangeResult): Promise<ChangeResult> {
	if (!result.ok) return result
	const { issueRefund, cancelPaymentIntent } = await import('./payments.server.ts')
	if (result.refundId) await issueRefund(result.refundId).catch(() => {})
	if (result.cancelPaymentIntent) await cancelPaymentIntent(result.cancelPaymentIntent).catch(() => {})
	return result
}

export async function auditMoney(user: SessionUser, action: string, bookingId: string, details: Prisma.InputJsonValue, tx: Tx) {
	await audit({ actor: user, action, entityType: 'booking', entityId: bookingId, details }, tx)
}

/** The booking page for one elder: the split of the price for that elder, and the free slots. */
export async function bookingPage(user: SessionUser, offeringId: string, elderId: string | null, now = new Date()) {
	const bookable = await getBookable(user, offeringId)
	if (!bookable) return null
	const elder = bookable.elders.find((e) => e.id === elderId) ?? (bookable.elders.length === 1 ? bookable.elders[0]! : null)
	const { freeSlotsOf } = await import('./search.server.ts')
	const slots = elder ? await freeSlotsOf(bookable.offering, now) : []
	const quote = elder
		? await quoteBooking(prisma, {
				elderId: elder.id,
				providerId: bookable.offering.providerId,
				offeringId: bookable.offering.id,
				category: bookable.offering.category,
				priceFen: bookable.offering.priceFen,
				startsAt: now,
			})
		: null
	const served = elder ? offeringServes(bookable.offering, elder) : true
	return { ...bookable, elder, slots, quote, served, idempotencyKey: crypto.randomUUID().replaceAll('-', '') }
}
