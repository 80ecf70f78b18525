// The subsidy-grant queue (app/jobs/subsidy-grant.server.ts): parse, then call the grant run.
import { UnrecoverableError, type Job } from 'bullmq'
import { ensureMonthStartScheduler, monthJobSchema, SUBSIDY_QUEUE } from '~/jobs/subsidy-grant.server.ts'
import { parsePayload } from '~/jobs/queues.server.ts'
import { runMonthlyGrant, startMonthlyGrant } from '~/modules/subsidies/grant-run.server.ts'
import type { WorkerDefinition } from './index.ts'

async function process(job: Job) {
	if (job.name === 'month-start') return startMonthlyGrant()
	if (job.name !== 'month') throw new UnrecoverableError(`unknown job ${job.name}`)
	const { month, districtId } = parsePayload(monthJobSchema, job)
	return runMonthlyGrant(month, districtId)
}

export const subsidyGrantWorker: WorkerDefinition = {
	queue: SUBSIDY_QUEUE,
	process,
	options: { concurrency: 2 },
	onStart: ensureMonthStartScheduler,
}
