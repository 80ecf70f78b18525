// The status-review queue (app/jobs/status-review.server.ts): parse, then call the statuses module.
import { UnrecoverableError, type Job } from 'bullmq'
import { enqueueTonightsStatusReview, ensureStatusReviewScheduler, STATUS_REVIEW_QUEUE, statusReviewDaySchema } from '~/jobs/status-review.server.ts'
import { parsePayload } from '~/jobs/queues.server.ts'
import { listStatusesDueForReview } from '~/modules/statuses/review.server.ts'
import type { WorkerDefinition } from './definition.ts'

async function process(job: Job) {
	if (job.name === 'night') return { day: await enqueueTonightsStatusReview() }
	if (job.name !== 'day') throw new UnrecoverableError(`unknown job ${job.name}`)
	const { day } = parsePayload(statusReviewDaySchema, job)
	return listStatusesDueForReview(day)
}

export const statusReviewWorker: WorkerDefinition = {
	queue: STATUS_REVIEW_QUEUE,
	process,
	options: { concurrency: 1 },
	onStart: ensureStatusReviewScheduler,
}
