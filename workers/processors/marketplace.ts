// The marketplace queue: a sweep every minute expires requested bookings whose hold ran out (their
// places go back to the slot), and refunds that Stripe could not take at once are retried.
import { UnrecoverableError, type Job } from 'bullmq'
import { z } from 'zod'
import { expireHeldBookings } from '~/modules/marketplace/booking-lifecycle.server.ts'
import { MARKETPLACE_QUEUE, marketplaceQueue } from '~/modules/marketplace/jobs.server.ts'
import { issueRefund } from '~/modules/marketplace/payments.server.ts'
import type { WorkerDefinition } from './definition.ts'

const payload = z.discriminatedUnion('kind', [z.object({ kind: z.literal('expire-holds') }), z.object({ kind: z.literal('refund'), refundId: z.uuid() })])

export const marketplaceWorker: WorkerDefinition = {
	queue: MARKETPLACE_QUEUE,
	async process(job: Job) {
		const parsed = payload.safeParse(job.data)
		if (!parsed.success) throw new UnrecoverableError(`bad marketplace payload: ${parsed.error.message}`)
		if (parsed.data.kind === 'expire-holds') return { expired: await expireHeldBookings() }
		const result = await issueRefund(parsed.data.refundId)
		if (result === 'pending') throw new Error('Stripe refused or was unreachable; retrying')
		return { refund: result }
	},
	async onStart() {
		await marketplaceQueue().upsertJobScheduler('expire-holds', { every: 60_000 }, { name: 'expire-holds', data: { kind: 'expire-holds' } })
	},
}
