// The daily booking summary (processor: workers/processors/booking-digest.ts; what it writes:
// app/modules/marketplace/booking-digest.server.ts). A scheduler fires 'day-start' at 08:00
// (Shanghai), when offices open: it queues one 'day' job for the day before, with a deterministic
// id (`booking-digest-YYYY-MM-DD`); the processor is idempotent anyway (one dedupe key per manager and day).
import { z } from 'zod'
import { addDays, shanghaiDate } from '~/lib/time.ts'
import { getQueue, SCHEDULE_JOB_OPTS } from './queues.server.ts'

export const BOOKING_DIGEST_QUEUE = 'booking-digest'
export const BOOKING_DIGEST_SCHEDULER_ID = 'booking-digest-day-start'
export const BOOKING_DIGEST_CRON = { pattern: '0 0 8 * * *', tz: 'Asia/Shanghai' } as const

export const digestDaySchema = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) })
export type DigestDayJob = z.infer<typeof digestDaySchema>

export function bookingDigestQueue() {
	return getQueue<DigestDayJob | Record<string, never>>(BOOKING_DIGEST_QUEUE)
}

export async function enqueueBookingDigest(day: string, opts: { unique?: string } = {}) {
	const id = `booking-digest-${day}`
	return bookingDigestQueue().add('day', { day }, { jobId: opts.unique ? `${id}-${opts.unique}` : id, attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 })
}

/** What 'day-start' does: queue yesterday (Shanghai), the day the summary is about. */
export async function enqueueYesterday(now = new Date()) {
	const day = addDays(shanghaiDate(now), -1)
	await enqueueBookingDigest(day)
	return day
}

/** Upserted by every worker at start: one scheduler, whatever the number of worker processes. */
export async function ensureBookingDigestScheduler() {
	await bookingDigestQueue().upsertJobScheduler(BOOKING_DIGEST_SCHEDULER_ID, BOOKING_DIGEST_CRON, { name: 'day-start', data: {}, opts: SCHEDULE_JOB_OPTS })
}
