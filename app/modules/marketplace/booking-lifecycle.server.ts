// A booking's life after it is made: confirm, decline, cancel, no-show, dispute, check-in and
// check-out (through visits), expiry of unconfirmed holds. This is the only code that gives a
// place back to its slot or releases a booking's subsidy credit: disputes call releaseBooking().
import { z } from 'zod'
import type { Prisma } from '~/generated/prisma/client.ts'
import type { BookingStatus, Role } from '~/generated/prisma/enums.ts'
import { prisma, transaction, type TransactionOptions, type Tx } from '~/lib/db.server.ts'
import { fail, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { captureForBooking, releaseForBooking, reverseForBooking } from '~/modules/subsidies/booking.server.ts'
import { freePlace } from './booking-slots.server.ts'
import { notify, type NotificationKind } from '~/modules/messaging/notify.server.ts'
import { cancelPaymentIntent, issueRefund } from './payments.server.ts'
import { cancellationFee, DEFAULT_BOOKING_TERMS, RELEASING, TRANSITIONS, type Transition } from './rules.ts'

/** What a state change leaves to do after commit (Stripe calls never run inside a transaction). */
export type AfterCommit = { refundId: string | null; cancelPaymentIntent: string | null }
export type ChangeOutcome = Outcome<AfterCommit>

const refuse = (key: string, status = 409) => fail(`marketplace:errors.booking.${key}`, status)

/** Booking transactions wait longer for a connection under contention (many families, one slot). */
export const TX_OPTIONS = { maxWait: 60_000, timeout: 30_000 } as const satisfies TransactionOptions

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
			startsAt: true,
			priceFen: true,
			subsidyFen: true,
			subsidyRef: true,
			copayFen: true,
			paymentStatus: true,
			holdsPlace: true,
			expiresAt: true,
			offering: { select: { title: true } },
			provider: { select: { name: true, profile: { select: { freeCancelHours: true, lateCancelFeePercent: true } } } },
			payments: { where: { state: { in: ['created', 'succeeded'] } }, select: { id: true, state: true, amountFen: true, stripePaymentIntentId: true } },
		},
	})
}

type Loaded = NonNullable<Awaited<ReturnType<typeof loadForChange>>>

/** The columns a booking that ends without service changes in its conditional UPDATE (holdsPlace goes false there, once). */
export function releasingData(now: Date, actorId: string | null, feeFen: number) {
	return { holdsPlace: false, cancelledAt: now, cancelledById: actorId, cancellationFeeFen: feeFen } as const
}

/**
 * In the transaction whose conditional UPDATE (with releasingData) ended a booking: its place goes
 * back to the slot if it held one, and its subsidy credit goes back to the elder: a held credit is
 * released, a credit captured at check-out is reversed (once). Returns the amount reversed.
 */
export async function releaseBooking(
	tx: Tx,
	b: { id: string; holdsPlace: boolean; subsidyFen: number; familyUserId: string },
	opts: { captured: boolean; elderName?: string },
): Promise<number> {
	if (b.holdsPlace) await freePlace(tx, b.id)
	if (!opts.captured) {
		await releaseForBooking(tx, b)
		return 0
	}
	const reversed = await reverseForBooking(tx, { id: b.id, familyUserId: b.familyUserId, elderName: opts.elderName ?? '' })
	return reversed?.amountFen ?? 0
}

/**
 * Moves a booking along one transition with a conditional UPDATE (status must still be one the
 * transition starts from), records the event and notifies the other side, all in one transaction.
 * Releasing transitions give the place back exactly once (holdsPlace goes false in the same UPDATE)
 * and refund what the family paid, less any cancellation fee.
 */
async function transition(
	tx: Tx,
	b: Loaded,
	name: Transition,
	to: BookingStatus,
	actor: Actor,
	opts: { reason?: string | null; now: Date; fee?: number; data?: Prisma.BookingUpdateManyMutationInput },
): Promise<ChangeOutcome> {
	const from = TRANSITIONS[name] as readonly BookingStatus[]
	if (!from.includes(b.status)) return refuse(`cannot.${name}`)
	const releases = RELEASING.includes(to)
	const paid = b.payments.find((p) => p.state === 'succeeded')
	const fee = Math.min(opts.fee ?? 0, paid?.amountFen ?? 0)
	const changed = await tx.booking.updateMany({
		where: { id: b.id, status: { in: [...from] }, ...(name === 'confirm' ? { OR: [{ expiresAt: null }, { expiresAt: { gt: opts.now } }] } : {}) },
		data: {
			status: to,
			...(releases ? releasingData(opts.now, actor.id, fee) : {}),
			...(to === 'confirmed' ? { confirmedAt: opts.now, expiresAt: null } : {}),
			...(opts.reason ? { statusReason: opts.reason } : {}),
			...(releases && !paid && b.paymentStatus !== 'processing' ? { paymentStatus: 'not_required' } : {}),
			...opts.data,
		},
	})
	if (changed.count === 0) return refuse(name === 'confirm' && b.expiresAt && b.expiresAt <= opts.now ? 'holdExpired' : `cannot.${name}`)
	if (releases) await releaseBooking(tx, b, { captured: false })
	if (to === 'completed') await captureForBooking(tx, b)
	await tx.bookingEvent.create({ data: { bookingId: b.id, fromStatus: b.status, toStatus: to, actorId: actor.id, actorRole: actor.role as Role | null, note: opts.reason ?? null } })
	const params = { offering: b.offering.title, provider: b.provider.name, startsAt: b.startsAt.toISOString(), reason: opts.reason ?? '', feeFen: fee }
	const kind = `booking.${to}` as NotificationKind
	// The family hears of every change, its own cancellation included (a record of what it did, and of any refund).
	await notify(tx, { userId: b.familyUserId }, kind, { sms: true, bookingId: b.id, params, dedupe: `${b.id}:${to}` })
	if (actor.role !== 'provider_staff') await notify(tx, { providerId: b.providerId }, kind, { sms: true, bookingId: b.id, params, dedupe: `${b.id}:${to}` })

	let refundId: string | null = null
	if (releases && paid && paid.amountFen - fee > 0) {
		const refund = await tx.refund.create({
			data: { bookingId: b.id, paymentId: paid.id, amountFen: paid.amountFen - fee, idempotencyKey: `refund_${b.id}` },
			select: { id: true },
		})
		refundId = refund.id
	}
	const processing = b.payments.find((p) => p.state === 'created' && p.stripePaymentIntentId)
	return ok({ refundId, cancelPaymentIntent: releases && processing ? processing.stripePaymentIntentId : null })
}

async function change(bookingId: string, allowed: (b: Loaded) => boolean, run: (tx: Tx, b: Loaded) => Promise<ChangeOutcome>): Promise<ChangeOutcome> {
	if (!z.uuid().safeParse(bookingId).success) return refuse('notFound', 404)
	return transaction(async (tx) => {
		// Row lock: two changes to one booking run one after the other.
		await sql`SELECT id FROM booking WHERE id = ${bookingId}::uuid FOR UPDATE`.run(tx)
		const b = await loadForChange(tx, bookingId)
		if (!b || !allowed(b)) return refuse('notFound', 404)
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
			const terms = b.provider.profile ?? DEFAULT_BOOKING_TERMS
			const fee = cancellationFee({ copayFen: b.copayFen, startsAt: b.startsAt, now, terms, byProvider: user.role === 'provider_staff' })
			return transition(tx, b, 'cancel', 'cancelled', user, { now, reason, fee })
		}),
	)
}

export async function markNoShow(user: SessionUser, bookingId: string, now = new Date()) {
	return change(bookingId, ownProvider(user), async (tx, b) => {
		if (b.startsAt > now) return refuse('notStartedYet')
		return transition(tx, b, 'noShow', 'no_show', user, { now })
	})
}

export async function disputeBooking(user: SessionUser, bookingId: string, reason: string, now = new Date()) {
	return change(bookingId, ownFamily(user), (tx, b) => transition(tx, b, 'dispute', 'disputed', user, { now, reason }))
}

/** Used by visits: check-in moves confirmed → in_service, check-out in_service → completed. */
export async function visitTransition(tx: Tx, bookingId: string, name: 'checkIn' | 'checkOut', user: SessionUser, now: Date) {
	const b = await loadForChange(tx, bookingId)
	if (!b) return refuse('notFound', 404)
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

/**
 * Stripe work that must not run inside the transaction: the refund and cancelling an unpaid
 * intent. A failure leaves the refund pending; issueRefund queues its own retry.
 */
export async function afterCommit<T extends Outcome<AfterCommit>>(result: T): Promise<T> {
	if (!result.ok) return result
	if (result.value.refundId) await issueRefund(result.value.refundId).catch(() => {})
	if (result.value.cancelPaymentIntent) await cancelPaymentIntent(result.value.cancelPaymentIntent).catch(() => {})
	return result
}
