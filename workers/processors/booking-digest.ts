// The booking-digest queue (app/jobs/booking-digest.server.ts): parse, then write the day's summaries.
import { UnrecoverableError, type Job } from 'bullmq'
import { BOOKING_DIGEST_QUEUE, digestDaySchema, enqueueYesterday, ensureBookingDigestScheduler } from '~/jobs/booking-digest.server.ts'
import { parsePayload } from '~/jobs/queues.server.ts'
import { writeBookingDigests } from '~/modules/marketplace/booking-digest.server.ts'
import type { WorkerDefinition } from './definition.ts'

export async function processBookingDigest(job: Pick<Job, 'queueName' | 'name' | 'data'>) {
	if (job.name === 'day-start') return { day: await enqueueYesterday() }
	if (job.name === 'day') return writeBookingDigests(parsePayload(digestDaySchema, job).day)
	throw new UnrecoverableError(`unknown job ${job.name}`)
}

export const bookingDigestWorker: WorkerDefinition = {
	queue: BOOKING_DIGEST_QUEUE,
	process: processBookingDigest,
	onStart: ensureBookingDigestScheduler,
}
