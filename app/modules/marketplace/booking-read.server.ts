// Reading bookings: what the booking page shows before a booking exists, and the bookings a user
// may see (one booking, a list).
import { z } from 'zod'
import type { Prisma } from '~/generated/prisma/client.ts'
import type { BookingStatus } from '~/generated/prisma/enums.ts'
import { prisma } from '~/lib/db.server.ts'
import { pageWindow } from '~/lib/paging.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { quoteSubsidy } from '~/modules/subsidies/booking.server.ts'
import { freeSlotsOf } from './booking-slots.server.ts'
import { communityNames } from './catalogue.server.ts'

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

/** Whether an offering's area (its districts, narrowed to its communities if any) includes the elder's home. */
export function offeringServes(offering: { districtIds: string[]; communityIds: string[] }, elder: { districtId: string; communityId: string | null }) {
	return offering.districtIds.includes(elder.districtId) && (offering.communityIds.length === 0 || offering.communityIds.includes(elder.communityId ?? ''))
}

/** Whether an offering exists but its provider is suspended (the booking page then says so). */
export async function offeringProviderSuspended(offeringId: string) {
	if (!z.uuid().safeParse(offeringId).success) return false
	return (await prisma.offering.count({ where: { id: offeringId, provider: { status: 'suspended' } } })) > 0
}

/** The booking page for one elder: the split of the price for that elder, and the free slots. */
export async function bookingPage(user: SessionUser, offeringId: string, elderId: string | null, now = new Date()) {
	const bookable = await getBookable(user, offeringId)
	if (!bookable) return null
	const elder = bookable.elders.find((e) => e.id === elderId) ?? (bookable.elders.length === 1 ? bookable.elders[0]! : null)
	const [slots, quote] = elder
		? await Promise.all([
				freeSlotsOf(bookable.offering, now),
				quoteSubsidy(prisma, { elderId: elder.id, category: bookable.offering.category, priceFen: bookable.offering.priceFen, startsAt: now }),
			])
		: [[], null]
	const served = elder ? offeringServes(bookable.offering, elder) : true
	return { ...bookable, elder, slots, quote, served, idempotencyKey: crypto.randomUUID().replaceAll('-', '') }
}

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

/** Requests a provider's staff still have to confirm or decline (the home page's count; /bookings?status=requested lists them). */
export async function countBookingsToConfirm(user: SessionUser) {
	if (user.role !== 'provider_staff') return 0
	return prisma.booking.count({ where: { AND: [bookingScope(user), { status: 'requested' }] } })
}

/** Only the payment state of a booking in scope (null: not found), for the page waiting on Stripe's webhook to poll cheaply. */
export async function paymentStatusOf(user: SessionUser, bookingId: string) {
	if (!z.uuid().safeParse(bookingId).success) return null
	const row = await prisma.booking.findFirst({ where: { AND: [{ id: bookingId }, bookingScope(user)] }, select: { paymentStatus: true } })
	return row?.paymentStatus ?? null
}

/** A booking the family still has to pay: requested or confirmed, its co-pay not paid (or a payment that failed). */
const PAYMENT_DUE: Prisma.BookingWhereInput = { status: { in: ['requested', 'confirmed'] }, paymentStatus: { in: ['awaiting', 'failed'] } }

/** The family's bookings still to pay (the home page's count; /bookings?pay=due lists them). */
export async function countBookingsToPay(user: SessionUser) {
	if (user.role !== 'family') return 0
	return prisma.booking.count({ where: { AND: [bookingScope(user), PAYMENT_DUE] } })
}

/** A booking still ahead or under way: requested, confirmed or in service, and not yet over. */
const coming = (now: Date): Prisma.BookingWhereInput => ({ status: { in: ['requested', 'confirmed', 'in_service'] }, endsAt: { gte: now } })

/**
 * The bookings in scope, newest first; or, `upcoming`, those still ahead, soonest first (the home
 * page's list of what comes next leads here with ?when=upcoming).
 */
export async function listBookings(user: SessionUser, opts: { page: number; status?: BookingStatus; paymentDue?: boolean; upcoming?: boolean }, now = new Date()) {
	const pageSize = 30
	const rows = await prisma.booking.findMany({
		where: { AND: [bookingScope(user), opts.status ? { status: opts.status } : {}, opts.paymentDue ? PAYMENT_DUE : {}, opts.upcoming ? coming(now) : {}] },
		orderBy: opts.upcoming ? [{ startsAt: 'asc' }, { id: 'asc' }] : [{ startsAt: 'desc' }, { id: 'asc' }],
		...pageWindow(opts.page, pageSize),
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

/**
 * What comes next for a family's elders (the home page): the soonest bookings still ahead or under
 * way, with the caregiver's check-in once they have arrived (families often live elsewhere), and
 * whether there are more.
 */
export async function comingBookings(user: SessionUser, now = new Date(), take = 3) {
	if (user.role !== 'family') return { bookings: [], more: false }
	const rows = await prisma.booking.findMany({
		where: { AND: [bookingScope(user), coming(now)] },
		orderBy: [{ startsAt: 'asc' }, { id: 'asc' }],
		take: take + 1,
		select: {
			id: true,
			status: true,
			startsAt: true,
			elder: { select: { name: true } },
			offering: { select: { title: true } },
			provider: { select: { name: true } },
			visit: { select: { checkInAt: true, caregiver: { select: { name: true } } } },
		},
	})
	return { bookings: rows.slice(0, take), more: rows.length > take }
}
