// A bureau officer resolves a family's dispute on a booking. Upholding the family cancels the
// booking, refunds the whole co-pay through the usual refund row (sent to Stripe after commit) and
// gives back the subsidy credit (both through the booking lifecycle); upholding the provider puts the booking back where it was before
// the dispute. One transaction with a row lock and a conditional UPDATE: a second resolve gets 409.
import { z } from 'zod'
import type { Prisma } from '~/generated/prisma/client.ts'
import type { BookingStatus } from '~/generated/prisma/enums.ts'
import { prisma, transaction } from '~/lib/db.server.ts'
import { fail as refuse, ok, type Outcome } from '~/lib/outcome.ts'
import { pageWindow } from '~/lib/paging.ts'
import { sql } from '~/lib/sql.server.ts'
import { audit } from '~/modules/audit/audit.server.ts'
import { isCityWide } from '~/modules/auth/access.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { afterCommit, releaseBooking, releasingData, TX_OPTIONS } from './booking-lifecycle.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'

export type DisputeOutcome = 'family' | 'provider'
export type DisputeResult = Outcome<{ status: BookingStatus; refundFen: number }>
const fail = (key: string, status: number) => ({ result: refuse(`marketplace:errors.dispute.${key}`, status), refundId: null })
const NONE = '00000000-0000-0000-0000-000000000000'

/** The bureau of the elder's district or of the provider's home district; city-wide roles see all. */
function disputeScope(user: SessionUser): Prisma.BookingWhereInput {
	if (isCityWide(user)) return {}
	if (user.role === 'bureau_district') return { OR: [{ elder: { districtId: user.districtId ?? '-' } }, { provider: { districtId: user.districtId ?? '-' } }] }
	return { id: NONE }
}

/** Disputed bookings waiting for a decision, oldest dispute first. */
/** How many disputed bookings in the officer's scope wait for a decision (/bureau/disputes). */
export async function countOpenDisputes(user: SessionUser) {
	return prisma.booking.count({ where: { AND: [disputeScope(user), { status: 'disputed' }] } })
}

export async function listDisputes(user: SessionUser, opts: { page: number }) {
	const pageSize = 30
	const rows = await prisma.booking.findMany({
		where: { AND: [disputeScope(user), { status: 'disputed' }] },
		orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
		...pageWindow(opts.page, pageSize),
		select: {
			id: true,
			startsAt: true,
			copayFen: true,
			statusReason: true,
			elder: { select: { name: true } },
			offering: { select: { title: true } },
			provider: { select: { name: true } },
		},
	})
	return { hasMore: rows.length > pageSize, bookings: rows.slice(0, pageSize) }
}

export async function resolveDispute(user: SessionUser, bookingId: string, outcome: DisputeOutcome, reason: string, ip: string | null, now = new Date()): Promise<DisputeResult> {
	if (!z.uuid().safeParse(bookingId).success) return fail('notFound', 404).result
	if (user.role !== 'bureau_district' && !isCityWide(user)) return fail('notFound', 404).result
	const result = await transaction(
		async (tx) => {
			// Row lock: concurrent resolves run one after the other; the loser sees the new status.
			await sql`SELECT id FROM booking WHERE id = ${bookingId}::uuid FOR UPDATE`.run(tx)
			const b = await tx.booking.findFirst({
				where: { AND: [{ id: bookingId }, disputeScope(user)] },
				select: {
					id: true,
					status: true,
					familyUserId: true,
					providerId: true,
					holdsPlace: true,
					subsidyFen: true,
					elderId: true,
					startsAt: true,
					priceFen: true,
					subsidyRef: true,
					elder: { select: { name: true, districtId: true } },
					offering: { select: { title: true } },
					provider: { select: { name: true } },
					payments: { where: { state: 'succeeded' }, select: { id: true, amountFen: true } },
					events: { where: { toStatus: 'disputed' }, orderBy: { at: 'desc' }, take: 1, select: { fromStatus: true } },
				},
			})
			if (!b) return fail('notFound', 404)
			if (b.status !== 'disputed') return fail('notDisputed', 409)
			const prior: BookingStatus = b.events[0]?.fromStatus === 'confirmed' ? 'confirmed' : 'completed'
			const to: BookingStatus = outcome === 'family' ? 'cancelled' : prior
			const changed = await tx.booking.updateMany({
				where: { id: b.id, status: 'disputed' },
				data: {
					status: to,
					statusReason: reason,
					...(outcome === 'family' ? releasingData(now, user.id, 0) : {}),
				},
			})
			if (changed.count === 0) return fail('notDisputed', 409)

			let refundId: string | null = null
			let refundFen = 0
			let reversedFen = 0
			if (outcome === 'family') {
				// A completed booking's credit was captured at check-out: given back; a held one is released.
				reversedFen = await releaseBooking(tx, b, { captured: prior === 'completed', elderName: b.elder.name })
				const paid = b.payments[0]
				if (paid && paid.amountFen > 0) {
					// Same idempotency key as a cancellation refund: a booking is refunded once.
					const refund = await tx.refund.create({ data: { bookingId: b.id, paymentId: paid.id, amountFen: paid.amountFen, idempotencyKey: `refund_${b.id}` }, select: { id: true } })
					refundId = refund.id
					refundFen = paid.amountFen
				}
			}
			await tx.bookingEvent.create({ data: { bookingId: b.id, at: now, fromStatus: 'disputed', toStatus: to, actorId: user.id, actorRole: user.role, note: reason } })
			const kind = outcome === 'family' ? 'booking.dispute_family' : 'booking.dispute_provider'
			const params = { offering: b.offering.title, provider: b.provider.name, reason, refundFen }
			await notify(tx, { userId: b.familyUserId }, kind, { sms: true, bookingId: b.id, params, dedupe: `${b.id}:dispute` })
			await notify(tx, { providerId: b.providerId }, kind, { sms: true, bookingId: b.id, params, dedupe: `${b.id}:dispute` })
			await audit(
				{ actor: user, action: 'booking.dispute_resolve', entityType: 'booking', entityId: b.id, districtId: b.elder.districtId, ip, details: { outcome, reason, from: 'disputed', to, refundFen, subsidyReversedFen: reversedFen } },
				tx,
			)
			return { result: ok({ status: to, refundFen }) as DisputeResult, refundId }
		},
		TX_OPTIONS,
	)
	if (!result.result.ok) return result.result
	await afterCommit(ok({ refundId: result.refundId, cancelPaymentIntent: null }))
	return result.result
}
