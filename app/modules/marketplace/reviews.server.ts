// Reviews: after a completed booking the family rates 1–5 once; the provider answers once; the
// provider's rating aggregate is updated in the same transaction.
import { prisma, transaction } from '~/lib/db.server.ts'
import { failureOf } from '~/lib/db-rules.server.ts'
import { fail as refuse, ok, type Outcome } from '~/lib/outcome.ts'
import { sql } from '~/lib/sql.server.ts'
import type { SessionUser } from '~/modules/auth/session.server.ts'
import { notify } from '~/modules/messaging/notify.server.ts'

/** The one Outcome of app/lib/outcome.ts. */
export type ReviewResult = Outcome
const fail = (key: string, status = 409): ReviewResult => refuse(`marketplace:errors.review.${key}`, status)

export async function postReview(user: SessionUser, bookingId: string, input: { rating: number; comment: string }): Promise<ReviewResult> {
	const booking = await prisma.booking.findFirst({ where: { id: bookingId, familyUserId: user.id }, select: { id: true, status: true, providerId: true, offering: { select: { title: true } } } })
	if (!booking) return fail('notFound', 404)
	if (booking.status !== 'completed' && booking.status !== 'disputed') return fail('notCompleted')
	try {
		await transaction(async (tx) => {
			await tx.review.create({ data: { bookingId: booking.id, providerId: booking.providerId, familyUserId: user.id, rating: input.rating, comment: input.comment }, select: { id: true } })
			await sql`
				INSERT INTO provider_profile ("providerId", "ratingCount", "ratingSum", "updatedAt") VALUES (${booking.providerId}::uuid, 1, ${input.rating}, now())
				ON CONFLICT ("providerId") DO UPDATE SET "ratingCount" = provider_profile."ratingCount" + 1, "ratingSum" = provider_profile."ratingSum" + ${input.rating}, "updatedAt" = now()`.run(tx)
			await notify(tx, { providerId: booking.providerId }, 'review.posted', { bookingId: booking.id, params: { rating: input.rating, offering: booking.offering.title }, dedupe: booking.id })
		})
	} catch (error) {
		return failureOf(error)
	}
	return ok()
}

export async function replyToReview(user: SessionUser, bookingId: string, reply: string): Promise<ReviewResult> {
	if (user.role !== 'provider_staff' || !user.providerId) return fail('notFound', 404)
	return transaction(async (tx) => {
		const review = await tx.review.findFirst({ where: { bookingId, providerId: user.providerId! }, select: { id: true, familyUserId: true } })
		if (!review) return fail('notFound', 404)
		// Conditional on no reply yet: the provider answers once.
		const changed = await tx.review.updateMany({ where: { id: review.id, reply: null }, data: { reply, repliedAt: new Date(), repliedById: user.id } })
		if (changed.count === 0) return fail('alreadyReplied')
		await notify(tx, { userId: review.familyUserId }, 'review.replied', { bookingId, dedupe: review.id })
		return ok()
	})
}
