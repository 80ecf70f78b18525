// The nightly re-review list of statuses (processor: workers/processors/status-review.ts). A scheduler
// fires 'night' at 01:30 Shanghai; it queues one 'day' job for that Shanghai date, which lists the
// statuses ending or due for review within 30 days (app/modules/statuses/review.server.ts). One job
// per day with a deterministic id (`status-review-YYYY-MM-DD`); listing is idempotent anyway.
import { z } from 'zod'
import { shanghaiDate } from '~/lib/time.ts'
import { getQueue, SCHEDULE_JOB_OPTS } from './queues.server.ts'

export const STATUS_REVIEW_QUEUE = 'status-review'
export const STATUS_REVIEW_SCHEDULER_ID = 'status-review-night'
/** 01:30 every night, Shanghai time. */
export const STATUS_REVIEW_CRON = { pattern: '0 30 1 * * *', tz: 'Asia/Shanghai' } as const

export const statusReviewDaySchema = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) })
export type StatusReviewDayJob = z.infer<typeof statusReviewDaySchema>

export function statusReviewQueue() {
	return getQueue<StatusReviewDayJob | Record<string, never>>(STATUS_REVIEW_QUEUE)
}

export function statusReviewJobId(day: string) {
	return `status-review-${day}`
}

/** Queues the listing for `day` ('YYYY-MM-DD'). */
export async function enqueueStatusReview(day: string, opts: { unique?: string } = {}) {
	const id = statusReviewJobId(day)
	return statusReviewQueue().add('day', { day }, { jobId: opts.unique ? `${id}-${opts.unique}` : id, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 })
}

/** What 'night' does: queue today's (Shanghai) listing. */
export async function enqueueTonightsStatusReview() {
	const day = shanghaiDate()
	await enqueueStatusReview(day)
	return day
}

/** Upserted by every worker at start: one scheduler, whatever the number of worker processes. */
export async function ensureStatusReviewScheduler() {
	await statusReviewQueue().upsertJobScheduler(STATUS_REVIEW_SCHEDULER_ID, STATUS_REVIEW_CRON, { name: 'night', data: {}, opts: SCHEDULE_JOB_OPTS })
}
