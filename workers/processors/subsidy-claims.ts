// The subsidy-claims queue (app/jobs/subsidy-claims.server.ts): parse, then call the settlement module.
// The example to copy for a new queue's processor.
import { UnrecoverableError, type Job } from 'bullmq'
import { claimsMonthSchema, enqueueClaimsOfLastMonth, ensureClaimsScheduler, SUBSIDY_CLAIMS_QUEUE } from '~/jobs/subsidy-claims.server.ts'
import { parsePayload } from '~/jobs/queues.server.ts'
import { prepareMonthlyClaims } from '~/modules/subsidies/settlement.server.ts'
import type { WorkerDefinition } from './index.ts'

async function process(job: Job) {
	if (job.name === 'month-start') return { month: await enqueueClaimsOfLastMonth() }
	if (job.name !== 'month') throw new UnrecoverableError(`unknown job ${job.name}`)
	const { month } = parsePayload(claimsMonthSchema, job)
	return { month, ...(await prepareMonthlyClaims(month)) }
}

export const subsidyClaimsWorker: WorkerDefinition = {
	queue: SUBSIDY_CLAIMS_QUEUE,
	process,
	options: { concurrency: 1 },
	onStart: ensureClaimsScheduler,
}
