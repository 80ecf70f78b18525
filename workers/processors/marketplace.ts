// The marketplace queue (app/jobs/marketplace.server.ts): parse, then expire held bookings or retry a refund.
import type { Job } from 'bullmq'
import { ensureExpireHoldsScheduler, MARKETPLACE_QUEUE, marketplacePayload } from '~/jobs/marketplace.server.ts'
import { parsePayload } from '~/jobs/queues.server.ts'
import { expireHeldBookings } from '~/modules/marketplace/booking.server.ts'
import { issueRefund } from '~/modules/marketplace/payments.server.ts'
import type { WorkerDefinition } from './index.ts'

export const marketplaceWorker: WorkerDefinition = {
	queue: MARKETPLACE_QUEUE,
	async process(job: Job) {
		const payload = parsePayload(marketplacePayload, job)
		if (payload.kind === 'expire-holds') return { expired: await expireHeldBookings() }
		const result = await issueRefund(payload.refundId)
		// Stripe refused or was unreachable: a plain error, so BullMQ retries with backoff.
		if (result === 'pending') throw new Error('Stripe refused or was unreachable; retrying')
		return { refund: result }
	},
	onStart: ensureExpireHoldsScheduler,
}
