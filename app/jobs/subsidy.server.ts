// Producer side of the monthly subsidy credit. One job per district and month with a deterministic
// id, so enqueueing twice queues once; the processor is idempotent anyway (ON CONFLICT per grant and
// month), so a retry or a second run never grants twice.
import { z } from 'zod'
import { getQueue } from './queues.server.ts'

export const SUBSIDY_QUEUE = 'subsidy-grant'

export const monthJobSchema = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/), districtId: z.string().min(1).max(40) })
export type MonthJob = z.infer<typeof monthJobSchema>

export function monthJobId(job: MonthJob) {
	return `month-${job.month}-${job.districtId}`
}

/** Queues the month's credit for every district (expiring the previous month first where the policy says so). */
export async function enqueueMonthlyGrant(month: string, districtIds: readonly string[], opts: { unique?: string } = {}) {
	const queue = getQueue<MonthJob>(SUBSIDY_QUEUE)
	return queue.addBulk(
		districtIds.map((districtId) => ({
			name: 'month',
			data: { month, districtId },
			// `unique` lets a benchmark or an operator deliberately run a month again (it adds nothing).
			opts: { jobId: opts.unique ? `${monthJobId({ month, districtId })}-${opts.unique}` : monthJobId({ month, districtId }), attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 },
		})),
	)
}
