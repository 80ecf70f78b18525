// Monthly settlement claims (processor: workers/processors/subsidy-claims.ts). A scheduler fires
// 'month-start' at 04:00 on the 1st (Shanghai, after the credit job at 00:05); it queues one 'month'
// job for the month that just ended, which prepares each provider's claim of its verified, captured,
// not yet claimed visits. One job per month with a deterministic id (`claims-YYYY-MM`), so queueing
// a month twice queues it once; the processor is idempotent anyway (one non-rejected claim per
// provider and month, claim lines unique among active lines).
//
// The example to copy for a new queue: name, payload schema, producer with a deterministic job id,
// schedule; then its processor in workers/processors/ and one line in workers/processors/index.ts.
import { z } from 'zod'
import { enqueueLastMonth, getQueue, MONTH, SCHEDULE_JOB_OPTS } from './queues.server.ts'

export const SUBSIDY_CLAIMS_QUEUE = 'subsidy-claims'
export const CLAIMS_SCHEDULER_ID = 'subsidy-claims-month-start'
/** 04:00 on the 1st of every month, Shanghai time. */
export const CLAIMS_CRON = { pattern: '0 0 4 1 * *', tz: 'Asia/Shanghai' } as const

export const claimsMonthSchema = z.object({ month: z.string().regex(MONTH) })
export type ClaimsMonthJob = z.infer<typeof claimsMonthSchema>

export function subsidyClaimsQueue() {
	return getQueue<ClaimsMonthJob | Record<string, never>>(SUBSIDY_CLAIMS_QUEUE)
}

export function claimsJobId(month: string) {
	return `claims-${month}`
}

/** Queues the preparation of every provider's claim for `month` ('YYYY-MM'). */
export async function enqueueMonthlyClaims(month: string, opts: { unique?: string } = {}) {
	const id = claimsJobId(month)
	return subsidyClaimsQueue().add('month', { month }, { jobId: opts.unique ? `${id}-${opts.unique}` : id, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 })
}

/** What 'month-start' does: queue the claims of the month that just ended (Shanghai). */
export function enqueueClaimsOfLastMonth() {
	return enqueueLastMonth((month) => enqueueMonthlyClaims(month))
}

/** Upserted by every worker at start: one scheduler, whatever the number of worker processes. */
export async function ensureClaimsScheduler() {
	await subsidyClaimsQueue().upsertJobScheduler(CLAIMS_SCHEDULER_ID, CLAIMS_CRON, { name: 'month-start', data: {}, opts: SCHEDULE_JOB_OPTS })
}
