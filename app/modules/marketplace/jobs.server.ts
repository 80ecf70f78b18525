// Producers of the marketplace queue: the sweep that expires unconfirmed holds and refund retries.
import { getQueue } from '~/jobs/queues.server.ts'

export const MARKETPLACE_QUEUE = 'marketplace'

export type MarketplaceJob = { kind: 'expire-holds' } | { kind: 'refund'; refundId: string }

export function marketplaceQueue() {
	return getQueue<MarketplaceJob>(MARKETPLACE_QUEUE)
}

/** Deterministic job id: one pending retry per refund however often it is asked for. */
export async function enqueueRefundRetry(refundId: string) {
	await marketplaceQueue().add('refund', { kind: 'refund', refundId }, { jobId: `refund-${refundId}`, attempts: 10, backoff: { type: 'exponential', delay: 30_000 }, removeOnComplete: true, removeOnFail: 1000 })
}
