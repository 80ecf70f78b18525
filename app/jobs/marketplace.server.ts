// The marketplace queue (processor: workers/processors/marketplace.ts): a sweep every minute
// expires requested bookings whose hold ran out (their places go back to the slot), and refunds that
// Stripe could not take at once are retried.
import { z } from 'zod'
import { getQueue } from './queues.server.ts'

export const MARKETPLACE_QUEUE = 'marketplace'
export const EXPIRE_HOLDS_SCHEDULER_ID = 'expire-holds'

export const marketplacePayload = z.discriminatedUnion('kind', [z.object({ kind: z.literal('expire-holds') }), z.object({ kind: z.literal('refund'), refundId: z.uuid() })])
export type MarketplaceJob = z.infer<typeof marketplacePayload>

export function marketplaceQueue() {
	return getQueue<MarketplaceJob>(MARKETPLACE_QUEUE)
}

/** Deterministic job id: one pending retry per refund however often it is asked for. */
export async function enqueueRefundRetry(refundId: string) {
	await marketplaceQueue().add('refund', { kind: 'refund', refundId }, { jobId: `refund-${refundId}`, attempts: 10, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: true, removeOnFail: 1000 })
}

/** The sweep, every minute (upserted by every worker at start: one scheduler however many workers). */
export async function ensureExpireHoldsScheduler() {
	await marketplaceQueue().upsertJobScheduler(EXPIRE_HOLDS_SCHEDULER_ID, { every: 60_000 }, { name: 'expire-holds', data: { kind: 'expire-holds' }, opts: { removeOnComplete: 100, removeOnFail: 500 } })
}
