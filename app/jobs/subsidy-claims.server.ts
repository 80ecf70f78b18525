// Producer side of the monthly settlement claims. One job per month with a deterministic id
// (`claims-YYYY-MM`), so queueing a month twice queues it once; the processor is idempotent
// anyway (one non-rejected claim per provider and month, claim lines unique among active lines).
import { z } from 'zod'
import { getQueue } from './queues.server.ts'

export const SUBSIDY_CLAIMS_QUEUE = 'subsidy-claims'

export const claimsMonthSchema = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) })
export type ClaimsMonthJob = z.infer<typeof claimsMonthSchema>

export function claimsJobId(month: string) {
	return `claims-${month}`
}

/** Queues the preparation of every provider's claim for `month` ('YYYY-MM'). */
export async function enqueueMonthlyClaims(month: string, opts: { unique?: string } = {}) {
	const id = claimsJobId(month)
	return getQueue<ClaimsMonthJob>(SUBSIDY_CLAIMS_QUEUE).add('month', { month }, { jobId: opts.unique ? `${id}-${opts.unique}` : id, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 })
}
