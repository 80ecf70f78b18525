// The monthly operating subsidy of institutions (processor: workers/processors/operating-subsidy.ts).
// A scheduler fires 'month-start' at 05:00 on the 1st (Shanghai, after the credit and claims jobs);
// it queues one 'month' job for the month that just ended, which fans out one 'institution' job per
// approved institution not computed yet. Job ids are deterministic (`operating-YYYY-MM`,
// `operating-YYYY-MM-<providerId>`), so queueing a month twice queues it once; the computation is
// idempotent anyway (UNIQUE (providerId, month), ON CONFLICT DO NOTHING), so a retry, a second job or
// a re-run never computes an institution's month twice.
import { z } from 'zod'
import { enqueueLastMonth, getQueue, MONTH, SCHEDULE_JOB_OPTS } from './queues.server.ts'

export const OPERATING_SUBSIDY_QUEUE = 'operating-subsidy'
export const OPERATING_SCHEDULER_ID = 'operating-subsidy-month-start'
/** 05:00 on the 1st of every month, Shanghai time. */
export const OPERATING_CRON = { pattern: '0 0 5 1 * *', tz: 'Asia/Shanghai' } as const

export const operatingMonthSchema = z.object({ month: z.string().regex(MONTH) })
export const operatingInstitutionSchema = z.object({ month: z.string().regex(MONTH), providerId: z.uuid() })
export type OperatingMonthJob = z.infer<typeof operatingMonthSchema>
export type OperatingInstitutionJob = z.infer<typeof operatingInstitutionSchema>

export function operatingSubsidyQueue() {
	return getQueue<OperatingMonthJob | OperatingInstitutionJob | Record<string, never>>(OPERATING_SUBSIDY_QUEUE)
}

export function operatingMonthJobId(month: string) {
	return `operating-${month}`
}
export function operatingInstitutionJobId(month: string, providerId: string) {
	return `operating-${month}-${providerId}`
}

const JOB_OPTS = { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 } as const

/** Queues `month` ('YYYY-MM'); `unique` lets a test or benchmark deliberately queue it again (it computes nothing new). */
export async function enqueueOperatingMonth(month: string, opts: { unique?: string } = {}) {
	const id = operatingMonthJobId(month)
	return operatingSubsidyQueue().add('month', { month }, { ...JOB_OPTS, jobId: opts.unique ? `${id}-${opts.unique}` : id })
}

/** One job per institution (the month job's fan-out). */
export async function enqueueOperatingInstitutions(month: string, providerIds: readonly string[], opts: { unique?: string } = {}) {
	return operatingSubsidyQueue().addBulk(
		providerIds.map((providerId) => {
			const id = operatingInstitutionJobId(month, providerId)
			return { name: 'institution', data: { month, providerId }, opts: { ...JOB_OPTS, jobId: opts.unique ? `${id}-${opts.unique}` : id } }
		}),
	)
}

/** What 'month-start' does: queue the month that just ended (Shanghai). */
export function enqueueOperatingOfLastMonth() {
	return enqueueLastMonth((month) => enqueueOperatingMonth(month))
}

/** Upserted by every worker at start: one scheduler, whatever the number of worker processes. */
export async function ensureOperatingScheduler() {
	await operatingSubsidyQueue().upsertJobScheduler(OPERATING_SCHEDULER_ID, OPERATING_CRON, { name: 'month-start', data: {}, opts: SCHEDULE_JOB_OPTS })
}
