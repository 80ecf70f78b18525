// The operating-subsidy queue (app/jobs/operating-subsidy.server.ts): parse, then call the module.
import { UnrecoverableError, type Job } from 'bullmq'
import {
	enqueueOperatingInstitutions,
	enqueueOperatingOfLastMonth,
	ensureOperatingScheduler,
	OPERATING_SUBSIDY_QUEUE,
	operatingInstitutionSchema,
	operatingMonthSchema,
} from '~/jobs/operating-subsidy.server.ts'
import { parsePayload } from '~/jobs/queues.server.ts'
import { computeInstitutionMonth, institutionsToCompute } from '~/modules/operating-subsidy/compute.server.ts'
import type { WorkerDefinition } from './definition.ts'

async function process(job: Job) {
	if (job.name === 'month-start') return { month: await enqueueOperatingOfLastMonth() }
	if (job.name === 'month') {
		const { month } = parsePayload(operatingMonthSchema, job)
		const jobs = await enqueueOperatingInstitutions(month, await institutionsToCompute(month))
		return { month, jobIds: jobs.map((j) => j.id) }
	}
	if (job.name !== 'institution') throw new UnrecoverableError(`unknown job ${job.name}`)
	const { month, providerId } = parsePayload(operatingInstitutionSchema, job)
	return { month, providerId, ...(await computeInstitutionMonth(providerId, month)) }
}

export const operatingSubsidyWorker: WorkerDefinition = {
	queue: OPERATING_SUBSIDY_QUEUE,
	process,
	options: { concurrency: 2 },
	onStart: ensureOperatingScheduler,
}
