// The monthly subsidy credit (processor: workers/processors/subsidy-grant.ts). A scheduler fires
// 'month-start' at 00:05 on the 1st (Shanghai); it fans out one 'month' job per district, which
// expires the previous month's unused credit (for policies that say so) and grants this month's.
// One job per district and month with a deterministic id, so enqueueing twice queues once; the
// grant is idempotent anyway (ON CONFLICT per grant and month), so a retry never grants twice.
import { z } from 'zod'
import { getQueue, MONTH } from './queues.server.ts'

export const SUBSIDY_QUEUE = 'subsidy-grant'
export const MONTH_START_SCHEDULER_ID = 'subsidy-month-start'
/** 00:05 on the 1st of every month, Shanghai time. */
export const MONTH_START_CRON = { pattern: '0 5 0 1 * *', tz: 'Asia/Shanghai' } as const

export const monthJobSchema = z.object({ month: z.string().regex(MONTH), districtId: z.string().min(1).max(40) })
export type MonthJob = z.infer<typeof monthJobSchema>

export function subsidyGrantQueue() {
	return getQueue<MonthJob | Record<string, never>>(SUBSIDY_QUEUE)
}

export function monthJobId(job: MonthJob) {
	return `month-${job.month}-${job.districtId}`
}

/** Queues the month's credit for every district (expiring the previous month first where the policy says so). */
export async function enqueueMonthlyGrant(month: string, districtIds: readonly string[], opts: { unique?: string } = {}) {
	return subsidyGrantQueue().addBulk(
		districtIds.map((districtId) => ({
			name: 'month',
			data: { month, districtId },
			// `unique` lets a benchmark or an operator deliberately run a month again (it adds nothing).
			opts: { jobId: opts.unique ? `${monthJobId({ month, districtId })}-${opts.unique}` : monthJobId({ month, districtId }), attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 },
		})),
	)
}

/** Upserted by every worker at start: one scheduler, whatever the number of worker processes. */
export async function ensureMonthStartScheduler() {
	await subsidyGrantQueue().upsertJobScheduler(MONTH_START_SCHEDULER_ID, MONTH_START_CRON, { name: 'month-start', data: {}, opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: 100, removeOnFail: 500 } })
}
